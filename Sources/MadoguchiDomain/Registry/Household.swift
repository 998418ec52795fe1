/// 世帯: the people living together under one householder at one address.
public struct Household: Hashable, Sendable, Codable, Identifiable {
    public var id: Int64?
    public var address: Address
    /// 世帯を構成した日
    public var formedOn: CivilDate

    public init(id: Int64? = nil, address: Address, formedOn: CivilDate) {
        self.id = id
        self.address = address
        self.formedOn = formedOn
    }
}

/// 住民異動: births, moves and deaths as the registry records them.
public struct ResidentMovement: Hashable, Sendable, Codable, Identifiable {
    public enum Kind: String, Sendable, Codable, CaseIterable {
        /// 出生
        case birth
        /// 転入
        case moveIn
        /// 転居 (within the city)
        case moveWithin
        /// 転出届 filed (転出予定); the record is removed on the move date
        case moveOutNotified
        /// 転出 completed
        case moveOut
        /// 死亡
        case death

        public var japanese: String {
            switch self {
            case .birth: "出生"
            case .moveIn: "転入"
            case .moveWithin: "転居"
            case .moveOutNotified: "転出届"
            case .moveOut: "転出"
            case .death: "死亡"
            }
        }
    }

    public var id: Int64?
    public var residentId: Int64
    public var kind: Kind
    /// 異動日
    public var occurredOn: CivilDate
    /// 届出日
    public var notifiedOn: CivilDate
    /// 異動前・異動後の住所 where it applies
    public var fromAddress: String?
    public var toAddress: String?

    public init(
        id: Int64? = nil, residentId: Int64, kind: Kind, occurredOn: CivilDate, notifiedOn: CivilDate,
        fromAddress: String? = nil, toAddress: String? = nil
    ) {
        self.id = id
        self.residentId = residentId
        self.kind = kind
        self.occurredOn = occurredOn
        self.notifiedOn = notifiedOn
        self.fromAddress = fromAddress
        self.toAddress = toAddress
    }
}

/// 除票: a 住民票 removed from the register, kept for the retention period.
public struct RemovedRecord: Hashable, Sendable, Codable {
    public enum Reason: String, Sendable, Codable, CaseIterable {
        /// 転出
        case movedOut
        /// 死亡
        case died
        /// 職権消除
        case officialDeletion

        public var japanese: String {
            switch self {
            case .movedOut: "転出"
            case .died: "死亡"
            case .officialDeletion: "職権消除"
            }
        }
    }

    public var residentId: Int64
    public var reason: Reason
    /// 消除日 (the move or death date)
    public var removedOn: CivilDate
    /// 転出先 for a move-out
    public var destination: String?

    public init(residentId: Int64, reason: Reason, removedOn: CivilDate, destination: String? = nil) {
        self.residentId = residentId
        self.reason = reason
        self.removedOn = removedOn
        self.destination = destination
    }
}
