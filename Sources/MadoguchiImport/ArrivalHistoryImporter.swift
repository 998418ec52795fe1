import Foundation
import MadoguchiDomain

/// Hourly ticket counts from the ticketing system a city had before (施設ID,日,時,発券数; UTF-8 or CP932): what the
/// congestion forecast learns from before the city's own tickets (ADR 0013). A facility's day is written whole; the
/// hours a file does not give are zero.
public enum ArrivalHistoryImporter {
    public static let columns = [
        CSVTable.Column("facilityId", ["施設ID"]), CSVTable.Column("day", ["日付", "日"]), CSVTable.Column("hour", ["時", "時間帯"]),
        CSVTable.Column("tickets", ["発券数", "件数"]),
    ]

    /// What a file holds: each facility's counts, and its bad rows.
    public struct Contents: Sendable {
        public var encoding: TextEncoding
        public var rows: Int
        public var counts: [String: [ArrivalCount]]
        public var errors: [ImportRowError]
    }

    /// Reads every row; a row is bad when a value is missing or out of range, or when it gives an hour already given.
    public static func read(_ bytes: [UInt8], encoding: TextEncoding? = nil) throws -> Contents {
        let table = try CSVTable(bytes, encoding: encoding, columns: columns)
        var counts: [String: [ArrivalCount]] = [:]
        var seen = Set<String>()
        var errors: [ImportRowError] = []
        for row in table.rows {
            do {
                try row.checkWidth()
                let facility = try row.required("facilityId"), day = try row.requiredDate("day")
                let hour = try row.amount("hour"), tickets = try row.amount("tickets")
                guard hour < 24 else { throw row.error("時は0から23までです: \(hour)", "the hour is 0 to 23: \(hour)") }
                guard seen.insert("\(facility) \(day) \(hour)").inserted else {
                    throw row.error("\(facility)の\(day) \(hour)時は既に前の行にあります", "\(facility) \(day) hour \(hour) is given twice")
                }
                counts[facility, default: []].append(ArrivalCount(day: day, hour: hour, tickets: tickets))
            } catch let error as MadoguchiError {
                errors.append(ImportRowError(line: row.line, error: error))
            }
        }
        return Contents(encoding: table.encoding, rows: table.rows.count, counts: counts, errors: errors)
    }
}
