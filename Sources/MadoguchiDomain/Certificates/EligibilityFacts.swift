/// What the registry says about the certificate's subject on the day of the request: the rules need
/// nothing else, so they stay pure and are tested without a database.
public struct SubjectFacts: Sendable, Hashable {
    public var residentId: Int64
    public var householdId: Int64
    public var birthDate: CivilDate
    /// Why the 住民票 became a 除票, if it did
    public var removal: RemovedRecord.Reason?
    /// A 転出届 filed, the move still ahead
    public var moveOutFiled: Bool
    /// A 支援措置 in force protects the subject
    public var supportMeasureActive: Bool
    /// Residents named as the other party of a 支援措置 in force for anyone in the subject's household
    public var supportMeasureOtherPartyIds: Set<Int64>
    /// Names of those other parties as the applications give them (for requesters who are not residents)
    public var supportMeasureOtherPartyNames: Set<String>
    /// Current members of the subject's household (the subject included)
    public var householdMemberIds: Set<Int64>
    public var hasActiveSeal: Bool
    public var taxYears: Set<FiscalYear>
    /// The city keeps the subject's 戸籍 (the 本籍 is here)
    public var familyRegisterHere: Bool
    /// Residents recorded in the same 戸籍 (the subject included)
    public var familyRegisterMemberIds: Set<Int64>
    /// The name holds a 外字 not yet registered (private-use characters)
    public var nameHasPendingGaiji: Bool
    /// 本人通知制度 registration in force
    public var holderNotification: Bool

    public init(
        residentId: Int64, householdId: Int64, birthDate: CivilDate, removal: RemovedRecord.Reason? = nil,
        moveOutFiled: Bool = false, supportMeasureActive: Bool = false, supportMeasureOtherPartyIds: Set<Int64> = [],
        supportMeasureOtherPartyNames: Set<String> = [], householdMemberIds: Set<Int64> = [],
        hasActiveSeal: Bool = false, taxYears: Set<FiscalYear> = [], familyRegisterHere: Bool = false,
        familyRegisterMemberIds: Set<Int64> = [], nameHasPendingGaiji: Bool = false, holderNotification: Bool = false
    ) {
        self.residentId = residentId
        self.householdId = householdId
        self.birthDate = birthDate
        self.removal = removal
        self.moveOutFiled = moveOutFiled
        self.supportMeasureActive = supportMeasureActive
        self.supportMeasureOtherPartyIds = supportMeasureOtherPartyIds
        self.supportMeasureOtherPartyNames = supportMeasureOtherPartyNames
        self.householdMemberIds = householdMemberIds.union([residentId])
        self.hasActiveSeal = hasActiveSeal
        self.taxYears = taxYears
        self.familyRegisterHere = familyRegisterHere
        self.familyRegisterMemberIds = familyRegisterMemberIds
        self.nameHasPendingGaiji = nameHasPendingGaiji
        self.holderNotification = holderNotification
    }

    /// Private-use code points stand for 外字 awaiting registration in the character set.
    public static func hasPendingGaiji(_ name: String) -> Bool {
        name.unicodeScalars.contains { (0xE000...0xF8FF).contains($0.value) || (0xF0000...0x10FFFF).contains($0.value) }
    }
}

/// A request for a certificate, as the rules see it.
public struct CertificateRequest: Sendable, Codable, Hashable {
    public var kind: CertificateKind
    public var subjectId: Int64
    public var requester: Requester
    public var channel: Channel
    public var options: CertificateOptions
    /// The day of the request (JST)
    public var date: CivilDate

    public init(
        kind: CertificateKind, subjectId: Int64, requester: Requester, channel: Channel,
        options: CertificateOptions = CertificateOptions(), date: CivilDate
    ) {
        self.kind = kind
        self.subjectId = subjectId
        self.requester = requester
        self.channel = channel
        self.options = options
        self.date = date
    }
}
