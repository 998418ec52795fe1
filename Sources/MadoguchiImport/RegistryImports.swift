import Foundation
import MadoguchiDomain
import MadoguchiStore

/// Imports of the records the core systems keep besides residents: 印鑑登録, 所得・課税, 戸籍 with its 身分事項 and 附票,
/// 支援措置 and 本人通知. A person is named by their 住民票コード; a 戸籍 by its 本籍 and 筆頭者; a person in a 戸籍 by name
/// and birth date. Each file is all or nothing unless `skipBad` is set: the good rows then go in one transaction, and
/// every bad row is named by its line.
public enum RegistryImport: String, Sendable, CaseIterable {
    /// 印鑑登録: a registered seal with its image file
    case seals
    /// 所得・課税: one fiscal year's assessment (a year already held is replaced)
    case tax
    /// 戸籍: one row per person recorded; rows with the same 本籍 and 筆頭者 form one 戸籍
    case familyRegisters = "family-registers"
    /// 身分事項: events of a 戸籍 or of a person in it
    case familyRegisterEvents = "family-register-events"
    /// 戸籍の附票: the addresses of a person in a 戸籍
    case annex
    /// 支援措置 in force, as the 住民記録 system holds them
    case supportMeasures = "support-measures"
    /// 本人通知 registrations
    case holderNotifications = "holder-notifications"

    public var japanese: String {
        switch self {
        case .seals: "印鑑登録"
        case .tax: "所得・課税"
        case .familyRegisters: "戸籍"
        case .familyRegisterEvents: "戸籍の身分事項"
        case .annex: "戸籍の附票"
        case .supportMeasures: "支援措置"
        case .holderNotifications: "本人通知の登録"
        }
    }

    typealias C = CSVTable.Column
    static let code = C("residentRecordCode", ["住民票コード"])
    static let domicile = C("permanentDomicile", ["本籍"])
    static let head = C("headName", ["筆頭者"])
    static let memberName = C("name", ["氏名"])

    public var columns: [CSVTable.Column] {
        switch self {
        case .seals:
            [Self.code, C("registrationNumber", ["登録番号"]), C("registeredOn", ["登録日", "登録年月日"]),
             C("sealImage", ["印影ファイル", "印影"]), C("abolishedOn", ["廃止日"], required: false)]
        case .tax:
            [Self.code, C("fiscalYear", ["年度", "課税年度"]), C("grossIncome", ["収入金額"]), C("totalIncome", ["合計所得金額"]),
             C("taxableIncome", ["課税標準額"]), C("municipalTax", ["市民税額", "市町村民税額"]), C("prefecturalTax", ["県民税額", "都道府県民税額"])]
        case .familyRegisters:
            [Self.domicile, Self.head, C("createdOn", ["編製日"]), C("relationship", ["続柄"]), C("familyName", ["氏"]),
             C("givenName", ["名"]), C("familyNameKana", ["氏カナ"]), C("givenNameKana", ["名カナ"]), C("birthDate", ["生年月日"]),
             C("sex", ["性別"]), C("fatherName", ["父"], required: false), C("motherName", ["母"], required: false),
             C("leftOn", ["除籍日"], required: false), C("residentRecordCode", ["住民票コード"], required: false)]
        case .familyRegisterEvents:
            [Self.domicile, Self.head, C("name", ["氏名"], required: false), C("birthDate", ["生年月日"], required: false),
             C("kind", ["事項"]), C("occurredOn", ["年月日"]), C("detail", ["内容"], required: false)]
        case .annex:
            [Self.domicile, Self.head, Self.memberName, C("birthDate", ["生年月日"], required: false), C("address", ["住所"]),
             C("since", ["住所を定めた年月日"])]
        case .supportMeasures:
            [Self.code, C("otherPartyName", ["相手方氏名"]), C("otherPartyBirthDate", ["相手方生年月日"], required: false),
             C("otherPartyCode", ["相手方住民票コード"], required: false), C("termStart", ["支援開始日"]), C("termEnd", ["支援終了日"])]
        case .holderNotifications:
            [Self.code, C("registeredOn", ["登録日"]), C("endedOn", ["終了日"], required: false)]
        }
    }

