import Foundation
import MadoguchiDomain
import MadoguchiStore

/// Builds the synthetic population of ``DemoCity``: households of realistic sizes, births, moves,
/// deaths (除票), 転出届, seals, tax assessments, 戸籍 with their 附票, 支援措置 and 本人通知 cases.
///
/// The same options give the same city: every choice comes from one seeded ``DemoRandom``.
public struct DemoCityGenerator: Sendable {
    public struct Options: Sendable {
        /// Number of persons to create, current residents and 除票 together
        public var residents: Int
        public var seed: UInt64
        /// The day the registry is as of (fixed, so the city does not depend on when it is built)
        public var asOf: CivilDate
        /// Households between two progress reports
        public var batchSize: Int
        /// Which city this is (name and 全国地方公共団体コード)
        public var city: DemoCity.Identity
        /// On SQLite, draw the people on a thread of their own beside the writing one (off: one thread, to compare)
        public var twoThreads = true

        public init(residents: Int, seed: UInt64 = 1, asOf: CivilDate = CivilDate(year: 2026, month: 10, day: 1)!,
                    batchSize: Int = 2_000, city: DemoCity.Identity = .standard) {
            self.residents = residents
            self.seed = seed
            self.asOf = asOf
            self.batchSize = batchSize
            self.city = city
        }
    }

    public struct Report: Sendable, Codable, Hashable {
        public var persons = 0
        public var households = 0
        public var removed = 0
        public var moveOutNotified = 0
        public var seals = 0
        public var taxAssessments = 0
        public var familyRegisters = 0
        public var supportMeasures = 0
        public var holderNotifications = 0
        public var variantNames = 0
    }

    let options: Options
    var rng: DemoRandom
    var report = Report()
    var personIndex = 0
    var sealCounter = 0
    /// Recent adult men, as possible 支援措置 other parties (ids only)
    var recentMen: [Int64] = []

    public init(options: Options) {
        self.options = options
        self.rng = DemoRandom(seed: options.seed)
    }

    /// Writes the city into an empty registry. `progress` is told the persons written so far.
    public static func generate(
        into database: MadoguchiDatabase, options: Options, progress: (Int) -> Void = { _ in }
    ) throws -> Report {
        let registry = database.registry
        guard try registry.counts().residents == 0 else {
            throw MadoguchiError(
                .alreadySeeded, ja: "このデータベースには既に住民が登録されています。新しいファイルを指定してください",
                en: "This database already holds residents; seed a new file")
        }
        var generator = DemoCityGenerator(options: options)
        func identity(_ w: RegistryWriter) throws {
            try w.setMeta("city.name", options.city.name)
            try w.setMeta("city.code", options.city.code.digits)
            try w.setMeta("city.mayor", options.city.mayor)
            try w.setMeta("demo.seed", String(options.seed))
            try w.setMeta("demo.asOf", options.asOf.description)
            for f in DemoCity.network(for: options.city) {
                try w.upsert(f.facility)
                for e in f.events { try w.record(e, at: "\(options.asOf)T00:00:00+09:00", by: "demo") }
            }
            let hours = DemoCity.hours(for: options.city)
            for h in hours.schedules { try w.record(h, at: "\(options.asOf)T00:00:00+09:00", by: "demo") }
            for d in hours.days { try w.record(d, at: "\(options.asOf)T00:00:00+09:00", by: "demo") }
            for (town, point) in DemoCity.townLocations().sorted(by: { $0.key < $1.key }) { try w.setLocation(town, point) }
            let configured = MadoguchiClock.parse("\(options.asOf)T00:00:00+09:00")?.now() ?? Date()
            for window in DemoCity.windows(for: options.city) { try w.configure(window, at: configured, by: "demo") }
            for (facilityId, counts) in DemoCity.arrivalHistory(for: options.city, before: options.asOf, seed: options.seed) {
                try w.recordArrivalHistory(facilityId: facilityId, counts, source: DemoCity.arrivalHistorySource, at: configured)
            }
            try w.recordServiceFigures(DemoCity.serviceFigures(for: options.city), source: DemoCity.serviceFiguresSource, at: configured)
        }
        guard database.engine == .sqlite else {
            // PostgreSQL: a transaction per batch of households, one thread (its sequences do not go back after a
            // rollback, so ids are not planned there).
            try registry.write(identity)
            while !generator.isDone {
                try registry.write { w in
                    var sink = w
                    try generator.households(options.batchSize, into: &sink)
                }
                progress(generator.personIndex)
            }
            return generator.report
        }
        // SQLite: the whole city in one transaction, so a seed that stops half-way leaves no half city behind.
        try registry.bulkLoad { w in
            try identity(w)
            if options.twoThreads {
                generator = try generator.generatedOnItsOwnThread(into: w, progress: progress)
            } else {
                var sink = w
                while !generator.isDone {
                    try generator.households(options.batchSize, into: &sink)
                    progress(generator.personIndex)
                }
            }
            progress(generator.personIndex)
        }
        return generator.report
    }

