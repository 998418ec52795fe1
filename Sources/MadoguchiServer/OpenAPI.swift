import Foundation
import MadoguchiDomain

/// The API described as OpenAPI 3.1, built from the same enums the server decodes, so the vocabulary
/// in the document cannot drift from the code.
enum OpenAPIDocument {
    static func enumSchema<T: RawRepresentable & CaseIterable>(_ type: T.Type, _ description: String) -> [String: Any]
    where T.RawValue == String {
        ["type": "string", "enum": T.allCases.map(\.rawValue), "description": description]
    }

    static var error: [String: Any] {
        ["type": "object", "required": ["error"], "properties": [
            "error": ["type": "object", "required": ["code", "message"], "properties": [
                "code": ["type": "string", "description": "Stable code, e.g. refusal.powerOfAttorneyRequired"],
                "message": ["type": "object", "properties": ["ja": ["type": "string"], "en": ["type": "string"]]],
                "refusals": ["type": "array", "items": ["type": "object"]],
            ]],
        ]]
    }

    static func errorResponse(_ description: String) -> [String: Any] {
        ["description": description, "content": ["application/json": ["schema": ["$ref": "#/components/schemas/Error"]]]]
    }

    static func json(_ description: String, _ schema: [String: Any] = ["type": "object"]) -> [String: Any] {
        ["description": description, "content": ["application/json": ["schema": schema]]]
    }

