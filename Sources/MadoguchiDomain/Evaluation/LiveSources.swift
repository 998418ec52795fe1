import Foundation

/// まちづくりセンター地域担当職員の地域での活動: one activity in the activity log.
public struct RegionalActivity: Hashable, Sendable, Codable {
    public var id: Int64?
    /// 地域担当職員
    public var staff: String
    /// まちづくりセンター
    public var center: String
    public var date: CivilDate
    /// 会議出席, 地域行事支援, 相談対応 …
    public var kind: String
    public var participants: Int
    public var note: String?

    public init(id: Int64? = nil, staff: String, center: String, date: CivilDate, kind: String, participants: Int, note: String? = nil) {
        self.id = id
        self.staff = staff
        self.center = center
        self.date = date
        self.kind = kind
        self.participants = participants
        self.note = note
    }

    /// The kinds offered on the entry page; others may be typed.
    public static let commonKinds = ["地域の会議への出席", "地域行事の支援", "相談対応", "地域団体との調整", "情報提供・広報"]

    public func problems() -> [SheetProblem] {
        var out: [SheetProblem] = []
        if staff.trimmingSpaces.isEmpty { out.append(.init(field: "staff", ja: "職員名を入力してください", en: "Enter the staff member")) }
        if center.trimmingSpaces.isEmpty {
            out.append(.init(field: "center", ja: "まちづくりセンターを入力してください", en: "Enter the まちづくりセンター"))
        }
        if kind.trimmingSpaces.isEmpty { out.append(.init(field: "kind", ja: "活動の種類を入力してください", en: "Enter the kind of activity")) }
        if participants < 0 || participants > 100_000 {
            out.append(.init(field: "participants", ja: "参加人数は0〜100000人です", en: "Participants must be 0 to 100000"))
        }
        return out
    }
}

/// A citizen survey (市民アンケート) and its questions.
public struct Survey: Hashable, Sendable, Codable {
    /// A stable id: `2016-citizen`.
    public var id: String
    public var title: String
    /// The fiscal year whose indicator it measures.
    public var fiscalYear: FiscalYear
    public var questions: [SurveyQuestion]

    public init(id: String, title: String, fiscalYear: FiscalYear, questions: [SurveyQuestion]) {
        self.id = id
        self.title = title
        self.fiscalYear = fiscalYear
        self.questions = questions
    }

    public func problems() -> [SheetProblem] {
        var out: [SheetProblem] = []
        if id.isEmpty || !id.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }) {
            out.append(.init(field: "id", ja: "調査IDは英数字とハイフンです", en: "A survey id is letters, digits and hyphens"))
        }
        if title.trimmingSpaces.isEmpty { out.append(.init(field: "title", ja: "調査名を入力してください", en: "Enter the title")) }
        if questions.isEmpty { out.append(.init(field: "questions", ja: "設問がありません", en: "The survey has no question")) }
        var codes: Set<String> = []
        for (i, q) in questions.enumerated() {
            if !codes.insert(q.code).inserted { out.append(.init(field: "questions[\(i)].code", ja: "設問コード\(q.code)が重複しています", en: "Question \(q.code) appears twice")) }
            if q.options.count < 2 { out.append(.init(field: "questions[\(i)].options", ja: "選択肢は2つ以上です", en: "A question needs two options or more")) }
            if Set(q.options).count != q.options.count {
                out.append(.init(field: "questions[\(i)].options", ja: "選択肢が重複しています", en: "An option appears twice"))
            }
            if q.satisfied.isEmpty || !q.satisfied.allSatisfy(q.options.contains) {
                out.append(.init(field: "questions[\(i)].satisfied", ja: "「満足」に数える選択肢は設問の選択肢から選んでください",
                                 en: "The options counted as satisfied must be among the question's options"))
            }
        }
        return out
    }
}

/// A question with its answer options and the options that count as satisfied (満足, やや満足).
public struct SurveyQuestion: Hashable, Sendable, Codable {
    /// The same code in each year's survey, so a series can follow it: `ward-satisfaction`.
    public var code: String
    public var text: String
    public var options: [String]
    public var satisfied: [String]

    public init(code: String, text: String, options: [String], satisfied: [String]) {
        self.code = code
        self.text = text
        self.options = options
        self.satisfied = satisfied
    }

    /// Reads an answer as a questionnaire's data entry writes it: the option's text or its number (1-based).
    /// Blank is no answer (無回答). Anything else is an error.
    public func answer(_ written: String) throws -> String? {
        let s = JapaneseText.normalized(written)
        if s.isEmpty || s == "無回答" { return nil }
        if let exact = options.first(where: { $0 == s }) { return exact }
        if let n = Int(s), options.indices.contains(n - 1) { return options[n - 1] }
        throw MadoguchiError(
            .surveyAnswerUnknown, ja: "設問\(code)の回答「\(written)」は選択肢（\(options.joined(separator: "・"))）にありません",
            en: "The answer \(written) to \(code) is not one of its options")
    }
}

/// A share in percent with one decimal place, rounded half up: 20 of 103 is 19.4.
public enum Share {
    public static func percent(_ part: Int, of whole: Int) -> SheetNumber? {
        guard whole > 0 else { return nil }
        var value = Decimal(part) * 100 / Decimal(whole)
        var rounded = Decimal()
        NSDecimalRound(&rounded, &value, 1, .plain)
        var text = "\(rounded)"
        if !text.contains(".") { text += ".0" }
        return SheetNumber(text)
    }
}

extension MadoguchiError.Code {
    public static let surveyAnswerUnknown = Self("survey.answer.unknown")
    public static let surveyInvalid = Self("survey.invalid")
    public static let activityInvalid = Self("activity.invalid")
}
