import Foundation

/// Why a member of staff reads a person's data: chosen on the counter page (or sent with an API request) before
/// any person is shown, and recorded with every read. 個人情報保護法 §61–63 and the city's 個人情報保護条例 allow
/// the use of personal data only for the purpose of the work in hand; the log makes that purpose visible.
public enum AccessPurpose: String, Sendable, Codable, CaseIterable, Comparable {
    /// 証明書の交付
    case certificate
    /// 届出の受付（住民異動・印鑑登録など）
    case notification
    /// 窓口での相談
    case consultation
    /// 支援措置の事務
    case supportMeasure
    /// 他の機関・課からの照会への回答
    case inquiry
    /// 監査
    case audit

    public var japanese: String {
        switch self {
        case .certificate: "証明書の交付"
        case .notification: "届出の受付"
        case .consultation: "相談"
        case .supportMeasure: "支援措置の事務"
        case .inquiry: "照会への回答"
        case .audit: "監査"
        }
    }

    public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }

    /// The purpose `text` names (its raw value). Missing or unknown, it is `audit.purposeRequired`: nothing about a
    /// person is read without one (個人情報保護法 §61: personal data is used for the work in hand, and the purpose
    /// is what says which). `place` is where it is named: a header, a console option.
    public static func named(_ text: String?, in place: String) throws -> AccessPurpose {
        if let text, let purpose = AccessPurpose(rawValue: text) { return purpose }
        let values = allCases.map(\.rawValue).joined(separator: ", ")
        throw MadoguchiError(
            .auditPurposeRequired,
            ja: "個人の情報を見る目的を \(place) で指定してください（\(values)）",
            en: text.map { "Unknown purpose \($0); one of \(values)" } ?? "Name the purpose of reading people's data in \(place): one of \(values)")
    }
}

extension MadoguchiError.Code {
    public static let auditPurposeRequired = Self("audit.purposeRequired")
}

/// One read of people's data by a member of staff, as the access log keeps it. The log is append-only and
/// hash-chained like the ledger; this is the part that is hashed. It names people by their resident id only: never
/// a 個人番号, a name or an address.
public struct AccessRecord: Sendable, Codable, Hashable {
    public enum Action: String, Sendable, Codable, CaseIterable {
        /// 検索: the people in the results were shown
        case search
        /// 詳細: one person's record (the pre-filled request form, the API detail)
        case detail
        /// 手続の記録: the counter's procedures for a person
        case procedures
        /// プレビュー: what a certificate would say, before issuing
        case preview
        /// 交付: a certificate issued (the ledger has the entry; this says who saw it)
        case issue
        /// 証明書の記録
        case certificate
        /// 印刷用PDF
        case document
        /// 再印刷
        case reprint
        /// 出力（ファイル・CSV）
        case export

        public var japanese: String {
            switch self {
            case .search: "検索"
            case .detail: "住民記録の表示"
            case .procedures: "手続の記録の表示"
            case .preview: "証明書の確認"
            case .issue: "証明書の交付"
            case .certificate: "証明書の記録の表示"
            case .document: "証明書の表示・印刷"
            case .reprint: "証明書の再印刷"
            case .export: "出力"
            }
        }
    }

    /// When, as the ledger writes instants
    public var at: String
    /// The acting login (or `device:<label>` for a counter terminal)
    public var actor: String
    /// The facility the actor works at, when it has one
    public var facilityId: String?
    public var action: Action
    public var purpose: AccessPurpose
    /// The people shown, by resident id, ascending
    public var subjects: [Int64]
    /// The route that read them (`GET /counter/residents/{id}`)
    public var route: String
    /// A search's words, with any long run of digits (a 個人番号 typed by mistake) masked
    public var query: String?
    /// The certificate read, for a document, reprint or certificate record
    public var documentId: String?
    /// Set when one of the people shown was under 支援措置 at the time: such reads are reviewed by the auditor
    public var flagged: Bool

    public init(
        at: String, actor: String, facilityId: String?, action: Action, purpose: AccessPurpose, subjects: [Int64], route: String,
        query: String? = nil, documentId: String? = nil, flagged: Bool = false
    ) {
        self.at = at
        self.actor = actor
        self.facilityId = facilityId
        self.action = action
        self.purpose = purpose
        self.subjects = Array(Set(subjects)).sorted()
        self.route = route
        self.query = query.map(Self.masked)
        self.documentId = documentId
        self.flagged = flagged
    }

    /// Sorted keys, no escaped slashes: the bytes that are hashed.
    public func canonicalJSON() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }

    /// Any run of 10 or more digits (ASCII or full-width) becomes `＊`: a 個人番号 or 住民票コード never enters the log.
    public static func masked(_ text: String) -> String {
        var out = ""
        var run = ""
        func flush() {
            out += run.count >= 10 ? "＊" : run
            run = ""
        }
        for c in text {
            if c.isNumber && (c.isASCII || ("０"..."９").contains(c)) { run.append(c) } else {
                flush()
                out.append(c)
            }
        }
        flush()
        return String(out.prefix(100))
    }
}

extension AccessRecord {
    public static let csvHeader = "番号,日時,職員,窓口,操作,用件,住民ID,経路,検索語,証明書,要確認"

    /// One line of the auditor's export. A field that a spreadsheet would run as a formula is quoted with `'`.
    public func csvLine(sequence: Int64) -> String {
        [String(sequence), at, actor, facilityId ?? "", action.japanese, purpose.japanese, subjects.map(String.init).joined(separator: " "),
         route, query ?? "", documentId ?? "", flagged ? "要確認" : ""].map(Self.csvField).joined(separator: ",")
    }

    static func csvField(_ s: String) -> String {
        let safe = s.first.map { "=+-@\t\r".contains($0) } == true ? "'" + s : s
        return safe.contains(where: { $0 == "," || $0 == "\"" || $0.isNewline }) ? "\"" + safe.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : safe
    }
}
