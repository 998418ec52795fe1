import Foundation
import MadoguchiDomain
import MadoguchiStore

/// The procedures a counter does on the registry it keeps itself (DESIGN §3.1): 支援措置 申出 → 決定 → 延長 → 終了,
/// 印鑑登録 and 廃止, 本人通知 registration. Each is one transaction that changes the record and adds an entry to the
/// append-only record of procedures, naming who did it and where.
public struct RegistryProcedures: Sendable {
    let database: MadoguchiDatabase
    let clock: MadoguchiClock
    /// The way to other cities: a 支援措置 is forwarded to the city keeping the person's 戸籍
    let relay: (any WideAreaRelay)?

    public init(database: MadoguchiDatabase, clock: MadoguchiClock = .system, relay: (any WideAreaRelay)? = nil) {
        self.database = database
        self.clock = clock
        self.relay = relay
    }

    /// Who acts, and at which facility.
    public struct Actor: Sendable, Hashable {
        public var name: String
        public var facilityId: String?

        public init(_ name: String, facilityId: String? = nil) {
            self.name = name
            self.facilityId = facilityId
        }
    }

    static func invalid(_ ja: String, _ en: String) -> MadoguchiError { MadoguchiError(.procedureInvalid, ja: ja, en: en) }

    func write<T: Sendable>(_ actor: Actor, _ body: @escaping @Sendable (any WindowTransaction, CivilDate, String) throws -> T) async throws -> T {
        let now = clock.now()
        let today = JapanTime.date(of: now)
        let at = LedgerRecord.timestamp(now)
        guard !actor.name.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw Self.invalid("手続をした職員が必要です", "The acting staff member is required")
        }
        return try await database.transaction(async: { tx in
            if let facility = actor.facilityId, try !tx.facilityExists(facility) {
                throw MadoguchiError(.unknownFacility, ja: "窓口が見つかりません: \(facility)", en: "No facility \(facility)")
            }
            return try body(tx, today, at)
        })
    }

    static func currentResident(_ tx: any WindowTransaction, _ id: Int64) throws -> CivilDate {
        guard let found = try tx.resident(id: id) else {
            throw MadoguchiError(.notFound, ja: "住民が見つかりません（ID \(id)）", en: "No resident \(id)")
        }
        guard !found.removed else {
            throw invalid("除票の方の手続はできません（ID \(id)）", "The person's record has been removed (\(id))")
        }
        return found.birthDate
    }

    // MARK: 支援措置

    /// 申出: the measure protects from now, for a provisional year, while the need is confirmed. With `honsekiCity`
    /// (the city keeping the person's 戸籍, when it is another) the measure is forwarded there, at this step and every
    /// later one, so the 附票 there is protected too (事務処理要領: 住所地から本籍地へ転送).
    public func applySupportMeasure(
        subjectId: Int64, otherPartyName: String, otherPartyBirthDate: CivilDate? = nil, otherPartyResidentId: Int64? = nil,
        honsekiCity: String? = nil, by actor: Actor
    ) async throws -> SupportMeasureRecord {
        if let honsekiCity, honsekiCity.count != 6 || !honsekiCity.allSatisfy(\.isNumber) {
            throw Self.invalid("本籍地の団体コードは6桁の数字です", "The 本籍地's code is six digits")
        }
        let name = otherPartyName.trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty else { throw Self.invalid("相手方の氏名が必要です", "The other party's name is required") }
        guard otherPartyResidentId != subjectId else { throw Self.invalid("相手方が申出者本人です", "The other party is the person applying") }
        let record = try await write(actor) { tx, today, at in
            _ = try Self.currentResident(tx, subjectId)
            if let other = otherPartyResidentId, try tx.resident(id: other) == nil {
                throw MadoguchiError(.notFound, ja: "相手方の住民記録がありません（ID \(other)）", en: "No resident \(other)")
            }
            let key = NameFolding.searchKey(name)
            if try tx.supportMeasures(subjectId: subjectId).contains(where: {
                $0.state.protects && NameFolding.searchKey($0.measure.otherPartyName) == key
            }) {
                throw Self.invalid("この相手方への支援措置は既にあります", "A measure against this other party is already in place")
            }
            let term = SupportMeasureWorkflow.term(from: today)
            let measure = SupportMeasure(
                subjectId: subjectId, otherPartyName: name, otherPartyBirthDate: otherPartyBirthDate, otherPartyResidentId: otherPartyResidentId,
                termStart: term.lowerBound, termEnd: term.upperBound)
            let id = try tx.insertSupportMeasure(measure, state: .applied)
            var detail = ["measure": String(id), "termEnd": term.upperBound.description]
            if let honsekiCity {
                guard try tx.registerIdentity(residentId: subjectId) != nil else {
                    throw Self.invalid("本籍・筆頭者が記録されていないため本籍地へ転送できません", "No 本籍 is recorded to forward the measure to")
                }
                try tx.setForwarding(supportMeasure: id, honsekiCity: honsekiCity, pending: true)
                detail["honsekiCity"] = honsekiCity
            }
            try tx.logProcedure(
                .supportMeasureApplied, residentId: subjectId, actor: actor.name, facilityId: actor.facilityId, at: at, detail: detail)
            guard let stored = try tx.supportMeasure(id: id) else { throw Self.invalid("支援措置を保存できませんでした", "The measure was not saved") }
            return stored
        }
        return try await forwarded(record)
    }

    /// Sends a measure's latest step to the 本籍地 when it has one; a step that does not get through stays pending
    /// (`forwardPending`) and goes with the next step, or `forwardPending()`.
    func forwarded(_ record: SupportMeasureRecord) async throws -> SupportMeasureRecord {
        guard let city = record.honsekiCity, let id = record.measure.id else { return record }
        let identity = try await database.snapshot(async: { tx in try tx.registerIdentity(residentId: record.measure.subjectId) })
        var sent = false
        if let relay, let identity {
            let message = ForwardedSupportMeasure(
                reference: String(id), state: record.state, permanentDomicile: identity.domicile, domicileHead: identity.head,
                name: identity.name, birthDate: identity.birth, otherPartyName: record.measure.otherPartyName,
                otherPartyBirthDate: record.measure.otherPartyBirthDate, termStart: record.measure.termStart, termEnd: record.measure.termEnd)
            sent = (try? await relay.forward(message, city: city)) != nil
        }
        let pending = !sent
        try await database.transaction(async: { tx in try tx.setForwarding(supportMeasure: id, honsekiCity: city, pending: pending) })
        var result = record
        result.forwardPending = !sent
        return result
    }

    /// Sends again every step that has not reached its 本籍地. Returns how many got through and how many did not.
    public func forwardPending() async throws -> (sent: Int, pending: Int) {
        let pending = try await database.snapshot(async: { tx in try tx.pendingForwards() })
        var sent = 0
        for record in pending where !(try await forwarded(record)).forwardPending { sent += 1 }
        return (sent, pending.count - sent)
    }

    /// At the 本籍地: keeps a measure the city of residence forwarded, on the person's row in the 戸籍 kept here.
    /// Every forwarding is recorded, kept or refused.
    public func receiveForwarded(_ measure: ForwardedSupportMeasure, from city: String) async throws {
        guard city.count == 6, city.allSatisfy(\.isNumber), !measure.reference.isEmpty, !measure.otherPartyName.isEmpty,
            measure.termEnd >= measure.termStart
        else { throw Self.invalid("転送された支援措置が正しくありません", "The forwarded measure is malformed") }
        let at = LedgerRecord.timestamp(clock.now())
        let kept = try await database.transaction(async: { tx -> Bool in
            guard let member = try tx.registerMember(
                domicile: measure.permanentDomicile, head: measure.domicileHead, name: measure.name, birth: measure.birthDate)
            else {
                try tx.logForwarded(measure, from: city, memberId: nil, outcome: "refused", at: at)
                return false
            }
            try tx.keepForwarded(measure, from: city, memberId: member, at: at)
            return true
        })
        guard kept else {
            throw MadoguchiError(
                .notFound, ja: "この市の戸籍にその方の記録がありません（\(measure.permanentDomicile)　\(measure.domicileHead)）",
                en: "No such person in a 戸籍 kept here")
        }
    }

    /// 決定, 延長 or 終了 of a measure, by the transition table.
    public func supportMeasure(_ id: Int64, _ action: SupportMeasureAction, reason: String? = nil, by actor: Actor) async throws
        -> SupportMeasureRecord
    {
        let reason = reason?.trimmingCharacters(in: .whitespaces)
        if action == .end && (reason ?? "").isEmpty {
            throw Self.invalid("終了の理由が必要です", "A reason is required to end a measure")
        }
        let record = try await write(actor) { tx, today, at in
            guard let current = try tx.supportMeasure(id: id) else {
                throw MadoguchiError(.notFound, ja: "支援措置が見つかりません（\(id)）", en: "No support measure \(id)")
            }
            let state = try SupportMeasureWorkflow.next(from: current.state, action: action)
            var term = current.measure.termStart...current.measure.termEnd
            var endedOn: CivilDate?
            let kind: RegistryProcedureKind
            switch action {
            case .decide:
                term = SupportMeasureWorkflow.term(from: today)
                kind = .supportMeasureDecided
            case .extend:
                // Asked for in the month before the term ends; after it ended, it is a new 申出.
                guard today <= current.measure.termEnd else {
                    throw Self.invalid("支援期間が終了しています。改めて申出をしてください", "The term has ended; apply anew")
                }
                guard today >= current.measure.termEnd.adding(days: -31) else {
                    throw Self.invalid("延長の申出は支援期間終了の1か月前からです", "An extension is asked for in the month before the term ends")
                }
                term = current.measure.termStart...SupportMeasureWorkflow.term(from: current.measure.termEnd.adding(days: 1)).upperBound
                kind = .supportMeasureExtended
            case .end:
                endedOn = today
                kind = .supportMeasureEnded
            }
            try tx.updateSupportMeasure(id: id, state: state, term: term, endedOn: endedOn)
            var detail = ["measure": String(id), "state": state.rawValue, "termEnd": term.upperBound.description]
            if let reason, !reason.isEmpty { detail["reason"] = reason }
            try tx.logProcedure(kind, residentId: current.measure.subjectId, actor: actor.name, facilityId: actor.facilityId, at: at, detail: detail)
            guard let stored = try tx.supportMeasure(id: id) else { throw Self.invalid("支援措置を保存できませんでした", "The measure was not saved") }
            return stored
        }
        return try await forwarded(record)
    }

    // MARK: 印鑑登録

    /// 印鑑登録 (印鑑条例): a person of 15 or more with no seal registered, an image of the seal (SVG or PNG).
    public func registerSeal(residentId: Int64, image: [UInt8], imageType: String, by actor: Actor) async throws -> SealRegistration {
        guard ["image/svg+xml", "image/png"].contains(imageType), !image.isEmpty, image.count <= 1 << 20 else {
            throw Self.invalid("印影は1MB以下の SVG か PNG です", "A seal image is SVG or PNG of 1 MB or less")
        }
        return try await write(actor) { tx, today, at in
            let birth = try Self.currentResident(tx, residentId)
            guard CivilDate.age(of: birth, on: today) >= 15 else {
                throw Self.invalid("15歳未満の方は印鑑登録できません", "A person under 15 cannot register a seal")
            }
            if let active = try tx.activeSeal(residentId: residentId) {
                throw Self.invalid("既に印鑑登録があります（登録番号 \(active.registrationNumber)）。廃止してから登録してください",
                                   "A seal is already registered (\(active.registrationNumber)); abolish it first")
            }
            let seal = SealRegistration(
                residentId: residentId, registrationNumber: try tx.nextSealNumber(year: today.year), registeredOn: today,
                sealImage: image, sealImageType: imageType)
            try tx.insertSeal(seal)
            try tx.logProcedure(
                .sealRegistered, residentId: residentId, actor: actor.name, facilityId: actor.facilityId, at: at,
                detail: ["registrationNumber": seal.registrationNumber])
            return seal
        }
    }

    /// 廃止: the seal no longer certifies anything from today.
    public func abolishSeal(number: String, reason: String, by actor: Actor) async throws -> SealRegistration {
        let reason = reason.trimmingCharacters(in: .whitespaces)
        guard !reason.isEmpty else { throw Self.invalid("廃止の理由が必要です", "A reason is required") }
        return try await write(actor) { tx, today, at in
            guard let seal = try tx.seal(registrationNumber: number), seal.abolishedOn == nil else {
                throw MadoguchiError(.notFound, ja: "廃止できる印鑑登録がありません: \(number)", en: "No registered seal \(number)")
            }
            try tx.abolishSeal(number: number, on: today)
            try tx.logProcedure(
                .sealAbolished, residentId: seal.residentId, actor: actor.name, facilityId: actor.facilityId, at: at,
                detail: ["registrationNumber": number, "reason": reason])
            var abolished = seal
            abolished.abolishedOn = today
            return abolished
        }
    }

    // MARK: 本人通知

    public func registerHolderNotification(residentId: Int64, by actor: Actor) async throws -> HolderNotificationRegistration {
        try await write(actor) { tx, today, at in
            _ = try Self.currentResident(tx, residentId)
            guard try tx.activeHolderNotification(residentId: residentId) == nil else {
                throw Self.invalid("既に本人通知の登録があります", "Already registered for holder notification")
            }
            let registration = HolderNotificationRegistration(residentId: residentId, registeredOn: today)
            try tx.insertHolderNotification(registration)
            try tx.logProcedure(.holderNotificationRegistered, residentId: residentId, actor: actor.name, facilityId: actor.facilityId, at: at,
                                   detail: [:])
            return registration
        }
    }

    public func endHolderNotification(residentId: Int64, by actor: Actor) async throws {
        try await write(actor) { tx, today, at in
            guard let active = try tx.activeHolderNotification(residentId: residentId) else {
                throw MadoguchiError(.notFound, ja: "本人通知の登録がありません", en: "No holder-notification registration")
            }
            try tx.endHolderNotification(id: active.id ?? 0, on: today)
            try tx.logProcedure(.holderNotificationEnded, residentId: residentId, actor: actor.name, facilityId: actor.facilityId, at: at,
                                   detail: [:])
        }
    }

    // MARK: Reading

    public struct Overview: Sendable, Codable {
        public var supportMeasures: [SupportMeasureRecord]
        public var seal: SealRegistration?
        public var holderNotification: HolderNotificationRegistration?
        public var history: [ProcedureRecord]
    }

    /// What the counter keeps for a person, and the record of what was done.
    public func overview(residentId: Int64) async throws -> Overview {
        try await database.snapshot(async: { tx in
            Overview(
                supportMeasures: try tx.supportMeasures(subjectId: residentId),
                seal: try tx.activeSeal(residentId: residentId),
                holderNotification: try tx.activeHolderNotification(residentId: residentId),
                history: try tx.procedureHistory(residentId: residentId))
        })
    }
}
