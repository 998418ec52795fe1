import Foundation
import MadoguchiDomain
import MadoguchiIssuance
import MadoguchiStore

/// A choice on a counter form: a radio button, a check box or an option.
struct Choice {
    let name: String
    let value: String
    let label: String
    let checked: Bool

    init(_ name: String, _ value: String, _ label: String, checked: Bool = false) {
        self.name = name
        self.value = value
        self.label = label
        self.checked = checked
    }
}

/// The counter's search page: the purpose of the session's reads, the search, and the residents found.
struct CounterSearchPage {
    struct Row {
        let href: String
        let name: String
        let kana: String
        let birth: String
        let address: String
        let removed: Bool
    }

    let query: String
    /// The purpose must be chosen before any read
    let asked: Bool
    let purposes: [Choice]
    let chosen: Choice?
    let searched: Bool
    let rows: [Row]
    let hasRows: Bool

    init(query: String, results: [ResidentSummary]?, chosen: AccessPurpose?, asked: Bool) {
        self.query = query
        self.asked = asked
        purposes = AccessPurpose.allCases.filter { $0 != .audit }.map { Choice("purpose", $0.rawValue, $0.japanese, checked: $0 == chosen) }
        self.chosen = chosen.map { Choice("purpose", $0.rawValue, $0.japanese, checked: true) }
        searched = results != nil
        rows = (results ?? []).map { r in
            Row(
                href: "/counter/residents/\(r.id)", name: r.name.full, kana: r.name.fullKana, birth: FacilityText.wareki(r.birthDate), address: r.address,
                removed: r.removed)
        }
        hasRows = !rows.isEmpty
    }
}

/// The request form (書かない窓口): the person as the registry has them, warnings, and every field of a request.
struct CounterRequestPage {
    let id: Int64
    let protected: Bool
    let otherParty: Bool
    let removal: String?
    let name: String
    let kana: String
    let birth: String
    let address: String
    let kinds: [Choice]
    let maximumCopies: Int
    let members: [Choice]
    let items: [Choice]
    let taxYears: [PageOption]
    let classes: [Choice]
    let documents: [Choice]
    let professionalPurposes: [PageOption]
    let professions: [PageOption]
    let waivers: [PageOption]
    /// The counter the member of staff works at (markup of the `facility-line` view)
    let here: String

    init(_ d: ResidentDetail, id: Int64, here: String) {
        let r = d.resident
        self.id = id
        protected = d.protectedBySupportMeasure
        otherParty = d.namedAsOtherParty
        removal = d.removal.map { "この方は除票です（\($0.reason.japanese)、\(FacilityText.wareki($0.removedOn))）。" }
        name = r.name.full
        kana = r.name.fullKana
        birth = FacilityText.wareki(r.birthDate)
        address = d.household.address.description
        kinds = CertificateKind.allCases.map { Choice("kind", $0.rawValue, $0.japanese, checked: $0 == .residentRecordCopy) }
        maximumCopies = CertificateOptions.maximumCopies
        members = d.householdMembers.map { Choice("memberIds", String($0.id), "\($0.name.full)（\($0.relationship.japanese)）", checked: $0.id == id) }
        items = OptionalItem.allCases.map { Choice("items", $0.rawValue, $0.japanese) }
        taxYears = d.taxYears.reversed().map { PageOption(value: String($0.startYear), text: $0.japaneseDescription) }
        classes = RequesterClass.allCases.map { Choice("class", $0.rawValue, $0.japanese, checked: $0 == .self) }
        documents = IdentityDocument.allCases.map { Choice("identityDocuments", $0.rawValue, $0.japanese) }
        professionalPurposes = ProfessionalPurpose.allCases.map { PageOption(value: $0.rawValue, text: $0.japanese) }
        professions = Profession.allCases.map { PageOption(value: $0.rawValue, text: $0.japanese) }
        waivers = FeeWaiver.allCases.map { PageOption(value: $0.rawValue, text: $0.japanese) }
        self.here = here
    }
}

/// The confirmation: the decision (the fee, or why not), the request as the resident checks it, and the form that
/// issues it with every field carried and a key fixed now (a double click issues once).
struct CounterPreviewPage {
    struct Fact {
        let label: String
        let value: String
        /// Printed in the registry's typeface (names with their exact characters)
        let mincho: Bool
    }

    struct Refusal {
        let code: String
        let ja: String
        let en: String
    }

    struct Field {
        let name: String
        let value: String
    }

    let id: Int64
    let approved: Bool
    let fee: String
    let refusals: [Refusal]
    let facts: [Fact]
    let fields: [Field]

