import Foundation
import MadoguchiDomain
import MadoguchiStore

/// Statistics by facility, channel, procedure, window and hour (issue 14, item 7): certificates issued, from the
/// ledger's certificates, and tickets, waits and service times, from the tickets' events. Counts only: no person.
public struct StatisticsService: Sendable {
    let statistics: any StatisticsStore
    let queues: any QueueStore
    let network: FacilityNetworkService

    public init(database: MadoguchiDatabase) {
        statistics = database.statistics
        queues = database.queues
        network = FacilityNetworkService(store: database.facilityNetwork)
    }

    /// The longest span one report covers (a fiscal year and a day).
    public static let maximumDays = 366

    public struct Report: Sendable {
        public var from: CivilDate
        public var through: CivilDate
        public var facilityId: String?
        /// Every facility's name as last recorded, by id
        public var names: [String: String]
        public var issuance: [IssuanceTally]
        public var tickets: [TicketTally]

        public func name(_ id: String?) -> String { id.map { names[$0] ?? $0 } ?? "（施設なし）" }
    }

    public func report(from: CivilDate, through: CivilDate, facilityId: String? = nil) async throws -> Report {
        guard from <= through, through.dayNumber - from.dayNumber < Self.maximumDays else {
            throw MadoguchiError(
                .statisticsInvalidPeriod, ja: "期間は開始日から終了日まで、\(Self.maximumDays)日以内で指定してください",
                en: "The period runs from its first day to its last, \(Self.maximumDays) days at most")
        }
        let histories = try await network.histories()
        var names: [String: String] = [:]
        for h in histories { names[h.facility.id] = h.facility.name }
        if let facilityId, names[facilityId] == nil {
            throw MadoguchiError(.facilityUnknown, ja: "施設が見つかりません", en: "No such facility")
        }
        let issuance = try await statistics.issuance(from: from, through: through, facilityId: facilityId)
        var tickets: [TicketTally] = []
        for id in facilityId.map({ [$0] }) ?? histories.map(\.facility.id) {
            let events = try await queues.events(facilityId: id, from: from, through: through)
            tickets += CounterStatistics.tickets(facilityId: id, events: events)
        }
        return Report(from: from, through: through, facilityId: facilityId, names: names, issuance: issuance, tickets: tickets)
    }

    /// The report's certificates as CSV, a row a facility, channel, kind, month and hour.
    public static func issuanceCSV(_ r: Report) -> String {
        var out = CSVText.row(["施設ID", "施設名", "交付チャネル", "証明書の種類", "月", "時", "交付枚数"])
        for t in r.issuance {
            let kind = CertificateKind(rawValue: t.kind)?.japanese ?? t.kind
            out += CSVText.row([t.facilityId ?? "", r.name(t.facilityId), channelName(t.channel), kind, t.month, String(t.hour), String(t.copies)])
        }
        return out
    }

    /// The report's tickets as CSV, a row a facility, line, window, day and hour.
    public static func ticketsCSV(_ r: Report) -> String {
        var out = CSVText.row(["施設ID", "施設名", "手続", "窓口", "日", "時", "発券数", "呼出数", "平均待ち時間（分）", "対応数", "平均対応時間（分）"])
        func f(_ x: Double?) -> String { x.map { String(format: "%.1f", $0) } ?? "" }
        for t in r.tickets {
            out += CSVText.row([
                t.facilityId, r.name(t.facilityId), t.procedure.japanese, t.windowId ?? "", t.day.description, String(t.hour), String(t.tickets),
                String(t.called), f(t.meanWait), String(t.served), f(t.meanService),
            ])
        }
        return out
    }

    /// 窓口, コンビニ交付 …
    public static func channelName(_ channel: String) -> String {
        ["counter": "窓口", "kiosk": "コンビニ交付", "automaticMachine": "自動交付機", "postOffice": "郵便局", "post": "郵送", "online": "オンライン"][channel]
            ?? channel
    }
}

extension MadoguchiError.Code {
    public static let statisticsInvalidPeriod = Self("statistics.invalidPeriod")
}
