/// 手数料免除: grounds on which the counter issues free of charge (窓口のみ).
public enum FeeWaiver: String, Sendable, Codable, CaseIterable {
    /// 公用請求
    case official
    /// 生活保護の受給
    case publicAssistance
    /// 児童扶養手当の請求
    case childSupportAllowance
    /// 年金の請求
    case pensionClaim
    /// 罹災
    case disaster

    public var japanese: String {
        switch self {
        case .official: "公用"
        case .publicAssistance: "生活保護"
        case .childSupportAllowance: "児童扶養手当"
        case .pensionClaim: "年金請求"
        case .disaster: "罹災"
        }
    }
}

/// One line of the fee ordinance (手数料条例): a fee for a kind at a channel from a date,
/// optionally until a date (a campaign). `nil` kind or channel matches every one.
public struct FeeRule: Sendable, Codable, Hashable {
    public var kinds: Set<CertificateKind>?
    public var channels: Set<Channel>?
    public var from: CivilDate
    /// Last day (inclusive), for campaigns
    public var through: CivilDate?
    public var yen: Int
    public var label: String
    /// `true`: only for a 除籍 (a 戸籍 everyone has left, 750円 under 戸籍手数料令); `nil` for any register
    public var closedRegister: Bool?

    public init(
        kinds: Set<CertificateKind>?, channels: Set<Channel>?, from: CivilDate, through: CivilDate? = nil, yen: Int,
        label: String, closedRegister: Bool? = nil
    ) {
        self.kinds = kinds
        self.channels = channels
        self.from = from
        self.through = through
        self.yen = yen
        self.label = label
        self.closedRegister = closedRegister
    }

    func applies(_ kind: CertificateKind, _ channel: Channel, _ date: CivilDate, closedRegister closed: Bool) -> Bool {
        (kinds?.contains(kind) ?? true) && (channels?.contains(channel) ?? true) && from <= date
            && (through.map { date <= $0 } ?? true) && (closedRegister.map { $0 == closed } ?? true)
    }

    /// More specific rules win: a campaign over a standing rule, a 除籍 rule over a 戸籍 one, a named kind over all
    /// kinds.
    var specificity: (Int, Int, Int, Int, CivilDate) {
        (through == nil ? 0 : 1, closedRegister == nil ? 0 : 1, kinds == nil ? 0 : 1, channels == nil ? 0 : 1, from)
    }
}

/// The fee a request costs.
public struct Fee: Sendable, Codable, Hashable {
    public var perCopy: Int
    public var copies: Int
    public var waiver: FeeWaiver?
    /// The rule applied (e.g. 「コンビニ交付10円キャンペーン」)
    public var label: String
    public var total: Int { waiver == nil ? perCopy * copies : 0 }

    public init(perCopy: Int, copies: Int, waiver: FeeWaiver?, label: String) {
        self.perCopy = perCopy
        self.copies = copies
        self.waiver = waiver
        self.label = label
    }
}

/// Fees per kind × channel × date, effective-dated, with campaigns.
public struct FeeSchedule: Sendable, Codable, Hashable {
    public var rules: [FeeRule]

    public init(rules: [FeeRule]) { self.rules = rules }

    /// The per-copy fee on a date, or `nil` when no rule covers it.
    public func rule(for kind: CertificateKind, at channel: Channel, on date: CivilDate, closedRegister: Bool = false) -> FeeRule? {
        rules.filter { $0.applies(kind, channel, date, closedRegister: closedRegister) }.max { $0.specificity < $1.specificity }
    }

    /// 窓口市の手数料: 300円 (戸籍 450円) at counters, 100円 less at stores and machines, and a
    /// store campaign of 10円 for the winter of FY2026.
    public static let demoCity: FeeSchedule = {
        let since = CivilDate(year: 2016, month: 3, day: 1)!
        let register: Set<CertificateKind> = [.familyRegisterFull, .familyRegisterIndividual]
        let unattended: Set<Channel> = [.kiosk, .automaticMachine]
        return FeeSchedule(rules: [
            FeeRule(kinds: nil, channels: nil, from: since, yen: 300, label: "手数料条例"),
            FeeRule(kinds: register, channels: nil, from: since, yen: 450, label: "手数料条例（戸籍）"),
            FeeRule(kinds: [.familyRegisterFull], channels: nil, from: since, yen: 750, label: "手数料条例（除籍）", closedRegister: true),
            FeeRule(kinds: nil, channels: unattended, from: since, yen: 200, label: "コンビニ交付・自動交付機"),
            FeeRule(kinds: register, channels: unattended, from: since, yen: 350, label: "コンビニ交付・自動交付機（戸籍）"),
            FeeRule(
                kinds: nil, channels: [.kiosk], from: CivilDate(year: 2026, month: 12, day: 1)!,
                through: CivilDate(year: 2027, month: 2, day: 28)!, yen: 10, label: "コンビニ交付10円キャンペーン"),
        ])
    }()
}
