import Mustache

/// The pages' views: Mustache templates (`Views/Templates`) and their style sheets and script (`Views/Assets`),
/// compiled into the binary. A page is a model (`…Page`, built from a use case's answer, every word already in the
/// page's language) rendered by its template; `{{…}}` escapes every value, so a value cannot become markup. Only a
/// template's `{{{…}}}` inserts markup, and only markup this program made (a nested view, an SVG of a QR code).
enum Views {
    /// Every template, by the name a model renders with.
    enum Template: String, CaseIterable, Sendable {
        case frame, scroll
        case touch, ticket, ticketLive = "ticket-live", board, boardLive = "board-live"
        case congestion, finder, network, history, problem
        case table, chart, statistics, reorganisation
        case home, calendar, verify, mySignIn = "my-signin", myAccess = "my-access"
        case windowFloor = "window-floor"
        case staffSignIn = "staff-signin", logout, audit, admin
        case counterSearch = "counter-search", counterRequest = "counter-request", counterPreview = "counter-preview"
        case counterRefused = "counter-refused", counterCertificate = "counter-certificate", facilityLine = "facility-line"
        case counterProcedures = "counter-procedures", wideArea = "wide-area", wideAreaRefused = "wide-area-refused"
        case planningNav = "planning-nav", planningProblem = "planning-problem", planNodes = "plan-nodes", planTree = "plan-tree"
        case planningSheet = "planning-sheet", sheetHistory = "sheet-history", sheetBody = "sheet-body", publicSheets = "public-sheets"
        case error, counterBar = "counter-bar"
        case activities, surveys, sheetEditor = "sheet-editor", editorInput = "editor-input", editorSelect = "editor-select"

        var text: [UInt8] {
            switch self {
            case .frame: PackageResources.frame_mustache
            case .scroll: PackageResources.scroll_mustache
            case .touch: PackageResources.touch_mustache
            case .ticket: PackageResources.ticket_mustache
            case .ticketLive: PackageResources.ticket_live_mustache
            case .board: PackageResources.board_mustache
            case .boardLive: PackageResources.board_live_mustache
            case .congestion: PackageResources.congestion_mustache
            case .finder: PackageResources.finder_mustache
            case .network: PackageResources.network_mustache
            case .history: PackageResources.history_mustache
            case .problem: PackageResources.problem_mustache
            case .table: PackageResources.table_mustache
            case .chart: PackageResources.chart_mustache
            case .statistics: PackageResources.statistics_mustache
            case .reorganisation: PackageResources.reorganisation_mustache
            case .home: PackageResources.home_mustache
            case .calendar: PackageResources.calendar_mustache
            case .verify: PackageResources.verify_mustache
            case .mySignIn: PackageResources.my_signin_mustache
            case .myAccess: PackageResources.my_access_mustache
            case .windowFloor: PackageResources.window_floor_mustache
            case .staffSignIn: PackageResources.staff_signin_mustache
            case .logout: PackageResources.logout_mustache
            case .audit: PackageResources.audit_mustache
            case .admin: PackageResources.admin_mustache
            case .counterSearch: PackageResources.counter_search_mustache
            case .counterRequest: PackageResources.counter_request_mustache
            case .counterPreview: PackageResources.counter_preview_mustache
            case .counterRefused: PackageResources.counter_refused_mustache
            case .counterCertificate: PackageResources.counter_certificate_mustache
            case .facilityLine: PackageResources.facility_line_mustache
            case .counterProcedures: PackageResources.counter_procedures_mustache
            case .wideArea: PackageResources.wide_area_mustache
            case .wideAreaRefused: PackageResources.wide_area_refused_mustache
            case .planningNav: PackageResources.planning_nav_mustache
            case .planningProblem: PackageResources.planning_problem_mustache
            case .planNodes: PackageResources.plan_nodes_mustache
            case .planTree: PackageResources.plan_tree_mustache
            case .planningSheet: PackageResources.planning_sheet_mustache
            case .sheetHistory: PackageResources.sheet_history_mustache
            case .sheetBody: PackageResources.sheet_body_mustache
            case .publicSheets: PackageResources.public_sheets_mustache
            case .activities: PackageResources.activities_mustache
            case .surveys: PackageResources.surveys_mustache
            case .error: PackageResources.error_mustache
            case .counterBar: PackageResources.counter_bar_mustache
            case .sheetEditor: PackageResources.sheet_editor_mustache
            case .editorInput: PackageResources.editor_input_mustache
            case .editorSelect: PackageResources.editor_select_mustache
            }
        }
    }

    /// The style sheets and the script, as text.
    enum Asset: CaseIterable, Sendable {
        case site, queue, board, congestion, statistics, reorganisation, verify, my, counter, audit, planning, queueScript, verifyScript

        /// Decoded once: pages ask for their style sheet on every request.
        var text: String { Self.decoded[self] ?? "" }

        private static let decoded = Dictionary(uniqueKeysWithValues: allCases.map { ($0, $0.decode()) })

        private func decode() -> String {
            let bytes =
                switch self {
                case .site: PackageResources.site_css
                case .queue: PackageResources.queue_css
                case .board: PackageResources.board_css
                case .congestion: PackageResources.congestion_css
                case .statistics: PackageResources.statistics_css
                case .reorganisation: PackageResources.reorganisation_css
                case .verify: PackageResources.verify_css
                case .my: PackageResources.my_css
                case .counter: PackageResources.counter_css
                case .audit: PackageResources.audit_css
                case .planning: PackageResources.planning_css
                case .queueScript: PackageResources.queue_js
                case .verifyScript: PackageResources.verify_js
                }
            return String(decoding: bytes, as: UTF8.self)
        }
    }

    /// The templates, parsed once. They are part of the program: one that does not parse is a fault of the build, found
    /// by `ViewsTests` before it ships.
    static let library: MustacheLibrary = {
        var library = MustacheLibrary()
        for template in Template.allCases {
            do {
                try library.register(String(decoding: template.text, as: UTF8.self), named: template.rawValue)
            } catch {
                preconditionFailure("The template \(template.rawValue) does not parse: \(error)")
            }
        }
        return library
    }()

    /// The template's text for the model.
    static func render(_ model: Any, _ template: Template) -> String {
        library.render(model, withTemplate: template.rawValue) ?? ""
    }
}