    /// What a row writes, once every key in it has been found.
    typealias Apply = (RegistryWriter, inout Context) throws -> Void

    /// What the rows refer to: residents by 住民票コード, 戸籍 by 本籍・筆頭者 (those already here, and those the file makes).
    struct Context {
        var residents: [String: Int64] = [:]
        var registers: [RegisterKey: (id: Int64?, members: [FamilyRegisterMember])] = [:]
        var created: [RegisterKey: Int64] = [:]
    }

    struct RegisterKey: Hashable {
        var domicile: String
        var head: String

        init(_ domicile: String, _ head: String) {
            self.domicile = JapaneseText.normalized(domicile)
            self.head = NameFolding.searchKey(head)
        }
    }

    /// Reads, checks and (when clean, or with `skipBad`) imports a file's bytes. `file` reads a file the rows name
    /// (a seal's image), relative to the CSV.
    public func run(
        _ bytes: [UInt8], into registry: RegistryRepository, encoding: TextEncoding? = nil, skipBad: Bool = false,
        dryRun: Bool = false, file: (String) -> [UInt8]? = { _ in nil }
    ) throws -> ImportReport {
        let table = try CSVTable(bytes, encoding: encoding, columns: columns)
        // Everything the rows refer to, read once.
        var context = Context()
        let codes = table.rows.flatMap { [$0.value("residentRecordCode"), $0.value("otherPartyCode")].compactMap { $0 } }
        context.residents = try registry.residentIds(codes: codes)
        if [.familyRegisters, .familyRegisterEvents, .annex].contains(self) {
            for (register, members) in try registry.registers(domiciles: table.rows.compactMap { $0.value("permanentDomicile") }) {
                context.registers[RegisterKey(register.permanentDomicile, register.headName)] = (register.id, members)
            }
        }
        var errors: [ImportRowError] = []
        var applies: [(line: Int, apply: Apply)] = []
        var seen: [String: Int] = [:]
        for row in table.rows {
            do {
                try row.checkWidth()
                let (key, apply) = try parse(row, &context, file: file)
                if let key {
                    if let first = seen[key] {
                        throw row.error("\(first)行目と同じ内容が重複しています", "repeats line \(first)")
                    }
                    seen[key] = row.line
                }
                applies.append((row.line, apply))
            } catch let error as MadoguchiError {
                errors.append(ImportRowError(line: row.line, error: error))
            }
        }
        var report = ImportReport(encoding: table.encoding, rows: table.rows.count, imported: 0, errors: errors)
        if (!errors.isEmpty && !skipBad) || dryRun { return report }
        var lineInProgress = 0
        do {
            try registry.write { w in
                var writing = context
                for (line, apply) in applies {
                    lineInProgress = line
                    try apply(w, &writing)
                }
            }
        } catch let error as MadoguchiError {
            // Nothing was written: the row the transaction stopped at is named.
            report.errors.append(ImportRowError(line: lineInProgress, error: error))
            report.errors.sort { $0.line < $1.line }
            return report
        }
        report.imported = applies.count
        return report
    }

    func resident(_ row: CSVTable.Row, _ context: Context, _ key: String = "residentRecordCode") throws -> Int64 {
        let code = try row.required(key)
        guard let id = context.residents[code] else {
            throw row.error("住民票コード \(code) の住民記録がありません", "no resident record with code \(code)")
        }
        return id
    }

