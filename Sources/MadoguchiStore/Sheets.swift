import Foundation
import MadoguchiDomain

/// A sheet as stored: its current content, where it is in review, and its version.
public struct StoredSheet: Sendable, Hashable {
    public var sheet: EvaluationSheet
    public var stage: ReviewStage
    public var version: Int
    public var publishedVersion: Int?
    public var updatedAt: String
    public var updatedBy: String
}

/// One saved version of a sheet: who saved it, when, and how (imported or edited).
public struct SheetRevisionRecord: Sendable, Hashable {
    public var version: Int
    public var source: String
    public var author: String
    public var note: String?
    public var at: String
    public var content: EvaluationSheet
}

/// One review step: who moved the sheet from which stage to which, and what they said.
public struct SheetReviewRecord: Sendable, Hashable, Codable {
    public var version: Int
    public var action: ReviewAction
    public var fromStage: ReviewStage
    public var toStage: ReviewStage
    public var role: ReviewRole
    public var author: String
    public var comment: String?
    public var at: String
}

/// A line of the sheet list.
public struct SheetSummary: Sendable, Hashable, Codable {
    public var code: String
    public var title: String
    public var layout: SheetLayout
    public var stage: ReviewStage
    public var version: Int
    public var publishedVersion: Int?
    public var updatedAt: String
}

extension SheetSummary {
    /// A row of the sheet list; a vocabulary value the enum does not know is a coded error, never a crash.
    init(row: SQLRow) throws {
        self.init(
            code: try row.text("code"), title: try row.text("title"), layout: try row.code("layout"), stage: try row.code("stage"),
            version: Int(try row.int("version")), publishedVersion: try row.optionalInt("publishedVersion", as: Int.self),
            updatedAt: try row.text("updatedAt"))
    }
}

extension SheetReviewRecord {
    init(row: SQLRow) throws {
        self.init(
            version: Int(try row.int("version")), action: try row.code("action"), fromStage: try row.code("fromStage"),
            toStage: try row.code("toStage"), role: try row.code("role"), author: try row.text("author"),
            comment: try row.optionalText("comment"), at: try row.text("at"))
    }
}

