/// A 届出 a window accepts.
public enum NotificationKind: String, Sendable, Codable, CaseIterable {
    case moveIn, moveOut, moveWithin, birth, death, marriage, divorce

    public var japanese: String {
        switch self {
        case .moveIn: "転入届"
        case .moveOut: "転出届"
        case .moveWithin: "転居届"
        case .birth: "出生届"
        case .death: "死亡届"
        case .marriage: "婚姻届"
        case .divorce: "離婚届"
        }
    }

    public var english: String {
        switch self {
        case .moveIn: "moving in"
        case .moveOut: "moving out"
        case .moveWithin: "moving within the city"
        case .birth: "birth"
        case .death: "death"
        case .marriage: "marriage"
        case .divorce: "divorce"
        }
    }
}

/// A procedure other than a certificate or a 届出 that a window handles.
public enum CounterProcedure: String, Sendable, Codable, CaseIterable {
    case sealRegistration, myNumberCard, nationalHealthInsurance, childAllowance, communitySupport

    public var japanese: String {
        switch self {
        case .sealRegistration: "印鑑登録"
        case .myNumberCard: "マイナンバーカードの交付"
        case .nationalHealthInsurance: "国民健康保険の手続"
        case .childAllowance: "児童手当の手続"
        case .communitySupport: "地域活動・まちづくりの相談"
        }
    }

    public var english: String {
        switch self {
        case .sealRegistration: "seal registration"
        case .myNumberCard: "handing over My Number cards"
        case .nationalHealthInsurance: "national health insurance"
        case .childAllowance: "child allowance"
        case .communitySupport: "community activities and planning"
        }
    }
}

/// One item of a facility's service menu: a certificate it issues, a 届出 it accepts, or a procedure it handles.
/// Written as a code (`certificate:residentRecordCopy`, `notification:moveIn`, `procedure:sealRegistration`).
public enum FacilityService: Hashable, Sendable, Comparable, Codable, CustomStringConvertible {
    case certificate(CertificateKind)
    case notification(NotificationKind)
    case procedure(CounterProcedure)

    public init?(code: String) {
        let parts = code.split(separator: ":", maxSplits: 1).map(String.init)
        guard parts.count == 2 else { return nil }
        switch parts[0] {
        case "certificate": guard let k = CertificateKind(rawValue: parts[1]) else { return nil }; self = .certificate(k)
        case "notification": guard let k = NotificationKind(rawValue: parts[1]) else { return nil }; self = .notification(k)
        case "procedure": guard let k = CounterProcedure(rawValue: parts[1]) else { return nil }; self = .procedure(k)
        default: return nil
        }
    }

    public var code: String {
        switch self {
        case .certificate(let k): "certificate:\(k.rawValue)"
        case .notification(let k): "notification:\(k.rawValue)"
        case .procedure(let k): "procedure:\(k.rawValue)"
        }
    }

    public var description: String { code }

    public var japanese: String {
        switch self {
        case .certificate(let k): k.japanese
        case .notification(let k): k.japanese
        case .procedure(let k): k.japanese
        }
    }

    public var english: String {
        switch self {
        case .certificate(let k): k.english
        case .notification(let k): k.english
        case .procedure(let k): k.english
        }
    }

    /// Whether a person must serve it: a 届出 or a procedure is examined by staff; a certificate can come from a machine.
    public var needsStaff: Bool {
        if case .certificate = self { return false }
        return true
    }

    /// Certificates first, then 届出, then procedures, each in its vocabulary's order.
    public static func < (a: Self, b: Self) -> Bool { a.order < b.order }

    var order: (Int, Int) {
        switch self {
        case .certificate(let k): (0, CertificateKind.allCases.firstIndex(of: k)!)
        case .notification(let k): (1, NotificationKind.allCases.firstIndex(of: k)!)
        case .procedure(let k): (2, CounterProcedure.allCases.firstIndex(of: k)!)
        }
    }