    static var document: [String: Any] {
        let bearer: [[String: [String]]] = [["staffCredential": []]]
        let id: [String: Any] = ["name": "id", "in": "path", "required": true, "schema": ["type": "string"]]
        let purpose: [String: Any] = [
            "name": "X-Madoguchi-Purpose", "in": "header", "required": true, "schema": enumSchema(AccessPurpose.self, "Why people's data is read"),
            "description": "Recorded with every read in the access log; without it nothing is shown (400 audit.purposeRequired)",
        ]
        let createBody: [String: Any] = [
            "type": "object", "required": ["kind", "subjectId", "requester"],
            "properties": [
                "kind": ["$ref": "#/components/schemas/CertificateKind"],
                "subjectId": ["oneOf": [["type": "integer"], ["type": "string"]], "description": "The resident's id"],
                "facilityId": ["type": "string", "example": "chuo-ward-office"],
                "channel": enumSchema(Channel.self, "Where the request is made (default counter)"),
                "requester": [
                    "type": "object", "required": ["class"],
                    "properties": [
                        "class": enumSchema(RequesterClass.self, "本人, 同一世帯員, 代理人, 第三者, 職務上請求, 国等"),
                        "residentId": ["type": "integer"], "name": ["type": "string"],
                        "identityDocuments": ["type": "array", "items": enumSchema(IdentityDocument.self, "本人確認書類")],
                        "powerOfAttorney": ["type": "boolean"], "sealCardPresented": ["type": "boolean"],
                        "reason": ["type": "string"], "supportingDocuments": ["type": "boolean"],
                        "profession": enumSchema(Profession.self, "職務上請求の資格"), "professionalForm": ["type": "boolean"],
                        "agency": ["type": "string"], "officialForm": ["type": "boolean"],
                        "feeWaiver": enumSchema(FeeWaiver.self, "手数料免除 (counter only)"),
                        "statedNeed": [
                            "type": "string",
                            "description": "基礎証明事項以外の記載を必要とする理由 (住基法 §12の3⑦): without it a third party, professional or agency gets 氏名・生年月日・性別・住所 only",
                        ],
                        "kinshipDocuments": [
                            "type": "boolean",
                            "description": "戸籍法 §10: 戸籍 certificates shown that prove the requester is the spouse or a lineal relative of a recorded person",
                        ],
                        "professionalPurpose": enumSchema(ProfessionalPurpose.self, "職務上請求の目的 (紛争処理手続の代理業務 is not notified to the person)"),
                    ],
                ],
                "options": [
                    "type": "object",
                    "properties": [
                        "scope": enumSchema(RecordScope.self, "世帯全員 or 一部"),
                        "memberIds": ["type": "array", "items": ["type": "integer"]],
                        "layout": enumSchema(RecordLayout.self, "個人票 or 世帯連記式"),
                        "items": ["type": "array", "items": enumSchema(OptionalItem.self, "省略可能事項")],
                        "fiscalYear": ["oneOf": [["type": "integer"], ["type": "string"]], "example": "令和8年度"],
                        "copies": ["type": "integer", "minimum": 1, "maximum": CertificateOptions.maximumCopies],
                    ],
                ],
            ],
        ]
        let hub: [[String: [String]]] = [["hubSignature": []]]
        let requestId: [String: Any] = [
            "name": "requestId", "in": "path", "required": true,
            "schema": ["type": "string", "pattern": "^[A-Za-z0-9._:-]{8,100}$"],
            "description": "The kiosk's request id: it binds the card, the order and the document",
        ]
        let session: [String: Any] = [
            "type": "object", "required": ["requestId", "state", "cityCode", "expiresAt"],
            "properties": [
                "requestId": ["type": "string"],
                "state": ["type": "string", "enum": KioskSessionState.allCases.map(\.rawValue)],
                "cityCode": ["type": "string"], "challenge": ["type": "string", "description": "base64url of the CardChallenge (city, request id, nonce), at start"],
                "sessionSecret": ["type": "string", "description": "In the card step's answer only"],
                "expiresAt": ["type": "string"], "cardSerial": ["type": "string"],
                "kind": ["$ref": "#/components/schemas/CertificateKind"], "copies": ["type": "integer"], "feeYen": ["type": "integer"],
                "quoteYen": ["type": "integer"], "documentId": ["type": "string"], "voidedDocumentId": ["type": "string"],
                "pdf": ["type": "string", "description": "The document, base64 (order)"],
                "token": ["type": "string", "description": "The compact JWS printed as the QR code (order)"],
                "refusals": ["type": "array", "items": ["type": "object", "properties": [
                    "code": ["$ref": "#/components/schemas/RefusalCode"], "ja": ["type": "string"], "en": ["type": "string"]]]],
            ],
        ]
        let choice: [String: Any] = [
            "type": "object", "required": ["cardSerial", "sessionSecret", "order"],
            "properties": [
                "cardSerial": ["type": "string"],
                "sessionSecret": ["type": "string", "description": "The secret of the card step's answer"],
                "order": ["type": "object", "required": ["kind", "copies"], "properties": [
                    "kind": ["$ref": "#/components/schemas/CertificateKind"],
                    "copies": ["type": "integer", "minimum": 1, "maximum": CertificateOptions.maximumCopies],
                    "scope": enumSchema(RecordScope.self, "住民票: individual or household"),
                    "items": ["type": "array", "items": enumSchema(OptionalItem.self, "Optional items")],
                    "fiscalYear": ["type": "integer"],
                ]],
                "paidYen": ["type": "integer", "description": "What the resident paid (order)"],
            ],
        ]
        func kioskStep(_ summary: String, _ body: [String: Any], _ errors: [String: Any]) -> [String: Any] {
            ["post": [
                "summary": summary, "security": hub, "parameters": [requestId],
                "requestBody": ["content": ["application/json": ["schema": body]]],
                "responses": ["200": json("The session", ["$ref": "#/components/schemas/KioskSession"])].merging(errors) { a, _ in a },
            ]]
        }
        let sessionErrors: [String: Any] = [
            "403": errorResponse("Another card (kiosk.cardMismatch), or not the session secret (kiosk.notThisSession)"), "404": errorResponse("No such session"),
            "409": errorResponse("Out of order, ended, or request id reused"), "410": errorResponse("Timed out (kiosk.sessionExpired)"),
        ]
        let kioskPaths: [String: Any] = [
            "/kiosk/v1/menu": ["get": [
                "summary": "This city's store menu and fees today, and whether stores are open", "security": hub,
                "responses": ["200": json("The menu")],
            ]],
            "/kiosk/v1/sessions": ["post": [
                "summary": "Start a store session: a fresh challenge for the card to sign", "security": hub,
                "requestBody": ["content": ["application/json": ["schema": [
                    "type": "object", "required": ["requestId", "chain", "store"],
                    "properties": ["requestId": ["type": "string"], "chain": ["type": "string"], "store": ["type": "string"]],
                ]]]],
                "responses": [
                    "201": json("The session with its challenge", ["$ref": "#/components/schemas/KioskSession"]),
                    "409": errorResponse("The request id belongs to another session"),
                    "503": errorResponse("Out of hours, year end or maintenance (kiosk.closed)"),
                ],
            ]],
            "/kiosk/v1/sessions/{requestId}/card": kioskStep(
                "The card's certificate (PEM) and its signature over the challenge (base64url, made after the PIN); the answer carries the session secret",
                ["type": "object", "required": ["certificate", "signature"],
                 "properties": ["certificate": ["type": "string"], "signature": ["type": "string"]]],
                sessionErrors.merging(["422": errorResponse("card.revoked, card.expired, card.untrusted, card.badSignature …")]) { a, _ in a }),
            "/kiosk/v1/sessions/{requestId}/quote": kioskStep("The fee for a choice, or the refusals; records nothing", choice, sessionErrors),
            "/kiosk/v1/sessions/{requestId}/order": kioskStep(
                "Issue once paid: the document (PDF and QR token), or the recorded refusal", choice,
                sessionErrors.merging(["422": errorResponse("kiosk.paymentMismatch, refusal.kindNotAtChannel")]) { a, _ in a }),
            "/kiosk/v1/sessions/{requestId}/printed": kioskStep(
                "The kiosk printed the document: the session completes",
                ["type": "object", "required": ["cardSerial", "sessionSecret", "documentId"],
                 "properties": ["cardSerial": ["type": "string"], "sessionSecret": ["type": "string"], "documentId": ["type": "string"]]],
                sessionErrors),
            "/kiosk/v1/sessions/{requestId}/abort": kioskStep(
                "Timeout, print failure or cancel: the session ends and its document is voided",
                ["type": "object", "required": ["reason"],
                 "properties": ["reason": ["type": "string"], "sessionSecret": ["type": "string", "description": "Required after the card step"]]],
                sessionErrors),
            "/kiosk/v1/settlement": ["get": [
                "summary": "The month's completed store sessions by chain, kind and medium (card or smartphone), as CSV", "security": hub,
                "parameters": [["name": "month", "in": "query", "schema": ["type": "string", "pattern": "^[0-9]{4}-[0-9]{2}$"]]],
                "responses": ["200": ["description": "CSV", "content": ["text/csv": ["schema": ["type": "string"]]]]],
            ]],
        ]
        return [
            "openapi": "3.1.0",
            "info": [
                "title": "Madoguchi API", "version": "1",
                "description": "Front-office services of a Japanese city: registry search, certificates, verification.",
            ],
            "components": [
                "securitySchemes": [
                    "staffCredential": [
                        "type": "http", "scheme": "bearer",
                        "description": "A staff API credential (madoguchi staff token, or /admin): a person's, acting in their roles, or a device's",
                    ],
                    "hubSignature": [
                        "type": "apiKey", "in": "header", "name": "X-Madoguchi-Signature",
                        "description": "Ed25519 over method, path and query, this city's code, X-Madoguchi-Date, X-Madoguchi-Nonce, X-Madoguchi-Content-SHA256 and X-Madoguchi-Hub, by a hub in the city's --hub-keys (ADR 0009)",
                    ],
                    "relaySecret": ["type": "http", "scheme": "bearer", "description": "MADOGUCHI_RELAY_TOKEN: the city's secret, presented by the relay"],
                ],
                "schemas": [
                    "Error": error,
                    "CertificateKind": enumSchema(CertificateKind.self, "証明書の種類"),
                    "RefusalCode": ["type": "string", "enum": RefusalReason.allCases.map(\.code)],
                    "CreateCertificate": createBody,
                    "CreateWideAreaCertificate": [
                        "type": "object", "required": ["keepingCity", "kind", "subject", "requester"],
                        "description": "広域交付 (住基法 §12の4, 戸籍法 §120の2): residentRecordCopy or familyRegisterFull, 本人 or 本人等 in person with photo identity",
                        "properties": [
                            "keepingCity": ["type": "string", "pattern": "^[0-9]{6}$", "description": "The keeping city's 団体コード (住所地 or 本籍地)"],
                            "kind": ["$ref": "#/components/schemas/CertificateKind"],
                            "subject": ["type": "object", "required": ["name", "birthDate"],
                                        "properties": ["name": ["type": "string"], "birthDate": ["type": "string", "format": "date"]]],
                            "requester": ["type": "object", "required": ["class"],
                                          "description": "As for /api/v1/certificates, with birthDate to find the requester in the keeping city's records",
                                          "properties": ["class": enumSchema(RequesterClass.self, "self or householdMember (本人等)"),
                                                         "name": ["type": "string"], "birthDate": ["type": "string", "format": "date"],
                                                         "identityDocuments": ["type": "array", "items": enumSchema(IdentityDocument.self, "本人確認書類")],
                                                         "kinshipDocuments": ["type": "boolean"]]],
                            "facilityId": ["type": "string"],
                            "options": ["type": "object"],
                        ],
                    ],
                    "KioskSession": session,
                ],
            ],
            "paths": [
                "/health": ["get": ["summary": "Liveness and database check", "responses": ["200": json("ok")]]],
                "/api/v1/city": ["get": ["summary": "Which city this server is (code and name)", "responses": ["200": json("The city")]]],
                "/api/v1/finder": ["get": [
                    "summary": "Where a certificate can be had on a day (at a time), nearest first from a 町丁目 (public)",
                    "parameters": [
                        ["name": "kind", "in": "query", "required": true, "schema": ["type": "string", "enum": CertificateKind.allCases.map(\.rawValue)]],
                        ["name": "date", "in": "query", "schema": ["type": "string", "format": "date"]],
                        ["name": "time", "in": "query", "schema": ["type": "string", "pattern": "^[0-9]{1,2}:[0-9]{2}$"]],
                        ["name": "ward", "in": "query", "schema": ["type": "string"]],
                        ["name": "town", "in": "query", "schema": ["type": "string"]],
                    ],
                    "responses": [
                        "200": json("The places, nearest first"), "400": errorResponse("No or unknown kind, or an unreadable date or time"),
                        "422": errorResponse("Unknown 町丁目"),
                    ],
                ]],
                "/api/v1/residents": ["get": [
                    "summary": "Search residents by name (kanji or kana) and/or birth date (西暦 or 和暦)", "security": bearer,
                    "parameters": [
                        ["name": "q", "in": "query", "required": true, "schema": ["type": "string"]],
                        ["name": "limit", "in": "query", "schema": ["type": "integer", "minimum": 1, "maximum": 200]], purpose,
                    ],
                    "responses": ["200": json("Matches"), "400": errorResponse("No query"), "401": errorResponse("No staff credential")],
                ]],
                "/api/v1/residents/{id}": ["get": [
                    "summary": "One resident for the clerk (no 個人番号)", "security": bearer, "parameters": [id, purpose],
                    "responses": ["200": json("The resident"), "401": errorResponse("No staff credential"), "404": errorResponse("Not found")],
                ]],
                "/api/v1/facilities": ["get": [
                    "summary": "Facilities", "security": bearer,
                    "responses": ["200": json("Facilities"), "401": errorResponse("No staff credential")],
                ]],
                "/api/v1/certificates": ["post": [
                    "summary": "Request and issue a certificate", "security": bearer,
                    "parameters": [["name": "Idempotency-Key", "in": "header", "required": true, "schema": ["type": "string", "minLength": 8]], purpose],
                    "requestBody": ["required": true, "content": ["application/json": ["schema": ["$ref": "#/components/schemas/CreateCertificate"]]]],
                    "responses": [
                        "201": json("Issued: id, documentUrl, serial number, fee"), "400": errorResponse("Malformed request"),
                        "401": errorResponse("No staff credential"), "409": errorResponse("Idempotency-Key reused for another request"),
                        "422": errorResponse("Refused: error.code is a RefusalCode; error.refusals lists every reason"),
                    ],
                ]],
                "/api/v1/wide-area/certificates": ["post": [
                    "summary": "広域交付: print another city's 住民票 or 戸籍 here, asked through the relay", "security": bearer,
                    "parameters": [["name": "Idempotency-Key", "in": "header", "required": true, "schema": ["type": "string", "minLength": 8]]],
                    "requestBody": ["required": true, "content": ["application/json": ["schema": ["$ref": "#/components/schemas/CreateWideAreaCertificate"]]]],
                    "responses": [
                        "201": json("Issued here, from the keeping city's records"), "400": errorResponse("Malformed request"),
                        "401": errorResponse("No staff credential"), "422": errorResponse("Refused by the keeping city's rules"),
                        "502": errorResponse("The relay or the keeping city cannot be reached"), "503": errorResponse("No relay configured"),
                    ],
                ]],
                "/api/v1/residents/{id}/procedures": ["get": [
                    "summary": "What the counter keeps for a person (支援措置, 印鑑登録, 本人通知) and the record of every procedure",
                    "security": bearer, "parameters": [id, purpose], "responses": ["200": json("The person's counter records"), "401": errorResponse("No staff credential")],
                ]],
                "/api/v1/residents/{id}/support-measures": ["post": [
                    "summary": "支援措置の申出: protects at once while the need is confirmed", "security": bearer, "parameters": [id],
                    "requestBody": ["required": true, "content": ["application/json": ["schema": [
                        "type": "object", "required": ["otherPartyName"],
                        "properties": ["otherPartyName": ["type": "string"], "otherPartyBirthDate": ["type": "string", "format": "date"],
                                       "otherPartyResidentId": ["type": "integer"], "facilityId": ["type": "string"],
                                       "honsekiCity": ["type": "string", "pattern": "^[0-9]{6}$",
                                                       "description": "The city keeping the person's 戸籍: each step is forwarded there"]],
                    ]]]],
                    "responses": ["201": json("The measure, applied"), "422": errorResponse("procedure.invalid"), "404": errorResponse("No such resident")],
                ]],
                "/api/v1/support-measures/{id}/{action}": ["post": [
                    "summary": "支援措置: decide (決定), extend (延長, in the month before the term ends) or end (終了, with a reason)",
                    "security": bearer,
                    "parameters": [id, ["name": "action", "in": "path", "required": true, "schema": enumSchema(SupportMeasureAction.self, "決定・延長・終了")]],
                    "requestBody": ["content": ["application/json": ["schema": ["type": "object", "properties": [
                        "reason": ["type": "string"], "facilityId": ["type": "string"]]]]]],
                    "responses": ["200": json("The measure"), "409": errorResponse("supportMeasure.notAllowed"), "422": errorResponse("procedure.invalid")],
                ]],
                "/api/v1/residents/{id}/seal": ["post": [
                    "summary": "印鑑登録: 15 or older, one seal a person; the 印影 as base64 SVG or PNG", "security": bearer, "parameters": [id],
                    "requestBody": ["required": true, "content": ["application/json": ["schema": [
                        "type": "object", "required": ["image", "imageType"],
                        "properties": ["image": ["type": "string", "format": "byte"], "imageType": ["type": "string", "enum": ["image/svg+xml", "image/png"]],
                                       "facilityId": ["type": "string"]],
                    ]]]],
                    "responses": ["201": json("The registration number"), "422": errorResponse("procedure.invalid")],
                ]],
                "/api/v1/seals/{number}/abolish": ["post": [
                    "summary": "印鑑登録の廃止 (with a reason)", "security": bearer,
                    "parameters": [["name": "number", "in": "path", "required": true, "schema": ["type": "string"]]],
                    "requestBody": ["content": ["application/json": ["schema": ["type": "object", "properties": ["reason": ["type": "string"]]]]]],
                    "responses": ["200": json("Abolished"), "404": errorResponse("No registered seal")],
                ]],
                "/api/v1/residents/{id}/holder-notification": ["post": [
                    "summary": "本人通知の登録", "security": bearer, "parameters": [id],
                    "responses": ["201": json("Registered"), "422": errorResponse("Already registered")],
                ]],
                "/api/v1/residents/{id}/holder-notification/end": ["post": [
                    "summary": "本人通知の登録廃止", "security": bearer, "parameters": [id],
                    "responses": ["200": json("Ended"), "404": errorResponse("Not registered")],
                ]],
                "/relay/v1/support-measures": ["post": [
                    "summary": "支援措置 forwarded by the city of residence to this city, which keeps the person's 戸籍 (from the relay only)",
                    "security": [["relaySecret": []]],
                    "parameters": [["name": "X-Madoguchi-From-City", "in": "header", "required": true, "schema": ["type": "string", "pattern": "^[0-9]{6}$"]]],
                    "requestBody": ["required": true, "content": ["application/json": ["schema": ["type": "object"]]]],
                    "responses": ["200": json("Kept"), "401": errorResponse("Not the relay"), "404": errorResponse("No such person in a 戸籍 kept here")],
                ]],
                "/relay/v1/card-status": ["post": [
                    "summary": "A card this city issued, as a 本籍地 asks about it: good, revoked, expired or unknown (from the relay only)",
                    "security": [["relaySecret": []]],
                    "requestBody": ["required": true, "content": ["application/json": ["schema": [
                        "type": "object", "required": ["serial"], "properties": ["serial": ["type": "string", "pattern": "^[0-9]{1,40}$"]],
                    ]]]],
                    "responses": ["200": json("The status"), "400": errorResponse("Not a card serial"), "401": errorResponse("Not the relay")],
                ]],
                "/relay/v1/wide-area": ["post": [
                    "summary": "広域交付, keeping side: answer another city's query (from the relay only)",
                    "security": [["relaySecret": []]],
                    "parameters": [["name": "X-Madoguchi-From-City", "in": "header", "required": true, "schema": ["type": "string", "pattern": "^[0-9]{6}$"]]],
                    "requestBody": ["required": true, "content": ["application/json": ["schema": ["type": "object"]]]],
                    "responses": [
                        "200": json("The content to print, or the refusal codes"), "401": errorResponse("Not the relay"),
                        "503": errorResponse("This city takes no wide-area requests"),
                    ],
                ]],
                "/api/v1/certificates/{id}": ["get": [
                    "summary": "An issued certificate with its content", "security": bearer, "parameters": [id, purpose],
                    "responses": ["200": json("The certificate"), "404": errorResponse("Not found")],
                ]],
                "/api/v1/certificates/{id}/document.pdf": ["get": [
                    "summary": "The certificate as a PDF; with signed=1 signed by the city (PAdES B-T) for electronic delivery",
                    "security": bearer,
                    "parameters": [id, purpose, [
                        "name": "signed", "in": "query", "required": false, "schema": ["type": "string", "enum": ["0", "1"]],
                        "description": "1: the PDF signed over the whole file by the city's document-signing key, with a timestamp from the city's timestamp service; checked against /pki/documents.pem",
                    ] as [String: Any]],
                    "responses": [
                        "200": ["description": "PDF", "content": ["application/pdf": ["schema": ["type": "string", "format": "binary"]]]],
                        "400": errorResponse("signed is neither 0 nor 1"), "404": errorResponse("Not found"),
                        "410": errorResponse("Voided or superseded"), "503": errorResponse("The signing keys are not set up"),
                    ],
                ]],
                "/api/v1/timestamps": ["post": [
                    "summary": "The city's timestamp service (RFC 3161): a TimeStampReq in, a TimeStampResp out (granted, or rejected with the reason)",
                    "security": bearer,
                    // Listed as octet-stream, which every client library can send; RFC 3161 clients send
                    // application/timestamp-query, and the body is read the same whatever its type.
                    "requestBody": ["required": true, "description": "A DER TimeStampReq (application/timestamp-query)",
                                    "content": ["application/octet-stream": ["schema": ["type": "string", "format": "binary"]]]],
                    "responses": [
                        "200": ["description": "TimeStampResp (DER)", "content": ["application/timestamp-reply": ["schema": ["type": "string", "format": "binary"]]]],
                        "503": errorResponse("The timestamp service's key is not set up"),
                    ],
                ]],
                "/api/v1/certificates/{id}/void": ["post": [
                    "summary": "Void an issued certificate (recorded in the ledger)", "security": bearer, "parameters": [id],
                    "requestBody": ["content": ["application/json": ["schema": ["type": "object", "required": ["reason"],
                                                                                 "properties": ["reason": ["type": "string"]]]]]],
                    "responses": ["200": json("Voided"), "409": errorResponse("Not issued")],
                ]],
                "/api/v1/certificates/{id}/reprint": ["post": [
                    "summary": "Reprint after a printer fault: a new document supersedes the old", "security": bearer,
                    "parameters": [id, purpose],
                    "requestBody": ["content": ["application/json": ["schema": ["type": "object", "required": ["reason"],
                                                                                 "properties": ["reason": ["type": "string"]]]]]],
                    "responses": ["201": json("The new document"), "409": errorResponse("Not issued")],
                ]],
                "/api/v1/verify": ["post": [
                    "summary": "Verify a certificate's QR text (public)",
                    "requestBody": ["content": ["application/json": ["schema": ["type": "object", "required": ["token"],
                                                                                 "properties": ["token": ["type": "string"]]]]]],
                    "responses": ["200": json("status: valid, invalid, revoked or superseded, with the claims")],
                ]],
                "/ledger/checkpoint": ["get": [
                    "summary": "A signed checkpoint of the ledger's and the access log's heads, to keep; check the city later with madoguchi ledger verify --checkpoint",
                    "responses": [
                        "200": json("token (compact JWS, ES256, the JWKS's keys) and the checkpoint it signs: city, at, ledger and access heads"),
                        "429": errorResponse("Too many requests (http.rateLimited)"),
                    ],
                ]],
                "/.well-known/jwks.json": ["get": [
                    "summary": "The city's document-signing public keys (JWKS)",
                    "responses": ["200": ["description": "JWK Set", "content": ["application/jwk-set+json": ["schema": ["type": "object"]]]]],
                ]],
                "/openapi.json": ["get": [
                    "summary": "This document",
                    "responses": ["200": json("OpenAPI 3.1")],
                ]],
                "/pki/ca.pem": ["get": [
                    "summary": "The card authority's certificate (利用者証明用電子証明書の発行者), to check card certificates against",
                    "responses": [
                        "200": ["description": "PEM", "content": ["application/x-pem-file": ["schema": ["type": "string"]]]],
                        "503": errorResponse("The authority is not set up"),
                    ],
                ]],
                "/pki/documents.pem": ["get": [
                    "summary": "The document authority's certificate, to check the city's signed PDF certificates (電子交付) against",
                    "responses": [
                        "200": ["description": "PEM", "content": ["application/x-pem-file": ["schema": ["type": "string"]]]],
                        "503": errorResponse("The authority is not set up"),
                    ],
                ]],
                "/pki/crl.der": ["get": [
                    "summary": "The CRL of revoked card certificates (DER, RFC 5280 reason codes), signed now, valid one day",
                    "responses": [
                        "200": ["description": "DER CRL", "content": ["application/pkix-crl": ["schema": ["type": "string", "format": "binary"]]]],
                        "503": errorResponse("The authority is not set up"),
                    ],
                ]],
                "/pki/status/{serial}": ["get": [
                    "summary": "A card certificate's status, OCSP-style: good, revoked (reason, time), expired or unknown",
                    "parameters": [["name": "serial", "in": "path", "required": true, "schema": ["type": "string"]]],
                    "responses": ["200": json("serial, status, reason, revokedAt, notAfter")],
                ]],
            ].merging(kioskPaths) { a, _ in a }.merging(sheetPaths) { a, _ in a }.merging(queuePaths) { a, _ in a },
        ]
    }

