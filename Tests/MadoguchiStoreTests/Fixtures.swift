import Foundation
import MadoguchiDomain
import MadoguchiStore

/// Builders for test records, valid unless a test breaks them on purpose.
enum Make {
    static func d(_ s: String) -> CivilDate { CivilDate.parseGregorian(s)! }

    static let address = Address(
        prefecture: "神奈川県", municipality: "窓口市", ward: "中央区", town: "本町一丁目", block: "1番1号")

    /// A valid 個人番号 from an 11-digit body.
    static func individualNumber(_ n: Int) -> String {
        let body = String(format: "%011d", n)
        return body + String(IndividualNumber.checkDigit(for: body.map { Int(String($0))! }))
    }

    static func residentRecordCode(_ n: Int) -> String {
        let body = String(format: "%010d", n)
        return body + String(ResidentRecordCode.checkDigit(for: body.map { Int(String($0))! }))
    }

    static func resident(
        household: Int64, n: Int, family: String = "山田", given: String = "太郎", familyKana: String = "ヤマダ",
        givenKana: String = "タロウ", birth: String = "1980-01-02", relationship: Relationship = .householder
    ) -> Resident {
        Resident(
            householdId: household,
            name: PersonName(family: family, given: given, familyKana: familyKana, givenKana: givenKana),
            birthDate: d(birth), sex: .male, relationship: relationship, permanentDomicile: "窓口市中央区本町一丁目1番地",
            domicileHead: "山田　太郎", becameResidentOn: d(birth), addressSetOn: d("2010-04-01"),
            notifiedOn: d("2010-04-05"), previousAddress: nil, individualNumber: individualNumber(n),
            residentRecordCode: residentRecordCode(n))
    }

    static func temporaryDirectory() -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("madoguchi-tests-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
