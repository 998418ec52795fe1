import Foundation
import MadoguchiDomain

/// Counts for the statistics (issue 14, item 7): what the ledger's certificates say was issued.
public protocol StatisticsStore: Sendable {
    /// Copies issued from one day to another (inclusive, Japan time) by facility, channel, kind, month and hour; at one
    /// facility, or everywhere when `facilityId` is nil. Only certificates that stand (not voided, not superseded).
    func issuance(from: CivilDate, through: CivilDate, facilityId: String?) async throws -> [IssuanceTally]
}

struct SQLStatisticsStore: StatisticsStore {
    let database: MadoguchiDatabase

    func issuance(from: CivilDate, through: CivilDate, facilityId: String?) async throws -> [IssuanceTally] {
        try await database.sqlRead { db in
            // issuedAt is written in Japan time (`2026-11-24T10:00:00.000+09:00`): its text orders and cuts by day and hour.
            var arguments: [any SQLBindable] = [from.description, through.adding(days: 1).description]
            if let facilityId { arguments.append(facilityId) }
            return try db.rows(
                """
                SELECT facilityId, channel, kind, substr(issuedAt, 1, 7) AS month, CAST(substr(issuedAt, 12, 2) AS INTEGER) AS hour,
                  sum(copies) AS copies
                FROM certificate WHERE status = 'issued' AND issuedAt >= ? AND issuedAt < ?\(facilityId == nil ? "" : " AND facilityId = ?")
                GROUP BY facilityId, channel, kind, substr(issuedAt, 1, 7), CAST(substr(issuedAt, 12, 2) AS INTEGER)
                ORDER BY month, hour, facilityId, channel, kind
                """, arguments: arguments
            ).map { r in
                IssuanceTally(
                    facilityId: try r.optionalText("facilityId"), channel: try r.text("channel"), kind: try r.text("kind"),
                    month: try r.text("month"), hour: Int(try r.int("hour")), copies: Int(try r.int("copies")))
            }
        }
    }
}

extension MadoguchiDatabase {
    /// Counts for the statistics.
    public var statistics: any StatisticsStore { SQLStatisticsStore(database: self) }
}