    /// The evaluation sheets' API and the public open data.
    static var sheetPaths: [String: Any] {
        let bearer: [[String: [String]]] = [["staffCredential": []]]
        let code: [String: Any] = ["name": "code", "in": "path", "required": true, "schema": ["type": "string"], "example": "72302000"]
        let canonical: [String: Any] = [
            "description": "The sheet in its canonical JSON form (format madoguchi-sheet/1); ETag is \"v<version>\"",
            "content": ["application/json": ["schema": ["type": "object", "required": ["format", "sheet"]]]],
        ]
        return [
            "/api/v1/sheets": ["get": [
                "summary": "Evaluation sheets: code, title, review stage, version", "security": bearer,
                "responses": ["200": json("Sheets"), "401": errorResponse("No staff credential")],
            ]],
            "/api/v1/sheets/{code}": [
                "get": ["summary": "A sheet's current version", "security": bearer, "parameters": [code],
                        "responses": ["200": canonical, "404": errorResponse("No such sheet")]],
                "put": [
                    "summary": "Replace the draft with a new version", "security": bearer,
                    "parameters": [
                        code,
                        ["name": "If-Match", "in": "header", "required": true, "schema": ["type": "string"], "example": "\"v3\""],
                    ],
                    "requestBody": ["required": true, "content": ["application/json": ["schema": ["type": "object"]]]],
                    "responses": [
                        "200": canonical, "409": errorResponse("Changed since read, or in review (sheet.versionConflict, sheet.notEditable)"),
                        "422": errorResponse("Not a valid sheet (sheet.json.invalid, sheet.invalid)"), "428": errorResponse("If-Match missing"),
                    ],
                ],
            ],
            "/api/v1/sheets/{code}/review": ["post": [
                "summary": "Move a sheet through review: 担当 → 課長 → 部長 → 外部評価 → 公表", "security": bearer, "parameters": [code],
                "requestBody": ["required": true, "content": ["application/json": ["schema": [
                    "type": "object", "required": ["action"],
                    "description": "The acting role is the stage's (担当, 課長, 部長, 外部評価委員) and must be the credential's; one person takes one step of a round",
                    "properties": [
                        "action": enumSchema(ReviewAction.self, "提出, 承認, 差戻し (comment required), 改訂開始"),
                        "comment": ["type": "string"], "version": ["type": "integer"],
                    ],
                ]]]],
                "responses": [
                    "200": json("The new stage"), "403": errorResponse("Not this role's turn, or the same person twice in a round (sheet.review.samePerson)"), "409": errorResponse("Not allowed at this stage"),
                    "422": errorResponse("A send-back without a comment"),
                ],
            ]],
            "/api/v1/sheets/{code}/live": ["get": [
                "summary": "The sheet's live indicators with their source, counts and as-of time", "security": bearer, "parameters": [code],
                "responses": ["200": json("Readings by indicator number"), "404": errorResponse("No such sheet")],
            ]],
            "/api/v1/activities": [
                "get": ["summary": "The regional-staff activity log, newest first", "security": bearer,
                        "parameters": [["name": "limit", "in": "query", "schema": ["type": "integer", "minimum": 1, "maximum": 1000]]],
                        "responses": ["200": json("Activities")]],
                "post": [
                    "summary": "Record an activity (counted in the activities indicator)", "security": bearer,
                    "requestBody": ["required": true, "content": ["application/json": ["schema": [
                        "type": "object", "required": ["staff", "center", "date", "kind", "participants"],
                        "properties": [
                            "staff": ["type": "string"], "center": ["type": "string"], "date": ["type": "string", "format": "date"],
                            "kind": ["type": "string"], "participants": ["type": "integer", "minimum": 0], "note": ["type": "string"],
                        ],
                    ]]]],
                    "responses": ["201": json("Recorded: id"), "422": errorResponse("activity.invalid")],
                ],
            ],
            "/sheets/opendata.csv": ["get": [
                "summary": "Every indicator value per fiscal year of the published sheets (public, CC BY 4.0)",
                "parameters": [["name": "encoding", "in": "query", "schema": ["type": "string", "enum": ["utf-8", "cp932"]]]],
                "responses": ["200": ["description": "CSV", "content": ["text/csv": ["schema": ["type": "string"]]]]],
            ]],
            "/sheets/opendata.json": ["get": [
                "summary": "The same values as JSON (public)", "responses": ["200": json("Values")],
            ]],
        ]
    }

