import Foundation
import MadoguchiDomain
import MadoguchiStore

/// 広域交付 at both ends (住基法 §12の4, 戸籍法 §120の2).
///
/// - The **keeping city** finds the person and the requester in its own records, decides with its own facts and the
///   same rules (`CertificateRequest.wideArea`), and answers with the content, the least the requester may see. It
///   records every query: who asked, from which city, facility and clerk, and what it answered.
/// - The **requesting city** prints that content as its own certificate: its ledger entry, serial number, signature
///   and fee, with the keeping city named on the paper and in the ledger. A refusal is recorded in its ledger too.
public struct WideAreaService: Sendable {
    public let issuance: IssuanceService

    public init(issuance: IssuanceService) { self.issuance = issuance }

    var clock: MadoguchiClock { issuance.clock }

    // MARK: The keeping city

    /// Answers a query from `fromCity` (as the relay vouches for it) out of this city's records.
    public func answer(_ query: WideAreaQuery, from fromCity: String) async throws -> WideAreaAnswer {
        try Self.check(query)
        guard fromCity.count == 6, fromCity.allSatisfy(\.isASCII), fromCity.allSatisfy(\.isNumber) else {
            throw MadoguchiError(.wideAreaBadRequest, ja: "依頼元の市区町村コードが正しくありません", en: "The requesting city's code is malformed")
        }
        let now = clock.now()
        let today = JapanTime.date(of: now)
        let at = LedgerRecord.timestamp(now)
        let fees = issuance.fees
        return try await issuance.database.transaction(async: { tx in
            let city = try tx.city()
            guard fromCity != city.code else {
                throw MadoguchiError(.wideAreaBadRequest, ja: "自市の記録は広域交付ではなく通常の窓口で交付します", en: "A city's own records are issued at its own counter")
            }
            let kind = query.kind
            let subject = try Self.person(tx, name: query.subjectName, birth: query.subjectBirthDate, current: !kind.isFamilyRegister)
            var requester = query.requester
            requester.residentId = nil
            var recordedInRegister = false
            if let subject {
                if requester.requesterClass == .self {
                    // 本人: the clerk there saw the photo identity of the person the query names.
                    requester.residentId = subject
                } else if let name = requester.name, let birth = query.requesterBirthDate {
                    requester.residentId = try Self.person(tx, name: name, birth: birth, current: !kind.isFamilyRegister)
                    if requester.residentId == nil && kind.isFamilyRegister {
                        recordedInRegister = try Self.recorded(tx, name: name, birth: birth, inRegisterOf: subject)
                    }
                }
            }
            var refusals: [String] = []
            var answer = WideAreaAnswer(keepingCity: city, refusals: [])
            if let subject {
                let request = CertificateRequest(
                    kind: kind, subjectId: subject, requester: requester, channel: .counter, options: query.options, date: today,
                    wideArea: true)
                var facts = try tx.subjectFacts(id: subject, on: today, request: request)
                if recordedInRegister, facts?.requester == nil, let birth = query.requesterBirthDate {
                    // Known only from the 戸籍 (they never lived here): recorded in it is their tie.
                    facts?.requester = RequesterFacts(residentId: nil, name: requester.name ?? "", birthDate: birth, registerTie: .recorded)
                }
                let decision = Eligibility.evaluate(request, facts: facts, fees: fees)
                if decision.isApproved, let source = try tx.certificateSource(request) {
                    var content = CertificateContent.build(
                        request, source: source, city: query.city, serialNumber: "", basicItemsOnly: decision.basicItemsOnly)
                    content.keptBy = city.name
                    answer = WideAreaAnswer(
                        keepingCity: city, refusals: [], content: content, subjectReference: "\(city.code):\(subject)",
                        closedRegister: kind == .familyRegisterFull && (facts?.familyRegisterClosed ?? false))
                } else {
                    refusals = (decision.refusals.isEmpty ? [.subjectNotFound] : decision.refusals).map(\.code)
                }
            } else {
                refusals = [RefusalReason.subjectNotFound.code]
            }
            if !refusals.isEmpty { answer = WideAreaAnswer(keepingCity: city, refusals: refusals) }
            // The record of who asked, from where, and what they were told.
            try tx.logWideAreaQuery(
                WideAreaQueryLog(
                    at: at, fromCity: fromCity, requestId: query.requestId, facilityId: query.facilityId, actor: query.actor, kind: kind,
                    subjectId: subject, requesterClass: query.requester.requesterClass, requesterName: query.requester.name,
                    outcome: refusals.isEmpty ? "answered" : "refused", refusals: refusals,
                    contentDigest: try answer.content.map { Ledger.sha256(try $0.canonicalJSON()) }))
            return answer
        })
    }

    /// The one person with this name (variants folded) and birth date: a current resident for a 住民票, anyone with a
    /// record here who is recorded in a 戸籍 kept here for a 戸籍. Nil when there is none, or more than one.
    static func person(_ tx: any WindowTransaction, name: String, birth: CivilDate, current: Bool) throws -> Int64? {
        let key = NameFolding.searchKey(name)
        guard !key.isEmpty else { return nil }
        let found = try tx.people(searchKey: key, born: birth, current: current, limit: 2)
        return found.count == 1 ? found[0] : nil
    }

