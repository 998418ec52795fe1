/// Where a 支援措置 stands (住民基本台帳事務処理要領 第5-10). It protects from the 申出 on, while the city confirms
/// the need with the police or the 相談機関: the side that shows less.
public enum SupportMeasureState: String, Sendable, Codable, CaseIterable {
    /// 申出: received; protecting already, while the need is confirmed
    case applied
    /// 決定: the need confirmed; protecting for its term (normally one year), renewable
    case decided
    /// 終了: ended (withdrawn, no longer needed, or refused after confirmation)
    case ended

    public var japanese: String {
        switch self {
        case .applied: "申出（確認中）"
        case .decided: "支援決定"
        case .ended: "終了"
        }
    }

    /// The measure protects (within its term).
    public var protects: Bool { self != .ended }
}

/// What a counter does to a 支援措置.
public enum SupportMeasureAction: String, Sendable, Codable, CaseIterable {
    /// 決定: the need is confirmed; the term runs from the decision
    case decide
    /// 延長: a further term, asked for before the current one ends
    case extend
    /// 終了: withdrawn by the person, or ended by the city (with the reason)
    case end

    public var japanese: String {
        switch self {
        case .decide: "支援決定"
        case .extend: "延長"
        case .end: "終了"
        }
    }
}

/// The transition table of a 支援措置, in one place.
public enum SupportMeasureWorkflow {
    /// The usual term: one year from the decision or the extension (事務処理要領: 支援期間は1年).
    public static func term(from start: CivilDate) -> ClosedRange<CivilDate> {
        // The same day a year on (29 February: 1 March), less a day.
        let anniversary = CivilDate(year: start.year + 1, month: start.month, day: start.day)
            ?? CivilDate(year: start.year + 1, month: 3, day: 1)!
        return start...anniversary.adding(days: -1)
    }

    /// The state an action leads to, or the coded reason it cannot be done.
    public static func next(from state: SupportMeasureState, action: SupportMeasureAction) throws -> SupportMeasureState {
        let to: SupportMeasureState? =
            switch (state, action) {
            case (.applied, .decide): .decided
            case (.decided, .extend): .decided
            case (.applied, .end), (.decided, .end): .ended
            default: nil
            }
        guard let to else {
            throw MadoguchiError(
                .supportMeasureNotAllowed, ja: "「\(state.japanese)」の支援措置に「\(action.japanese)」はできません",
                en: "A support measure that is \(state.rawValue) cannot be given \(action.rawValue)")
        }
        return to
    }
}

/// A procedure done at the counter on the registry the counter keeps, as the record of procedures names it.
public enum RegistryProcedureKind: String, Sendable, Codable, CaseIterable {
    case supportMeasureApplied, supportMeasureDecided, supportMeasureExtended, supportMeasureEnded
    case sealRegistered, sealAbolished
    case holderNotificationRegistered, holderNotificationEnded

    public var japanese: String {
        switch self {
        case .supportMeasureApplied: "支援措置の申出"
        case .supportMeasureDecided: "支援措置の決定"
        case .supportMeasureExtended: "支援措置の延長"
        case .supportMeasureEnded: "支援措置の終了"
        case .sealRegistered: "印鑑登録"
        case .sealAbolished: "印鑑登録の廃止"
        case .holderNotificationRegistered: "本人通知の登録"
        case .holderNotificationEnded: "本人通知の登録廃止"
        }
    }
}

extension MadoguchiError.Code {
    public static let supportMeasureNotAllowed = Self("supportMeasure.notAllowed")
    public static let procedureInvalid = Self("procedure.invalid")
}

/// A 支援措置 as the city of residence forwards it to the city keeping the person's 戸籍 (本籍地), over the relay:
/// the person as the 戸籍 records them, the other party, and where the measure stands. Sent again at each step.
public struct ForwardedSupportMeasure: Sendable, Codable, Hashable {
    /// The sending city's reference for the measure (the same at every step)
    public var reference: String
    public var state: SupportMeasureState
    /// 本籍 and 筆頭者 of the 戸籍, and the person's 氏名 and 生年月日 in it
    public var permanentDomicile: String
    public var domicileHead: String
    public var name: String
    public var birthDate: CivilDate
    public var otherPartyName: String
    public var otherPartyBirthDate: CivilDate?
    public var termStart: CivilDate
    public var termEnd: CivilDate

    public init(
        reference: String, state: SupportMeasureState, permanentDomicile: String, domicileHead: String, name: String, birthDate: CivilDate,
        otherPartyName: String, otherPartyBirthDate: CivilDate?, termStart: CivilDate, termEnd: CivilDate
    ) {
        self.reference = reference
        self.state = state
        self.permanentDomicile = permanentDomicile
        self.domicileHead = domicileHead
        self.name = name
        self.birthDate = birthDate
        self.otherPartyName = otherPartyName
        self.otherPartyBirthDate = otherPartyBirthDate
        self.termStart = termStart
        self.termEnd = termEnd
    }
}
