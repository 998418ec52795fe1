import ArgumentParser
import Foundation
import MadoguchiDocuments
import MadoguchiDomain
import MadoguchiIssuance
import MadoguchiPKI
import MadoguchiStore
import X509

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

struct Verify: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Verify a certificate: a PDF, a scanned image (PNG/JPEG) or the QR text. Exits 0 only when valid.",
        discussion: """
            Offline with --jwks (a file, or the city's URL such as https://…/.well-known/jwks.json): checks the city's
            signature, and for a PDF that the signed names are the ones printed. With --db: also the city's records
            (revoked, superseded). A signed PDF (電子交付, PAdES) has its signature checked too: against the database's
            document authority with --db, or --document-authority (a PEM file, or the city's …/pki/documents.pem); with
            only --document-authority, the signature alone is checked. Reading PDFs and images uses pdftoppm and zbarimg
            (poppler-utils, zbar-tools).
            """)

    @Argument(help: "A PDF, an image, or a text file holding the QR text.") var file: String
    @Option(help: "The city's public keys: a JWKS file or URL.") var jwks: String?
    @Option(help: "Check against this database (signature and records) instead of a JWKS.") var db: String?
    @Option(help: "The city's document authority (PEM file or URL) to check a signed PDF against.") var documentAuthority: String?

    func run() async throws {
        guard jwks != nil || db != nil || documentAuthority != nil else {
            throw fail(MadoguchiError(
                .badRequest, ja: "--jwks（公開鍵）、--db または --document-authority を指定してください",
                en: "Give --jwks (the city's keys), --db or --document-authority"))
        }
        // The city's database, opened once for both the signature's authority and the QR code's records.
        let records = try db.map { path in try reporting { IssuanceService(database: try MadoguchiDatabase.open(path)) } }
        // The signature's lines follow the QR code's verdict, which stays the first line.
        var good = true
        var signatureLines: [String] = []
        if let bytes = FileManager.default.contents(atPath: file), bytes.starts(with: Array("%PDF".utf8)) {
            (good, signatureLines) = try await checkPDFSignatures([UInt8](bytes), records: records)
        }
        if jwks == nil && db == nil {
            signatureLines.forEach { print($0) }
            print("qr: not checked (give --jwks or --db) / 二次元コードは未確認")
            if !good { throw ExitCode(1) }
            return
        }
        let (token, printedText) = try reporting { try Self.read(file) }
        let result: DocumentVerification
        if let records {
            result = try reporting { try records.verify(token) }
        } else {
            result = DocumentVerification.offline(token, keys: try await Self.loadKeys(jwks!))
        }
        var final = result
        if result.status == .valid, let printed = printedText, let claims = result.claims {
            let paper = Self.compact(printed)
            let missing = claims.names.filter { !paper.contains(Self.compact($0)) }
            if !missing.isEmpty {
                final = DocumentVerification(
                    status: .invalid, ja: "紙面の氏名が署名された氏名と一致しません（改ざんの疑い）。",
                    en: "The names printed differ from the signed names (altered?).", claims: claims, kid: result.kid,
                    checkedOnline: result.checkedOnline)
            }
        }
        print("\(final.status.rawValue): \(final.message["ja"] ?? "") / \(final.message["en"] ?? "")")
        if let c = final.claims {
            print("document \(c.jti), city \(c.iss), kind \(c.kind), names \(c.names.joined(separator: ", ")), births \(c.births.joined(separator: ", "))")
        }
        signatureLines.forEach { print($0) }
        if final.status != .valid || !good { throw ExitCode(1) }
    }

    /// A signed PDF's signatures, one line each (`pdf-signature: valid|invalid|unchecked …`), and false when one is
    /// checked and fails; an unsigned PDF says so and passes (the QR code is then its only proof).
    func checkPDFSignatures(_ pdf: [UInt8], records: IssuanceService?) async throws -> (Bool, [String]) {
        let authority: Certificate?
        if let records {
            authority = try reporting { try records.documentAuthority() }
        } else if let source = documentAuthority {
            let pem = String(decoding: try await fetchFileOrURL(source, what: "文書認証局の証明書"), as: UTF8.self)
            guard let certificate = try? Certificate(pemEncoded: pem) else {
                throw fail(MadoguchiError(.fileUnreadable, ja: "PEM形式の証明書として読めません: \(source)", en: "Not a PEM certificate: \(source)"))
            }
            authority = certificate
        } else {
            authority = nil
        }
        guard let authority else {
            let signed = (try? PDFSignature.embedded(in: pdf).isEmpty == false) ?? true
            return (true, [signed
                ? "pdf-signature: unchecked: 電子署名があります（--document-authority で確認できます） / signed; give --document-authority to check it"
                : "pdf-signature: none (電子署名なし)"])
        }
        let signatures = try await reporting { try await IssuanceService.checkSignatures(pdf, authority: authority) }
        if signatures.isEmpty { return (true, ["pdf-signature: none (電子署名なし)"]) }
        var good = true
        var lines: [String] = []
        for check in signatures {
            let stamp = check.timestamp.map { " timestamp \(Self.japanTime($0))" + (check.timestampValid ? "" : " (not valid)") } ?? " no timestamp"
            if check.isGood {
                lines.append("pdf-signature: valid: 市の電子署名は有効です / signed by \(check.signer ?? "?"), trusted by the document authority, whole file;\(stamp)")
            } else {
                good = false
                lines.append("pdf-signature: invalid: 電子署名を確認できません（改ざんまたは別の署名者） / \(check.problems.joined(separator: "; "));\(stamp)")
            }
        }
        return (good, lines)
    }

    static func japanTime(_ date: Date) -> String {
        var style = Date.ISO8601FormatStyle(timeZone: TimeZone(secondsFromGMT: 9 * 3600)!)
        style = style.year().month().day().time(includingFractionalSeconds: false).timeZone(separator: .colon)
        return date.formatted(style)
    }

    static func compact(_ s: String) -> String {
        String(s.unicodeScalars.filter { !$0.properties.isWhitespace }.map(Character.init))
    }

    /// The QR text, and the printed text for a PDF.
    static func read(_ path: String) throws -> (String, String?) {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw MadoguchiError(.fileUnreadable, ja: "ファイルを読めません: \(path)", en: "Cannot read \(path)")
        }
        let lower = path.lowercased()
        if data.starts(with: Array("%PDF".utf8)) {
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("madoguchi-verify-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: dir) }
            _ = try tool("pdftoppm", ["-r", "150", "-png", path, dir.appendingPathComponent("page").path])
            let pages = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".png") }.sorted()
            for page in pages.reversed() {
                if let token = try? scan(dir.appendingPathComponent(page).path) {
                    return (token, try tool("pdftotext", ["-enc", "UTF-8", path, "-"]))
                }
            }
            throw MadoguchiError(.qrNotFound, ja: "PDFに二次元コードが見つかりません", en: "No QR code found in the PDF")
        }
        if [".png", ".jpg", ".jpeg", ".gif", ".bmp", ".tif", ".tiff"].contains(where: lower.hasSuffix) {
            return (try scan(path), nil)
        }
        return (String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines), nil)
    }

    static func scan(_ image: String) throws -> String {
        let text = try tool("zbarimg", ["-q", "--raw", image]).trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else {
            throw MadoguchiError(.qrNotFound, ja: "画像に二次元コードが見つかりません", en: "No QR code found in the image")
        }
        return text.split(separator: "\n").first.map(String.init) ?? text
    }

    static func tool(_ name: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [name] + arguments
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch {
            throw MadoguchiError(.toolMissing, ja: "\(name) が見つかりません", en: "\(name) is not installed")
        }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    static func loadKeys(_ source: String) async throws -> JWKSet {
        let data = try await fetchFileOrURL(source, what: "公開鍵")
        guard let keys = try? JSONDecoder().decode(JWKSet.self, from: data) else {
            throw fail(MadoguchiError(.fileUnreadable, ja: "JWKSとして読めません: \(source)", en: "Not a JWKS: \(source)"))
        }
        return keys
    }
}

struct Keys: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Document-signing keys.", subcommands: [Rotate.self])

    struct Rotate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Retire the active signing key and start a new one (older papers still verify).",
            discussion: """
                With --documents: retire the PDF signing key and the timestamp service's key (電子交付) instead, and have
                the document authority certify new ones; PDFs signed before still verify against the same authority.
                MADOGUCHI_CLOCK, when set, is the time of rotation.
                """)
        @Option(help: "The database: a SQLite file, or postgres://user@host:port/db.") var db: String = defaultDatabasePath
        @Flag(help: "Rotate the PDF signing and timestamp keys, not the QR code's.") var documents = false

        func run() throws {
            let service = try reporting { IssuanceService(database: try MadoguchiDatabase.open(db), clock: try environmentClock()) }
            if documents {
                let serial = try reporting { try service.rotateDocumentKeys() }
                print("document-signing certificate: \(serial)")
            } else {
                let kid = try reporting { try service.rotateSigningKey() }
                print("active key: \(kid)")
            }
        }
    }
}

extension MadoguchiError.Code {
    static let qrNotFound = Self("verify.qrNotFound")
    static let toolMissing = Self("cli.toolMissing")
}