    /// Whether someone of this name and birth date is recorded (除籍 included) in the 戸籍 of `subject`.
    static func recorded(_ tx: any WindowTransaction, name: String, birth: CivilDate, inRegisterOf subject: Int64) throws -> Bool {
        let key = NameFolding.searchKey(name)
        return try tx.registerMembers(born: birth, inRegisterOf: subject).contains {
            NameFolding.searchKey($0.familyName + $0.givenName) == key
        }
    }

    static func check(_ query: WideAreaQuery) throws {
        guard (8...200).contains(query.requestId.utf8.count), query.requestId.allSatisfy({ $0.isASCII && !$0.isWhitespace }) else {
            throw MadoguchiError(.wideAreaBadRequest, ja: "依頼IDが正しくありません", en: "The request id is malformed")
        }
        guard !query.subjectName.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw MadoguchiError(.wideAreaBadRequest, ja: "対象の方の氏名を指定してください", en: "Give the person's name")
        }
    }

    // MARK: The requesting city

    /// Asks the keeping city through the relay and prints its answer as this city's certificate. With the same
    /// idempotency key a retry returns the first outcome and asks nobody again.
    public func issue(
        _ query: WideAreaQuery, keepingCity: String, idempotencyKey: String, relay: any WideAreaRelay
    ) async throws -> IssuanceOutcome {
        try IssuanceService.checkKey(idempotencyKey)
        try Self.check(WideAreaQuery(
            kind: query.kind, subjectName: query.subjectName, subjectBirthDate: query.subjectBirthDate, requester: query.requester,
            city: query.city, requestId: idempotencyKey))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var asked = query
        asked.requestId = idempotencyKey
        let digest = Ledger.sha256(try encoder.encode(asked) + Data(keepingCity.utf8))
        if let replay = try await issuance.database.snapshot(async: { tx in try IssuanceService.replay(tx, key: idempotencyKey, digest: digest) }) {
            return replay
        }
        let (city, facilityKnown) = try await issuance.database.snapshot(async: { tx in
            (try tx.city(), try query.facilityId.map { try tx.facilityExists($0) } ?? true)
        })
        guard keepingCity != city.code else {
            throw MadoguchiError(.wideAreaBadRequest, ja: "自市の記録は通常の窓口でご請求ください", en: "This city's own records are issued at its own counter")
        }
        guard facilityKnown else {
            throw MadoguchiError(.unknownFacility, ja: "窓口が見つかりません: \(query.facilityId ?? "")", en: "No facility \(query.facilityId ?? "")")
        }
        asked.city = city
        let answer = try await relay.ask(asked, city: keepingCity)
        guard answer.keepingCity.code == keepingCity else {
            throw MadoguchiError(.wideAreaBadAnswer, ja: "別の市区町村から応答がありました", en: "The answer came from another city")
        }
        let now = clock.now()
        let at = LedgerRecord.timestamp(now)
        let today = JapanTime.date(of: now)
        let fees = issuance.fees
        let service = issuance
        return try await issuance.database.transaction(async: { tx in
            if let replay = try IssuanceService.replay(tx, key: idempotencyKey, digest: digest) { return replay }
            let requester = query.requester
            if !answer.refusals.isEmpty || answer.content == nil {
                let reasons = answer.refusals.map { RefusalReason(rawValue: String($0.dropFirst("refusal.".count))) }
                guard !reasons.contains(nil), !reasons.isEmpty else {
                    throw MadoguchiError(.wideAreaBadAnswer, ja: "応答を読めません", en: "Unreadable answer: \(answer.refusals)")
                }
                let entry = try tx.appendLedger(
                    LedgerRecord(
                        action: .refuse, at: at, kind: query.kind, subjectId: 0, requesterClass: requester.requesterClass,
                        channel: .counter, facilityId: query.facilityId, copies: query.options.copies, refusals: answer.refusals,
                        idempotencyKey: idempotencyKey, actor: query.actor, keepingCity: keepingCity))
                try IssuanceService.remember(tx, key: idempotencyKey, digest: digest, sequence: entry.sequence, at: at)
                return .refused(reasons.compactMap { $0 }, ledgerSequence: entry.sequence)
            }
            guard var content = answer.content, content.kind == query.kind, content.cityCode == city.code else {
                throw MadoguchiError(.wideAreaBadAnswer, ja: "応答の証明書が請求と一致しません", en: "The answer is not the certificate asked for")
            }
            // The requesting city's own paper: its date, serial number and fee.
            let rule = fees.rule(for: query.kind, at: .counter, on: today, closedRegister: answer.closedRegister)
            let fee = Fee(perCopy: rule?.yen ?? 0, copies: query.options.copies, waiver: requester.feeWaiver, label: rule?.label ?? "")
            let sequence = try tx.nextLedgerSequence()
            content.issuedOn = today
            content.issuedOnJapanese = CertificateContent.wareki(today)
            content.serialNumber = IssuanceService.serial(sequence, today)
            let certificate = try service.record(
                tx, content: content,
                submission: .init(kind: query.kind, subjectId: 0, requester: requester, channel: .counter, facilityId: query.facilityId,
                                  options: query.options),
                fee: fee.total, at: at, idempotencyKey: idempotencyKey, actor: query.actor, action: .issue, reason: nil,
                expectedSequence: sequence, keeping: Keeping(city: keepingCity, subject: answer.subjectReference ?? "\(keepingCity):?"))
            try IssuanceService.remember(tx, key: idempotencyKey, digest: digest, sequence: sequence, at: at)
            return .issued(certificate, holderNotified: false)
        })
    }
}
