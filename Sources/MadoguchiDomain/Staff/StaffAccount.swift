import Foundation

/// What a member of staff may do (DESIGN §2, §4). A person may hold several roles; each route and each review step
/// names the roles that reach it.
public enum StaffRole: String, Sendable, Codable, CaseIterable, Comparable {
    /// 窓口職員: the counter at one facility
    case clerk
    /// 窓口責任者: the counter's supervisor (voids, reprints, the facility's records)
    case supervisor
    /// 企画担当: the evaluation sheets' 担当, the activity log, surveys
    case planner
    /// 課長
    case sectionChief
    /// 部長
    case director
    /// 外部評価委員
    case externalReviewer
    /// 地域担当職員: logs community activities
    case regionalStaff
    /// 監査: reads the ledger and the access log
    case auditor
    /// 管理者: staff accounts and credentials
    case admin

    public var japanese: String {
        switch self {
        case .clerk: "窓口職員"
        case .supervisor: "窓口責任者"
        case .planner: "企画担当"
        case .sectionChief: "課長"
        case .director: "部長"
        case .externalReviewer: "外部評価委員"
        case .regionalStaff: "地域担当職員"
        case .auditor: "監査"
        case .admin: "管理者"
        }
    }

    /// Roles that work at one facility, which the account must name.
    public var worksAtAFacility: Bool { self == .clerk || self == .supervisor }

    public static func < (a: StaffRole, b: StaffRole) -> Bool { allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)! }
}

/// A member of staff's account: who they are, what they may do, and where they work.
public struct StaffAccount: Sendable, Hashable, Codable, Identifiable {
    public var id: Int64?
    /// The sign-in name (a–z, 0–9, `.`, `_`, `-`; 3 to 40)
    public var login: String
    /// 氏名 as shown to colleagues and auditors (never to residents)
    public var displayName: String
    public var roles: Set<StaffRole>
    /// The facility a clerk or supervisor works at: an issuance's facility and channel come from here
    public var facilityId: String?
    public var disabled: Bool

    public init(id: Int64? = nil, login: String, displayName: String, roles: Set<StaffRole>, facilityId: String? = nil, disabled: Bool = false) {
        self.id = id
        self.login = login
        self.displayName = displayName
        self.roles = roles
        self.facilityId = facilityId
        self.disabled = disabled
    }

    /// Checks what an account must hold before it is stored; throws the first broken rule.
    public func validate() throws {
        func invalid(_ ja: String, _ en: String) -> MadoguchiError { MadoguchiError(.staffInvalid, ja: ja, en: en) }
        guard (3...40).contains(login.count), login.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber || "._-".contains($0)) }) else {
            throw invalid("ログイン名は英小文字・数字・. _ - の3〜40文字です", "A login is 3 to 40 of a-z, 0-9, '.', '_', '-'")
        }
        guard !displayName.trimmingCharacters(in: .whitespaces).isEmpty else { throw invalid("氏名が必要です", "A display name is required") }
        guard !roles.isEmpty else { throw invalid("役割を1つ以上指定してください", "Give at least one role") }
        if roles.contains(where: \.worksAtAFacility) && (facilityId ?? "").isEmpty {
            throw invalid("窓口職員・窓口責任者は勤務する窓口を指定してください", "A clerk or supervisor works at a facility: give it")
        }
    }
}

/// Passwords and sign-in: how long a password is, how many wrong tries lock an account, how long a session lasts.
public enum SignInPolicy {
    public static let minimumPasswordLength = 12
    /// Wrong passwords in a row before the account locks
    public static let maximumFailures = 5
    /// How long a locked account stays locked
    public static let lockoutSeconds: TimeInterval = 15 * 60
    /// A session unused this long ends
    public static let idleSeconds: TimeInterval = 30 * 60
    /// A session ends this long after sign-in whatever its use (a working day)
    public static let maximumSeconds: TimeInterval = 10 * 3600

    /// A password the policy accepts for this login, or the coded reason it does not.
    public static func check(password: String, login: String) throws {
        guard password.count >= minimumPasswordLength else {
            throw MadoguchiError(.staffPasswordWeak, ja: "パスワードは\(minimumPasswordLength)文字以上にしてください",
                                 en: "A password has \(minimumPasswordLength) characters or more")
        }
        guard password.lowercased() != login.lowercased(), Set(password).count >= 5 else {
            throw MadoguchiError(.staffPasswordWeak, ja: "推測されやすいパスワードは使えません", en: "That password is too easy to guess")
        }
    }
}

extension MadoguchiError.Code {
    public static let staffInvalid = Self("staff.invalid")
    public static let staffPasswordWeak = Self("staff.passwordWeak")
    public static let staffSignInFailed = Self("staff.signInFailed")
    public static let staffLocked = Self("staff.locked")
    public static let staffSessionEnded = Self("staff.sessionEnded")
    public static let staffForbidden = Self("staff.forbidden")
    public static let staffCSRF = Self("staff.csrf")
}
