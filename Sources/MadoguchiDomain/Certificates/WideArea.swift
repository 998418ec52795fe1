/// 広域交付: a counter in one city issues from another city's records, through a city-to-city relay. The keeping city
/// decides with its own facts and rules and answers with the content; the requesting city prints it under its own
/// ledger entry, serial number and signature (住基法 §12の4, 戸籍法 §120の2).
public enum WideArea {
    /// What another city's counter may print: the 住民票の写し (§12の4) and the 戸籍全部事項証明, 除籍 included
    /// (§120の2: no 個人事項証明, no 附票).
    public static let kinds: Set<CertificateKind> = [.residentRecordCopy, .familyRegisterFull]

    /// Who may ask: 本人 and 同一世帯員 for the 住民票; 本人, 配偶者 and 直系 (the 本人等) for the 戸籍. In person only:
    /// no proxy, post, third party, 職務上請求 or 公用請求.
    public static let requesters: Set<RequesterClass> = [.self, .householdMember]

    /// Photo identity issued by a public authority, which both articles require at the counter.
    public static let photoIdentities: Set<IdentityDocument> = [
        .myNumberCard, .driversLicense, .passport, .residenceCard, .disabilityCertificate, .drivingRecordCertificate,
    ]

    /// Items a 広域交付住民票 leaves out: 本籍・筆頭者 (住基法 §12の4④). The 個人番号 and 住民票コード are left out too:
    /// whether the article allows them we read differently from some cities, so we take the side that shows less
    /// (docs/adr/0006-wide-area-issuance.md); the city of residence prints them.
    public static let withheldItems: Set<OptionalItem> = [.permanentDomicile, .individualNumber, .residentRecordCode]
}

/// What the requesting city asks the keeping city: the person as the requester writes them, the requester, and the
/// certificate. The keeping city finds both in its own records.
public struct WideAreaQuery: Sendable, Codable, Hashable {
    public var kind: CertificateKind
    /// The person whose record it is (氏名 as written, 生年月日)
    public var subjectName: String
    public var subjectBirthDate: CivilDate
    /// Who asks, with what the requesting city's clerk checked; `residentId` is ignored (it is another city's)
    public var requester: Requester
    /// The requester's 生年月日, to find them in the keeping city's records
    public var requesterBirthDate: CivilDate?
    public var options: CertificateOptions
    /// The requesting city as its paper prints it
    public var city: CityInfo
    /// Where and by whom it is asked (for the keeping city's record of who looked)
    public var facilityId: String?
    public var actor: String?
    /// The requesting city's key for this request
    public var requestId: String

    public init(
        kind: CertificateKind, subjectName: String, subjectBirthDate: CivilDate, requester: Requester,
        requesterBirthDate: CivilDate? = nil, options: CertificateOptions = CertificateOptions(), city: CityInfo,
        facilityId: String? = nil, actor: String? = nil, requestId: String
    ) {
        self.kind = kind
        self.subjectName = subjectName
        self.subjectBirthDate = subjectBirthDate
        self.requester = requester
        self.requesterBirthDate = requesterBirthDate
        self.options = options
        self.city = city
        self.facilityId = facilityId
        self.actor = actor
        self.requestId = requestId
    }
}

/// The keeping city's answer: the refusals, or the content to print (already the least the requester may see).
public struct WideAreaAnswer: Sendable, Codable, Hashable {
    /// The keeping city
    public var keepingCity: CityInfo
    /// Refusal codes (`refusal.*`), empty when the content is given
    public var refusals: [String]
    public var content: CertificateContent?
    /// The keeping city's reference for the record (opaque to the requesting city)
    public var subjectReference: String?
    /// The 戸籍 is a 除籍 (the fee differs)
    public var closedRegister: Bool

    public init(
        keepingCity: CityInfo, refusals: [String], content: CertificateContent? = nil, subjectReference: String? = nil,
        closedRegister: Bool = false
    ) {
        self.keepingCity = keepingCity
        self.refusals = refusals
        self.content = content
        self.subjectReference = subjectReference
        self.closedRegister = closedRegister
    }
}

/// How a city reaches another city's records: the relay (住基ネット's and the 戸籍情報連携システム's role), which
/// authenticates both ends. The server wires an HTTP client to a `madoguchi relay`; tests may wire cities directly.
public protocol WideAreaRelay: Sendable {
    /// Asks the keeping city `city` and returns its answer; throws a coded error when it cannot be reached.
    func ask(_ query: WideAreaQuery, city: String) async throws -> WideAreaAnswer
    /// Sends a 支援措置 to the city keeping the person's 戸籍; throws a coded error when it is not kept there.
    func forward(_ measure: ForwardedSupportMeasure, city: String) async throws
    /// Asks the city that issued a card for its status (a 本籍地 checking a card it did not issue).
    func cardStatus(serial: String, city: String) async throws -> RelayedCardStatus
}

/// A card's status as the city that issued it states it: `good`, `revoked`, `expired` or `unknown`.
public struct RelayedCardStatus: Codable, Sendable, Hashable {
    public var serial: String
    public var status: String

    public init(serial: String, status: String) {
        self.serial = serial
        self.status = status
    }
}

extension MadoguchiError.Code {
    public static let wideAreaBadRequest = Self("wideArea.badRequest")
    public static let wideAreaBadAnswer = Self("wideArea.badAnswer")
    /// No relay is configured, or the keeping city cannot be reached
    public static let wideAreaUnavailable = Self("wideArea.unavailable")
    public static let relayUnauthorized = Self("relay.unauthorized")
    public static let relayUnknownCity = Self("relay.unknownCity")
    public static let relayNotConfigured = Self("relay.notConfigured")
}