    /// Generates the rest of the city on a thread of its own, in batches of households whose rows' ids are planned
    /// (``RegistryPlan``), while the calling thread writes them into `w` and checks every id. Two cores then share
    /// the work: one draws the people, the other runs SQLite. Returns the generator as it ends.
    func generatedOnItsOwnThread(into w: RegistryWriter, progress: (Int) -> Void) throws -> DemoCityGenerator {
        final class Outcome: @unchecked Sendable {
            var generator: DemoCityGenerator?
            var error: (any Error)?
        }
        let start = try NextRowIds(w)
        let handoff = Handoff<(plan: RegistryPlan, persons: Int)>(capacity: 3)
        let outcome = Outcome()
        let thread = Thread { [self] in
            var generator = self
            var next = start
            do {
                while !generator.isDone {
                    var plan = RegistryPlan(next: next, capacity: generator.options.batchSize * 15)
                    try generator.households(generator.options.batchSize, into: &plan)
                    next = plan.next
                    guard handoff.put((plan, generator.personIndex)) else { return }
                }
                outcome.generator = generator
            } catch {
                outcome.error = error
            }
            handoff.finish()
        }
        thread.name = "demo-city-generator"
        thread.start()
        var expected = start
        do {
            while let batch = handoff.take() {
                try batch.plan.write(to: w, expected: &expected)
                progress(batch.persons)
            }
        } catch {
            handoff.cancel()
            throw error
        }
        // `finish()` came after the outcome was set, under the handoff's lock.
        if let error = outcome.error { throw error }
        guard let generator = outcome.generator else {
            throw MadoguchiError(.bulkLoadOutOfStep, ja: "住民の生成が途中で止まりました", en: "The generator stopped before the end")
        }
        return generator
    }

    /// Every person asked for has been made.
    var isDone: Bool { personIndex >= options.residents }

    /// Up to `count` more households into `sink` (fewer when the city is complete before).
    mutating func households<Sink: RegistrySink>(_ count: Int, into sink: inout Sink) throws {
        var made = 0
        while made < count && !isDone {
            try household(&sink)
            made += 1
        }
    }

    // MARK: - People

    struct Person {
        var sex: Sex
        var birth: CivilDate
        var relationship: Relationship
        var given: (String, String)
        var familyName: (String, String)
        var formerName: (String, String)?
        /// 戸籍 relationship (長男, 妻 …), when in the householder's register
        var registerRelationship: String?
    }

    mutating func date(from: CivilDate, to: CivilDate) -> CivilDate {
        guard from < to else { return from }
        return CivilDate(dayNumber: rng.int(from.dayNumber...to.dayNumber))
    }

    mutating func birth(age: Int) -> CivilDate {
        let end = options.asOf.adding(days: -365 * age)
        return date(from: end.adding(days: -364), to: end)
    }

    mutating func familyName() -> (String, String) {
        let (name, kana) = rng.weighted(NamePools.familyNames.map { (($0.0, $0.1), $0.2) })
        return (name, kana)
    }

    static func ordinal(_ n: Int, _ sex: Sex) -> String {
        let prefix = n == 1 ? "長" : n == 2 ? (sex == .male ? "二" : "二") : NamePools.kanjiDigits[min(n, 9)]
        return prefix + (sex == .male ? "男" : "女")
    }

    /// Children of a parent aged `parentAge`: 0–3 of them, born when the parent was 24–40.
    mutating func children(count: Int, parentAge: Int, family: (String, String)) -> [Person] {
        var kids: [Person] = []
        var sons = 0
        var daughters = 0
        for _ in 0..<count {
            let age = max(0, parentAge - rng.int(24...40))
            let sex: Sex = rng.chance(0.51) ? .male : .female
            let b = birth(age: age)
            if sex == .male { sons += 1 } else { daughters += 1 }
            kids.append(
                Person(
                    sex: sex, birth: b, relationship: .child,
                    given: NamePools.givenName(sex, born: b.year, &rng), familyName: family,
                    registerRelationship: Self.ordinal(sex == .male ? sons : daughters, sex)))
        }
        return kids
    }

