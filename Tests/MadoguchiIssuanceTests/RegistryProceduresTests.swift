import Foundation
import GRDB
import Testing

@testable import MadoguchiDemo
@testable import MadoguchiDomain
@testable import MadoguchiIssuance
@testable import MadoguchiStore

@Suite("窓口の手続（支援措置・印鑑登録・本人通知）", .serialized)
struct RegistryProceduresTests {
    static let clerk = RegistryProcedures.Actor("clerk-07", facilityId: "chuo-ward-office")

    func code(_ body: () async throws -> Void) async -> String? { await CardAuthenticationTests.errorCode(body) }

    @Test("支援措置 申出 protects at once; 決定 sets the year; 延長 only in the last month; 終了 stops it; each step recorded with who and where")
    func supportMeasureLifecycle() async throws {
        let city = try LawCity()
        let p = city.people
        let time = SteppingClock("2026-11-24T10:00:00+09:00")
        let procedures = RegistryProcedures(database: city.db, clock: time.clock)
        let service = IssuanceService(database: city.db, clock: time.clock)
        // The widow applies against a man who lives elsewhere in the city (here: 移川 健's wife's old neighbour, 系譜 一男).
        let applied = try await procedures.applySupportMeasure(
            subjectId: p.widow, otherPartyName: "系譜 一男", otherPartyResidentId: p.father, by: Self.clerk)
        #expect(applied.state == .applied)
        func askedByHim() throws -> [RefusalReason] {
            LawCity.refusals(try service.issue(.init(kind: .residentRecordCopy, subjectId: p.widow, requester: person(.thirdParty, p.father))))
        }
        #expect(try askedByHim().first == .supportMeasureOtherParty, "protected from the 申出 on")
        #expect(await code { _ = try await procedures.applySupportMeasure(subjectId: p.widow, otherPartyName: "系譜　一男", by: Self.clerk) }
            == "procedure.invalid", "the same other party twice")
        let decided = try await procedures.supportMeasure(applied.measure.id!, .decide, by: Self.clerk)
        #expect(decided.state == .decided)
        #expect(decided.measure.termEnd == CivilDate(year: 2027, month: 11, day: 23)!)
        #expect(await code { _ = try await procedures.supportMeasure(applied.measure.id!, .decide, by: Self.clerk) } == "supportMeasure.notAllowed")
        #expect(await code { _ = try await procedures.supportMeasure(applied.measure.id!, .extend, by: Self.clerk) } == "procedure.invalid",
                "too early to extend")
        time.set("2027-11-01T10:00:00+09:00")
        let extended = try await procedures.supportMeasure(applied.measure.id!, .extend, by: Self.clerk)
        #expect(extended.measure.termEnd == CivilDate(year: 2028, month: 11, day: 23)!)
        #expect(await code { _ = try await procedures.supportMeasure(applied.measure.id!, .end, by: Self.clerk) } == "procedure.invalid",
                "ending needs a reason")
        let ended = try await procedures.supportMeasure(applied.measure.id!, .end, reason: "本人からの終了の申出", by: Self.clerk)
        #expect(ended.state == .ended)
        #expect(try askedByHim().first != .supportMeasureOtherParty, "no longer protected")
        #expect(await code { _ = try await procedures.supportMeasure(applied.measure.id!, .extend, by: Self.clerk) } == "supportMeasure.notAllowed")
        // Every step, with who and where.
        let overview = try await procedures.overview(residentId: p.widow)
        #expect(overview.history.map(\.procedure) == [.supportMeasureApplied, .supportMeasureDecided, .supportMeasureExtended, .supportMeasureEnded])
        #expect(overview.history.allSatisfy { $0.actor == "clerk-07" && $0.facilityId == "chuo-ward-office" })
        #expect(overview.history.last?.detail["reason"] == "本人からの終了の申出")
        // The record is append-only.
        await #expect(throws: (any Error).self) { try await city.db.writer.write { d in try d.execute(sql: "DELETE FROM registryProcedure") } }
        await #expect(throws: (any Error).self) {
            try await city.db.writer.write { d in try d.execute(sql: "UPDATE registryProcedure SET actor = 'someone-else'") }
        }
    }

    @Test("印鑑登録: 15 or older, one seal a person; the certificate prints it; 廃止 stops it; hostile inputs refused")
    func seals() async throws {
        let city = try LawCity()
        let p = city.people
        let procedures = RegistryProcedures(database: city.db, clock: City.clock)
        let svg = Array("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"60\" height=\"60\"><circle cx=\"30\" cy=\"30\" r=\"27\"/></svg>".utf8)
        let seal = try await procedures.registerSeal(residentId: p.mother, image: svg, imageType: "image/svg+xml", by: Self.clerk)
        #expect(seal.registrationNumber == "2026-000001")
        #expect(await code { _ = try await procedures.registerSeal(residentId: p.mother, image: svg, imageType: "image/svg+xml", by: Self.clerk) }
            == "procedure.invalid", "one seal a person")
        #expect(await code { _ = try await procedures.registerSeal(residentId: p.grandchild, image: svg, imageType: "image/svg+xml", by: Self.clerk) }
            == "procedure.invalid", "under 15")
        #expect(await code { _ = try await procedures.registerSeal(residentId: p.father, image: svg, imageType: "image/gif", by: Self.clerk) }
            == "procedure.invalid")
        #expect(await code { _ = try await procedures.registerSeal(residentId: p.deceased, image: svg, imageType: "image/svg+xml", by: Self.clerk) }
            == "procedure.invalid", "a removed record")
        #expect(await code {
            _ = try await procedures.registerSeal(residentId: p.father, image: svg, imageType: "image/svg+xml", by: .init("clerk", facilityId: "nowhere"))
        } == "issuance.unknownFacility")
        let certificate = try city.issue(.sealRegistrationCertificate, of: p.mother, by: person(.self, p.mother))
        guard case .issued(let c, _) = certificate else { Issue.record("refused: \(certificate)"); return }
        #expect(c.content.seal?.registrationNumber == "2026-000001")
        _ = try await procedures.abolishSeal(number: seal.registrationNumber, reason: "印鑑の紛失", by: Self.clerk)
        #expect(LawCity.refusals(try city.issue(.sealRegistrationCertificate, of: p.mother, by: person(.self, p.mother))) == [.noSealRegistration])
        #expect(await code { _ = try await procedures.abolishSeal(number: seal.registrationNumber, reason: "二度目", by: Self.clerk) } == "registry.notFound")
        let again = try await procedures.registerSeal(residentId: p.mother, image: svg, imageType: "image/svg+xml", by: Self.clerk)
        #expect(again.registrationNumber == "2026-000002")
    }

    @Test("本人通知: registered at the counter, a proxy's request notifies; ended, it does not")
    func holderNotification() async throws {
        let city = try LawCity()
        let p = city.people
        let procedures = RegistryProcedures(database: city.db, clock: City.clock)
        _ = try await procedures.registerHolderNotification(residentId: p.sonInLaw, by: Self.clerk)
        #expect(await code { _ = try await procedures.registerHolderNotification(residentId: p.sonInLaw, by: Self.clerk) } == "procedure.invalid")
        guard case .issued(_, let notified) = try city.issue(.residentRecordCopy, of: p.sonInLaw, by: person(.proxy)) else {
            Issue.record("refused")
            return
        }
        #expect(notified)
        try await procedures.endHolderNotification(residentId: p.sonInLaw, by: Self.clerk)
        guard case .issued(_, let after) = try city.issue(.residentRecordCopy, of: p.sonInLaw, by: person(.proxy)) else {
            Issue.record("refused")
            return
        }
        #expect(!after)
        #expect(try await procedures.overview(residentId: p.sonInLaw).history.map(\.procedure) == [.holderNotificationRegistered, .holderNotificationEnded])
    }
}
