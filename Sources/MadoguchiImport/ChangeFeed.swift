import Foundation
import MadoguchiDomain
import MadoguchiStore

/// The daily difference feed (住民異動) from the core 住民記録 system: births, move-ins, moves within the city,
/// 転出届, move-outs, deaths and name changes, applied in file order in one transaction. A person is named by their
/// 住民票コード; a household to join by its householder's. One bad row and nothing is applied (a day's changes
/// go in whole, or the feed is fixed and sent again).
///
/// A death removes the 住民票 and, in the same transaction, revokes the person's card certificates; a 転出 removes it
/// with the 転出先; a 転出届 stops store issuance of 住民票 and 印鑑 until the move. Each change is kept as a 住民異動.
public enum ChangeFeed {
    /// 異動事由 as the feed writes it.
    public enum Change: String, Sendable, CaseIterable {
        case birth, moveIn, moveWithin, moveOutNotified, moveOut, death, nameChange

        public var japanese: String {
            switch self {
            case .birth: "出生"
            case .moveIn: "転入"
            case .moveWithin: "転居"
            case .moveOutNotified: "転出届"
            case .moveOut: "転出"
            case .death: "死亡"
            case .nameChange: "氏名変更"
            }
        }

        init?(text: String) {
            guard let c = Change.allCases.first(where: { $0.japanese == text || $0.rawValue == text }) else { return nil }
            self = c
        }
    }

    typealias C = CSVTable.Column
    public static let columns: [CSVTable.Column] = [
        C("change", ["異動事由"]), C("occurredOn", ["異動日"]), C("notifiedOn", ["届出日"]), C("residentRecordCode", ["住民票コード"]),
        C("familyName", ["氏"], required: false), C("givenName", ["名"], required: false),
        C("familyNameKana", ["氏カナ"], required: false), C("givenNameKana", ["名カナ"], required: false),
        C("birthDate", ["生年月日"], required: false), C("sex", ["性別"], required: false), C("relationship", ["続柄"], required: false),
        C("permanentDomicile", ["本籍"], required: false), C("domicileHead", ["筆頭者"], required: false),
        C("individualNumber", ["個人番号"], required: false), C("householderCode", ["世帯主の住民票コード"], required: false),
        C("prefecture", ["都道府県"], required: false), C("municipality", ["市区町村"], required: false), C("ward", ["区"], required: false),
        C("town", ["町丁目"], required: false), C("block", ["番地"], required: false), C("building", ["方書"], required: false),
        C("previousAddress", ["従前の住所"], required: false), C("destination", ["転出先"], required: false),
    ]

    /// What a row changes, applied in the one transaction.
    typealias Apply = (RegistryWriter) throws -> Void

    /// Reads, checks and applies a day's feed. Any bad row (or a change that no longer fits the registry when applied)
    /// applies nothing; `dryRun` checks only.
    public static func run(
        _ bytes: [UInt8], into registry: RegistryRepository, encoding: TextEncoding? = nil, dryRun: Bool = false
    ) throws -> ImportReport {
        let table = try CSVTable(bytes, encoding: encoding, columns: columns)
        var errors: [ImportRowError] = []
        var applies: [(line: Int, apply: Apply)] = []
        for row in table.rows {
            do {
                try row.checkWidth()
                applies.append((row.line, try parse(row)))
            } catch let error as MadoguchiError {
                errors.append(ImportRowError(line: row.line, error: error))
            }
        }
        var report = ImportReport(encoding: table.encoding, rows: table.rows.count, imported: 0, errors: errors)
        if !errors.isEmpty || dryRun { return report }
        var lineInProgress = 0
        do {
            try registry.write { w in
                for (line, apply) in applies {
                    lineInProgress = line
                    try apply(w)
                }
            }
        } catch let error as MadoguchiError {
            report.errors = [ImportRowError(line: lineInProgress, error: error)]
            return report
        }
        report.imported = applies.count
        return report
    }