    public init(from decoder: any Decoder) throws {
        let code = try decoder.singleValueContainer().decode(String.self)
        guard let service = Self(code: code) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "unknown service \(code)"))
        }
        self = service
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(code)
    }

    /// Every service there is.
    public static let all: [FacilityService] =
        CertificateKind.allCases.map(Self.certificate) + NotificationKind.allCases.map(Self.notification)
        + CounterProcedure.allCases.map(Self.procedure)

    /// What a facility of a kind offers when it opens and nothing else is said: the menus of the seeds' network. A 区役所
    /// or 支所 does everything; a 出張所 issues and takes the common 届出; a 行政サービスコーナー or a 連絡所 only issues; a
    /// まちづくりセンター issues the common certificates and advises on community activities; a machine issues what needs no
    /// one to look at it; a post office issues the certificates the law lets it hand over.
    public static func standardMenu(_ kind: FacilityKind) -> Set<FacilityService> {
        let common: [CertificateKind] = [.residentRecordCopy, .residentRecordExtract, .sealRegistrationCertificate, .taxCertificate]
        let register: [CertificateKind] = [.familyRegisterFull, .familyRegisterIndividual, .familyRegisterAnnex]
        switch kind {
        case .wardOffice, .branchOffice: return Set(all)
        case .subBranchOffice:
            return Set((common + register + [.removedRecord]).map(Self.certificate)
                + [.moveWithin, .birth, .death].map(Self.notification) + [.procedure(.sealRegistration)])
        case .serviceCorner: return Set((common + register).map(Self.certificate))
        case .liaisonOffice: return Set(common.map(Self.certificate))
        case .communityCenter: return Set(common.map(Self.certificate) + [.procedure(.communitySupport)])
        case .automaticMachine: return Set([.residentRecordCopy, .sealRegistrationCertificate, .taxCertificate].map(Self.certificate))
        case .postOffice: return Set(([.residentRecordCopy, .taxCertificate] + register).map(Self.certificate))
        }
    }
}

/// The decision a change of the network rests on: its document (方針, 計画, 告示) and the day it was decided.
public struct FacilityDecision: Hashable, Sendable, Codable {
    public var document: String
    public var decidedOn: CivilDate

    public init(document: String, decidedOn: CivilDate) {
        self.document = document
        self.decidedOn = decidedOn
    }
}

/// One effective-dated change of a facility: from `effectiveOn` (its first day) the facility is as the event says.
public struct FacilityEvent: Hashable, Sendable, Codable {
    public enum Change: String, Sendable, Codable, CaseIterable {
        /// 開設: kind, name, address and menu are given
        case opened
        /// 転換 (出張所 → 行政サービスコーナー or まちづくりセンター): a new kind, perhaps a new name and menu
        case converted
        /// 有人窓口の廃止: no one serves there any more; the menu keeps only what needs no one (it may be empty)
        case mannedWindowClosed
        /// 移転: a new address, perhaps a new name
        case relocated
        /// 取扱業務の変更: a new menu
        case menuChanged
        /// 廃止
        case closed

        public var japanese: String {
            switch self {
            case .opened: "開設"
            case .converted: "転換"
            case .mannedWindowClosed: "有人窓口の廃止"
            case .relocated: "移転"
            case .menuChanged: "取扱業務の変更"
            case .closed: "廃止"
            }
        }

        public var english: String {
            switch self {
            case .opened: "opened"
            case .converted: "converted"
            case .mannedWindowClosed: "manned window closed"
            case .relocated: "relocated"
            case .menuChanged: "menu changed"
            case .closed: "closed"
            }
        }
    }

    public var facilityId: String
    public var change: Change
    /// The first day the change holds
    public var effectiveOn: CivilDate
    public var decision: FacilityDecision
    /// The kind from that day (opened, converted)
    public var kind: FacilityKind?
    /// The name from that day (opened; converted or relocated when it changes)
    public var name: String?
    /// The 区 the facility belongs to (opened; relocated when it changes)
    public var ward: String?
    /// Where it is from that day (opened, relocated)
    public var address: Address?
    /// The whole menu from that day (opened, menuChanged, mannedWindowClosed; converted when it changes)
    public var menu: Set<FacilityService>?

    public init(
        facilityId: String, change: Change, effectiveOn: CivilDate, decision: FacilityDecision, kind: FacilityKind? = nil,
        name: String? = nil, ward: String? = nil, address: Address? = nil, menu: Set<FacilityService>? = nil
    ) {
        self.facilityId = facilityId
        self.change = change
        self.effectiveOn = effectiveOn
        self.decision = decision
        self.kind = kind
        self.name = name
        self.ward = ward
        self.address = address
        self.menu = menu
    }