    mutating func composition() -> [Person] {
        let family = familyName()
        func adult(_ sex: Sex, age: Int, _ rel: Relationship) -> Person {
            let b = birth(age: age)
            return Person(
                sex: sex, birth: b, relationship: rel, given: NamePools.givenName(sex, born: b.year, &rng),
                familyName: family)
        }
        enum Kind { case single, couple, nuclear, singleParent, threeGenerations, withParent }
        let kind = rng.weighted([
            (Kind.single, 36), (.couple, 20), (.nuclear, 26), (.singleParent, 8), (.threeGenerations, 6),
            (.withParent, 4),
        ])
        var people: [Person] = []
        switch kind {
        case .single:
            var p = adult(rng.chance(0.5) ? .male : .female, age: rng.int(19...95), .householder)
            p.registerRelationship = nil
            people = [p]
        case .couple, .nuclear, .threeGenerations:
            let age = kind == .couple ? rng.int(25...90) : kind == .nuclear ? rng.int(28...58) : rng.int(35...55)
            var head = adult(.male, age: age, .householder)
            head.registerRelationship = "筆頭者"
            var spouse = adult(.female, age: max(20, age + rng.int(-6...3)), .wife)
            spouse.registerRelationship = "妻"
            if rng.chance(0.05) {
                spouse.formerName = familyName()
                if spouse.formerName!.0 == family.0 { spouse.formerName = nil }
            }
            people = [head, spouse]
            if kind != .couple {
                people += children(count: rng.weighted([(1, 35), (2, 45), (3, 20)]), parentAge: age, family: family)
            }
            if kind == .threeGenerations {
                people.append(adult(.male, age: min(100, age + rng.int(25...32)), .father))
                people.append(adult(.female, age: min(100, age + rng.int(24...30)), .mother))
            }
        case .singleParent:
            let age = rng.int(28...52)
            var head = adult(.female, age: age, .householder)
            head.registerRelationship = "筆頭者"
            people = [head] + children(count: rng.weighted([(1, 55), (2, 35), (3, 10)]), parentAge: age, family: family)
        case .withParent:
            let age = rng.int(45...68)
            var head = adult(rng.chance(0.5) ? .male : .female, age: age, .householder)
            head.registerRelationship = nil
            people = [head, adult(.female, age: min(102, age + rng.int(25...33)), .mother)]
        }
        return people
    }

    // MARK: - Identifiers

    /// A unique valid 個人番号 for the n-th person (a bijection on 11 digits, then the check digit).
    func individualNumber(_ n: Int) -> String {
        let mixed = (UInt64(n) &* 7_919_800_001 &+ options.seed &* 104_729 &+ 12_345_678_901) % 100_000_000_000
        let body = String(mixed).leftPadded(to: 11)
        let digits = body.map { Int(String($0))! }
        return body + String(IndividualNumber.checkDigit(for: digits))
    }

    func residentRecordCode(_ n: Int) -> String {
        let mixed = (UInt64(n) &* 3_333_333_331 &+ options.seed &* 7_919 &+ 1_234_567_890) % 10_000_000_000
        let body = String(mixed).leftPadded(to: 10)
        return body + String(ResidentRecordCode.checkDigit(for: body.map { Int(String($0))! }))
    }

    // MARK: - Households

