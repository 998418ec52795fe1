import Foundation

/// Runs a poppler tool on a PDF and returns its standard output.
public enum Poppler {
    public static func run(_ tool: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [tool] + arguments
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    public static func write(_ bytes: [UInt8]) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("madoguchi-\(UUID().uuidString).pdf")
        try Data(bytes).write(to: url)
        return url
    }

    public static func text(_ pdf: URL) throws -> String { try run("pdftotext", ["-enc", "UTF-8", pdf.path, "-"]) }

    /// Extracted text without white space: pdftotext spaces by layout (an ideographic space becomes a gap).
    public static func compact(_ text: String) -> String {
        String(text.unicodeScalars.filter { !$0.properties.isWhitespace }.map(Character.init))
    }
    public static func fonts(_ pdf: URL) throws -> String { try run("pdffonts", [pdf.path]) }
    public static func pages(_ pdf: URL) throws -> Int {
        let info = try run("pdfinfo", [pdf.path])
        return Int(info.split(separator: "\n").first { $0.hasPrefix("Pages:") }!.split(separator: " ").last!)!
    }

    /// Renders a PDF page to PNG (pdftoppm) and reads its QR code back with zbarimg.
    public static func qr(_ pdf: URL, page: Int, dpi: Int = 150) throws -> String {
        let prefix = pdf.deletingPathExtension().path + "-qr"
        _ = try run("pdftoppm", ["-r", String(dpi), "-png", "-f", String(page), "-l", String(page), "-singlefile", pdf.path, prefix])
        defer { try? FileManager.default.removeItem(atPath: prefix + ".png") }
        return try run("zbarimg", ["-q", "--raw", prefix + ".png"]).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Runs an independent checker (Python) and returns its output and exit status.
    public static func python(_ script: String, _ arguments: [String], environment: [String: String] = [:]) throws -> (String, Int32) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script] + arguments
        if !environment.isEmpty {
            var env = ProcessInfo.processInfo.environment
            for (k, v) in environment { env[k] = v }
            process.environment = env
        }
        let out = Pipe()
        process.standardOutput = out
        process.standardError = out
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (String(decoding: data, as: UTF8.self), process.terminationStatus)
    }
}
