import Foundation

/// Open data of the indicators: one row per value (基準値, 計画値, 実績値, 目標値) per fiscal year, in the
/// long form that spreadsheets and the 自治体標準オープンデータセット style expect.
public enum IndicatorOpenData {
    public enum ValueKind: String, Sendable, Codable, CaseIterable {
        case baseline, plan, actual, target, live

        public var japanese: String {
            switch self {
            case .baseline: "基準値"
            case .plan: "計画値"
            case .actual: "実績値"
            case .target: "目標値"
            case .live: "自動集計値"
            }
        }
    }

    public struct Row: Hashable, Sendable, Codable {
        public var sheetCode: String
        public var sheetTitle: String
        public var indicator: Int
        public var indicatorName: String
        public var unit: String?
        public var direction: IndicatorDirection?
        public var fiscalYear: FiscalYear
        public var kind: ValueKind
        /// The number as written, or `-` (not applicable).
        public var value: SheetFigure
        /// For a live value: where it came from and when.
        public var source: String?
    }

    public static let header = ["施策コード", "施策名", "指標番号", "指標名", "単位", "指標の方向性", "年度", "和暦年度", "区分", "値", "出典"]

    /// Every value on the sheets, in sheet, indicator and year order; live readings after the sheet's own values.
    public static func rows(_ sheets: [EvaluationSheet], live: [String: [Int: LiveIndicatorReading]] = [:]) -> [Row] {
        var out: [Row] = []
        for sheet in sheets {
            for i in sheet.indicators {
                func add(_ year: FiscalYear?, _ kind: ValueKind, _ figure: SheetFigure?, source: String? = nil) {
                    guard let year, let figure else { return }
                    out.append(Row(
                        sheetCode: sheet.code, sheetTitle: sheet.title, indicator: i.number, indicatorName: i.name, unit: i.unit,
                        direction: i.direction, fiscalYear: year, kind: kind, value: figure, source: source))
                }
                var entries: [(FiscalYear, Int, ValueKind, SheetFigure, String?)] = []
                if let b = i.baseline, let y = b.year, let f = b.figure { entries.append((y, 0, .baseline, f, nil)) }
                for y in i.years {
                    if let p = y.plan { entries.append((y.year, 1, .plan, p, nil)) }
                    if let a = y.actual { entries.append((y.year, 2, .actual, a, nil)) }
                }
                if let t = i.target, let y = t.year, let f = t.figure { entries.append((y, 3, .target, f, nil)) }
                if let reading = live[sheet.code]?[i.number] {
                    for v in reading.values {
                        entries.append((v.year, 4, .live, .number(v.value), "\(reading.source.japanese)（\(reading.asOf)時点）"))
                    }
                }
                for e in entries.sorted(by: { ($0.0, $0.1) < ($1.0, $1.1) }) { add(e.0, e.2, e.3, source: e.4) }
            }
        }
        return out
    }

    /// RFC 4180 CSV with CRLF line ends and a header row.
    public static func csv(_ rows: [Row]) -> String {
        var lines = [header.map(quote).joined(separator: ",")]
        for r in rows {
            lines.append([
                r.sheetCode, r.sheetTitle, String(r.indicator), r.indicatorName, r.unit ?? "", r.direction?.japanese ?? "",
                String(r.fiscalYear.startYear), r.fiscalYear.japaneseDescription, r.kind.japanese, r.value.description, r.source ?? "",
            ].map(quote).joined(separator: ","))
        }
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    static func quote(_ field: String) -> String {
        guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// JSON with numbers as JSON numbers (a dash is `null` with `"notApplicable": true`).
    public static func json(_ rows: [Row], generatedAt: String) -> Data {
        struct Value: Encodable {
            var sheetCode: String, sheetTitle: String, indicator: Int, indicatorName: String, unit: String?
            var direction: String?, fiscalYear: Int, fiscalYearJapanese: String, kind: String, kindJapanese: String
            var value: Decimal?, notApplicable: Bool?, source: String?
        }
        struct Document: Encodable {
            var generatedAt: String
            var license: String
            var values: [Value]
        }
        let values = rows.map { r in
            Value(
                sheetCode: r.sheetCode, sheetTitle: r.sheetTitle, indicator: r.indicator, indicatorName: r.indicatorName, unit: r.unit,
                direction: r.direction?.rawValue, fiscalYear: r.fiscalYear.startYear, fiscalYearJapanese: r.fiscalYear.japaneseDescription,
                kind: r.kind.rawValue, kindJapanese: r.kind.japanese, value: r.value.number?.decimal,
                notApplicable: r.value == .notApplicable ? true : nil, source: r.source)
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        var data = try! encoder.encode(Document(generatedAt: generatedAt, license: "CC BY 4.0", values: values))
        data.append(0x0A)
        return data
    }
}
