import Foundation
import MadoguchiDomain
import MadoguchiIssuance
import MadoguchiStore

/// The planning pages' navigation: the staff's (with sign-out) or the public's.
struct PlanningNav {
    let staff: Bool
    let logout: String

    init(staff: Bool) {
        self.staff = staff
        logout = staff ? StaffSignIn.logoutForm(base: "/planning") : ""
    }
}

/// A planning step that could not be taken.
struct PlanningProblem {
    let heading: String
    let code: String
    let ja: String
    let en: String
    let back: PageLink
}

/// A review stage as a badge.
struct StageBadge {
    let stage: String
    let text: String

    init(_ s: ReviewStage) {
        stage = s.rawValue
        text = s.japanese
    }
}

/// The plan tree (方針 → 分野 → プログラム / 施策課題 → 事務事業) with each node's sheet, its stage and version.
struct PlanTreePage {
    /// A node and the nodes under it (`nodes`, so that the template recurses).
    struct Node {
        struct Sheet {
            let href: String
            let stage: StageBadge
            let version: Int
        }

        let code: String
        let level: String
        let number: String
        let title: String
        let sheet: Sheet?
        let nodes: [Node]
        let hasNodes: Bool
    }

    let nodes: [Node]
    let hasNodes: Bool

    init(nodes all: [PlanNode], sheets: [SheetSummary]) {
        let byCode = Dictionary(uniqueKeysWithValues: sheets.map { ($0.code, $0) })
        var children: [String?: [PlanNode]] = [:]
        for node in all { children[node.parentCode, default: []].append(node) }
        func nodes(_ parent: String?) -> [Node] {
            (children[parent] ?? []).map { n in
                let under = nodes(n.code)
                return Node(
                    code: n.code, level: n.level.japanese, number: n.number.map { "\($0) " } ?? "", title: n.title,
                    sheet: byCode[n.code].map { Node.Sheet(href: "/planning/sheets/\(n.code)", stage: StageBadge($0.stage), version: $0.version) },
                    nodes: under, hasNodes: !under.isEmpty)
            }
        }
        self.nodes = nodes(nil)
        hasNodes = !self.nodes.isEmpty
    }
}

/// A sheet for its reviewers: where it is, what was done last, the links, the steps the signed-in member of staff may
/// take now, and the sheet itself.
struct PlanningSheetPage {
    struct Step {
        let action: String
        let label: String
        /// Sending back needs a comment
        let needsComment: Bool
    }

    let code: String
    let heading: String
    let stage: StageBadge
    let version: Int
    let updated: String
    let published: String?
    let last: String
    let editable: Bool
    let isPublished: Bool
    let mayAct: Bool
    let steps: [Step]
    let actingAs: String
    let actor: String
    /// The sheet in the seeds' layout (markup of `SheetHTML`, which escapes every value)
    let body: String

    init(stored: StoredSheet, reviews: [SheetReviewRecord], me: StaffIdentity, body: String) {
        code = stored.sheet.code
        heading = "\(stored.sheet.code) \(stored.sheet.title)"
        stage = StageBadge(stored.stage)
        version = stored.version
        updated = "\(stored.updatedAt)、\(stored.updatedBy)"
        published = stored.publishedVersion.map { "／公表中: 第\($0)版" }
        last = reviews.last.map { "最終操作: \($0.role.japanese) \($0.author)（\($0.action.japanese)、\($0.at)）" + ($0.comment.map { "「\($0)」" } ?? "") } ?? ""
        editable = ReviewWorkflow.isEditable(stored.stage)
        isPublished = stored.publishedVersion != nil
        mayAct = me.has(stored.stage.actor.staffRole)
        steps = ReviewAction.allCases.filter { (try? ReviewWorkflow.next(from: stored.stage, action: $0, by: stored.stage.actor)) != nil }.map {
            Step(action: $0.rawValue, label: $0.japanese, needsComment: $0 == .sendBack)
        }
        actingAs = "（\(me.displayName)・\(stored.stage.actor.japanese)として）"
        actor = stored.stage.actor.japanese
        self.body = body
    }
}

/// A sheet's history: the review steps, and each version with what changed from the one before.
struct SheetHistoryPage {
    struct Review {
        let version: Int
        let stages: String
        let action: String
        let who: String
        let comment: String
        let at: String
    }

    struct Change {
        let field: String
        let before: String
        let after: String
    }

    struct Revision {
        let version: Int
        let href: String
        let line: String
        let first: Bool
        let changes: [Change]
        let unchanged: Bool
        let more: Int?
    }

    let heading: String
    let back: String
    let reviews: [Review]
    let hasReviews: Bool
    let revisions: [Revision]

    init(code: String, revisions all: [SheetRevisionRecord], reviews: [SheetReviewRecord]) {
        heading = "変更履歴: \(code) \(all.last?.content.title ?? "")"
        back = "/planning/sheets/\(code)"
        self.reviews = reviews.map {
            Review(
                version: $0.version, stages: "\($0.fromStage.japanese) → \($0.toStage.japanese)", action: $0.action.japanese,
                who: "\($0.role.japanese) \($0.author)", comment: $0.comment ?? "", at: $0.at)
        }
        hasReviews = !reviews.isEmpty
        revisions = all.enumerated().reversed().map { i, r in
            let changes = i == 0 ? [] : SheetDiff.changes(from: all[i - 1].content, to: r.content)
            return Revision(
                version: r.version, href: "/planning/sheets/\(code)/versions/\(r.version)",
                line: "\(r.source == "import" ? "取込" : "編集") — \(r.author)、\(r.at)" + (r.note.map { "「\($0)」" } ?? ""), first: i == 0,
                changes: changes.prefix(40).map { Change(field: $0.field, before: $0.before ?? "（なし）", after: $0.after ?? "（削除）") },
                unchanged: i > 0 && changes.isEmpty, more: changes.count > 40 ? changes.count - 40 : nil)
        }
    }
}

/// A sheet shown whole, under a line that says which version it is and a link.
struct SheetBodyPage {
    let note: String
    let link: PageLink
    /// The sheet (markup of `SheetHTML`)
    let body: String
    /// The note before the link (else the link first)
    var noteFirst = false
}

/// The published sheets and the open data.
struct PublicSheetsPage {
    struct Row {
        let code: String
        let href: String
        let title: String
        let layout: String
    }

    let intro: String
    let rows: [Row]
    let hasRows: Bool

    init(cityName: String, sheets: [SheetSummary]) {
        intro = "\(cityName)が公表している施策進行管理・評価票です。"
        rows = sheets.map { Row(code: $0.code, href: "/sheets/\($0.code)", title: $0.title, layout: $0.layout.japanese) }
        hasRows = !rows.isEmpty
    }
}
