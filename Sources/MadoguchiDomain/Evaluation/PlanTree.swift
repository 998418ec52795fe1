/// The levels of a city's plan, in the two hierarchies the seeds use.
///
/// 方針 → 分野 → プログラム is the 行財政改革 program sheet's; 基本政策 → 政策の基本方向 → 基本施策 → 施策課題 →
/// 事務事業 is the 総合計画's. A sheet is kept for a プログラム or a 施策課題.
public enum PlanLevel: String, Sendable, Codable, CaseIterable {
    /// 方針
    case policy
    /// 分野
    case field
    /// プログラム
    case program
    /// 基本政策
    case basicPolicy
    /// 政策の基本方向
    case policyDirection
    /// 基本施策
    case basicMeasure
    /// 施策課題 (施策)
    case measure
    /// 事務事業
    case project

    public var japanese: String {
        switch self {
        case .policy: "方針"
        case .field: "分野"
        case .program: "プログラム"
        case .basicPolicy: "基本政策"
        case .policyDirection: "政策の基本方向"
        case .basicMeasure: "基本施策"
        case .measure: "施策課題"
        case .project: "事務事業"
        }
    }

    /// The level a node of this level hangs under, `nil` at a root.
    public var parent: PlanLevel? {
        switch self {
        case .policy, .basicPolicy: nil
        case .field: .policy
        case .program: .field
        case .policyDirection: .basicPolicy
        case .basicMeasure: .policyDirection
        case .measure: .basicMeasure
        case .project: .measure
        }
    }
}

/// A node of the plan tree, with a stable code that pages and open data link by.
public struct PlanNode: Hashable, Sendable, Codable, Identifiable {
    /// Stable code: `P1-1-3` for プログラム 3 of 分野 1 of 方針 1; the city's own code for a 施策課題 (`72302000`).
    public var code: String
    public var level: PlanLevel
    /// The number the sheet gives the node (`3` in プログラム名 3), when it gives one.
    public var number: String?
    public var title: String
    public var parentCode: String?

    public var id: String { code }

    public init(code: String, level: PlanLevel, number: String? = nil, title: String, parentCode: String? = nil) {
        self.code = code
        self.level = level
        self.number = number
        self.title = title
        self.parentCode = parentCode
    }
}

extension PlanNode {
    /// Checks a path from a root down: each node's level hangs under the one before, and the codes link.
    public static func validate(path: [PlanNode]) throws {
        for (i, node) in path.enumerated() {
            let expectedParent: PlanLevel? = i == 0 ? nil : path[i - 1].level
            guard node.level.parent == expectedParent, node.parentCode == (i == 0 ? nil : path[i - 1].code) else {
                throw MadoguchiError(
                    .sheetInvalid,
                    ja: "計画体系の階層が正しくありません: \(node.level.japanese)「\(node.title)」",
                    en: "The plan path is not a chain of levels at \(node.level.rawValue) \(node.code)")
            }
            guard !node.code.isEmpty, node.code.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }) else {
                throw MadoguchiError(
                    .sheetInvalid, ja: "計画体系のコードは英数字とハイフンです: \(node.code)",
                    en: "Plan codes are letters, digits and hyphens: \(node.code)")
            }
        }
    }
}