    /// The opening of a facility as the registry lists it, with its kind's standard menu: the history of a facility
    /// for which none was recorded (a city upgraded from before the network had a history).
    public static func opening(of facility: Facility, decision: FacilityDecision? = nil) -> FacilityEvent {
        FacilityEvent(
            facilityId: facility.id, change: .opened, effectiveOn: facility.openedOn,
            decision: decision ?? FacilityDecision(document: "（記録なし）", decidedOn: facility.openedOn), kind: facility.kind,
            name: facility.name, ward: facility.ward, address: facility.address, menu: FacilityService.standardMenu(facility.kind))
    }
}

/// A facility as it stood during a period: from `from` (its first day) until `until` (the first day it no longer
/// held), or still.
public struct FacilityPeriod: Hashable, Sendable {
    public var facilityId: String
    public var kind: FacilityKind
    public var name: String
    public var ward: String
    public var address: Address
    /// City staff serve at a window there
    public var manned: Bool
    public var menu: Set<FacilityService>
    public var from: CivilDate
    public var until: CivilDate?
    /// The change that began the period
    public var change: FacilityEvent.Change
    public var decision: FacilityDecision

    public func covers(_ date: CivilDate) -> Bool { from <= date && (until.map { date < $0 } ?? true) }

    public func offers(_ service: FacilityService) -> Bool { menu.contains(service) }
}

/// The network's history: a facility's events in order become the periods it stood through, and the network on any
/// day is the period of each facility that covers it. The rules of a history are checked here, whoever records it:
/// it begins with an opening; nothing follows a closure; one change a day; a decision comes before its effect; a
/// conversion changes the kind; a window without staff offers nothing that needs a person.
public enum FacilityHistory {
    /// The periods of one facility's events (in any order), first to last; the last has no end unless the facility
    /// closed. A history that breaks a rule is a coded error naming the event.
    public static func periods(_ events: [FacilityEvent]) throws -> [FacilityPeriod] {
        let ordered = events.sorted { $0.effectiveOn < $1.effectiveOn }
        guard let first = ordered.first else { return [] }
        guard first.change == .opened, let kind = first.kind, let name = first.name, let ward = first.ward,
            let address = first.address, let menu = first.menu
        else {
            throw invalid(first, ja: "施設の履歴は開設（種別・名称・区・所在地・取扱業務）から始まります", en: "A facility's history begins with its opening (kind, name, ward, address, menu)")
        }
        try checkDecision(first)
        try checkNames(first)
        var current = FacilityPeriod(
            facilityId: first.facilityId, kind: kind, name: name, ward: ward, address: address, manned: kind.hasCityStaff,
            menu: menu, from: first.effectiveOn, until: nil, change: .opened, decision: first.decision)
        try checkMenu(current, first)
        var periods: [FacilityPeriod] = []
        for event in ordered.dropFirst() {
            guard event.facilityId == first.facilityId else {
                throw invalid(event, ja: "別の施設の履歴が混ざっています", en: "An event of another facility is mixed in")
            }
            guard event.effectiveOn > current.from else {
                throw invalid(event, ja: "同じ日に二つの変更は記録できません（一つの変更にまとめてください）", en: "One change a day: combine the changes of a day into one")
            }
            guard current.change != .closed else {
                throw invalid(event, ja: "廃止した施設に変更は記録できません", en: "Nothing follows a facility's closure")
            }
            try checkDecision(event)
            try checkNames(event)
            var next = current
            next.from = event.effectiveOn
            next.change = event.change
            next.decision = event.decision
            switch event.change {
            case .opened:
                throw invalid(event, ja: "開設は履歴の最初に一度だけです", en: "A facility opens once, first")
            case .converted:
                guard let kind = event.kind, kind != current.kind else {
                    throw invalid(event, ja: "転換には今と異なる種別が必要です", en: "A conversion needs a kind other than the present one")
                }
                guard event.address == nil, event.ward == nil else {
                    throw invalid(event, ja: "転換で所在地は変わりません（移転として記録してください）", en: "A conversion does not move the facility; record a relocation")
                }
                next.kind = kind
                next.manned = kind.hasCityStaff
                next.name = event.name ?? current.name
                next.menu = event.menu ?? FacilityService.standardMenu(kind)
            case .mannedWindowClosed:
                guard current.manned else {
                    throw invalid(event, ja: "有人窓口のない施設です", en: "The facility has no manned window")
                }
                guard event.kind == nil, event.address == nil, event.ward == nil, event.name == nil else {
                    throw invalid(event, ja: "有人窓口の廃止で変わるのは取扱業務だけです", en: "Closing the manned window changes only the menu")
                }
                next.manned = false
                next.menu = event.menu ?? current.menu.filter { !$0.needsStaff }
            case .relocated:
                guard let address = event.address, address != current.address else {
                    throw invalid(event, ja: "移転には新しい所在地が必要です", en: "A relocation needs a new address")
                }
                guard event.kind == nil, event.menu == nil else {
                    throw invalid(event, ja: "移転で変わるのは所在地と名称だけです", en: "A relocation changes only the address and the name")
                }
                next.address = address
                next.ward = event.ward ?? current.ward
                next.name = event.name ?? current.name
            case .menuChanged:
                guard let menu = event.menu, menu != current.menu else {
                    throw invalid(event, ja: "取扱業務の変更には新しい取扱業務が必要です", en: "A menu change needs a new menu")
                }
                guard event.kind == nil, event.address == nil, event.ward == nil, event.name == nil else {
                    throw invalid(event, ja: "取扱業務の変更で変わるのは取扱業務だけです", en: "A menu change changes only the menu")
                }
                next.menu = menu
            case .closed:
                guard event.kind == nil, event.address == nil, event.ward == nil, event.name == nil, event.menu == nil else {
                    throw invalid(event, ja: "廃止の記録には日付と決定だけを書きます", en: "A closure records only its day and decision")
                }
                next.menu = []
                next.manned = false
            }
            try checkMenu(next, event)
            current.until = event.effectiveOn
            periods.append(current)
            current = next
        }
        // A closure is not a period of service: the last one ends on the day it closed.
        if current.change != .closed { periods.append(current) }
        return periods
    }

