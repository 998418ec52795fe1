import Foundation
import HTTPTypes
import Hummingbird
import MadoguchiDomain
import MadoguchiStore

/// Staff API over the evaluation sheets and the activity log: read and replace a sheet in its canonical
/// JSON (with the version it was read at, so edits cannot overwrite each other), move it through review,
/// read its live indicators, record activities.
struct SheetsController<Context: StaffContext> {
    let database: MadoguchiDatabase
    let clock: MadoguchiClock

    func addRoutes(to group: RouterGroup<Context>) {
        group.get("sheets", use: list)
        group.get("sheets/:code", use: sheet)
        group.put("sheets/:code", use: replace)
        group.post("sheets/:code/review", use: review)
        group.get("sheets/:code/live", use: live)
        group.get("activities", use: activities)
        group.post("activities", use: record)
    }

    func code(_ context: Context) -> String { context.parameters.get("code") ?? "" }

    struct SheetList: ResponseEncodable {
        let count: Int
        let sheets: [SheetSummary]
    }

    @Sendable func list(_ request: Request, context: Context) async throws -> SheetList {
        let sheets = try await database.sheets.list()
        return SheetList(count: sheets.count, sheets: sheets)
    }

    func json(_ stored: StoredSheet) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json; charset=utf-8"
        headers[.eTag] = "\"v\(stored.version)\""
        headers[HTTPField.Name("X-Review-Stage")!] = stored.stage.rawValue
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(data: CanonicalSheetJSON.encode(stored.sheet))))
    }

    @Sendable func sheet(_ request: Request, context: Context) async throws -> Response {
        let code = code(context)
        return json(try await database.sheets.sheet(code: code))
    }

    /// Replaces the draft with the canonical JSON in the body; `If-Match: "v<version>"` is required.
    @Sendable func replace(_ request: Request, context: Context) async throws -> Response {
        let code = code(context)
        guard let match = request.headers[.ifMatch], let version = Int(match.trimmingCharacters(in: ["\"", "v", "W", "/"])) else {
            throw APIError(.preconditionRequired, MadoguchiError(
                .sheetVersionConflict, ja: "If-Match に読み込んだ版（\"v3\" など）を指定してください", en: "If-Match with the version read (\"v3\") is required"))
        }
        let author = try context.actingStaff().login
        let body = try await request.body.collect(upTo: 4 * 1024 * 1024)
        let sheet = try CanonicalSheetJSON.decode(Data(buffer: body))
        guard sheet.code == code else {
            throw APIError(.badRequest, MadoguchiError(.badRequest, ja: "URLのコード\(code)と評価票のコード\(sheet.code)が違います", en: "The URL's code is not the sheet's"))
        }
        let now = clock.now()
        return json(try await database.sheets.save(sheet, source: "edit", author: author, note: nil, expectedVersion: version, now: now))
    }

    /// A review step: the role and the account come from the credential, not the body.
    struct ReviewInput: Decodable {
        let action: ReviewAction
        let comment: String?
        let version: Int?
    }

    struct ReviewResult: ResponseEncodable {
        let code: String
        let stage: ReviewStage
        let version: Int
        let publishedVersion: Int?
    }

    @Sendable func review(_ request: Request, context: Context) async throws -> ReviewResult {
        let code = code(context)
        let input: ReviewInput
        do { input = try await request.decode(as: ReviewInput.self, context: context) } catch {
            throw APIError(.badRequest, MadoguchiError(.badRequest, ja: "action を指定してください", en: "Give the action"))
        }
        let me = try context.actingStaff()
        let now = clock.now()
        let s = try await SheetReview.perform(
            database.sheets, code: code, action: input.action, by: me, comment: input.comment, expectedVersion: input.version, now: now)
        return ReviewResult(code: code, stage: s.stage, version: s.version, publishedVersion: s.publishedVersion)
    }

    struct LiveList: ResponseEncodable {
        let code: String
        let indicators: [String: LiveIndicatorReading]
    }

    @Sendable func live(_ request: Request, context: Context) async throws -> LiveList {
        let code = code(context)
        let now = clock.now()
        let readings = try await database.indicators.readings(for: try await database.sheets.sheet(code: code).sheet, now: now)
        return LiveList(code: code, indicators: Dictionary(uniqueKeysWithValues: readings.map { (String($0.key), $0.value) }))
    }

    struct ActivityList: ResponseEncodable {
        let count: Int
        let activities: [RegionalActivity]
    }

    @Sendable func activities(_ request: Request, context: Context) async throws -> ActivityList {
        let limit = min(1000, max(1, request.uri.queryParameters.get("limit", as: Int.self) ?? 100))
        let list = try await database.indicators.activities(limit: limit)
        return ActivityList(count: list.count, activities: list)
    }

    struct ActivityInput: Decodable {
        let staff: String
        let center: String
        let date: String
        let kind: String
        let participants: Int
        let note: String?
    }

    struct Recorded: ResponseEncodable {
        let id: Int64
    }

    @Sendable func record(_ request: Request, context: Context) async throws -> EditedResponse<Recorded> {
        let input: ActivityInput
        do { input = try await request.decode(as: ActivityInput.self, context: context) } catch {
            throw APIError(.badRequest, MadoguchiError(
                .activityInvalid, ja: "staff, center, date, kind, participants を指定してください", en: "Give staff, center, date, kind and participants"))
        }
        guard let date = CivilDate.parseGregorian(input.date) else {
            throw APIError(MadoguchiError(.activityInvalid, ja: "date は YYYY-MM-DD です: \(input.date)", en: "date is YYYY-MM-DD: \(input.date)"))
        }
        let activity = RegionalActivity(staff: input.staff, center: input.center, date: date, kind: input.kind, participants: input.participants, note: input.note)
        let now = clock.now()
        let by = try context.actingStaff().login
        let id = try await database.indicators.record(activity, by: by, now: now)
        return EditedResponse(status: .created, response: Recorded(id: id))
    }
}
