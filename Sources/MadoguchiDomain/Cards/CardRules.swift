/// The card authentication certificate (利用者証明用電子証明書) runs to the holder's fifth birthday after
/// issue. A 29 February birthday falls on 28 February in common years.
public enum CardValidity {
    public static func expiry(birth: CivilDate, issuedOn: CivilDate) -> CivilDate {
        func birthday(in year: Int) -> CivilDate {
            CivilDate(year: year, month: birth.month, day: birth.day)
                ?? CivilDate(year: year, month: birth.month, day: CivilDate.daysIn(month: birth.month, year: year))!
        }
        let thisYear = birthday(in: issuedOn.year)
        let first = thisYear > issuedOn ? thisYear : birthday(in: issuedOn.year + 1)
        return birthday(in: first.year + 4)
    }
}

/// Where a 利用者証明用電子証明書 lives: on the My Number card, or on a smartphone (スマホ用電子証明書, Android since
/// 2023, iPhone since 2025). Each is its own certificate with its own serial and key, revoked alone; a phone's is issued
/// only to a resident whose card certificate is valid, and it ends with that card's term.
public enum CertificateMedium: String, Sendable, Codable, CaseIterable {
    case card, smartphone

    public var japanese: String {
        switch self {
        case .card: "マイナンバーカード"
        case .smartphone: "スマホ用電子証明書"
        }
    }
}

/// X.509 CRL reason codes (RFC 5280 §5.3.1) for a revoked card certificate.
public enum RevocationReason: String, Sendable, Codable, CaseIterable {
    case unspecified, keyCompromise, caCompromise, affiliationChanged, superseded, cessationOfOperation
    case certificateHold, removeFromCRL, privilegeWithdrawn, aaCompromise

    /// The reasonCode value
    public var code: Int {
        switch self {
        case .unspecified: 0
        case .keyCompromise: 1
        case .caCompromise: 2
        case .affiliationChanged: 3
        case .superseded: 4
        case .cessationOfOperation: 5
        case .certificateHold: 6
        case .removeFromCRL: 8
        case .privilegeWithdrawn: 9
        case .aaCompromise: 10
        }
    }

    /// 紛失, 転出 … as a clerk would choose
    public var japanese: String {
        switch self {
        case .unspecified: "理由なし"
        case .keyCompromise: "紛失・盗難（鍵の危殆化）"
        case .caCompromise: "認証局の危殆化"
        case .affiliationChanged: "転出・氏名変更等（記載事項の変更）"
        case .superseded: "更新・再発行"
        case .cessationOfOperation: "死亡・廃止"
        case .certificateHold: "一時停止"
        case .removeFromCRL: "一時停止の解除"
        case .privilegeWithdrawn: "資格の取消"
        case .aaCompromise: "属性認証局の危殆化"
        }
    }
}
