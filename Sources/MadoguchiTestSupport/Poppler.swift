import Foundation

/// Runs a poppler tool on a PDF and returns its standard output.
public enum Poppler {
    public static func run(_ tool: String, _ arguments: [String]) throws -> String {
        try outcome(tool, arguments).outText
    }

    /// The tool's whole outcome; an error when it had to be killed or its output could not be read to its end, so
    /// that a test never compares half an output.
    static func outcome(_ tool: String, _ arguments: [String]) throws -> Subprocess.Outcome {
        let outcome = try Subprocess.tool(tool, arguments, limit: .seconds(300))
        if outcome.timedOut { throw Spawned.failure("\(tool) had not ended in 300 s; killed", ETIMEDOUT) }
        if !outcome.complete { throw Spawned.failure("\(tool)'s output was not read to its end", EIO) }
        return outcome
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

    /// A page as grey levels (pdftoppm's PGM), row by row from the top; 0 is black.
    public struct Raster {
        public var width: Int
        public var height: Int
        public var pixels: [UInt8]

        /// The grey levels in a box given in points (1/72 inch) from the page's top-left corner.
        public func box(x: Double, y: Double, width w: Double, height h: Double, dpi: Int) -> [UInt8] {
            let scale = Double(dpi) / 72
            var out: [UInt8] = []
            for row in Int(y * scale)..<min(height, Int((y + h) * scale)) {
                for column in Int(x * scale)..<min(width, Int((x + w) * scale)) { out.append(pixels[row * width + column]) }
            }
            return out
        }
    }

    public static func raster(_ pdf: URL, page: Int = 1, dpi: Int) throws -> Raster {
        let prefix = pdf.deletingPathExtension().path + "-gray"
        _ = try run("pdftoppm", ["-gray", "-r", String(dpi), "-f", String(page), "-l", String(page), "-singlefile", pdf.path, prefix])
        defer { try? FileManager.default.removeItem(atPath: prefix + ".pgm") }
        let data = [UInt8](try Data(contentsOf: URL(fileURLWithPath: prefix + ".pgm")))
        // P5 header: magic, width, height, maximum, each followed by white space.
        var fields: [Int] = []
        var i = 2
        while fields.count < 3 {
            while data[i] == 0x20 || data[i] == 0x0A { i += 1 }
            var n = 0
            while data[i] >= 0x30 && data[i] <= 0x39 { n = n * 10 + Int(data[i] - 0x30); i += 1 }
            fields.append(n)
        }
        return Raster(width: fields[0], height: fields[1], pixels: Array(data[(i + 1)...]))
    }
    public static func pages(_ pdf: URL) throws -> Int {
        let info = try run("pdfinfo", [pdf.path])
        return Int(info.split(separator: "\n").first { $0.hasPrefix("Pages:") }!.split(separator: " ").last!)!
    }

    /// Renders a PDF page to PNG (pdftoppm) and reads its QR code back with zbarimg.
    public static func qr(_ pdf: URL, page: Int, dpi: Int = 150) throws -> String {
        let prefix = pdf.deletingPathExtension().path + "-qr"
        _ = try run("pdftoppm", ["-r", String(dpi), "-png", "-f", String(page), "-l", String(page), "-singlefile", pdf.path, prefix])
        defer { try? FileManager.default.removeItem(atPath: prefix + ".png") }
        let read = try outcome("zbarimg", ["-q", "--raw", prefix + ".png"])
        // zbarimg exits 4 when it finds no code: say so, with what it printed, rather than return an empty string.
        guard read.status == 0 else {
            throw Spawned.failure("zbarimg exit \(read.status) at \(dpi) dpi: \(read.errText.prefix(500))", EINVAL)
        }
        return read.outText.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// A tool's output and error output together, and its exit status (for a tool whose refusal is the finding).
    public static func runStatus(_ tool: String, _ arguments: [String], environment: [String: String] = [:]) throws -> (String, Int32) {
        let outcome = try Subprocess.tool(tool, arguments, environment: environment, mergeErrors: true, limit: .seconds(600))
        return (outcome.outText + (outcome.timedOut ? "\n(killed: no end in 600 s)" : ""), outcome.timedOut ? -1 : outcome.status)
    }

    /// Runs an independent checker (Python) and returns its output and exit status. Unbuffered (`-u`): a checker that
    /// dies or is killed still leaves what it printed so far (a browser test once failed with exit 1 and no output).
    public static func python(_ script: String, _ arguments: [String], environment: [String: String] = [:]) throws -> (String, Int32) {
        try runStatus("python3", ["-u", script] + arguments, environment: environment)
    }

    /// The same, waited for on a thread of its own: for checkers that drive browsers for a minute or more, which would
    /// otherwise hold one of the cooperative pool's two threads and hold up every other test's async work.
    public static func pythonOffThePool(_ script: String, _ arguments: [String], environment: [String: String] = [:]) async throws
        -> (String, Int32)
    {
        try await offThePool { try python(script, arguments, environment: environment) }
    }
}