    /// A row's parse: a key that must be unique in the file (nil: no such rule), and what it writes.
    func parse(_ row: CSVTable.Row, _ context: inout Context, file: (String) -> [UInt8]?) throws -> (String?, Apply) {
        switch self {
        case .seals:
            let residentId = try resident(row, context)
            let number = try row.required("registrationNumber")
            let name = try row.required("sealImage")
            guard let image = file(name), !image.isEmpty else {
                throw row.error("印影ファイルを読めません: \(name)", "cannot read the seal image \(name)")
            }
            let type = name.lowercased().hasSuffix(".png") ? "image/png" : "image/svg+xml"
            guard name.lowercased().hasSuffix(".png") || name.lowercased().hasSuffix(".svg") else {
                throw row.error("印影ファイルは SVG か PNG です: \(name)", "a seal image is SVG or PNG: \(name)")
            }
            let seal = SealRegistration(
                residentId: residentId, registrationNumber: number, registeredOn: try row.requiredDate("registeredOn"),
                sealImage: image, sealImageType: type, abolishedOn: try row.date("abolishedOn"))
            if let abolished = seal.abolishedOn, abolished < seal.registeredOn {
                throw row.error("廃止日が登録日より前です", "abolished before it was registered")
            }
            return (number, { w, _ in try w.insert(seal) })
        case .tax:
            let residentId = try resident(row, context)
            let yearText = try row.required("fiscalYear")
            guard let year = try? FiscalYear.parse(yearText) else {
                throw row.error("年度が読めません: \(yearText)", "not a fiscal year: \(yearText)")
            }
            let t = TaxAssessment(
                residentId: residentId, fiscalYear: year, grossIncome: try row.amount("grossIncome"), totalIncome: try row.amount("totalIncome"),
                taxableIncome: try row.amount("taxableIncome"), municipalTax: try row.amount("municipalTax"),
                prefecturalTax: try row.amount("prefecturalTax"))
            guard t.totalIncome <= t.grossIncome, t.taxableIncome <= t.totalIncome else {
                throw row.error("金額の大小が合いません（収入 ≥ 合計所得 ≥ 課税標準）", "amounts must satisfy gross ≥ total ≥ taxable")
            }
            return ("\(residentId):\(year.startYear)", { w, _ in try w.upsert(t) })
        case .familyRegisters:
            return try familyRegisterRow(row, &context)
        case .familyRegisterEvents:
            let (registerId, members) = try existingRegister(row, context)
            let kindText = try row.required("kind")
            guard let kind = FamilyRegisterEvent.Kind.allCases.first(where: { $0.japanese == kindText || $0.rawValue == kindText }) else {
                throw row.error("事項が読めません: \(kindText)（\(FamilyRegisterEvent.Kind.allCases.map(\.japanese).joined(separator: "・"))）",
                                "unknown event: \(kindText)")
            }
            let memberId = try row.exact("name").map { try member(row, members, name: $0).id! }
            let event = FamilyRegisterEvent(
                familyRegisterId: registerId, memberId: memberId, kind: kind, occurredOn: try row.requiredDate("occurredOn"),
                detail: row.exact("detail") ?? kind.japanese)
            return (nil, { w, _ in try w.insert(event) })
        case .annex:
            let (_, members) = try existingRegister(row, context)
            let m = try member(row, members, name: try row.requiredExact("name"))
            let entry = FamilyRegisterAnnexEntry(memberId: m.id!, address: try row.required("address"), since: try row.requiredDate("since"))
            guard entry.since >= m.birthDate else {
                throw row.error("住所を定めた年月日が生年月日より前です", "the address date precedes the birth date")
            }
            return ("\(m.id!):\(entry.since)", { w, _ in try w.insert(entry) })
        case .supportMeasures:
            let protectedId = try resident(row, context)
            let otherParty = try row.value("otherPartyCode").map { _ in try resident(row, context, "otherPartyCode") }
            guard otherParty != protectedId else {
                throw row.error("相手方が支援対象者本人です", "the other party is the protected person")
            }
            let measure = SupportMeasure(
                subjectId: protectedId, otherPartyName: try row.requiredExact("otherPartyName"),
                otherPartyBirthDate: try row.date("otherPartyBirthDate"), otherPartyResidentId: otherParty,
                termStart: try row.requiredDate("termStart"), termEnd: try row.requiredDate("termEnd"))
            guard measure.termEnd >= measure.termStart else {
                throw row.error("支援終了日が開始日より前です", "the term ends before it starts")
            }
            return (nil, { w, _ in try w.insert(measure) })
        case .holderNotifications:
            let residentId = try resident(row, context)
            let registration = HolderNotificationRegistration(
                residentId: residentId, registeredOn: try row.requiredDate("registeredOn"), endedOn: try row.date("endedOn"))
            if let ended = registration.endedOn, ended < registration.registeredOn {
                throw row.error("終了日が登録日より前です", "ended before it was registered")
            }
            return (registration.endedOn == nil ? "\(residentId)" : nil, { w, _ in try w.insert(registration) })
        }
    }

