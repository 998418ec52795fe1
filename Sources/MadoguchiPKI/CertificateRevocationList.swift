import Foundation
import SwiftASN1
import X509
import _CryptoExtras

/// Minimal DER writing for the few structures swift-certificates does not build (the CRL).
enum DERWriter {
    static func tlv(_ tag: UInt8, _ content: [UInt8]) -> [UInt8] {
        var out = [tag]
        let n = content.count
        if n < 0x80 {
            out.append(UInt8(n))
        } else {
            let bytes = withUnsafeBytes(of: UInt64(n).bigEndian, Array.init).drop { $0 == 0 }
            out.append(0x80 | UInt8(bytes.count))
            out += bytes
        }
        return out + content
    }

    static func sequence(_ parts: [[UInt8]]) -> [UInt8] { tlv(0x30, parts.flatMap { $0 }) }
    static func integer(_ n: Int) -> [UInt8] { positiveInteger(withUnsafeBytes(of: UInt64(n).bigEndian, Array.init)) }
    static func positiveInteger(_ bytes: [UInt8]) -> [UInt8] {
        var b = Array(bytes.drop { $0 == 0 })
        if b.isEmpty { b = [0] }
        if b[0] & 0x80 != 0 { b.insert(0, at: 0) }
        return tlv(0x02, b)
    }
    static func octetString(_ bytes: [UInt8]) -> [UInt8] { tlv(0x04, bytes) }
    static func oid(_ der: [UInt8]) -> [UInt8] { tlv(0x06, der) }

    /// UTCTime (to 2049) or GeneralizedTime, UTC, seconds.
    static func time(_ date: Date) -> [UInt8] {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        let rest = "\(two(c.month!))\(two(c.day!))\(two(c.hour!))\(two(c.minute!))\(two(c.second!))Z"
        if c.year! < 2050 { return tlv(0x17, Array((two(c.year! % 100) + rest).utf8)) }
        return tlv(0x18, Array((String(c.year!) + rest).utf8))
    }

    /// sha256WithRSAEncryption with NULL parameters
    static let sha256WithRSA = sequence([oid([0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x0B]), [0x05, 0x00]])
}

/// A revoked card certificate as the CRL lists it.
public struct RevokedEntry: Sendable, Hashable {
    public var serialNumber: [UInt8]
    public var revokedAt: Date
    /// RFC 5280 reasonCode (0 … 10; 0 is left out of the entry, as RFC 5280 advises)
    public var reasonCode: Int

    public init(serialNumber: [UInt8], revokedAt: Date, reasonCode: Int) {
        self.serialNumber = serialNumber
        self.revokedAt = revokedAt
        self.reasonCode = reasonCode
    }
}

/// An X.509 v2 CRL (RFC 5280 §5) signed by the card authority, in DER.
public enum CertificateRevocationList {
    public static func make(
        authority: CardAuthority, revoked: [RevokedEntry], number: Int, thisUpdate: Date, nextUpdate: Date
    ) throws -> [UInt8] {
        var issuer = DER.Serializer()
        try issuer.serialize(authority.certificate.subject)
        let entries = revoked.map { entry -> [UInt8] in
            var parts = [DERWriter.positiveInteger(entry.serialNumber), DERWriter.time(entry.revokedAt)]
            if entry.reasonCode != 0 {
                let reason = DERWriter.sequence([
                    DERWriter.oid([0x55, 0x1D, 0x15]),  // 2.5.29.21 reasonCode
                    DERWriter.octetString(DERWriter.tlv(0x0A, [UInt8(entry.reasonCode)])),
                ])
                parts.append(DERWriter.sequence([reason]))
            }
            return DERWriter.sequence(parts)
        }
        var extensions = [
            DERWriter.sequence([DERWriter.oid([0x55, 0x1D, 0x14]), DERWriter.octetString(DERWriter.integer(number))]),  // cRLNumber
        ]
        if let keyID = try authority.certificate.extensions.subjectKeyIdentifier?.keyIdentifier {
            extensions.append(
                DERWriter.sequence([
                    DERWriter.oid([0x55, 0x1D, 0x23]),  // authorityKeyIdentifier
                    DERWriter.octetString(DERWriter.sequence([DERWriter.tlv(0x80, Array(keyID))])),
                ]))
        }
        var tbs: [[UInt8]] = [
            DERWriter.integer(1),  // v2
            DERWriter.sha256WithRSA, issuer.serializedBytes, DERWriter.time(thisUpdate), DERWriter.time(nextUpdate),
        ]
        if !entries.isEmpty { tbs.append(DERWriter.sequence(entries)) }
        tbs.append(DERWriter.tlv(0xA0, DERWriter.sequence(extensions)))
        let tbsBytes = DERWriter.sequence(tbs)
        let signature = try authority.key.signature(for: tbsBytes, padding: .insecurePKCS1v1_5).rawRepresentation
        return DERWriter.sequence([tbsBytes, DERWriter.sha256WithRSA, DERWriter.tlv(0x03, [0x00] + Array(signature))])
    }
}
