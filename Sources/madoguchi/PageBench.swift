import AsyncHTTPClient
import ArgumentParser
import Foundation
import MadoguchiDemo
import MadoguchiDomain
import MadoguchiStore
import NIOCore

/// `madoguchi bench pages`: what the resident's pages cost now that they are models rendered by Mustache templates
/// (issue 14, item 9). A real server on the demo city answers each page and, where there is one, the JSON API of the
/// same use case; the page/JSON ratio is what the view (model, template, frame) adds over encoding the same answer.
struct PageBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pages", abstract: "The public pages against the JSON of the same answers: latency per request, one client at a time.")

    @Option(help: "Requests per path.") var requests: Int = 300
    @Option(help: "Residents in the demo city.") var residents: Int = 300

    func run() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("madoguchi-page-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let db = folder.appendingPathComponent("city.sqlite").path
        let database = try MadoguchiDatabase.open(path: db)
        _ = try DemoCityGenerator.generate(into: database, options: .init(residents: residents, seed: 3))
        let binary = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        let port = Int.random(in: 20_000...31_990)
        let server = try Child(
            binary, ["serve", "--db", db, "--port", String(port)], ["MADOGUCHI_CLOCK": "2026-11-24T10:00:00+09:00", "LOG_LEVEL": "warning"],
            log: folder.appendingPathComponent("serve.log"))
        defer { server.stop() }
        let base = "http://127.0.0.1:\(port)"
        let http = HTTPClient.shared
        try await waitUntilHealthy(http, base)

        // A few tickets, so that the board and the ticket page have something to show.
        var ticket = ""
        for _ in 0..<5 {
            var draw = HTTPClientRequest(url: base + "/api/v1/facilities/chuo-ward-office/tickets")
            draw.method = .POST
            draw.headers.add(name: "Content-Type", value: "application/json")
            draw.body = .bytes(ByteBuffer(string: #"{"route":["certificates"],"language":"ja"}"#))
            let answer = try await http.execute(draw, timeout: .seconds(10))
            let body = try await answer.body.collect(upTo: 1 << 20)
            let json = try JSONSerialization.jsonObject(with: Data(String(buffer: body).utf8)) as? [String: Any]
            ticket = json?["ticket"] as? String ?? ticket
        }
        let town = "ward=%E4%B8%AD%E5%A4%AE%E5%8C%BA&town=%E6%9C%AC%E7%94%BA%E4%B8%80%E4%B8%81%E7%9B%AE"
        let pairs: [(String, String, String?)] = [
            ("ticket", "/tickets/\(ticket)", "/api/v1/tickets/\(ticket)"),
            ("board", "/facilities/chuo-ward-office/board", "/api/v1/facilities/chuo-ward-office/board"),
            ("congestion (2 months)", "/facilities/chuo-ward-office/congestion", "/api/v1/facilities/chuo-ward-office/congestion"),
            ("finder", "/finder?kind=residentRecordCopy&\(town)", "/api/v1/finder?kind=residentRecordCopy&\(town)"),
            ("network on a day", "/facilities?date=2015-03-31", nil),
            ("a facility's history", "/facilities/chuo-ward-office", nil),
            ("home", "/", nil),
        ]
        func time(_ path: String) async throws -> (mean: Double, p95: Double, bytes: Int) {
            var samples: [Double] = []
            var bytes = 0
            for i in 0..<(requests + 20) {
                let started = ContinuousClock.now
                let response = try await http.execute(HTTPClientRequest(url: base + path), timeout: .seconds(10))
                let body = try await response.body.collect(upTo: 8 << 20)
                guard response.status == .ok else { throw ValidationError("\(path): \(response.status)") }
                let d = ContinuousClock.now - started
                if i >= 20 { samples.append(Double(d.components.attoseconds) / 1e15 + Double(d.components.seconds) * 1000) }
                bytes = body.readableBytes
            }
            samples.sort()
            return (samples.reduce(0, +) / Double(samples.count), samples[Int(Double(samples.count) * 0.95)], bytes)
        }
        print("\(requests) requests a path, one at a time, after 20 to warm up (ms)")
        print("page\tmean\tp95\tbytes\tJSON mean\tJSON p95\tJSON bytes\tpage/JSON")
        for (name, page, api) in pairs {
            let p = try await time(page)
            if let api {
                let j = try await time(api)
                print(String(format: "%@\t%.2f\t%.2f\t%d\t%.2f\t%.2f\t%d\t%.2f", name, p.mean, p.p95, p.bytes, j.mean, j.p95, j.bytes, p.mean / j.mean))
            } else {
                print(String(format: "%@\t%.2f\t%.2f\t%d\t\t\t\t", name, p.mean, p.p95, p.bytes))
            }
        }
    }
}
