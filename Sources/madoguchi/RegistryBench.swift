import ArgumentParser
import Foundation
import MadoguchiDemo
import MadoguchiDocuments
import MadoguchiDomain
import MadoguchiImport
import MadoguchiIssuance
import MadoguchiStore

/// `madoguchi bench registry`: what the disclosure rules and the registry feeds cost, in one run.
/// - the rules: reading a subject's facts (支援措置 of the household and the 戸籍, 本人通知, the requester's tie to the
///   戸籍) and deciding, against rendering the certificate on the same thread;
/// - the imports: a 所得・課税 file of one row per resident, and a day's 異動 feed.
struct RegistryBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "registry", abstract: "The disclosure rules against rendering, and the registry imports and 異動 feed, in one run.")

    @Option(help: "Persons in the demo city.") var residents: Int = 20_000
    @Option(help: "Decisions to time.") var decisions: Int = 20_000
    @Option(help: "Certificates to render for the comparison.") var renders: Int = 200
    @Option(help: "Rows of the 異動 feed.") var changes: Int = 2_000

    func run() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("madoguchi-registry-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let database = try MadoguchiDatabase.open(path: folder.appendingPathComponent("city.sqlite").path)
        _ = try DemoCityGenerator.generate(into: database, options: .init(residents: residents, seed: 1))
        let today = CivilDate(year: 2026, month: 11, day: 24)!
        _ = try DemoScenarios.add(into: database, asOf: today)
        let ids = try await database.inspection.residentIds()

        // 1. The rules: facts and decision, for a mix of kinds and requesters, one thread.
        var random = DemoRandom(seed: 7)
        let requests = (0..<decisions).map { _ -> CertificateRequest in
            let subject = random.pick(ids)
            let cls = random.pick(RequesterClass.allCases)
            return CertificateRequest(
                kind: random.pick(CertificateKind.allCases), subjectId: subject,
                requester: Requester(cls, residentId: cls == .self ? subject : random.pick(ids), name: "請求　者", identityDocuments: [.driversLicense],
                                     powerOfAttorney: true, reason: "権利行使", supportingDocuments: true),
                channel: .counter, options: CertificateOptions(scope: random.chance(0.3) ? .household : .individual, fiscalYear: FiscalYear(2026)),
                date: today)
        }
        var approved = 0
        let rulesStart = ContinuousClock.now
        let facts = try await database.inspection.subjectFacts(requests, on: today)
        for (request, facts) in zip(requests, facts) where Eligibility.evaluate(request, facts: facts).isApproved { approved += 1 }
        let rulesSeconds = Self.seconds(ContinuousClock.now - rulesStart)
        let (content, extras) = try Bench.Render.sample()
        let renderer = CertificateRenderer()
        for _ in 0..<5 { _ = try renderer.render(content, extras: extras) }
        let renderStart = ContinuousClock.now
        for _ in 0..<renders { _ = try renderer.render(content, extras: extras) }
        let renderSeconds = Self.seconds(ContinuousClock.now - renderStart)
        let perDecision = rulesSeconds / Double(decisions)
        let perRender = renderSeconds / Double(renders)
        print(String(format: "rules: %d decisions (%d approved) in %.2f s: %.0f per second, %.1f µs each", decisions, approved, rulesSeconds,
                     Double(decisions) / rulesSeconds, perDecision * 1e6))
        print(String(format: "render: %d in %.2f s: %.1f per second, %.1f ms each; the rules cost %.2f %% of a rendering", renders, renderSeconds,
                     Double(renders) / renderSeconds, perRender * 1e3, perDecision / perRender * 100))

        // 2. A 所得・課税 file of one row per current resident (a year not yet held), CP932 as core systems send it.
        let codes = try await database.inspection.currentResidentRecordCodes()
        var tax = ["住民票コード,年度,収入金額,合計所得金額,課税標準額,市民税額,県民税額"]
        for code in codes { tax.append("\(code),令和9年度,\"3,000,000\",2000000,1200000,99500,25500") }
        let taxBytes = try TextEncoding.encode(tax.joined(separator: "\r\n") + "\r\n", as: .cp932)
        let taxStart = ContinuousClock.now
        let taxReport = try RegistryImport.tax.run(taxBytes, into: database.registry)
        let taxSeconds = Self.seconds(ContinuousClock.now - taxStart)
        print(String(format: "import tax: %d rows (%@) in %.2f s: %.0f rows per second, %d bad", taxReport.imported, taxReport.encoding.rawValue,
                     taxSeconds, Double(taxReport.imported) / taxSeconds, taxReport.errors.count))

        // 3. A day's 異動: deaths, 転出届 and 転居 into a householder's household, in one transaction.
        var feed = [CSVTable.japaneseHeader(ChangeFeed.columns)]
        let columns = ChangeFeed.columns.map(\.key)
        func row(_ values: [String: String]) -> String { columns.map { values[$0] ?? "" }.joined(separator: ",") }
        let chosen = Array(codes.shuffled(using: &random).prefix(changes + 1))
        for (i, code) in chosen.dropFirst().enumerated() {
            switch i % 3 {
            case 0: feed.append(row(["change": "死亡", "occurredOn": "2026-11-23", "notifiedOn": "2026-11-24", "residentRecordCode": code]))
            case 1:
                feed.append(row(["change": "転出届", "occurredOn": "2026-12-10", "notifiedOn": "2026-11-24", "residentRecordCode": code,
                                 "destination": "東京都千代田区霞が関一丁目1番1号"]))
            default:
                feed.append(row(["change": "転居", "occurredOn": "2026-11-22", "notifiedOn": "2026-11-24", "residentRecordCode": code,
                                 "relationship": "縁故者", "prefecture": "神奈川県", "municipality": "窓口市", "ward": "東区", "town": "港町一丁目",
                                 "block": "\(i)番1号"]))
            }
        }
        let feedStart = ContinuousClock.now
        let feedReport = try ChangeFeed.run(Array((feed.joined(separator: "\r\n") + "\r\n").utf8), into: database.registry)
        let feedSeconds = Self.seconds(ContinuousClock.now - feedStart)
        print(String(format: "import changes: %d rows in %.2f s: %.0f rows per second, %d bad", feedReport.imported, feedSeconds,
                     Double(feedReport.imported) / feedSeconds, feedReport.errors.count))
        if !feedReport.errors.isEmpty || !taxReport.errors.isEmpty { throw ExitCode(1) }
    }

    static func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18 }
}