    /// A 戸籍 row: the first row of a 本籍・筆頭者 makes the 戸籍; every row adds its person.
    func familyRegisterRow(_ row: CSVTable.Row, _ context: inout Context) throws -> (String?, Apply) {
        let domicile = try row.required("permanentDomicile")
        let headName = try row.requiredExact("headName")
        let key = RegisterKey(domicile, headName)
        if let existing = context.registers[key], existing.id != nil {
            throw row.error("この戸籍（\(domicile)　\(headName)）は既に登録されています", "this 戸籍 is already registered")
        }
        let createdOn = try row.requiredDate("createdOn")
        let residentId = try row.value("residentRecordCode").map { _ in try resident(row, context) }
        let member = FamilyRegisterMember(
            familyRegisterId: 0, residentId: residentId,
            name: PersonName(
                family: try row.requiredExact("familyName"), given: try row.requiredExact("givenName"),
                familyKana: try row.required("familyNameKana"), givenKana: try row.required("givenNameKana")),
            birthDate: try row.requiredDate("birthDate"), sex: try row.sex("sex"), relationship: try row.required("relationship"),
            fatherName: row.exact("fatherName"), motherName: row.exact("motherName"), leftOn: try row.date("leftOn"))
        guard Kana.isKatakanaReading(member.name.familyKana), Kana.isKatakanaReading(member.name.givenKana) else {
            throw row.error("振り仮名はカタカナで入力してください", "the reading must be in katakana")
        }
        if let left = member.leftOn, left < member.birthDate { throw row.error("除籍日が生年月日より前です", "left before birth") }
        context.registers[key] = (nil, (context.registers[key]?.members ?? []) + [member])
        let register = FamilyRegister(permanentDomicile: domicile, headName: headName, createdOn: createdOn)
        return ("\(key.domicile)|\(key.head)|\(NameFolding.searchKey(member.name.family + member.name.given))|\(member.birthDate)", { w, writing in
            let registerId: Int64
            if let id = writing.created[key] { registerId = id } else {
                registerId = try w.insert(register)
                writing.created[key] = registerId
            }
            var m = member
            m.familyRegisterId = registerId
            try w.insert(m)
        })
    }

    func existingRegister(_ row: CSVTable.Row, _ context: Context) throws -> (Int64, [FamilyRegisterMember]) {
        let domicile = try row.required("permanentDomicile")
        let headName = try row.requiredExact("headName")
        guard let found = context.registers[RegisterKey(domicile, headName)], let id = found.id else {
            throw row.error("戸籍（\(domicile)　\(headName)）がありません。先に戸籍を取り込んでください",
                            "no 戸籍 at \(domicile) headed by \(headName); import the registers first")
        }
        return (id, found.members)
    }

    /// The one person of a 戸籍 with this name (variants folded) and, when given, birth date.
    func member(_ row: CSVTable.Row, _ members: [FamilyRegisterMember], name: String) throws -> FamilyRegisterMember {
        let key = NameFolding.searchKey(name)
        let birth = try row.date("birthDate")
        let found = members.filter {
            NameFolding.searchKey($0.name.family + $0.name.given) == key && (birth == nil || $0.birthDate == birth)
        }
        guard found.count == 1 else {
            throw row.error(found.isEmpty ? "戸籍に「\(name)」が記録されていません" : "戸籍に「\(name)」が複数います。生年月日を入れてください",
                            found.isEmpty ? "no \(name) in the 戸籍" : "\(name) is ambiguous; give the birth date")
        }
        return found[0]
    }
}
