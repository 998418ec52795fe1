import Foundation
import MadoguchiTestSupport
import Testing

@testable import MadoguchiDomain
@testable import MadoguchiStore

/// The evaluation sheets' contract on SQLite and on PostgreSQL alike (issue 13 item 4).
@Suite("評価票の契約（SQLite と PostgreSQL）", .serialized)
struct SheetContractTests {
    static let clock = MadoguchiClock.parse("2026-11-24T10:00:00+09:00")!

    @Test("sheets: versions, a conflicting edit refused, the review to publication, the public version kept", arguments: TestEngines.available)
    func sheets(engine: SQLEngine) async throws {
        let store = try TestEngines.fresh(engine)
        let sheets = try store.database(keys: MasterKey.generate()).sheets
        let program = try Seeds.program()
        try await sheets.importSheets([program, try Seeds.measure()], author: "import", now: Self.clock.now())
        #expect(try await sheets.list().map(\.code).sorted() == [program.code, try Seeds.measure().code].sorted())
        #expect(try await sheets.tree().first?.parentCode == nil)
        let saved = try await sheets.save(program, source: "edit", author: "地域 一郎", note: "見直し", expectedVersion: 1, now: Self.clock.now())
        #expect(saved.version == 2)
        await #expect { try await sheets.save(program, source: "edit", author: "b", note: nil, expectedVersion: 1, now: Self.clock.now()) }
            throws: { ($0 as? MadoguchiError)?.code == .sheetVersionConflict }
        let steps: [(ReviewAction, String)] = [(.submit, "担当"), (.approve, "課長"), (.approve, "部長"), (.approve, "委員")]
        for (action, author) in steps {
            try await sheets.review(code: program.code, action: action, author: author, comment: nil, expectedVersion: 2, now: Self.clock.now(),
                                    authorize: { _ in })
        }
        #expect(try await sheets.sheet(code: program.code).stage == .published)
        #expect(try await sheets.published(code: program.code)?.version == 2)
        #expect(try await sheets.reviews(code: program.code).map(\.toStage) == [.sectionChief, .director, .externalReview, .published])
        #expect(try await sheets.revisions(code: program.code).map(\.source) == ["import", "edit"])
        // Hostile: a reviewer whose role the caller refuses changes nothing.
        try await sheets.review(code: program.code, action: .reopen, author: "担当", comment: "次年度", expectedVersion: 2, now: Self.clock.now(),
                                authorize: { _ in })
        struct Refused: Error {}
        await #expect(throws: Refused.self) {
            try await sheets.review(code: program.code, action: .submit, author: "x", comment: nil, expectedVersion: 2, now: Self.clock.now(),
                                    authorize: { _ in throw Refused() })
        }
        #expect(try await sheets.sheet(code: program.code).stage == .draft)
        #expect(try await sheets.published(code: program.code)?.version == 2, "the public keeps the version last published")
    }
}