    /// The period of a facility on `date`, or nil when it was not open (not yet opened, or closed).
    public static func period(_ events: [FacilityEvent], on date: CivilDate) throws -> FacilityPeriod? {
        try periods(events).first { $0.covers(date) }
    }

    /// A facility's row as its history stands on `today`: the period then (the first, before the opening), opened on
    /// the first period's day, closed on the closure's.
    public static func row(_ facility: Facility, _ events: [FacilityEvent], today: CivilDate) throws -> Facility {
        let periods = try periods(events)
        guard let first = periods.first else { return facility }
        let now = periods.last { $0.from <= today } ?? first
        var row = facility
        row.kind = now.kind
        row.name = now.name
        row.ward = now.ward
        row.address = now.address
        row.openedOn = first.from
        row.closedOn = events.last { $0.change == .closed }?.effectiveOn
        return row
    }

    /// Checks that `event` may be added to `existing` (the same facility's history): the whole history's rules.
    public static func check(adding event: FacilityEvent, to existing: [FacilityEvent]) throws {
        _ = try periods(existing + [event])
    }

    static func checkDecision(_ event: FacilityEvent) throws {
        guard !event.decision.document.allSatisfy(\.isWhitespace) else {
            throw invalid(event, ja: "根拠となる決定（文書名）が必要です", en: "The decision's document is required")
        }
        guard event.decision.decidedOn <= event.effectiveOn else {
            throw invalid(event, ja: "決定の日は効力の日より後にできません", en: "A decision cannot come after its effect")
        }
    }

    static func checkNames(_ event: FacilityEvent) throws {
        if let name = event.name, name.allSatisfy(\.isWhitespace) {
            throw invalid(event, ja: "名称が空です", en: "The name is empty")
        }
    }

    static func checkMenu(_ period: FacilityPeriod, _ event: FacilityEvent) throws {
        if !period.manned, let needing = period.menu.sorted().first(where: \.needsStaff) {
            throw invalid(
                event, ja: "職員のいない施設では「\(needing.japanese)」を取り扱えません",
                en: "A place without staff cannot offer \(needing.english)")
        }
    }

    static func invalid(_ event: FacilityEvent, ja: String, en: String) -> MadoguchiError {
        MadoguchiError(
            .facilityHistoryInvalid, ja: "\(event.facilityId)（\(event.effectiveOn)、\(event.change.japanese)）: \(ja)",
            en: "\(event.facilityId) (\(event.effectiveOn), \(event.change.english)): \(en)")
    }
}

extension MadoguchiError.Code {
    public static let facilityHistoryInvalid = Self("facility.historyInvalid")
    public static let facilityUnknown = Self("facility.unknown")
}
