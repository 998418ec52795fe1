import Foundation

/// The two independent checkers a signed PDF (PAdES) is held to: poppler's `pdfsig`, which checks chains against an
/// NSS database, and Python's pyHanko (`Tests/Interop/verify_pdf_signature.py`). Each trusts the one authority it is
/// given and nothing else.
public struct PDFSignatureCheckers {
    /// A folder for the files, removed with `remove()`
    public let folder: URL
    /// The trusted authority's certificate, PEM
    public let authorityPEM: URL

    public init(authorityPEM pem: String) throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("madoguchi-pades-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        authorityPEM = folder.appendingPathComponent("authority.pem")
        try pem.write(to: authorityPEM, atomically: true, encoding: .utf8)
    }

    /// An NSS database (what pdfsig checks chains against) that trusts this authority, and only it.
    public func nssDatabase() throws -> URL {
        let database = folder.appendingPathComponent("nss")
        if FileManager.default.fileExists(atPath: database.path) { return database }
        try FileManager.default.createDirectory(at: database, withIntermediateDirectories: true)
        _ = try Poppler.run("certutil", ["-N", "-d", "sql:\(database.path)", "--empty-password"])
        _ = try Poppler.run("certutil", ["-A", "-d", "sql:\(database.path)", "-n", "authority", "-t", "C,C,C", "-a", "-i", authorityPEM.path])
        return database
    }

    /// pdfsig's report on `pdf`, trusting this authority (or `other`'s).
    public func pdfsig(_ pdf: URL, trusting other: PDFSignatureCheckers? = nil) throws -> String {
        try Poppler.run("pdfsig", ["-nssdir", "sql:\(try (other ?? self).nssDatabase().path)", pdf.path])
    }

    /// pyHanko's verdict: its exit status and its lines (one a signature, then "ok" or "refused").
    public func pyHanko(_ pdf: URL, authority: URL? = nil) throws -> (Int32, String) {
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Tests/Interop/verify_pdf_signature.py").path
        let (out, status) = try Poppler.python(script, [pdf.path, (authority ?? authorityPEM).path])
        return (status, out)
    }

    public func write(_ bytes: [UInt8], _ name: String) throws -> URL {
        let url = folder.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url
    }

    public func remove() { try? FileManager.default.removeItem(at: folder) }
}