/// Evaluation sheets in the database. Every save is a new version; nothing is overwritten.
public enum Sheets {
    /// Saves a sheet (imported or edited) as its next version and puts its plan path in the tree.
    /// An edit must name the version it was made from (`expectedVersion`), so that two planners'
    /// edits cannot silently overwrite each other; a sheet in review cannot be edited.
    @discardableResult
    public static func save(
        _ db: any SQLSession, _ sheet: EvaluationSheet, source: String, author: String, note: String? = nil,
        expectedVersion: Int? = nil, now: Date
    ) throws -> StoredSheet {
        try sheet.validate()
        let at = LedgerRecord.timestamp(now)
        for node in sheet.path { try upsert(db, node) }
        // The projects under a measure hang in the tree under it, numbered in sheet order.
        try db.execute("DELETE FROM planNode WHERE parentCode = ? AND level = 'project'", sheet.code)
        for (i, project) in sheet.subProjects.enumerated() {
            try upsert(db, PlanNode(code: project.code ?? "\(sheet.code)-\(i < 9 ? "0" : "")\(i + 1)", level: .project,
                                    title: project.name, parentCode: sheet.code))
        }
        let content = String(decoding: CanonicalSheetJSON.encode(sheet), as: UTF8.self)
        let version: Int
        if let row = try db.row("SELECT stage, version FROM evaluationSheet WHERE code = ?", sheet.code) {
            let stage: ReviewStage = try row.code("stage")
            let current = Int(try row.int("version"))
            if let expectedVersion, expectedVersion != current {
                throw MadoguchiError(
                    .sheetVersionConflict,
                    ja: "評価票\(sheet.code)は他の方が更新しました（第\(current)版）。最新の内容を開き直してください",
                    en: "Sheet \(sheet.code) was changed by someone else (now version \(current)); reopen it")
            }
            guard ReviewWorkflow.isEditable(stage) else {
                throw MadoguchiError(
                    .sheetNotEditable, ja: "評価票\(sheet.code)は「\(stage.japanese)」の段階のため編集できません",
                    en: "Sheet \(sheet.code) is at \(stage.rawValue) and cannot be edited")
            }
            version = current + 1
            try db.execute(
                "UPDATE evaluationSheet SET layout = ?, version = ?, updatedAt = ?, updatedBy = ? WHERE code = ?",
                sheet.layout.rawValue, version, at, author, sheet.code)
        } else {
            version = 1
            try db.execute(
                """
                INSERT INTO evaluationSheet (code, layout, stage, version, updatedAt, updatedBy)
                VALUES (?, ?, 'draft', 1, ?, ?)
                """, sheet.code, sheet.layout.rawValue, at, author)
        }
        try db.execute(
            "INSERT INTO sheetRevision (code, version, content, source, author, note, at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            sheet.code, version, content, source, author, note, at)
        return try stored(db, code: sheet.code)!
    }

    static func upsert(_ db: any SQLSession, _ node: PlanNode) throws {
        if let level = try db.scalar("SELECT level FROM planNode WHERE code = ?", arguments: [node.code], as: String.self),
            level != node.level.rawValue
        {
            throw MadoguchiError(
                .sheetInvalid, ja: "計画体系のコード\(node.code)は既に別の階層（\(PlanLevel(rawValue: level)?.japanese ?? level)）で使われています",
                en: "The plan code \(node.code) is already a \(level)")
        }
        try db.execute(
            """
            INSERT INTO planNode (code, level, number, title, parentCode) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT(code) DO UPDATE SET number = excluded.number, title = excluded.title, parentCode = excluded.parentCode
            """, node.code, node.level.rawValue, node.number, node.title, node.parentCode)
    }

    public static func stored(_ db: any SQLSession, code: String) throws -> StoredSheet? {
        guard let row = try db.row(
            """
            SELECT s.stage, s.version, s.publishedVersion, s.updatedAt, s.updatedBy, r.content
            FROM evaluationSheet s JOIN sheetRevision r ON r.code = s.code AND r.version = s.version
            WHERE s.code = ?
            """, code)
        else { return nil }
        return StoredSheet(
            sheet: try CanonicalSheetJSON.decode(Data(try row.text("content").utf8)), stage: try row.code("stage"),
            version: Int(try row.int("version")), publishedVersion: try row.optionalInt("publishedVersion", as: Int.self),
            updatedAt: try row.text("updatedAt"), updatedBy: try row.text("updatedBy"))
    }

    /// The sheet or a `sheet.notFound` error.
    public static func require(_ db: any SQLSession, code: String) throws -> StoredSheet {
        guard let s = try stored(db, code: code) else {
            throw MadoguchiError(.sheetNotFound, ja: "評価票\(code)はありません", en: "No sheet \(code)")
        }
        return s
    }

    /// The version the public sees: the last one published, even while a revision is being drafted.
    public static func published(_ db: any SQLSession, code: String) throws -> (EvaluationSheet, version: Int, at: String)? {
        guard let row = try db.row(
            """
            SELECT r.content, r.version,
              (SELECT max(v.at) FROM sheetReview v WHERE v.code = s.code AND v.toStage = 'published' AND v.version = r.version) AS at
            FROM evaluationSheet s JOIN sheetRevision r ON r.code = s.code AND r.version = s.publishedVersion
            WHERE s.code = ?
            """, code)
        else { return nil }
        return (try CanonicalSheetJSON.decode(Data(try row.text("content").utf8)), Int(try row.int("version")), try row.optionalText("at") ?? "")
    }

    public static func list(_ db: any SQLSession, publishedOnly: Bool = false) throws -> [SheetSummary] {
        try db.rows(
            """
            SELECT s.code, n.title, s.layout, s.stage, s.version, s.publishedVersion, s.updatedAt
            FROM evaluationSheet s JOIN planNode n ON n.code = s.code
            \(publishedOnly ? "WHERE s.publishedVersion IS NOT NULL" : "")
            ORDER BY s.code
            """
        ).map(SheetSummary.init(row:))
    }

    /// The whole plan tree, parents before children, siblings by code.
    public static func tree(_ db: any SQLSession) throws -> [PlanNode] {
        let all = try db.rows("SELECT code, level, number, title, parentCode FROM planNode ORDER BY code").map {
            PlanNode(code: try $0.text("code"), level: try $0.code("level"), number: try $0.optionalText("number"),
                     title: try $0.text("title"), parentCode: try $0.optionalText("parentCode"))
        }
        var children: [String?: [PlanNode]] = [:]
        for node in all { children[node.parentCode, default: []].append(node) }
        var out: [PlanNode] = []
        func walk(_ parent: String?) {
            for node in children[parent] ?? [] {
                out.append(node)
                walk(node.code)
            }
        }
        walk(nil)
        return out
    }

    public static func revisions(_ db: any SQLSession, code: String) throws -> [SheetRevisionRecord] {
        try db.rows("SELECT version, content, source, author, note, at FROM sheetRevision WHERE code = ? ORDER BY version", code).map {
            SheetRevisionRecord(
                version: Int(try $0.int("version")), source: try $0.text("source"), author: try $0.text("author"),
                note: try $0.optionalText("note"), at: try $0.text("at"), content: try CanonicalSheetJSON.decode(Data(try $0.text("content").utf8)))
        }
    }

    public static func reviews(_ db: any SQLSession, code: String) throws -> [SheetReviewRecord] {
        try db.rows("SELECT version, action, fromStage, toStage, role, author, comment, at FROM sheetReview WHERE code = ? ORDER BY id", code)
            .map(SheetReviewRecord.init(row:))
    }

    /// Moves a sheet through its review. A send-back must say why. Approving at 外部評価 publishes the
    /// version reviewed; `expectedVersion` makes sure the reviewer approves what they read.
    @discardableResult
    public static func review(
        _ db: any SQLSession, code: String, action: ReviewAction, role: ReviewRole, author: String, comment: String?,
        expectedVersion: Int? = nil, now: Date
    ) throws -> StoredSheet {
        let current = try require(db, code: code)
        if let expectedVersion, expectedVersion != current.version {
            throw MadoguchiError(
                .sheetVersionConflict, ja: "評価票\(code)は更新されています（第\(current.version)版）。開き直してください",
                en: "Sheet \(code) has changed (now version \(current.version)); reopen it")
        }
        let to = try ReviewWorkflow.next(from: current.stage, action: action, by: role)
        // This round of review: the accounts that acted since the 担当's last submission.
        let round = try reviews(db, code: code).reversed().prefix { $0.action != .submit || $0.toStage != .sectionChief }
        let submitted = try reviews(db, code: code).last { $0.action == .submit }
        let earlier = current.stage == .draft ? [] : round.map(\.author) + (submitted.map { [$0.author] } ?? [])
        try ReviewWorkflow.checkSeparation(account: author, action: action, earlier: earlier)
        let trimmed = comment?.trimmingCharacters(in: .whitespacesAndNewlines)
        let text = trimmed?.isEmpty == false ? trimmed : nil
        if action == .sendBack && text == nil {
            throw MadoguchiError(.reviewCommentRequired, ja: "差戻しには理由（コメント）が要ります", en: "A send-back needs a comment")
        }
        guard !author.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw MadoguchiError(.reviewCommentRequired, ja: "操作した職員の名前が要ります", en: "The reviewer's name is required")
        }
        let at = LedgerRecord.timestamp(now)
        try db.execute(
            """
            INSERT INTO sheetReview (code, version, action, fromStage, toStage, role, author, comment, at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, code, current.version, action.rawValue, current.stage.rawValue, to.rawValue, role.rawValue, author, text, at)
        try db.execute(
            """
            UPDATE evaluationSheet SET stage = ?, updatedAt = ?, updatedBy = ?,
              publishedVersion = CASE WHEN ? = 'published' THEN version ELSE publishedVersion END
            WHERE code = ?
            """, to.rawValue, at, author, to.rawValue, code)
        return try require(db, code: code)
    }
}
