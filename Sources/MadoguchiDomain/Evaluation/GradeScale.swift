/// 評価区分: a city's grade scale, configurable. A grade may carry a qualifier, as Kawasaki's A does
/// (新たな課題等 Ⅰ 無 / Ⅱ 有).
public struct GradeScale: Hashable, Sendable, Codable {
    public struct Grade: Hashable, Sendable, Codable {
        /// A, B, C …
        public var symbol: String
        /// 施策が順調に推進したもの
        public var meaning: String
        /// Other ways sheets write this grade (Ａ, 1, Ⅰ, ○ …), read as it on import.
        public var aliases: [String]

        public init(symbol: String, meaning: String, aliases: [String] = []) {
            self.symbol = symbol
            self.meaning = meaning
            self.aliases = aliases
        }
    }

    public struct Qualifier: Hashable, Sendable, Codable {
        /// 新たな課題等
        public var name: String
        /// Ⅰ 無, Ⅱ 有
        public var options: [Option]
        /// The grades that take it (A).
        public var grades: [String]

        public struct Option: Hashable, Sendable, Codable {
            public var symbol: String
            public var meaning: String
            public init(symbol: String, meaning: String) {
                self.symbol = symbol
                self.meaning = meaning
            }
        }

        public init(name: String, options: [Option], grades: [String]) {
            self.name = name
            self.options = options
            self.grades = grades
        }
    }

    /// A stable id: `abc`, `kawasaki-measure`.
    public var id: String
    public var grades: [Grade]
    public var qualifier: Qualifier?

    public init(id: String, grades: [Grade], qualifier: Qualifier? = nil) {
        self.id = id
        self.grades = grades
        self.qualifier = qualifier
    }

    /// Reads a grade as a sheet writes it: `A`, `Ａ`, `AⅡ`, `A-Ⅱ`, an alias. Throws when the text
    /// is not on the scale or a qualifier is missing, unknown or given where the grade takes none.
    public func read(_ written: String) throws -> GradeMark {
        let s = JapaneseText.normalized(written).replacingOccurrences(of: " ", with: "")
        let unknown = MadoguchiError(
            .gradeUnknown,
            ja: "評価「\(written)」は評価区分（\(grades.map(\.symbol).joined(separator: "・"))）にありません",
            en: "The grade \(written) is not on the scale \(grades.map(\.symbol).joined(separator: ", "))")
        // Exact symbols and aliases first, longest first, so that "Ⅱ" as an alias is not read as a qualifier.
        let spellings = grades.flatMap { g in ([g.symbol] + g.aliases).map { ($0, g.symbol) } }.sorted {
            $0.0.count > $1.0.count
        }
        for (spelling, symbol) in spellings where s.hasPrefix(JapaneseText.normalized(spelling)) {
            var rest = String(s.dropFirst(JapaneseText.normalized(spelling).count))
            if rest.hasPrefix("-") || rest.hasPrefix("・") { rest.removeFirst() }
            let takesQualifier = qualifier?.grades.contains(symbol) ?? false
            if rest.isEmpty {
                if takesQualifier, let q = qualifier {
                    throw MadoguchiError(
                        .gradeUnknown,
                        ja: "評価「\(written)」には\(q.name)（\(q.options.map(\.symbol).joined(separator: "・"))）が要ります",
                        en: "The grade \(written) needs its qualifier (\(q.options.map(\.symbol).joined(separator: ", ")))")
                }
                return GradeMark(grade: symbol)
            }
            guard takesQualifier, let q = qualifier else { continue }
            let option = q.options.first { $0.symbol == rest || romanNumeral(rest) == $0.symbol }
            guard let option else { continue }
            return GradeMark(grade: symbol, qualifier: option.symbol)
        }
        throw unknown
    }

    public func meaning(of mark: GradeMark) -> String? {
        guard let grade = grades.first(where: { $0.symbol == mark.grade }) else { return nil }
        guard let q = mark.qualifier, let option = qualifier?.options.first(where: { $0.symbol == q }) else {
            return grade.meaning
        }
        return "\(grade.meaning)（\(qualifier!.name) \(option.meaning)）"
    }

    private func romanNumeral(_ s: String) -> String? {
        ["I": "Ⅰ", "II": "Ⅱ", "III": "Ⅲ", "IV": "Ⅳ", "V": "Ⅴ", "1": "Ⅰ", "2": "Ⅱ", "3": "Ⅲ"][s.uppercased()]
    }
}

extension GradeScale {
    /// A / B / C of the 行財政改革 program sheets.
    public static let abc = GradeScale(
        id: "abc",
        grades: [
            Grade(symbol: "A", meaning: "予定通り実施した"),
            Grade(symbol: "B", meaning: "一部実施した（予定を変更して実施した）"),
            Grade(symbol: "C", meaning: "実施できなかった"),
        ])

    /// AⅠ / AⅡ / B / C of Kawasaki's 施策進行管理・評価票.
    public static let kawasakiMeasure = GradeScale(
        id: "kawasaki-measure",
        grades: [
            Grade(symbol: "A", meaning: "施策が順調に推進したもの"),
            Grade(symbol: "B", meaning: "施策が一定程度推進したもの"),
            Grade(symbol: "C", meaning: "施策が推進していないもの"),
        ],
        qualifier: Qualifier(
            name: "新たな課題等", options: [.init(symbol: "Ⅰ", meaning: "無"), .init(symbol: "Ⅱ", meaning: "有")],
            grades: ["A"]))

    /// Five grades written A–E, 1–5 or Ⅰ–Ⅴ, as many cities' sheets do.
    public static let fiveLevel = GradeScale(
        id: "five-level",
        grades: [
            Grade(symbol: "A", meaning: "目標を大きく上回った", aliases: ["1", "Ⅰ", "I"]),
            Grade(symbol: "B", meaning: "目標を達成した", aliases: ["2", "Ⅱ", "II"]),
            Grade(symbol: "C", meaning: "目標をやや下回った", aliases: ["3", "Ⅲ", "III"]),
            Grade(symbol: "D", meaning: "目標を下回った", aliases: ["4", "Ⅳ", "IV"]),
            Grade(symbol: "E", meaning: "取組が進まなかった", aliases: ["5", "Ⅴ", "V"]),
        ])

    /// Done / not done, written ○/● or □/■.
    public static let doneNotDone = GradeScale(
        id: "done",
        grades: [
            Grade(symbol: "○", meaning: "実施した", aliases: ["◯", "□", "済"]),
            Grade(symbol: "●", meaning: "実施しなかった", aliases: ["■", "未"]),
        ])

    public static let builtIn: [GradeScale] = [.abc, .kawasakiMeasure, .fiveLevel, .doneNotDone]
}

/// A grade given: `A`, or `A` with qualifier `Ⅱ` (AⅡ).
public struct GradeMark: Hashable, Sendable, Codable, CustomStringConvertible {
    public var grade: String
    public var qualifier: String?

    public init(grade: String, qualifier: String? = nil) {
        self.grade = grade
        self.qualifier = qualifier
    }

    public var description: String { grade + (qualifier ?? "") }
}
