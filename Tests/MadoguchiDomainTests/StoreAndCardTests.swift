import Foundation
import Testing

@testable import MadoguchiDomain

@Suite("コンビニ交付の利用時間")
struct StoreHoursTests {
    static func at(_ text: String) -> Date { MadoguchiClock.parse(text)!.now() }

    @Test("6:30 to 23:00 JST every day; 12/29–1/3 and maintenance days closed", arguments: [
        ("2026-11-24T06:29:59+09:00", StoreClosure?.some(.outsideHours)),
        ("2026-11-24T06:30:00+09:00", nil),
        ("2026-11-24T22:59:59+09:00", nil),
        ("2026-11-24T23:00:00+09:00", .outsideHours),
        ("2026-11-22T10:00:00+09:00", nil),  // a Sunday: stores serve on weekends
        ("2026-11-23T10:00:00+09:00", nil),  // a holiday too
        ("2026-12-28T22:00:00+09:00", nil),
        ("2026-12-29T10:00:00+09:00", .yearEnd),
        ("2026-12-31T10:00:00+09:00", .yearEnd),
        ("2027-01-03T22:00:00+09:00", .yearEnd),
        ("2027-01-04T06:30:00+09:00", nil),
        ("2026-11-24T21:29:00Z", StoreClosure?.some(.outsideHours)),  // 06:29 JST, given in UTC
        ("2026-11-24T21:30:00Z", nil),  // 06:30 JST
        ("2026-11-26T10:00:00+09:00", .maintenance),
    ])
    func hours(instant: String, expected: StoreClosure?) {
        let hours = StoreHours(maintenanceDays: [CivilDate(year: 2026, month: 11, day: 26)!])
        #expect(hours.closure(at: Self.at(instant)) == expected, "\(instant)")
        #expect(hours.isOpen(at: Self.at(instant)) == (expected == nil))
    }

    @Test("every closure explains itself in both languages")
    func messages() {
        for c in StoreClosure.allCases {
            #expect(c.japanese.hasSuffix("。"))
            #expect(c.english.hasSuffix("."))
        }
    }
}

@Suite("PIN")
struct PINStateTests {
    @Test("exactly three wrong tries lock the card; then even the right PIN is refused")
    func lock() {
        var pin = PINState()
        #expect(pin.attempt(correct: false) == .wrong(triesLeft: 2))
        #expect(pin.attempt(correct: false) == .wrong(triesLeft: 1))
        #expect(!pin.isLocked)
        #expect(pin.attempt(correct: false) == .locked)
        #expect(pin.isLocked)
        #expect(pin.attempt(correct: true) == .locked)
        #expect(pin.failures == 3)
    }

    @Test("the count resets only on success, and only a counter unlocks")
    func reset() {
        var pin = PINState()
        _ = pin.attempt(correct: false)
        _ = pin.attempt(correct: false)
        #expect(pin.attempt(correct: true) == .accepted)
        #expect(pin.failures == 0)
        _ = pin.attempt(correct: false)
        _ = pin.attempt(correct: false)
        #expect(pin.attempt(correct: false) == .locked)
        pin.unlockAtCounter()
        #expect(!pin.isLocked)
        #expect(pin.attempt(correct: true) == .accepted)
    }

    @Test("a PIN is four ASCII digits", arguments: [("1234", true), ("0000", true), ("123", false), ("12345", false),
                                                    ("１２３４", false), ("12a4", false), ("", false)])
    func wellFormed(pin: String, ok: Bool) {
        #expect(PINState.isWellFormed(pin) == ok)
    }
}

@Suite("全国地方公共団体コード")
struct LocalGovernmentCodeTests {
    @Test("real codes carry valid check digits", arguments: ["011002", "131016", "140007", "141305", "271004", "149802"])
    func valid(code: String) throws {
        #expect(try LocalGovernmentCode(code).digits == code)
    }

    @Test("a wrong check digit or shape is refused", arguments: ["141300", "14130", "1413055", "14130a", ""])
    func invalid(code: String) {
        #expect(throws: MadoguchiError.self) { try LocalGovernmentCode(code) }
    }

    @Test("codes one digit away from Kawasaki's are refused", arguments: ["141306", "142305", "151305", "141315", "041305"])
    func nearMisses(code: String) {
        #expect(throws: MadoguchiError.self) { try LocalGovernmentCode(code) }
    }
}

@Suite("利用者証明用電子証明書の有効期限")
struct CardValidityTests {
    @Test("to the fifth birthday after issue", arguments: [
        ("1980-04-02", "2026-11-24", "2031-04-02"),  // birthday already passed this year
        ("1980-12-24", "2026-11-24", "2030-12-24"),  // birthday still ahead this year: it is the first
        ("1980-11-24", "2026-11-24", "2031-11-24"),  // issued on the birthday: the next one is the first
        ("2000-02-29", "2026-11-24", "2031-02-28"),  // leap-day birthday in a common year
        ("2000-02-29", "2022-11-24", "2027-02-28"),
        ("2000-02-29", "2023-03-01", "2028-02-29"),
    ])
    func expiry(birth: String, issued: String, expected: String) {
        #expect(CardValidity.expiry(birth: CivilDate.parseGregorian(birth)!, issuedOn: CivilDate.parseGregorian(issued)!)
            == CivilDate.parseGregorian(expected)!)
    }

    @Test("reason codes follow RFC 5280 (7 is unused)")
    func reasons() {
        #expect(RevocationReason.allCases.map(\.code) == [0, 1, 2, 3, 4, 5, 6, 8, 9, 10])
    }
}

@Suite("コンビニ交付の精算")
struct SettlementTests {
    @Test("the CSV has a header, sorted lines and a total; a chain name with a comma or quote survives the round trip")
    func roundTrip() {
        let lines = [
            Settlement.Line(month: "2026-11", cityCode: "149829", chain: "セブン", kind: "residentRecordCopy", sessions: 2, copies: 3, feeYen: 600),
            Settlement.Line(month: "2026-11", cityCode: "149802", chain: "Mart, \"East\"", kind: "taxCertificate", sessions: 1, copies: 1, feeYen: 200),
        ]
        let csv = Settlement.csv(month: "2026-11", lines)
        let rows = csv.split(separator: "\r\n").map(String.init)
        #expect(rows.first == Settlement.header)
        #expect(rows[1] == "2026-11,149802,\"Mart, \"\"East\"\"\",taxCertificate,所得・課税証明書,1,1,200,card")
        #expect(rows[2] == "2026-11,149829,セブン,residentRecordCopy,住民票の写し,2,3,600,card")
        #expect(rows.last == "2026-11,合計,,,,3,4,800,")
        #expect(Settlement.parse(csv).sorted { $0.cityCode < $1.cityCode } == lines.sorted { $0.cityCode < $1.cityCode })
        #expect(Settlement.parse(Settlement.csv(month: "2026-12", [])).isEmpty)
    }
}
