import Foundation
import GRDB
import HTTPTypes
import MadoguchiPKI

@testable import MadoguchiDomain
@testable import MadoguchiServer
@testable import MadoguchiStore

/// The staff a test server knows: one account per role (and `tester`, who holds every role), each with a session
/// cookie and an API credential whose secrets are fixed here. Accounts have no usable password (sign-in is tested on
/// its own account); counter staff work at 中央区役所. Sessions have chosen the purpose 証明書の交付.
enum TestStaff {
    static let facility = "chuo-ward-office"
    static let people: [(login: String, roles: Set<StaffRole>)] = [
        ("tester", Set(StaffRole.allCases)), ("clerk", [.clerk]), ("supervisor", [.supervisor]), ("planner", [.planner]),
        ("chief", [.sectionChief]), ("director", [.director]), ("reviewer", [.externalReviewer]), ("regional", [.regionalStaff]),
        ("auditor", [.auditor]), ("admin", [.admin]),
    ]

    static func token(_ login: String) -> String { login == "tester" ? ServerTests.token : "token-\(login)" }
    static func session(_ login: String) -> String { "session-\(login)" }
    static func csrf(_ login: String) -> String { "csrf-\(login)-" + String(repeating: "0", count: 32) }
    /// An API request by `login`, for the purpose of issuing certificates (every read of a person names its purpose).
    static func bearer(_ login: String) -> HTTPFields {
        [.authorization: "Bearer \(token(login))", HTTPField.Name("X-Madoguchi-Purpose")!: "certificate"]
    }
    static func cookie(_ login: String) -> HTTPFields { [.cookie: "madoguchi_session=\(session(login))"] }

    static func install(_ database: MadoguchiDatabase, clock: MadoguchiClock) throws {
        let now = clock.now()
        let at = LedgerRecord.timestamp(now)
        let expires = LedgerRecord.timestamp(now.addingTimeInterval(8 * 3600))
        try database.transaction(readOnly: false) { db in
            for person in people {
                let account = StaffAccount(
                    login: person.login, displayName: "試験 \(person.login)", roles: person.roles,
                    facilityId: person.roles.contains(where: \.worksAtAFacility) ? facility : nil)
                let id = try StaffStore.insert(db, account, passwordHash: "scrypt$unusable", at: at)
                try StaffStore.insertSession(
                    db, tokenHash: StaffPasswords.fingerprint(session(person.login)), accountId: id, csrf: csrf(person.login), at: at,
                    expiresAt: expires)
                try AccessLog.setPurpose(db, sessionHash: StaffPasswords.fingerprint(session(person.login)), .certificate)
                _ = try StaffStore.insertCredential(
                    db, tokenHash: StaffPasswords.fingerprint(token(person.login)), label: "test", accountId: id, roles: person.roles,
                    facilityId: account.facilityId, at: at)
            }
        }
    }
}