    static func parse(_ row: CSVTable.Row) throws -> Apply {
        let text = try row.required("change")
        guard let change = Change(text: text) else {
            throw row.error("異動事由が読めません: \(text)（\(Change.allCases.map(\.japanese).joined(separator: "・"))）", "unknown change: \(text)")
        }
        let on = try row.requiredDate("occurredOn")
        let notified = try row.requiredDate("notifiedOn")
        let code = try row.required("residentRecordCode")
        func current(_ w: RegistryWriter) throws -> (id: Int64, householdId: Int64, address: String) {
            guard let found = try w.currentResident(code: code) else {
                throw row.error("住民票コード \(code) の現在の住民票がありません", "no current resident with code \(code)")
            }
            return found
        }
        func name() throws -> PersonName {
            PersonName(
                family: try row.requiredExact("familyName"), given: try row.requiredExact("givenName"),
                familyKana: try row.required("familyNameKana"), givenKana: try row.required("givenNameKana"))
        }
        func relationship() throws -> Relationship {
            let text = try row.required("relationship")
            guard let r = Relationship(japanese: text) ?? Relationship(rawValue: text) else {
                throw row.error("続柄が読めません: \(text)", "unknown relationship: \(text)")
            }
            return r
        }
        /// A new address makes a new household; a householder's 住民票コード joins theirs.
        func household() throws -> (Address?, String?) {
            if let householder = row.value("householderCode") { return (nil, householder) }
            let address = Address(
                prefecture: try row.required("prefecture"), municipality: try row.required("municipality"), ward: row.value("ward") ?? "",
                town: try row.required("town"), block: try row.required("block"), building: row.value("building"))
            return (address, nil)
        }
        func householdId(_ w: RegistryWriter, _ target: (Address?, String?)) throws -> (Int64, String) {
            if let address = target.0 { return (try w.insert(Household(address: address, formedOn: on)), address.description) }
            let householder = target.1!
            guard let found = try w.currentResident(code: householder) else {
                throw row.error("世帯主の住民票コード \(householder) の住民票がありません", "no current householder with code \(householder)")
            }
            return (found.householdId, found.address)
        }
        switch change {
        case .birth, .moveIn:
            let resident = Resident(
                householdId: 0, name: try name(), birthDate: change == .birth ? on : try row.requiredDate("birthDate"), sex: try row.sex("sex"),
                relationship: try relationship(), permanentDomicile: row.value("permanentDomicile"), domicileHead: row.exact("domicileHead"),
                becameResidentOn: on, addressSetOn: on, notifiedOn: notified, previousAddress: row.value("previousAddress"),
                individualNumber: try row.required("individualNumber").replacingOccurrences(of: "-", with: "").replacingOccurrences(of: " ", with: ""),
                residentRecordCode: code)
            try resident.validate()
            let target = try household()
            if change == .birth && target.1 == nil {
                throw row.error("出生は世帯主の住民票コードで世帯を指定してください", "a birth joins a household: give the householder's code")
            }
            return { w in
                var r = resident
                let (id, address) = try householdId(w, target)
                r.householdId = id
                let residentId = try w.insert(r)
                try w.insert(ResidentMovement(
                    residentId: residentId, kind: change == .birth ? .birth : .moveIn, occurredOn: on, notifiedOn: notified,
                    fromAddress: resident.previousAddress, toAddress: address))
            }
        case .moveWithin:
            let target = try household()
            let relation = try relationship()
            return { w in
                let person = try current(w)
                let (id, address) = try householdId(w, target)
                try w.move(person.id, to: id, relationship: relation, addressSetOn: on, notifiedOn: notified, previousAddress: person.address)
                try w.insert(ResidentMovement(
                    residentId: person.id, kind: .moveWithin, occurredOn: on, notifiedOn: notified, fromAddress: person.address, toAddress: address))
            }
        case .moveOutNotified, .moveOut:
            let destination = try row.required("destination")
            return { w in
                let person = try current(w)
                try w.insert(ResidentMovement(
                    residentId: person.id, kind: change == .moveOut ? .moveOut : .moveOutNotified, occurredOn: on, notifiedOn: notified,
                    fromAddress: person.address, toAddress: destination))
                if change == .moveOut {
                    try w.remove(RemovedRecord(residentId: person.id, reason: .movedOut, removedOn: on, destination: destination))
                }
            }
        case .death:
            return { w in
                let person = try current(w)
                try w.insert(ResidentMovement(residentId: person.id, kind: .death, occurredOn: on, notifiedOn: notified, fromAddress: person.address))
                try w.remove(RemovedRecord(residentId: person.id, reason: .died, removedOn: on))
            }
        case .nameChange:
            let newName = try name()
            guard Kana.isKatakanaReading(newName.familyKana), Kana.isKatakanaReading(newName.givenKana) else {
                throw row.error("振り仮名はカタカナで入力してください", "the reading must be in katakana")
            }
            return { w in try w.rename(try current(w).id, to: newName) }
        }
    }
}
