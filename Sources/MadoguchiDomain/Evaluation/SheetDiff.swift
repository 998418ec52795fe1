import Foundation

/// What changed between two versions of a sheet, field by field, for the change history.
public struct SheetChange: Hashable, Sendable, Codable {
    /// `indicators[0].years[3].actual`
    public var field: String
    public var before: String?
    public var after: String?
}

public enum SheetDiff {
    /// The fields whose values differ, in path order. Arrays are compared element by element.
    public static func changes(from old: EvaluationSheet, to new: EvaluationSheet) -> [SheetChange] {
        let a = flatten(old), b = flatten(new)
        return Set(a.keys).union(b.keys).sorted().compactMap { key in
            a[key] == b[key] ? nil : SheetChange(field: key, before: a[key], after: b[key])
        }
    }

    static func flatten(_ sheet: EvaluationSheet) -> [String: String] {
        let object = try! JSONSerialization.jsonObject(with: CanonicalSheetJSON.encode(sheet))
        var out: [String: String] = [:]
        func walk(_ value: Any, _ path: String) {
            switch value {
            case let d as [String: Any]:
                for (k, v) in d { walk(v, path.isEmpty ? k : "\(path).\(k)") }
            case let a as [Any]:
                for (i, v) in a.enumerated() { walk(v, "\(path)[\(i)]") }
            case let s as String: out[path] = s
            case let n as NSNumber: out[path] = n.stringValue
            default: out[path] = "\(value)"
            }
        }
        walk(object, "")
        return out.filter { $0.key != "format" }.reduce(into: [:]) { r, kv in
            r[String(kv.key.dropFirst("sheet.".count))] = kv.value
        }
    }
}