    /// The counter's queues: residents' tickets by their secret (public), and the windows of the staff's own facility.
    static var queuePaths: [String: Any] {
        let bearer: [[String: [String]]] = [["staffCredential": []]]
        let id: [String: Any] = ["name": "id", "in": "path", "required": true, "schema": ["type": "string"], "example": "chuo-ward-office"]
        let ticket: [String: Any] = ["name": "ticket", "in": "path", "required": true, "schema": ["type": "string"], "description": "The ticket's secret"]
        let window: [String: Any] = ["name": "window", "in": "path", "required": true, "schema": ["type": "string"], "example": "1"]
        let procedure = enumSchema(QueueProcedure.self, "The line: 証明書, 住所異動, 戸籍, 印鑑, マイナンバーカード, 保険, 児童, 相談")
        let draw: [String: Any] = [
            "type": "object", "required": ["route"],
            "properties": [
                "route": ["type": "array", "items": procedure, "minItems": 1, "maxItems": 5, "description": "The lines of the visit, in order"],
                "language": ["type": "string", "enum": ["ja", "en"]],
                "email": ["type": "string", "format": "email", "description": "Where the alerts go (optional; erased when the visit ends)"],
                "slot": ["type": "string", "format": "date-time", "description": "A reservation's slot (reservations only)"],
            ],
        ]
        let body: ([String: Any]) -> [String: Any] = { ["required": true, "content": ["application/json": ["schema": $0]]] }
        return [
            "/api/v1/facilities/{id}/tickets": ["post": [
                "summary": "Draw a ticket while the facility is open (public; 30 a minute per address)", "parameters": [id], "requestBody": body(draw),
                "responses": [
                    "201": json("ticket (the secret), page, status"), "400": errorResponse("Malformed request"),
                    "404": errorResponse("No such facility"), "409": errorResponse("Not taking tickets now (queue.closed)"),
                    "422": errorResponse("A line the facility lacks, or an unreadable address (queue.invalid)"), "429": errorResponse("Too many"),
                ],
            ]],
            "/api/v1/facilities/{id}/reservations": ["post": [
                "summary": "Reserve a 30-minute slot up to 62 days ahead (public)", "parameters": [id], "requestBody": body(draw),
                "responses": [
                    "201": json("ticket (the secret), page, status"), "400": errorResponse("Malformed request or no slot"),
                    "404": errorResponse("No such facility"), "409": errorResponse("Closed then, or the slot is full (queue.slotFull)"),
                    "422": errorResponse("Not a slot, or a line the facility lacks"), "429": errorResponse("Too many"),
                ],
            ]],
            "/api/v1/facilities/{id}/board": ["get": [
                "summary": "The display board: windows and the numbers they call, each line's waiting count and estimate (public)",
                "parameters": [id], "responses": ["200": json("The board"), "404": errorResponse("No such facility"), "409": errorResponse("Not open that day")],
            ]],
            "/api/v1/facilities/{id}/congestion": ["get": [
                "summary": "How busy the counter is now (each line's waiting and estimated wait, with a level) and the forecast of the next two months by day and hour (public)",
                "parameters": [id], "responses": ["200": json("now and calendar"), "404": errorResponse("No such facility"), "409": errorResponse("Not open that day")],
            ]],
            "/api/v1/tickets/{ticket}": ["get": [
                "summary": "A ticket's place: state, tickets ahead, estimated wait, window when called", "parameters": [ticket],
                "responses": ["200": json("The status"), "404": errorResponse("No such ticket")],
            ]],
            "/api/v1/tickets/{ticket}/{action}": ["post": [
                "summary": "Cancel a ticket, or check in a reservation on arrival",
                "parameters": [ticket, ["name": "action", "in": "path", "required": true, "schema": ["type": "string", "enum": ["cancel", "check-in"]]]],
                "responses": [
                    "200": json("The status"), "404": errorResponse("No such ticket"),
                    "409": errorResponse("Not possible in its state, or the reservation lapsed"),
                ],
            ]],
            "/api/v1/queue/windows": ["get": [
                "summary": "The windows of the staff's facility, what each holds, and the lines", "security": bearer,
                "responses": ["200": json("Windows"), "401": errorResponse("No staff credential"), "403": errorResponse("Not a clerk at a facility")],
            ]],
            "/api/v1/queue/windows/{window}": ["put": [
                "summary": "Set the lines a window serves (supervisor)", "security": bearer, "parameters": [window],
                "requestBody": body(["type": "object", "required": ["skills"], "properties": ["skills": ["type": "array", "items": procedure, "minItems": 1]]]),
                "responses": ["200": json("Windows"), "403": errorResponse("Not a supervisor here"), "422": errorResponse("queue.invalid")],
            ]],
            "/api/v1/queue/windows/{window}/{action}": ["post": [
                "summary": "A window's action: open, close, next, recall, start, park, transfer (body: procedure), complete, no-show",
                "security": bearer,
                "parameters": [
                    window,
                    ["name": "action", "in": "path", "required": true, "schema": [
                        "type": "string", "enum": ["open", "close", "next", "recall", "start", "park", "transfer", "complete", "no-show"],
                    ]],
                ],
                "requestBody": ["required": false, "content": ["application/json": ["schema": ["type": "object", "properties": ["procedure": procedure]]]]],
                "responses": [
                    "200": json("The window's ticket after the action"), "404": errorResponse("No such window"),
                    "409": errorResponse("Closed, busy, nobody waiting, or not possible in the ticket's state"),
                ],
            ]],
            "/api/v1/queue/tickets/{number}/resume": ["post": [
                "summary": "Put a parked ticket back in its line with its place", "security": bearer,
                "parameters": [["name": "number", "in": "path", "required": true, "schema": ["type": "string"], "example": "A012"]],
                "responses": ["200": json("The ticket"), "404": errorResponse("No such ticket today"), "409": errorResponse("Not parked")],
            ]],
        ]
    }

    static var data: Data {
        (try? JSONSerialization.data(withJSONObject: document, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
    }
}