    init(submission s: IssuanceService.Submission, decision: EligibilityDecision, detail d: ResidentDetail, form: [(String, String)], key: String) {
        id = s.subjectId
        approved = decision.isApproved && decision.fee != nil
        fee = decision.fee.map { fee in
            "交付できます。手数料 \(fee.total)円" + (fee.waiver.map { "（\($0.japanese)により免除）" } ?? "（\(fee.perCopy)円 × \(fee.copies)通）")
                + (decision.holderNotification ? "。本人通知の対象です。" : "")
        } ?? ""
        refusals = decision.refusals.map { Refusal(code: $0.code, ja: $0.japanese, en: $0.english) }
        var facts = [
            Fact(label: "証明書", value: "\(s.kind.japanese)　\(s.options.copies)通", mincho: false),
            Fact(label: "対象者", value: "\(d.resident.name.full)（\(FacilityText.wareki(d.resident.birthDate))生）", mincho: true),
            Fact(label: "住所", value: d.household.address.description, mincho: false),
            Fact(label: "請求者", value: s.requester.requesterClass.japanese + (s.requester.name.map { "　" + $0 } ?? ""), mincho: false),
            Fact(label: "本人確認書類", value: s.requester.identityDocuments.map(\.japanese).sorted().joined(separator: "、"), mincho: false),
        ]
        if s.kind.isResidentRecord {
            facts.append(Fact(
                label: "範囲・記載事項",
                value: (s.options.scope == .household ? "世帯全員" : "一部") + "　" + s.options.items.sorted().map(\.japanese).joined(separator: "・"), mincho: false))
        }
        self.facts = facts
        fields = form.map { Field(name: $0.0, value: $0.1) } + [Field(name: "subjectId", value: String(s.subjectId)), Field(name: "idempotencyKey", value: key)]
    }
}

/// A certificate as issued: its title and serial, what it was, and what can be done to it now.
struct CounterCertificatePage {
    let id: String
    let status: String
    let heading: String
    let persons: String
    let copies: String
    let issuedAt: String
    let ledgerSequence: Int64
    let inForce: Bool
    let voided: Bool
    /// The certificate that replaced it, when a reprint did
    let supersededBy: String?

    init(_ c: IssuedCertificate) {
        id = c.id
        status = c.status.rawValue
        heading = "\(c.content.title)　\(c.content.serialNumber)"
        persons = c.content.persons.map(\.name).joined(separator: "、")
        copies = "\(c.copies)通　\(c.feeYen)円"
        issuedAt = c.issuedAt
        ledgerSequence = c.ledgerSequence
        inForce = c.status == .issued
        voided = c.status == .voided
        supersededBy = c.status == .superseded ? (c.supersededBy ?? "") : nil
    }
}

/// The counter's procedures for a person: support measures with the steps their state allows, the seal, holder
/// notification, and the record of what was done.
struct CounterProceduresPage {
    struct Step {
        let href: String
        let label: String
        /// Ending a measure asks for its reason
        let asksReason: Bool
    }

    struct Measure {
        let state: String
        let stateText: String
        let otherParty: String
        let term: String
        /// Where the measure is forwarded for the 附票 (the honseki city), and whether it is still to go
        let forwarding: String?
        let pending: Bool
        let steps: [Step]
    }

    struct Seal {
        let number: String
        let registered: String
    }

    struct Record {
        let at: String
        let procedure: String
        let procedureText: String
        let actor: String
        let facility: String
        let detail: String
    }

    let name: String
    let here: String
    let base: String
    let measures: [Measure]
    let seal: Seal?
    /// Registered for holder notification since this day, or nil
    let notification: String?
    let history: [Record]

    init(name: String, id: Int64, overview o: RegistryProcedures.Overview, here: String) {
        self.name = name
        self.here = here
        let base = "/counter/residents/\(id)/procedures"
        self.base = base
        measures = o.supportMeasures.map { r in
            Measure(
                state: r.state.rawValue, stateText: r.state.japanese, otherParty: r.measure.otherPartyName,
                term: "\(FacilityText.wareki(r.measure.termStart))〜\(FacilityText.wareki(r.measure.termEnd))",
                forwarding: r.honsekiCity, pending: r.forwardPending,
                steps: [SupportMeasureAction.decide, .extend, .end].filter { (try? SupportMeasureWorkflow.next(from: r.state, action: $0)) != nil }.map {
                    Step(href: "\(base)/support-measure/\(r.measure.id ?? 0)/\($0.rawValue)", label: $0.japanese, asksReason: $0 == .end)
                })
        }
        seal = o.seal.map { Seal(number: $0.registrationNumber, registered: FacilityText.wareki($0.registeredOn)) }
        notification = o.holderNotification.map { FacilityText.wareki($0.registeredOn) }
        history = o.history.map { h in
            Record(
                at: h.at, procedure: h.procedure.rawValue, procedureText: h.procedure.japanese, actor: h.actor, facility: h.facilityId ?? "",
                detail: h.detail.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " "))
        }
    }
}

/// The wide-area request form (広域交付): the keeping city, the certificate, the person, the requester and their photo
/// identity.
struct WideAreaPage {
    let configured: Bool
    let key: String
    let kinds: [Choice]
    let classes: [Choice]
    let documents: [Choice]
    let scopes: [Choice]
    let items: [Choice]
    let maximumCopies: Int
    let here: String

    init(configured: Bool, key: String, here: String) {
        self.configured = configured
        self.key = key
        kinds = [
            Choice("kind", CertificateKind.residentRecordCopy.rawValue, "住民票の写し", checked: true),
            Choice("kind", CertificateKind.familyRegisterFull.rawValue, "戸籍全部事項証明（除籍を含む）"),
        ]
        classes = [Choice("class", "self", "本人", checked: true), Choice("class", "householdMember", "同一世帯員・配偶者・直系")]
        documents = WideArea.photoIdentities.sorted { $0.rawValue < $1.rawValue }.map { Choice("identityDocuments", $0.rawValue, $0.japanese) }
        scopes = [Choice("scope", "individual", "一部（本人）", checked: true), Choice("scope", "household", "世帯全員")]
        items = OptionalItem.allCases.filter { !WideArea.withheldItems.contains($0) }.map { Choice("items", $0.rawValue, $0.japanese) }
        maximumCopies = CertificateOptions.maximumCopies
        self.here = here
    }
}
