/// A 支援措置 in force for a person a certificate could show (住民基本台帳事務処理要領 第5-10; DV防止法, ストーカー規制法,
/// 児童虐待防止法): the person's records are withheld from the other party it names.
public struct Protection: Sendable, Hashable, Codable {
    /// The protected resident (支援対象者)
    public var protectedId: Int64
    /// The other party's 住民票 here, when the 申出 could be matched to one
    public var otherPartyId: Int64?
    /// The other party as the 申出 names them
    public var otherPartyName: String
    public var otherPartyBirthDate: CivilDate?

    public init(protectedId: Int64, otherPartyId: Int64? = nil, otherPartyName: String, otherPartyBirthDate: CivilDate? = nil) {
        self.protectedId = protectedId
        self.otherPartyId = otherPartyId
        self.otherPartyName = otherPartyName
        self.otherPartyBirthDate = otherPartyBirthDate
    }
}

/// A 支援措置 that the city where the person lives forwarded to this city, which keeps their 戸籍 (本籍地): it protects
/// the person's row in the 戸籍 and their 附票 here, though they have no 住民票 here.
public struct ForwardedProtection: Sendable, Hashable, Codable {
    /// The protected person's row in the 戸籍
    public var memberId: Int64
    public var otherPartyName: String
    public var otherPartyBirthDate: CivilDate?

    public init(memberId: Int64, otherPartyName: String, otherPartyBirthDate: CivilDate? = nil) {
        self.memberId = memberId
        self.otherPartyName = otherPartyName
        self.otherPartyBirthDate = otherPartyBirthDate
    }
}

/// How a requester stands to a 戸籍, as the city's own registers show it (戸籍法 §10①, 住基法 §20①).
public enum RegisterTie: String, Sendable, Hashable, Codable {
    /// Recorded in it, 除籍 included (戸籍に記載されている者)
    case recorded
    /// The spouse of a person recorded in it (配偶者)
    case spouse
    /// A parent, grandparent … of a person recorded in it (直系尊属)
    case linealAscendant
    /// A child, grandchild … of a person recorded in it (直系卑属)
    case linealDescendant
}

/// The requester as the registry knows them: their 住民票 here, or (for another city's counter) their row in the
/// subject's 戸籍.
public struct RequesterFacts: Sendable, Hashable {
    /// Their 住民票 here; nil when they are known only from the 戸籍
    public var residentId: Int64?
    /// 氏名 as recorded (for the 支援措置 check: an other party is recognised by name too)
    public var name: String
    public var birthDate: CivilDate
    /// Why their own 住民票 became a 除票, if it did (a deceased person asks for nothing)
    public var removal: RemovedRecord.Reason?
    /// Their tie to the subject's 戸籍, when the registers show one
    public var registerTie: RegisterTie?

    public init(residentId: Int64?, name: String, birthDate: CivilDate, removal: RemovedRecord.Reason? = nil, registerTie: RegisterTie? = nil) {
        self.residentId = residentId
        self.name = name
        self.birthDate = birthDate
        self.removal = removal
        self.registerTie = registerTie
    }
}

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
    /// 支援措置 in force for the subject, for anyone in the subject's household and for anyone recorded in the
    /// subject's 戸籍: everyone a certificate about the subject could show
    public var protections: [Protection]
    /// Current members of the subject's household (the subject included)
    public var householdMemberIds: Set<Int64>
    public var hasActiveSeal: Bool
    public var taxYears: Set<FiscalYear>
    /// The city keeps the subject's 戸籍 (the 本籍 is here)
    public var familyRegisterHere: Bool
    /// Everyone has left the subject's 戸籍: it is a 除籍
    public var familyRegisterClosed: Bool
    /// Residents recorded in the subject's 戸籍, those who left it (除籍) included, the subject too
    public var familyRegisterMemberIds: Set<Int64>
    /// The name holds a 外字 not yet registered (private-use characters)
    public var nameHasPendingGaiji: Bool
    /// Residents, among those a certificate about the subject could show, with a 本人通知 registration in force
    public var holderNotificationIds: Set<Int64>
    /// The requester's own record, when the request names one
    public var requester: RequesterFacts?
    /// 支援措置 forwarded here for persons in the subject's 戸籍 (by their row in it)
    public var forwardedProtections: [ForwardedProtection]
    /// The subject's own rows in that 戸籍
    public var subjectMemberIds: Set<Int64>

    public init(
        residentId: Int64, householdId: Int64, birthDate: CivilDate, removal: RemovedRecord.Reason? = nil,
        moveOutFiled: Bool = false, protections: [Protection] = [], householdMemberIds: Set<Int64> = [],
        hasActiveSeal: Bool = false, taxYears: Set<FiscalYear> = [], familyRegisterHere: Bool = false,
        familyRegisterMemberIds: Set<Int64> = [], nameHasPendingGaiji: Bool = false, holderNotificationIds: Set<Int64> = [],
        requester: RequesterFacts? = nil, familyRegisterClosed: Bool = false, forwardedProtections: [ForwardedProtection] = [],
        subjectMemberIds: Set<Int64> = []
    ) {
        self.familyRegisterClosed = familyRegisterClosed
        self.forwardedProtections = forwardedProtections
        self.subjectMemberIds = subjectMemberIds
        self.residentId = residentId
        self.householdId = householdId
        self.birthDate = birthDate
        self.removal = removal
        self.moveOutFiled = moveOutFiled
        self.protections = protections
        self.householdMemberIds = householdMemberIds.union([residentId])
        self.hasActiveSeal = hasActiveSeal
        self.taxYears = taxYears
        self.familyRegisterHere = familyRegisterHere
        self.familyRegisterMemberIds = familyRegisterMemberIds
        self.nameHasPendingGaiji = nameHasPendingGaiji
        self.holderNotificationIds = holderNotificationIds
        self.requester = requester
    }

    /// A 支援措置 in force protects the subject.
    public var supportMeasureActive: Bool { protections.contains { $0.protectedId == residentId } }

    /// The subject has a 本人通知 registration in force.
    public var holderNotification: Bool { holderNotificationIds.contains(residentId) }

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
    /// 広域交付: asked at another city's counter, to be printed there (住基法 §12の4, 戸籍法 §120の2)
    public var wideArea: Bool

    public init(
        kind: CertificateKind, subjectId: Int64, requester: Requester, channel: Channel,
        options: CertificateOptions = CertificateOptions(), date: CivilDate, wideArea: Bool = false
    ) {
        self.kind = kind
        self.subjectId = subjectId
        self.requester = requester
        self.channel = channel
        self.options = options
        self.date = date
        self.wideArea = wideArea
    }
}
