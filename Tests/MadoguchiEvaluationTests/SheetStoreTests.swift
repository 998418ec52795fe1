import Foundation
import GRDB
import MadoguchiDomain
import MadoguchiImport
@testable import MadoguchiStore
import Testing

@Suite("Sheets in the database: versions, review, publication")
struct SheetStoreTests {
    let now = Date(timeIntervalSince1970: 1_790_000_000)

    func database() throws -> MadoguchiDatabase {
        let database = try MadoguchiDatabase.inMemory()
        try database.writer.write { db in
            try Sheets.save(GRDBSession(db: db), try Seeds.program(), source: "import", author: "import", now: now)
            try Sheets.save(GRDBSession(db: db), try Seeds.measure(), source: "import", author: "import", now: now)
        }
        return database
    }

    @Test("both seeds stored; the plan tree holds both hierarchies with the sub-project under its measure")
    func tree() throws {
        let database = try database()
        let tree = try database.writer.read { db in try Sheets.tree(GRDBSession(db: db)) }
        #expect(tree.map(\.code) == ["7", "72", "723", "72302000", "72302000-01", "P1", "P1-1", "P1-1-3"])
        #expect(tree[4].level == .project && tree[4].title == "区役所窓口サービス機能の再編")
        let stored = try database.writer.read { db in try Sheets.require(GRDBSession(db: db), code: "72302000") }
        #expect(stored.sheet == (try Seeds.measure()))
        #expect(stored.stage == .draft && stored.version == 1 && stored.publishedVersion == nil)
    }

    @Test("担当 → 課長 → 部長 → 外部評価 → 公表, each step's comment, author and time kept; the public sees the published version")
    func review() throws {
        let database = try database()
        try database.writer.write { db in
            try Sheets.review(GRDBSession(db: db), code: "P1-1-3", action: .submit, role: .staff, author: "地域 一郎", comment: "H28評価を記入しました", now: now)
            try Sheets.review(GRDBSession(db: db), code: "P1-1-3", action: .approve, role: .sectionChief, author: "課長 花子", comment: nil, now: now)
            try Sheets.review(GRDBSession(db: db), code: "P1-1-3", action: .approve, role: .director, author: "部長 次郎", comment: "了", now: now)
            try Sheets.review(GRDBSession(db: db), code: "P1-1-3", action: .approve, role: .externalReviewer, author: "外部 委員", comment: "妥当", now: now)
        }
        let (stored, reviews) = try database.writer.read { db in
            (try Sheets.require(GRDBSession(db: db), code: "P1-1-3"), try Sheets.reviews(GRDBSession(db: db), code: "P1-1-3"))
        }
        #expect(stored.stage == .published && stored.publishedVersion == 1)
        #expect(reviews.map(\.toStage) == [.sectionChief, .director, .externalReview, .published])
        #expect(reviews.map(\.author) == ["地域 一郎", "課長 花子", "部長 次郎", "外部 委員"])
        #expect(reviews.map(\.comment) == ["H28評価を記入しました", nil, "了", "妥当"])
        #expect(reviews.allSatisfy { $0.at.hasPrefix("2026-09-21T") })

        // A revision after publication: the public keeps seeing version 1 until version 2 is published.
        var edited = try Seeds.program()
        edited.indicators[0].years[3].actual = num("61.0")
        try database.writer.write { db in
            #expect(throws: MadoguchiError.self) {
                try Sheets.save(GRDBSession(db: db), edited, source: "edit", author: "地域 一郎", expectedVersion: 1, now: now)
            }
            try Sheets.review(GRDBSession(db: db), code: "P1-1-3", action: .reopen, role: .staff, author: "地域 一郎", comment: "H29実績", now: now)
            try Sheets.save(GRDBSession(db: db), edited, source: "edit", author: "地域 一郎", expectedVersion: 1, now: now)
        }
        let (public1, draft) = try database.writer.read { db in
            (try Sheets.published(GRDBSession(db: db), code: "P1-1-3"), try Sheets.require(GRDBSession(db: db), code: "P1-1-3"))
        }
        #expect(public1?.version == 1)
        #expect(public1?.0.indicators[0].years[3].actual == nil)
        #expect(draft.version == 2 && draft.stage == .draft)
        #expect(draft.sheet.indicators[0].years[3].actual == num("61.0"))
    }

    @Test("the workflow refuses the wrong role, an action out of turn, a send-back without a reason, a stale edit")
    func refusals() throws {
        let database = try database()
        try database.writer.write { db in
            func code(_ body: () throws -> Void) -> MadoguchiError.Code? {
                do { try body() } catch let e as MadoguchiError { return e.code } catch { return nil }
                return nil
            }
            #expect(code { try Sheets.review(GRDBSession(db: db), code: "P1-1-3", action: .approve, role: .staff, author: "a", comment: nil, now: now) }
                == .reviewNotAllowed)
            #expect(code { try Sheets.review(GRDBSession(db: db), code: "P1-1-3", action: .submit, role: .director, author: "a", comment: nil, now: now) }
                == .reviewWrongRole)
            try Sheets.review(GRDBSession(db: db), code: "P1-1-3", action: .submit, role: .staff, author: "a", comment: nil, now: now)
            #expect(code { try Sheets.review(GRDBSession(db: db), code: "P1-1-3", action: .sendBack, role: .sectionChief, author: "b", comment: " ", now: now) }
                == .reviewCommentRequired)
            #expect(code { try Sheets.save(GRDBSession(db: db), try Seeds.program(), source: "edit", author: "a", now: now) } == .sheetNotEditable)
            try Sheets.review(GRDBSession(db: db), code: "P1-1-3", action: .sendBack, role: .sectionChief, author: "b", comment: "指標③の出典を", now: now)
            #expect(code { try Sheets.save(GRDBSession(db: db), try Seeds.program(), source: "edit", author: "a", expectedVersion: 7, now: now) }
                == .sheetVersionConflict)
            #expect(code { try Sheets.review(GRDBSession(db: db), code: "X9", action: .submit, role: .staff, author: "a", comment: nil, now: now) }
                == .sheetNotFound)
        }
        let reviews = try database.writer.read { db in try Sheets.reviews(GRDBSession(db: db), code: "P1-1-3") }
        #expect(reviews.map(\.action) == [.submit, .sendBack])
        #expect(reviews.last?.comment == "指標③の出典を")
    }

    @Test("every version is kept: the history of edits reads back each version's content")
    func history() throws {
        let database = try database()
        var sheet = try Seeds.measure()
        sheet.indicators[0].years.append(IndicatorYear(year: fy(2014), plan: num("21")))
        try database.writer.write { db in
            try Sheets.save(GRDBSession(db: db), sheet, source: "edit", author: "区調整課 担当", note: "2014計画値", expectedVersion: 1, now: now)
        }
        let revisions = try database.writer.read { db in try Sheets.revisions(GRDBSession(db: db), code: "72302000") }
        #expect(revisions.map(\.version) == [1, 2])
        #expect(revisions.map(\.source) == ["import", "edit"])
        #expect(revisions[0].content == (try Seeds.measure()))
        #expect(revisions[1].content == sheet && revisions[1].note == "2014計画値")
    }
}