    mutating func household<Sink: RegistrySink>(_ w: inout Sink) throws {
        let asOf = options.asOf
        let ward = rng.weighted(DemoCity.wards.map { ($0, $0.weight) })
        let town = rng.pick(ward.towns) + NamePools.kanjiDigits[rng.int(1...5)] + "丁目"
        let block = "\(rng.int(1...30))番\(rng.int(1...25))号"
        let building: String? = rng.chance(0.35)
            ? "\(rng.pick(["グリーンハイツ", "コーポ", "メゾン", "パークハウス", "サンライズ"]))\(ward.towns[0])\(rng.int(1...12))0\(rng.int(1...9))号室"
            : nil
        let address = DemoCity.address(options.city, ward: ward, town: town, block: block, building: building)
        let people = Array(composition().prefix(options.residents - personIndex))
        let head = people[0]
        // When the household settled at this address, and whether it came from elsewhere.
        let earliest = max(head.birth.adding(days: 365 * 18), CivilDate(year: 1975, month: 1, day: 1)!)
        let formedOn = date(from: min(earliest, asOf.adding(days: -30)), to: asOf.adding(days: -1))
        let householdId = try w.insert(Household(address: address, formedOn: formedOn))
        let movedIn = rng.chance(0.65)
        let previous = movedIn
            ? "\(rng.pick(NamePools.elsewhere))\(rng.pick(["本町", "緑町", "中央", "桜町"]))\(rng.int(1...5))丁目\(rng.int(1...20))番\(rng.int(1...20))号"
            : DemoCity.address(options.city, ward: rng.pick(DemoCity.wards), town: "本町一丁目", block: "\(rng.int(1...30))番地").description

        // 本籍: in the city for most households (so the city keeps their 戸籍), elsewhere for the rest.
        let domicileInCity = rng.chance(0.55)
        let domicile = domicileInCity
            ? DemoCity.address(options.city, ward: rng.pick(DemoCity.wards), town: rng.pick(ward.towns) + "一丁目", block: "\(rng.int(1...40))番地").description
            : "\(rng.pick(NamePools.elsewhere))本町\(rng.int(1...9))丁目\(rng.int(1...40))番地"
        let headName = "\(head.familyName.0)　\(head.given.0)"

        var ids: [Int64] = []
        for person in people {
            personIndex += 1
            report.persons += 1
            // MJ characters and IVS sequences: names whose search key differs from the registered form.
            if NameFolding.searchKey(person.familyName.0) != person.familyName.0 { report.variantNames += 1 }
            let bornHere = person.birth >= formedOn
            let settled = bornHere ? person.birth : formedOn
            let notified = min(asOf, settled.adding(days: rng.int(0...13)))
            // Grandparents in a three-generation household keep their own 戸籍.
            let ownDomicile = person.relationship == .father || person.relationship == .mother
            let resident = Resident(
                householdId: householdId,
                name: PersonName(
                    family: person.familyName.0, given: person.given.0, familyKana: person.familyName.1,
                    givenKana: person.given.1),
                formerFamilyName: person.formerName?.0, formerFamilyNameKana: person.formerName?.1,
                birthDate: person.birth, sex: person.sex, relationship: person.relationship,
                permanentDomicile: ownDomicile ? "\(rng.pick(NamePools.elsewhere))大字\(rng.int(1...99))番地" : domicile,
                domicileHead: ownDomicile
                    ? "\(person.familyName.0)　\(person.relationship == .father ? person.given.0 : people.first { $0.relationship == .father }?.given.0 ?? person.given.0)"
                    : headName,
                becameResidentOn: movedIn || bornHere ? settled : person.birth, addressSetOn: settled,
                notifiedOn: max(notified, settled), previousAddress: bornHere ? nil : previous,
                individualNumber: individualNumber(personIndex), residentRecordCode: residentRecordCode(personIndex))
            let id = try w.insert(resident)
            ids.append(id)
            if bornHere {
                try w.insert(ResidentMovement(residentId: id, kind: .birth, occurredOn: person.birth, notifiedOn: resident.notifiedOn))
            } else {
                try w.insert(
                    ResidentMovement(
                        residentId: id, kind: movedIn ? .moveIn : .moveWithin, occurredOn: settled,
                        notifiedOn: resident.notifiedOn, fromAddress: previous, toAddress: address.description))
            }
            let age = resident.age(on: asOf)
            if person.sex == .male && age >= 20 {
                recentMen.append(id)
                if recentMen.count > 64 { recentMen.removeFirst() }
            }
            // Seals (印鑑登録) from age 15.
            if age >= 15 && rng.chance(0.35) {
                sealCounter += 1
                let registered = date(from: max(settled, person.birth.adding(days: 365 * 15 + 4)), to: asOf)
                try w.insert(
                    SealRegistration(
                        residentId: id, registrationNumber: String(sealCounter).leftPadded(to: 8),
                        registeredOn: registered, sealImage: Array(SealImage.svg(family: person.familyName.0).utf8),
                        sealImageType: "image/svg+xml"))
                report.seals += 1
            }
            // Tax assessments for the last two fiscal years, for earners.
            if age >= 18 && rng.chance(0.7) {
                let fy = FiscalYear(containing: asOf)
                for year in [fy.startYear - 1, fy.startYear] {
                    let gross = rng.weighted([(rng.int(500...1_500), 3), (rng.int(1_500...6_000), 6), (rng.int(6_000...20_000), 1)]) * 1_000
                    let total = max(0, gross - max(550_000, gross * 3 / 10))
                    let taxable = max(0, total - 430_000 - rng.int(0...800) * 1_000)
                    let municipal = taxable / 1_000 * 80 + (taxable > 0 ? 3_500 : 0)
                    let prefectural = taxable / 1_000 * 20 + (taxable > 0 ? 1_500 : 0)
                    try w.insert(
                        TaxAssessment(
                            residentId: id, fiscalYear: FiscalYear(year), grossIncome: gross, totalIncome: total,
                            taxableIncome: taxable, municipalTax: municipal, prefecturalTax: prefectural))
                    report.taxAssessments += 1
                }
            }
            if age >= 18 && rng.chance(0.01) {
                try w.insert(HolderNotificationRegistration(residentId: id, registeredOn: date(from: max(settled, asOf.adding(days: -2000)), to: asOf)))
                report.holderNotifications += 1
            }
        }

        // 除票: a grandparent who died here, or a grown child who moved away.
        var movedAwayChild: (person: Person, id: Int64, destination: String, on: CivilDate)?
        if rng.chance(0.03) && personIndex < options.residents {
            let deceased = rng.chance(0.5)
            var p = people[0]
            p.relationship = deceased ? (rng.chance(0.5) ? .father : .mother) : .child
            p.sex = p.relationship == .mother ? .female : p.relationship == .father ? .male : (rng.chance(0.5) ? .male : .female)
            p.birth = deceased ? birth(age: min(100, (asOf.year - head.birth.year) + rng.int(24...32))) : birth(age: rng.int(19...30))
            p.given = NamePools.givenName(p.sex, born: p.birth.year, &rng)
            p.formerName = nil
            let settled = max(formedOn, p.birth)
            let removedOn = date(from: max(settled.adding(days: 1), asOf.adding(days: -5 * 365)), to: asOf.adding(days: -1))
            personIndex += 1
            report.persons += 1
            let r = Resident(
                householdId: householdId,
                name: PersonName(family: p.familyName.0, given: p.given.0, familyKana: p.familyName.1, givenKana: p.given.1),
                birthDate: p.birth, sex: p.sex, relationship: p.relationship, permanentDomicile: domicile,
                domicileHead: headName, becameResidentOn: settled, addressSetOn: settled,
                notifiedOn: min(asOf, settled.adding(days: 7)), previousAddress: nil,
                individualNumber: individualNumber(personIndex), residentRecordCode: residentRecordCode(personIndex))
            let id = try w.insert(r)
            let destination = deceased ? nil : "\(rng.pick(NamePools.elsewhere))栄町\(rng.int(1...5))丁目\(rng.int(1...20))番\(rng.int(1...20))号"
            try w.insert(
                ResidentMovement(
                    residentId: id, kind: deceased ? .death : .moveOut, occurredOn: removedOn,
                    notifiedOn: min(asOf, removedOn.adding(days: rng.int(0...6))), fromAddress: address.description,
                    toAddress: destination))
            try w.remove(RemovedRecord(residentId: id, reason: deceased ? .died : .movedOut, removedOn: removedOn, destination: destination))
            report.removed += 1
            if let destination, !deceased { movedAwayChild = (p, id, destination, removedOn) }
        }

        // 転出届 filed, the move still ahead (certificates at a kiosk are refused for these).
        if rng.chance(0.005) {
            let id = ids[0]
            try w.insert(
                ResidentMovement(
                    residentId: id, kind: .moveOutNotified, occurredOn: asOf.adding(days: rng.int(1...20)),
                    notifiedOn: asOf, fromAddress: address.description,
                    toAddress: "\(rng.pick(NamePools.elsewhere))中央\(rng.int(1...5))丁目\(rng.int(1...20))番\(rng.int(1...9))号"))
            report.moveOutNotified += 1
        }

        // 支援措置: a single parent protected from a former partner.
        if head.relationship == .householder && head.sex == .female && people.count > 1 && rng.chance(0.02) {
            let start = asOf.adding(days: -rng.int(0...400))
            let otherResident: Int64? = !recentMen.isEmpty && rng.chance(0.4) ? rng.pick(recentMen) : nil
            try w.insert(
                SupportMeasure(
                    subjectId: ids[0], otherPartyName: "\(familyName().0)　\(NamePools.givenName(.male, born: head.birth.year, &rng).0)",
                    otherPartyBirthDate: birth(age: head.birth.year < 1980 ? 50 : 40), otherPartyResidentId: otherResident,
                    termStart: start, termEnd: start.adding(days: 364)))
            report.supportMeasures += 1
        }

        // 戸籍 for households whose 本籍 is in the city, with events and the 附票.
        if domicileInCity {
            let married = people.contains { $0.relationship == .wife }
            let created = married
                ? date(from: head.birth.adding(days: 365 * 22), to: min(asOf, head.birth.adding(days: 365 * 35)))
                : head.birth
            let registerId = try w.insert(FamilyRegister(permanentDomicile: domicile, headName: headName, createdOn: created))
            try w.insert(FamilyRegisterEvent(familyRegisterId: registerId, memberId: nil, kind: married ? .marriage : .creation,
                                             occurredOn: created, detail: married ? "婚姻の届出により編製" : "出生により入籍"))
            let father = people.first { $0.relationship == .householder && $0.sex == .male }
            let mother = people.first { $0.relationship == .wife } ?? people.first { $0.relationship == .householder && $0.sex == .female }
            for (person, residentId) in zip(people, ids) {
                guard let relation = person.registerRelationship ?? (person.relationship == .householder ? "筆頭者" : nil) else { continue }
                let isChild = person.relationship == .child
                let memberId = try w.insert(
                    FamilyRegisterMember(
                        familyRegisterId: registerId, residentId: residentId,
                        name: PersonName(family: person.familyName.0, given: person.given.0, familyKana: person.familyName.1, givenKana: person.given.1),
                        birthDate: person.birth, sex: person.sex, relationship: relation,
                        fatherName: isChild ? father.map { "\($0.familyName.0)　\($0.given.0)" } : nil,
                        motherName: isChild ? mother.map { $0.given.0 } : nil))
                if isChild {
                    try w.insert(FamilyRegisterEvent(familyRegisterId: registerId, memberId: memberId, kind: .birth,
                                                     occurredOn: person.birth, detail: "出生"))
                }
                try w.insert(FamilyRegisterAnnexEntry(memberId: memberId, address: address.description, since: max(formedOn, person.birth)))
            }
            // A child who moved away stays in the parents' 戸籍 (本籍 here): the 附票 follows them to the new address.
            if let child = movedAwayChild {
                let memberId = try w.insert(
                    FamilyRegisterMember(
                        familyRegisterId: registerId, residentId: child.id,
                        name: PersonName(family: child.person.familyName.0, given: child.person.given.0,
                                         familyKana: child.person.familyName.1, givenKana: child.person.given.1),
                        birthDate: child.person.birth, sex: child.person.sex, relationship: child.person.sex == .male ? "長男" : "長女",
                        fatherName: father.map { "\($0.familyName.0)　\($0.given.0)" }, motherName: mother.map { $0.given.0 }))
                try w.insert(FamilyRegisterEvent(familyRegisterId: registerId, memberId: memberId, kind: .birth,
                                                 occurredOn: child.person.birth, detail: "出生"))
                try w.insert(FamilyRegisterAnnexEntry(memberId: memberId, address: address.description,
                                                      since: max(formedOn, child.person.birth)))
                try w.insert(FamilyRegisterAnnexEntry(memberId: memberId, address: child.destination, since: child.on))
            }
            report.familyRegisters += 1
        }
        report.households += 1
    }
}

/// A 印影 drawn as SVG: a red circle with the family name, vertical.
enum SealImage {
    static func svg(family: String) -> String {
        let chars = family.map { String($0) }
        let size = chars.count <= 2 ? 22 : 16
        let lines = chars.enumerated().map { i, c in
            "<text x=\"30\" y=\"\(Int(30 - Double(chars.count - 1) * Double(size) / 2 + Double(i * size)) + size / 3)\" font-size=\"\(size)\" text-anchor=\"middle\">\(c)</text>"
        }.joined()
        return "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"60\" height=\"60\" fill=\"#c0262d\" stroke=\"#c0262d\"><circle cx=\"30\" cy=\"30\" r=\"27\" fill=\"none\" stroke-width=\"3\"/>\(lines)</svg>"
    }
}

extension String {
    func leftPadded(to n: Int) -> String { String(repeating: "0", count: max(0, n - count)) + self }
}

extension MadoguchiError.Code {
    public static let alreadySeeded = Self("demo.alreadySeeded")
}
