import MadoguchiDomain

/// The requester as the staff API takes it (`POST /api/v1/certificates`, `POST /api/v1/wide-area/certificates`).
struct RequesterBody: Decodable {
    var `class`: RequesterClass
    var residentId: FlexibleID?
    var name: String?
    /// 生年月日 (広域交付: to find the requester in the keeping city's records)
    var birthDate: CivilDate?
    var identityDocuments: [IdentityDocument]?
    var powerOfAttorney: Bool?
    var sealCardPresented: Bool?
    var reason: String?
    var supportingDocuments: Bool?
    var profession: Profession?
    var professionalForm: Bool?
    var agency: String?
    var officialForm: Bool?
    var feeWaiver: FeeWaiver?
    var statedNeed: String?
    var kinshipDocuments: Bool?
    var professionalPurpose: ProfessionalPurpose?

    var requester: Requester {
        Requester(
            self.class, residentId: residentId?.value, name: name, identityDocuments: Set(identityDocuments ?? []),
            powerOfAttorney: powerOfAttorney ?? false, sealCardPresented: sealCardPresented ?? false, reason: reason,
            supportingDocuments: supportingDocuments ?? false, profession: profession, professionalForm: professionalForm ?? false,
            agency: agency, officialForm: officialForm ?? false, feeWaiver: feeWaiver, statedNeed: statedNeed,
            kinshipDocuments: kinshipDocuments ?? false, professionalPurpose: professionalPurpose)
    }
}

/// What the requester chose beyond the kind.
struct OptionsBody: Decodable {
    var scope: RecordScope?
    var memberIds: [FlexibleID]?
    var layout: RecordLayout?
    var items: [OptionalItem]?
    var fiscalYear: FlexibleFiscalYear?
    var copies: Int?
}

extension Optional where Wrapped == OptionsBody {
    var certificateOptions: CertificateOptions {
        CertificateOptions(
            scope: self?.scope ?? .individual, memberIds: (self?.memberIds ?? []).map(\.value), layout: self?.layout ?? .individualSheet,
            items: Set(self?.items ?? []), fiscalYear: self?.fiscalYear?.value, copies: self?.copies ?? 1)
    }
}
