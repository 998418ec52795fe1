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
        let bearer: [[String: [String]]] = [["staffToken": []]]
        let id: [String: Any] = ["name": "id", "in": "path", "required": true, "schema": ["type": "string"]]
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
        return [
            "openapi": "3.1.0",
            "info": [
                "title": "Madoguchi API", "version": "1",
                "description": "Front-office services of a Japanese city: registry search, certificates, verification.",
            ],
            "components": [
                "securitySchemes": ["staffToken": ["type": "http", "scheme": "bearer"]],
                "schemas": [
                    "Error": error,
                    "CertificateKind": enumSchema(CertificateKind.self, "証明書の種類"),
                    "RefusalCode": ["type": "string", "enum": RefusalReason.allCases.map(\.code)],
                    "CreateCertificate": createBody,
                ],
            ],
            "paths": [
                "/health": ["get": ["summary": "Liveness and database check", "responses": ["200": json("ok")]]],
                "/api/v1/residents": ["get": [
                    "summary": "Search residents by name (kanji or kana) and/or birth date (西暦 or 和暦)", "security": bearer,
                    "parameters": [
                        ["name": "q", "in": "query", "required": true, "schema": ["type": "string"]],
                        ["name": "limit", "in": "query", "schema": ["type": "integer", "minimum": 1, "maximum": 200]],
                    ],
                    "responses": ["200": json("Matches"), "400": errorResponse("No query"), "401": errorResponse("No staff token")],
                ]],
                "/api/v1/residents/{id}": ["get": [
                    "summary": "One resident for the clerk (no 個人番号)", "security": bearer, "parameters": [id],
                    "responses": ["200": json("The resident"), "401": errorResponse("No staff token"), "404": errorResponse("Not found")],
                ]],
                "/api/v1/facilities": ["get": [
                    "summary": "Facilities", "security": bearer,
                    "responses": ["200": json("Facilities"), "401": errorResponse("No staff token")],
                ]],
                "/api/v1/certificates": ["post": [
                    "summary": "Request and issue a certificate", "security": bearer,
                    "parameters": [["name": "Idempotency-Key", "in": "header", "required": true, "schema": ["type": "string", "minLength": 8]]],
                    "requestBody": ["required": true, "content": ["application/json": ["schema": ["$ref": "#/components/schemas/CreateCertificate"]]]],
                    "responses": [
                        "201": json("Issued: id, documentUrl, serial number, fee"), "400": errorResponse("Malformed request"),
                        "401": errorResponse("No staff token"), "409": errorResponse("Idempotency-Key reused for another request"),
                        "422": errorResponse("Refused: error.code is a RefusalCode; error.refusals lists every reason"),
                    ],
                ]],
                "/api/v1/certificates/{id}": ["get": [
                    "summary": "An issued certificate with its content", "security": bearer, "parameters": [id],
                    "responses": ["200": json("The certificate"), "404": errorResponse("Not found")],
                ]],
                "/api/v1/certificates/{id}/document.pdf": ["get": [
                    "summary": "The certificate as a PDF", "security": bearer, "parameters": [id],
                    "responses": [
                        "200": ["description": "PDF", "content": ["application/pdf": ["schema": ["type": "string", "format": "binary"]]]],
                        "404": errorResponse("Not found"), "410": errorResponse("Voided or superseded"),
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
                    "parameters": [id],
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
                "/.well-known/jwks.json": ["get": [
                    "summary": "The city's document-signing public keys (JWKS)",
                    "responses": ["200": ["description": "JWK Set", "content": ["application/jwk-set+json": ["schema": ["type": "object"]]]]],
                ]],
            ],
        ]
    }

    static var data: Data {
        (try? JSONSerialization.data(withJSONObject: document, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
    }
}
