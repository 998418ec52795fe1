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

    public var japanese: String {
        switch self {
        case .wardOffice: "区役所"
        case .branchOffice: "支所"
        case .subBranchOffice: "出張所"
        case .serviceCorner: "行政サービスコーナー"
        case .liaisonOffice: "連絡所"
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
