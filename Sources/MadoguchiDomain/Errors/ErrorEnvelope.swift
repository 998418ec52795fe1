import Foundation

/// The one shape of an error on every server (the city, the hub and the store copier), and what a client reads back:
/// `{"error": {"code": "…", "message": {"ja": "…", "en": "…"}, "refusals": [{"code", "message"}]?}}`.
public struct ErrorEnvelope: Codable, Sendable, Hashable {
    public struct Text: Codable, Sendable, Hashable {
        public var ja: String
        public var en: String
    }

    public struct Refusal: Codable, Sendable, Hashable {
        public var code: String
        public var message: Text

        public init(code: String, ja: String, en: String) {
            self.code = code
            self.message = Text(ja: ja, en: en)
        }
    }

    public struct Body: Codable, Sendable, Hashable {
        public var code: String
        public var message: Text
        /// Every reason, when the rules refused a certificate
        public var refusals: [Refusal]?
    }

    public var error: Body

    public init(code: String, ja: String, en: String, refusals: [Refusal]? = nil) {
        error = Body(code: code, message: Text(ja: ja, en: en), refusals: refusals?.isEmpty == true ? nil : refusals)
    }

    public init(_ error: MadoguchiError, refusals: [MadoguchiError] = []) {
        self.init(code: error.code.rawValue, ja: error.ja, en: error.en,
                  refusals: refusals.map { Refusal(code: $0.code.rawValue, ja: $0.ja, en: $0.en) })
    }

    /// The JSON body, keys sorted.
    public func encoded() -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return (try? encoder.encode(self)) ?? Data(#"{"error":{"code":"server.internal","message":{"en":"error","ja":"エラー"}}}"#.utf8)
    }

    public static let contentType = "application/json; charset=utf-8"
}

/// The HTTP status of every error code, in one table for every server. A code missing here is a bug the suite
/// catches (`ErrorStatusTests` reads every code the sources define); at run time it answers 500, never a guess.
public enum ErrorStatus {
    public static func status(of code: String) -> Int {
        if let status = table[code] { return status }
        if code.hasPrefix("refusal."), RefusalReason(code: code) != nil { return 422 }
        // A city's or hub's status passed on by a kiosk client: `kiosk.http503`.
        if code.hasPrefix("kiosk.http"), let status = Int(code.dropFirst("kiosk.http".count)), (400...599).contains(status) { return status }
        return 500
    }

    /// Whether a code has its own status (not the 500 of an unknown code).
    public static func isKnown(_ code: String) -> Bool {
        table[code] != nil || (code.hasPrefix("refusal.") && RefusalReason(code: code) != nil)
    }

