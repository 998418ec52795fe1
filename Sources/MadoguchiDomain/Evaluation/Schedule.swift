/// A step in an implementation item's year: 検討, 準備, 決定, 実施, 順次実施, 継続実施.
public enum SchedulePhase: String, Sendable, Codable, CaseIterable {
    /// 検討
    case study
    /// 準備
    case preparation
    /// 決定
    case decision
    /// 実施
    case implementation
    /// 順次実施
    case phasedImplementation
    /// 継続実施
    case continuedImplementation

    public var japanese: String {
        switch self {
        case .study: "検討"
        case .preparation: "準備"
        case .decision: "決定"
        case .implementation: "実施"
        case .phasedImplementation: "順次実施"
        case .continuedImplementation: "継続実施"
        }
    }

    /// Reads 検討, 準備 … and the words other cities write for the same step.
    public init?(japanese text: String) {
        let s = JapaneseText.normalized(text)
        let aliases: [String: SchedulePhase] = [
            "調査": .study, "調査・検討": .study, "検証": .study, "準備": .preparation, "決定": .decision,
            "策定": .decision, "実施": .implementation, "開始": .implementation, "順次実施": .phasedImplementation,
            "段階実施": .phasedImplementation, "継続実施": .continuedImplementation, "継続": .continuedImplementation,
        ]
        if let phase = SchedulePhase.allCases.first(where: { $0.japanese == s }) ?? aliases[s] {
            self = phase
        } else {
            return nil
        }
    }
}

/// One cell of the schedule grid: the steps of the year (検討・決定 is two), or ⇒ (the step before goes on).
public enum ScheduleMark: Hashable, Sendable, Codable, CustomStringConvertible {
    case phases([SchedulePhase])
    /// ⇒
    case continues

    public var description: String {
        switch self {
        case .phases(let p): p.map(\.japanese).joined(separator: "・")
        case .continues: "⇒"
        }
    }

    /// Reads `検討・決定`, `継続実施`, `⇒` (also `→`, `➡`, `〃`); `nil` for anything else.
    public init?(_ text: String) {
        let s = JapaneseText.normalized(text)
        if ["⇒", "→", "➡", "⇨", "〃", "=>", "->"].contains(s) {
            self = .continues
            return
        }
        let words = s.split(whereSeparator: { "・､、/／,".contains($0) }).map { String($0).trimmingCharacters(in: .whitespaces) }
        let phases = words.compactMap(SchedulePhase.init(japanese:))
        guard !phases.isEmpty, phases.count == words.count else { return nil }
        self = .phases(phases)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let mark = ScheduleMark(text), mark.description == text else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "Not a schedule mark: \(text)")
        }
        self = mark
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

/// A row of the schedule grid: one mark or a blank per fiscal year of the grid.
public struct ScheduleRow: Hashable, Sendable, Codable {
    /// One entry per year of the grid, in order; `nil` is a blank cell.
    public var cells: [ScheduleMark?]

    public init(cells: [ScheduleMark?]) { self.cells = cells }
}

/// 【27年度変更】 and its 上記変更理由: a restated schedule, kept alongside the plan it changed.
public struct ScheduleRevision: Hashable, Sendable, Codable {
    /// The fiscal year the change was made in.
    public var changedIn: FiscalYear
    /// The restated cells; a blank cell leaves the year as the version before had it.
    public var row: ScheduleRow
    /// 上記変更理由
    public var reason: String

    public init(changedIn: FiscalYear, row: ScheduleRow, reason: String) {
        self.changedIn = changedIn
        self.row = row
        self.reason = reason
    }
}

/// The schedule of one implementation item: the original plan and every revision, oldest first.
public struct Schedule: Hashable, Sendable, Codable {
    public var original: ScheduleRow
    public var revisions: [ScheduleRevision]

    public init(original: ScheduleRow, revisions: [ScheduleRevision] = []) {
        self.original = original
        self.revisions = revisions
    }

    /// The schedule in force after the revisions made up to `year` (all of them when `nil`):
    /// each revision's filled cells laid over the version before.
    public func effective(asOf year: FiscalYear? = nil) -> ScheduleRow {
        var cells = original.cells
        for revision in revisions where year.map({ revision.changedIn <= $0 }) ?? true {
            for (i, cell) in revision.row.cells.enumerated() where i < cells.count {
                if let cell { cells[i] = cell }
            }
        }
        return ScheduleRow(cells: cells)
    }

    /// The steps a year actually has once ⇒ is followed back to the step it continues.
    public static func resolved(_ row: ScheduleRow) -> [[SchedulePhase]] {
        var last: [SchedulePhase] = []
        return row.cells.map { cell in
            switch cell {
            case .phases(let p)?:
                last = p
                return p
            case .continues?: return last.suffix(1).map { $0 }
            case nil:
                last = []
                return []
            }
        }
    }
}
