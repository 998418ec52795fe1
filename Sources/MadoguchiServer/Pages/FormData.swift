import Foundation
import Hummingbird

/// An `application/x-www-form-urlencoded` body: repeated keys kept (checkboxes).
struct FormData: Sendable {
    let pairs: [(String, String)]

    init(_ text: String) {
        pairs = text.split(separator: "&").compactMap { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let key = parts.first.flatMap({ Self.decode(String($0)) }) else { return nil }
            return (key, parts.count > 1 ? Self.decode(String(parts[1])) ?? "" : "")
        }
    }

    static func decode(_ s: String) -> String? { s.replacingOccurrences(of: "+", with: " ").removingPercentEncoding }

    static func read(_ request: Request) async throws -> FormData {
        FormData(String(buffer: try await request.body.collect(upTo: 256 * 1024)))
    }

    subscript(_ key: String) -> String? { pairs.first { $0.0 == key }?.1 }
    func all(_ key: String) -> [String] { pairs.filter { $0.0 == key }.map(\.1) }
    func flag(_ key: String) -> Bool { self[key] != nil }
}