    static let table: [String: Int] = [
        // The request itself: unreadable, or missing what it must say (400)
        "request.invalid": 400, "kiosk.badRequest": 400, "hub.badRequest": 400, "hub.cityRequired": 400, "wideArea.badRequest": 400,
        "issuance.idempotencyKeyInvalid": 400, "issuance.reasonMissing": 400, "audit.purposeRequired": 400, "store.badRequest": 400, "store.badURL": 400,
        "store.badCard": 400,
        // Who is asking (401) and what they may do (403)
        "auth.unauthorized": 401, "staff.signInFailed": 401, "kiosk.hubUnauthorized": 401, "relay.unauthorized": 401,
        "hub.storeUnauthorized": 401,
        "staff.forbidden": 403, "staff.csrf": 403, "staff.wrongFacility": 403, "sheet.review.wrongRole": 403, "sheet.review.samePerson": 403,
        "kiosk.cardMismatch": 403, "kiosk.notThisSession": 403, "hub.chainMismatch": 403, "hub.cardUntrusted": 403, "hub.cardRevoked": 403,
        "hub.cardExpired": 403, "hub.cardUnknown": 403,
        // What is not there (404) or no longer (410)
        "registry.notFound": 404, "facility.unknown": 404, "sheet.notFound": 404, "relay.unknownCity": 404, "hub.unknownCity": 404, "hub.unknownStep": 404,
        "store.noSession": 404, "store.notPrinted": 404, "queue.unknownTicket": 404, "queue.unknownWindow": 404,
        "issuance.notPrintable": 410, "kiosk.sessionExpired": 410,
        // The state does not allow it now (409)
        "store.constraint": 409, "issuance.idempotencyConflict": 409, "issuance.notIssued": 409, "supportMeasure.notAllowed": 409,
        "kiosk.outOfOrder": 409, "kiosk.sessionEnded": 409, "kiosk.requestIdReused": 409, "kiosk.alreadyCompleted": 409,
        "sheet.versionConflict": 409, "sheet.notEditable": 409, "sheet.review.notAllowed": 409, "store.printing": 409,
        "store.unlockOnPhone": 409, "store.notAPhone": 409, "demo.alreadySeeded": 409, "cli.cityMismatch": 409,
        "queue.invalidStep": 409, "queue.reservationLapsed": 409, "queue.windowClosed": 409, "queue.windowBusy": 409,
        "queue.empty": 409, "queue.closed": 409, "queue.slotFull": 409,
        // Understood, and refused by a rule about what it says (422)
        "registry.individualNumber.invalid": 422, "registry.residentRecordCode.invalid": 422, "registry.resident.invalid": 422,
        "calendar.date.invalid": 422, "calendar.date.beforeSupportedRange": 422, "calendar.era.outOfRange": 422,
        "calendar.era.unknown": 422, "calendar.fiscalYear.unreadable": 422, "calendar.fiscalYear.needsEra": 422,
        "calendar.fiscalYear.inconsistent": 422, "city.code.invalid": 422, "issuance.unknownFacility": 422, "facility.historyInvalid": 422, "facility.hoursInvalid": 422, "finder.unknownTown": 422, "queue.invalid": 422, "statistics.invalidPeriod": 422, "reorganisation.figuresInvalid": 422, "reorganisation.invalid": 422, "reorganisation.noFigures": 422,
        "procedure.invalid": 422, "kiosk.paymentMismatch": 422, "kiosk.honsekiFamilyRegisterOnly": 422,
        "card.malformed": 422, "card.untrusted": 422, "card.badSignature": 422, "card.revoked": 422, "card.expired": 422,
        "card.unknown": 422, "card.pinMalformed": 422, "card.pinWrong": 422, "card.locked": 422, "card.biometricMismatch": 422,
        "card.biometricUnavailable": 422, "card.removedRecord": 422, "card.smartphoneNeedsCard": 422, "honseki.ownCard": 422,
        "honseki.noRegister": 422, "resident.challengeInvalid": 422, "staff.invalid": 422, "staff.passwordWeak": 422,
        "staff.sessionEnded": 422, "activity.invalid": 422, "survey.invalid": 422, "survey.answer.unknown": 422, "sheet.invalid": 422,
        "sheet.json.invalid": 422, "sheet.grade.unknown": 422, "sheet.unreadable": 422, "sheet.review.commentRequired": 422,
        "import.csv.header": 422, "import.csv.malformed": 422, "import.csv.row": 422, "import.encoding": 422, "import.unreadable": 422,
        "verify.qrNotFound": 422, "verify.signatureUnreadable": 422, "ledger.checkpointInvalid": 422,
        "kiosk.crossedAnswer": 422, "kiosk.crossedChallenge": 422, "kiosk.printFailure": 422, "printer.jam": 422,
        // Slow down (429)
        "staff.locked": 429, "http.rateLimited": 429,
        // Our fault (500), a neighbour's (502), or not now (503)
        "server.internal": 500, "store.failure": 500, "issuance.renderingFailed": 500, "keys.masterKeyInvalid": 500,
        "keys.masterKeyMismatch": 500, "keys.unreadable": 500, "hub.badConfiguration": 500, "cli.toolMissing": 500,
        "demo.bulkLoadOutOfStep": 500,
        "wideArea.badAnswer": 502, "mail.failed": 502, "wideArea.unavailable": 502, "card.statusUnavailable": 502, "hub.cityUnavailable": 502,
        "kiosk.badAnswer": 502, "kiosk.network": 502,
        "store.busy": 503, "issuance.signingNotSetUp": 503, "store.unavailable": 503, "store.notOnEngine": 503, "kiosk.closed": 503, "kiosk.notConfigured": 503, "relay.notConfigured": 503,
        // The console's own (never on a server; listed so that none is left to a default)
        "cli.invalidOption": 400, "cli.count": 400, "cli.file": 400,
    ]
}
