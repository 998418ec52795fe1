import Foundation
import MadoguchiDomain

/// Each place's certificates and costs for fiscal years, as the city's 決算 or 事務事業評価 gives them
/// (年度,施設ID,証明書件数,人件費,施設費,1件あたり手数料; UTF-8 or CP932): what the reorganisation what-if weighs
/// (ADR 0014). The store channel's row has no 施設ID (or `stores`, コンビニ交付).
public enum ServiceFiguresImporter {
    public static let columns = [
        CSVTable.Column("fiscalYear", ["年度"]), CSVTable.Column("facilityId", ["施設ID"]),
        CSVTable.Column("certificates", ["証明書件数", "交付件数"]), CSVTable.Column("staffYen", ["人件費"]),
        CSVTable.Column("premisesYen", ["施設費", "物件費"]), CSVTable.Column("perCertificateYen", ["1件あたり手数料", "手数料単価"]),
    ]

    public struct Contents: Sendable {
        public var encoding: TextEncoding
        public var rows: Int
        public var figures: [AnnualServiceFigures]
        public var errors: [ImportRowError]
    }

    /// Reads every row; a row is bad when a value is missing or not a whole number of 0 or more, the year unreadable,
    /// or a place's year given twice.
    public static func read(_ bytes: [UInt8], encoding: TextEncoding? = nil) throws -> Contents {
        let table = try CSVTable(bytes, encoding: encoding, columns: columns)
        var figures: [AnnualServiceFigures] = []
        var seen = Set<String>()
        var errors: [ImportRowError] = []
        for row in table.rows {
            do {
                try row.checkWidth()
                let yearText = try row.required("fiscalYear")
                let year: FiscalYear
                do { year = try FiscalYear.parse(yearText) } catch {
                    throw row.error("「年度」が読めません: \(yearText)（2025、令和7年度）", "fiscalYear is unreadable: \(yearText)")
                }
                let place = row.value("facilityId").flatMap { ["stores", "コンビニ交付"].contains($0) ? nil : $0 }
                let f = try AnnualServiceFigures(
                    fiscalYear: year, facilityId: place, certificates: try row.amount("certificates"), staffYen: try row.amount("staffYen"),
                    premisesYen: try row.amount("premisesYen"), perCertificateYen: try row.amount("perCertificateYen")
                ).validated()
                // Only a good row claims its place's year.
                guard seen.insert("\(year.startYear) \(place ?? "")").inserted else {
                    throw row.error("\(place ?? "コンビニ交付")の\(year)は既に前の行にあります", "\(place ?? "stores") \(year) is given twice")
                }
                figures.append(f)
            } catch let error as MadoguchiError {
                errors.append(ImportRowError(line: row.line, error: error))
            }
        }
        return Contents(encoding: table.encoding, rows: table.rows.count, figures: figures, errors: errors)
    }
}
