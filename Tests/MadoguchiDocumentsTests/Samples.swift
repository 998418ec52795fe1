import Foundation
@testable import MadoguchiDomain

/// Hand-made certificate contents, one per layout, independent of the registry.
enum Samples {
    static let city = CityInfo(code: "149802", name: "窓口市", mayor: "窓口市長　窓口　一郎")

    static func person(_ name: String, _ kana: String, _ birth: String, relationship: String? = "世帯主") -> PrintedPerson {
        let date = CivilDate.parseGregorian(birth)!
        return PrintedPerson(
            residentId: nil, name: name, kana: kana, birthDate: date, birthDateJapanese: (try? JapaneseDate(date).description)!,
            sex: "男", relationship: relationship, becameResidentOn: "平成22年4月1日", addressSetOn: "平成22年4月1日",
            notifiedOn: "平成22年4月5日", previousAddress: "東京都大田区田園調布一丁目1番1号", individualNumber: "123456789018")
    }

    static func residentRecord(persons: [PrintedPerson], layout: RecordLayout = .individualSheet) -> CertificateContent {
        CertificateContent(
            kind: .residentRecordCopy, title: "住民票の写し", cityCode: city.code, cityName: city.name, mayor: city.mayor,
            issuedOn: CivilDate(year: 2026, month: 11, day: 24)!, issuedOnJapanese: "令和8年11月24日",
            serialNumber: "第2026-000123号",
            certification: CertificateContent.certification(.residentRecordCopy, scope: persons.count > 1 ? .household : .individual),
            scope: persons.count > 1 ? .household : .individual, layout: layout, items: [.relationship, .individualNumber],
            address: "神奈川県窓口市中央区本町一丁目1番1号　メゾン本町101号室", householder: persons.first?.name, persons: persons)
    }

    static let ivsFamily = "渡邉\u{E0110}"
    static let ivsPerson = person("\(ivsFamily)　𠮷乃", "ワタナベ　ヨシノ", "1989-01-07")

    static let household: [PrintedPerson] = [
        person("髙橋　一郎", "タカハシ　イチロウ", "1970-05-05"),
        person("髙橋　花子", "タカハシ　ハナコ", "1972-03-03", relationship: "妻"),
        person("髙橋　翔太", "タカハシ　ショウタ", "2001-04-01", relationship: "子"),
        person("髙橋　陽菜", "タカハシ　ヒナ", "2004-08-08", relationship: "子"),
        person("山﨑　和子", "ヤマザキ　カズコ", "1945-12-24", relationship: "妻の母"),
        person("髙橋　蓮", "タカハシ　レン", "2010-10-10", relationship: "子"),
    ]

    static let sealSVG = Array(##"<svg xmlns="http://www.w3.org/2000/svg" width="60" height="60" fill="#c0262d" stroke="#c0262d"><circle cx="30" cy="30" r="27" fill="none" stroke-width="3"/><text x="30" y="37" font-size="22" text-anchor="middle">髙橋</text></svg>"##.utf8)
}
