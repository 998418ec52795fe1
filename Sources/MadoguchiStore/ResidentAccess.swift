import Foundation
import MadoguchiDomain

/// One line of what a resident sees of the use of their data (住民向けアクセス記録): when, where, what, why. Never
/// who (the member of staff), and never what was read.
public struct ResidentAccessLine: Sendable, Hashable, Codable {
    public enum Source: String, Sendable, Hashable, Codable {
        /// A member of staff read the data (the access log)
        case read
        /// A certificate about the person was issued, refused, reprinted or voided (the ledger)
        case certificate
        /// Another city's counter asked for it through the relay (広域交付)
        case wideArea
    }

    public var at: String
    public var source: Source
    /// 窓口: the facility's name, a channel (コンビニ交付), or the asking city
    public var place: String
    /// What happened, in Japanese
    public var what: String
    /// Why (the purpose chosen at the counter), for reads
    public var purpose: String?
    /// Who asked for a certificate: 本人, 同一世帯員, 代理人, 第三者, 職務上請求
    public var requester: String?
}

/// Builds a resident's view from the access log, the ledger and the record of 広域交付 queries, leaving out what
/// the law or the city's rules keep from the person (the side that shows less, ADR 0008):
/// - 公用請求 (国・地方公共団体) and reads to answer an inquiry (照会: a police 捜査関係事項照会, for one) are never
///   shown: telling the person would defeat them.
/// - 職務上請求 for a dispute's proceedings (紛争処理手続の代理業務) are left out, as 本人通知 leaves them out
///   (`Eligibility.unnotifiedProfessionalPurposes`), and so are 職務上請求 refusals, whose purpose is not on record.
/// - A read that also showed someone under 支援措置 is shown only to a person who is protected themself: an other
///   party must not learn where and when the person he is kept from was served.
/// - The auditor's own reads (purpose 監査) are not shown.
public enum ResidentAccess {
    public static func lines(_ db: any SQLSession, residentId: Int64, on date: CivilDate) throws -> [ResidentAccessLine] {
        let facilities = Dictionary(uniqueKeysWithValues: try db.rows("SELECT id, name FROM facility").map {
            (try $0.text("id"), try $0.text("name"))
        })
        func place(_ facility: String?, _ channel: Channel? = nil) -> String {
            if let channel, channel != .counter { return channel.japanese }
            return facility.flatMap { facilities[$0] } ?? "市役所"
        }
        let selfProtected = try AccessLog.anyProtected(db, [residentId], on: date)
        let decoder = JSONDecoder()
        var hidden = Set<String>()  // certificates kept from the person: their reads are kept too
        var covered = Set<String>()  // certificates the ledger lines already show
        var lines: [ResidentAccessLine] = []

        // The ledger: certificates about the person.
        for row in try db.rows("SELECT payload FROM ledgerEntry WHERE subjectId = ? ORDER BY sequence", residentId) {
            let record = try decoder.decode(LedgerRecord.self, from: Data(try row.text("payload").utf8))
            var requesterClass = record.requesterClass
            if let id = record.documentId, let json = try db.scalar("SELECT requester FROM certificate WHERE id = ?", arguments: [id], as: String.self),
                let requester = try? decoder.decode(Requester.self, from: Data(json.utf8))
            {
                requesterClass = requester.requesterClass
                if requester.professionalPurpose.map(Eligibility.unnotifiedProfessionalPurposes.contains) == true { hidden.insert(id) }
            }
            if requesterClass == .government || (record.action == .refuse && requesterClass == .professional) {
                if let id = record.documentId { hidden.insert(id) }
                continue
            }
            if let id = record.documentId {
                if hidden.contains(id) { continue }
                covered.insert(id)
            }
            let outcome: String = switch record.action {
            case .issue: "交付"
            case .refuse: "交付しませんでした"
            case .void: "無効にしました"
            case .reprint: "再印刷"
            }
            lines.append(ResidentAccessLine(
                at: record.at, source: .certificate, place: place(record.facilityId, record.channel),
                what: "\(record.kind.japanese)（\(record.copies)通）: \(outcome)", purpose: nil, requester: requesterClass.japanese))
        }

        // The access log: staff reads that showed the person.
        for entry in try AccessLog.entries(db, AccessFilter(residentId: residentId, limit: 100_000)).reversed() {
            let r = entry.record
            if r.purpose == .inquiry || r.purpose == .audit { continue }
            if r.flagged && !selfProtected { continue }
            if let id = r.documentId {
                if hidden.contains(id) { continue }
                if [.issue, .reprint].contains(r.action) && covered.contains(id) { continue }
                if let json = try db.scalar("SELECT requester FROM certificate WHERE id = ?", arguments: [id], as: String.self),
                    let requester = try? decoder.decode(Requester.self, from: Data(json.utf8)),
                    requester.requesterClass == .government
                        || requester.professionalPurpose.map(Eligibility.unnotifiedProfessionalPurposes.contains) == true
                {
                    continue
                }
            }
            lines.append(ResidentAccessLine(
                at: r.at, source: .read, place: place(r.facilityId), what: r.action.japanese, purpose: r.purpose.japanese, requester: nil))
        }

        // 広域交付: another city's counter asked this city for the person's record.
        for row in try db.rows(
            "SELECT at, fromCity, kind, requesterClass, outcome FROM wideAreaRequest WHERE subjectId = ? ORDER BY id", residentId)
        {
            let cls = RequesterClass(rawValue: try row.text("requesterClass"))
            // A class this code does not know is kept from the person too (the side that shows less).
            if cls == nil || cls == .government { continue }
            let kind = CertificateKind(rawValue: try row.text("kind"))?.japanese ?? "証明書"
            lines.append(ResidentAccessLine(
                at: try row.text("at"), source: .wideArea, place: "他の市区町村の窓口（\(try row.text("fromCity"))）",
                what: "\(kind)（広域交付）: \(try row.text("outcome") == "answered" ? "交付" : "交付しませんでした")", purpose: nil,
                requester: cls?.japanese))
        }
        return lines.sorted { $0.at > $1.at }
    }
}
