/// The kinds of place that serve residents.
public enum FacilityKind: String, Sendable, Codable, CaseIterable {
    /// 区役所
    case wardOffice
    /// 支所
    case branchOffice
    /// 出張所
    case subBranchOffice
    /// 行政サービスコーナー
    case serviceCorner
    /// 連絡所
    case liaisonOffice
    /// まちづくりセンター: what the 出張所 became in the seeds' reorganisation (地域のまちづくり支援, and the
    /// certificates the city kept there)
    case communityCenter
    /// 証明書自動交付機の設置場所: a machine of the city's, away from its offices
    case automaticMachine
    /// 郵便局: issues on the city's behalf (地方公共団体の特定の事務の郵便局における取扱いに関する法律)
    case postOffice

    public var japanese: String {
        switch self {
        case .wardOffice: "区役所"
        case .branchOffice: "支所"
        case .subBranchOffice: "出張所"
        case .serviceCorner: "行政サービスコーナー"
        case .liaisonOffice: "連絡所"
        case .communityCenter: "まちづくりセンター"
        case .automaticMachine: "証明書自動交付機"
        case .postOffice: "郵便局"
        }
    }

    public var english: String {
        switch self {
        case .wardOffice: "ward office"
        case .branchOffice: "branch office"
        case .subBranchOffice: "sub-branch office"
        case .serviceCorner: "service corner"
        case .liaisonOffice: "liaison office"
        case .communityCenter: "community centre"
        case .automaticMachine: "automatic certificate machine"
        case .postOffice: "post office"
        }
    }

    /// Whether the city's own staff serve at a window there. A machine has none; a post office's clerks are the post
    /// office's, issuing on the city's behalf.
    public var hasCityStaff: Bool {
        switch self {
        case .automaticMachine, .postOffice: false
        default: true
        }
    }
}

/// A facility with a stable code, its ward and address, and the dates it opened and closed.
public struct Facility: Hashable, Sendable, Codable, Identifiable {
    /// A stable code such as `nakahara-ward-office`
    public var id: String
    public var kind: FacilityKind
    public var name: String
    /// 区 the facility belongs to
    public var ward: String
    public var address: Address
    public var openedOn: CivilDate
    public var closedOn: CivilDate?

    public init(
        id: String, kind: FacilityKind, name: String, ward: String, address: Address, openedOn: CivilDate,
        closedOn: CivilDate? = nil
    ) {
        self.id = id
        self.kind = kind
        self.name = name
        self.ward = ward
        self.address = address
        self.openedOn = openedOn
        self.closedOn = closedOn
    }

    public func isOperating(on date: CivilDate) -> Bool {
        openedOn <= date && (closedOn.map { date < $0 } ?? true)
    }
}
