import Foundation

/// コンビニ交付の利用時間: 6:30 to 23:00 every day (JST), stopped from 12/29 to 1/3 and on the city's
/// maintenance days.
public struct StoreHours: Sendable, Hashable, Codable {
    /// Minutes after midnight JST
    public var opensAt: Int
    public var closesAt: Int
    /// 保守停止日
    public var maintenanceDays: Set<CivilDate>

    public init(opensAt: Int = 6 * 60 + 30, closesAt: Int = 23 * 60, maintenanceDays: Set<CivilDate> = []) {
        self.opensAt = opensAt
        self.closesAt = closesAt
        self.maintenanceDays = maintenanceDays
    }

    /// Why the service is closed at an instant, or `nil` when it is open.
    public func closure(at instant: Date) -> StoreClosure? {
        let day = JapanTime.date(of: instant)
        if OfficeCalendar.isYearEnd(day) { return .yearEnd }
        if maintenanceDays.contains(day) { return .maintenance }
        let minute = JapanTime.minuteOfDay(of: instant)
        if minute < opensAt || minute >= closesAt { return .outsideHours }
        return nil
    }

    public func isOpen(at instant: Date) -> Bool { closure(at: instant) == nil }
}

/// Why store issuance is unavailable.
public enum StoreClosure: String, Sendable, Codable, CaseIterable {
    /// 利用時間外 (before 6:30 or from 23:00)
    case outsideHours
    /// 年末年始 (12/29–1/3)
    case yearEnd
    /// 保守停止日
    case maintenance

    public var japanese: String {
        switch self {
        case .outsideHours: "コンビニ交付の利用時間（6時30分から23時まで）外です。"
        case .yearEnd: "年末年始（12月29日から1月3日まで）はコンビニ交付を停止しています。"
        case .maintenance: "本日はシステム保守のためコンビニ交付を停止しています。"
        }
    }

    public var english: String {
        switch self {
        case .outsideHours: "Store issuance runs from 6:30 to 23:00."
        case .yearEnd: "Store issuance stops from 29 December to 3 January."
        case .maintenance: "Store issuance is stopped today for maintenance."
        }
    }
}
