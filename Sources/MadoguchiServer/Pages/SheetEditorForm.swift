import MadoguchiDomain

/// The editor's HTML form, filled from the sheet, or from what was typed when it is shown again with
/// its problems (each problem under its field, all of them listed at the top).
struct SheetEditorForm {
    let editor: SheetEditor
    let version: Int

    func render(form: [String: String]?, problems: [SheetProblem]) -> String {
        let sheet = editor.original
        let e = HTML.escape
        func value(_ key: String, _ current: String) -> String { e(form?[key] ?? current) }
        func messages(_ key: String) -> String {
            problems.filter { $0.field == key }.map { "<span class=\"problem\" role=\"alert\">\(e($0.ja))</span>" }.joined()
        }
        func input(_ key: String, _ current: String, label: String = "", cls: String = "") -> String {
            let aria = label.isEmpty ? "" : " aria-label=\"\(e(label))\""
            return "<input type=\"text\" name=\"\(e(key))\" value=\"\(value(key, current))\"\(cls.isEmpty ? "" : " class=\"\(cls)\"")\(aria)>\(messages(key))"
        }
        func fig(_ f: SheetFigure?) -> String { f?.description ?? "" }
        func yr(_ y: FiscalYear?) -> String { y.map { String($0.startYear) } ?? "" }

        var h = "<h1>編集: \(e(sheet.code)) \(e(sheet.title))</h1>\n"
        if !problems.isEmpty {
            h += "<div class=\"problems\" role=\"alert\"><p>保存できませんでした。次の点を直してください。</p><ul>"
            h += problems.map { "<li>\($0.field.isEmpty ? "" : "<code>\(e($0.field))</code> ")\(e($0.ja))</li>" }.joined()
            h += "</ul></div>\n"
        }
        h += "<p>年度は 2024、令和6年度、R6、H28 のどの書き方でも入力できます。数値の単位は付けても付けなくても構いません。該当なしは「-」です。</p>\n"
        h += "<form class=\"editor\" method=\"post\" action=\"/planning/sheets/\(e(sheet.code))/edit\">\n<input type=\"hidden\" name=\"version\" value=\"\(version)\">\n"
        h += "<fieldset><legend>評価年度</legend>\(input("evaluationYear", yr(sheet.evaluationYear), label: "評価年度"))</fieldset>\n"

        h += "<fieldset><legend>文章（1行が1段落）</legend>\n"
        for kind in editor.narrativeKinds {
            let n = sheet.narrative(kind)
            let key = "narrative.\(kind.rawValue)"
            h += "<p><label>\(e(n?.heading ?? (kind == .direction ? "今後の方向性" : kind.japanese)))<br><textarea name=\"\(key)\">\(value(key, n?.paragraphs.joined(separator: "\n") ?? ""))</textarea></label>\(messages(key))"
            if kind == .direction { h += "<label>何年度以降 \(input("\(key).year", yr(n?.fromYear), label: "方向性の開始年度"))</label>" }
            h += "</p>\n"
        }
        h += "</fieldset>\n"

        func indicatorFields(_ p: String, _ i: Indicator, legend: String, rows: Int) -> String {
            var h = "<fieldset><legend>\(e(legend))</legend>\n"
            h += "<p><label>指標名 \(input("\(p).name", i.name, cls: "wide"))</label></p>\n"
            h += "<p><label>単位 \(input("\(p).unit", i.unit ?? ""))</label> <label>指標の方向性 <select name=\"\(p).direction\">"
            let direction = form?["\(p).direction"] ?? i.direction?.rawValue ?? ""
            h += "<option value=\"\"\(direction.isEmpty ? " selected" : "")>（指定なし）</option>"
            for d in IndicatorDirection.allCases { h += "<option value=\"\(d.rawValue)\"\(direction == d.rawValue ? " selected" : "")>\(d.japanese)</option>" }
            h += "</select></label></p>\n"
            h += "<p>基準値 年度 \(input("\(p).baseline.year", yr(i.baseline?.year), label: "基準値の年度")) 値 \(input("\(p).baseline.value", fig(i.baseline?.figure), label: "基準値"))　"
            h += "目標値 年度 \(input("\(p).target.year", yr(i.target?.year), label: "目標値の年度")) 値 \(input("\(p).target.value", fig(i.target?.figure), label: "目標値"))</p>\n"
            h += "<table><tr><th>年度</th><th>計画値</th><th>実績値</th></tr>\n"
            for k in 0..<rows {
                let y = k < i.years.count ? i.years[k] : nil
                let r = "\(p).y.\(k)"
                h += "<tr><td>\(input("\(r).year", yr(y?.year), label: "年度"))</td><td>\(input("\(r).plan", fig(y?.plan), label: "計画値"))</td><td>\(input("\(r).actual", fig(y?.actual), label: "実績値"))</td></tr>\n"
            }
            h += "</table>\n"
            let live = form?["\(p).live"] ?? i.live?.source.rawValue ?? ""
            h += "<p><label>自動集計 <select name=\"\(p).live\"><option value=\"\"\(live.isEmpty ? " selected" : "")>しない</option>"
            for s in LiveIndicatorSource.allCases { h += "<option value=\"\(s.rawValue)\"\(live == s.rawValue ? " selected" : "")>\(e(s.japanese))</option>" }
            h += "</select></label>\(messages("\(p).live")) <label>設問コード \(input("\(p).live.question", i.live?.question ?? ""))</label> "
            h += "<label>数える活動の種類（、区切り） \(input("\(p).live.kinds", i.live?.activityKinds.joined(separator: "、") ?? ""))</label></p>\n"
            return h + "</fieldset>\n"
        }
        for (n, i) in sheet.indicators.enumerated() {
            h += indicatorFields("ind.\(n)", i, legend: "指標\(i.marker)", rows: i.years.count + 1)
        }
        let next = (sheet.indicators.map(\.number).max() ?? 0) + 1
        h += indicatorFields("ind.new", Indicator(number: next, name: ""), legend: "指標を追加（\(Indicator.marker(next))、指標名を入れたときだけ追加します）",
                             rows: SheetEditor.newIndicatorRows)

        if sheet.layout == .measure || !sheet.grades.isEmpty {
            h += "<fieldset><legend>評価結果（\(e(sheet.gradeScale.grades.map(\.symbol).joined(separator: "・")))\(sheet.gradeScale.qualifier.map { "、A は \($0.options.map(\.symbol).joined(separator: "・")) を付けて" } ?? "")）</legend><table><tr><th>年度</th><th>評価</th></tr>\n"
            for k in 0...sheet.grades.count {
                let g = k < sheet.grades.count ? sheet.grades[k] : nil
                h += "<tr><td>\(input("grade.\(k).year", yr(g?.year), label: "評価の年度"))</td><td>\(input("grade.\(k).value", g?.grade.description ?? "", label: "評価"))</td></tr>\n"
            }
            h += "</table></fieldset>\n"
        }

        for (n, item) in sheet.items.enumerated() {
            let p = "item.\(n)"
            h += "<fieldset><legend>実施項目: \(e(item.title))</legend>\n<table><tr><th>年度・区分</th><th>状況／評価</th><th>取組内容等</th></tr>\n"
            for (j, entry) in item.progress.enumerated() {
                let status = entry.grade?.description ?? entry.status?.description ?? ""
                h += "<tr><td>\(entry.year.eraShort) \(entry.kind.japanese)</td><td>\(input("\(p).p.\(j).status", status, label: "状況"))</td><td><textarea name=\"\(p).p.\(j).text\">\(value("\(p).p.\(j).text", entry.text))</textarea>\(messages("\(p).p.\(j).text"))</td></tr>\n"
            }
            let kind = form?["\(p).new.kind"] ?? ProgressEntryKind.result.rawValue
            let kinds = ProgressEntryKind.allCases.map { "<option value=\"\($0.rawValue)\"\(kind == $0.rawValue ? " selected" : "")>\($0.japanese)</option>" }.joined()
            h += "<tr><td>追加: 年度 \(input("\(p).new.year", "", label: "追加する年度")) <select name=\"\(p).new.kind\">\(kinds)</select></td><td>\(input("\(p).new.status", "", label: "状況"))</td><td><textarea name=\"\(p).new.text\">\(value("\(p).new.text", ""))</textarea></td></tr>\n"
            h += "</table>\n"
            if !sheet.scheduleYears.isEmpty {
                h += "<p>スケジュールの変更を追加: 変更した年度 \(input("\(p).change.year", "", label: "変更した年度"))</p><table><tr>"
                h += sheet.scheduleYears.map { "<th>\($0.eraShort)</th>" }.joined() + "</tr><tr>"
                h += sheet.scheduleYears.indices.map { "<td>\(input("\(p).change.cell.\($0)", "", label: "\(sheet.scheduleYears[$0].eraShort)の区分"))</td>" }.joined()
                h += "</tr></table><p><label>変更理由 \(input("\(p).change.reason", "", cls: "wide"))</label></p>\n"
            }
            h += "</fieldset>\n"
        }

        if !sheet.scheduleYears.isEmpty {
            h += "<fieldset><legend>実施項目を追加（名称を入れたときだけ追加します）</legend><p><label>実施項目 \(input("item.new.title", "", cls: "wide"))</label></p><table><tr>"
            h += sheet.scheduleYears.map { "<th>\($0.eraShort)</th>" }.joined() + "</tr><tr>"
            h += sheet.scheduleYears.indices.map { "<td>\(input("item.new.cell.\($0)", "", label: "\(sheet.scheduleYears[$0].eraShort)の区分"))</td>" }.joined()
            h += "</tr></table></fieldset>\n"
        }

        if let budget = sheet.budget {
            h += "<fieldset><legend>事業費（千円）</legend><table><tr><th>年度</th>" + BudgetAmountKind.allCases.map { "<th>\($0.japanese)</th>" }.joined() + "</tr>\n"
            for k in 0...budget.years.count {
                let y = k < budget.years.count ? budget.years[k] : nil
                h += "<tr><td>\(input("budget.\(k).year", yr(y?.year), label: "事業費の年度"))</td>"
                for kind in BudgetAmountKind.allCases {
                    h += "<td>\(input("budget.\(k).\(kind.rawValue)", y?.amount(kind)?.grouped ?? "", label: kind.japanese))</td>"
                }
                h += "</tr>\n"
            }
            h += "</table></fieldset>\n"
        }

        h += "<fieldset><legend>保存</legend><p><label>変更メモ \(input("note", "", cls: "wide"))</label></p>"
        h += "<p><button type=\"submit\">保存する</button> <a href=\"/planning/sheets/\(e(sheet.code))\">やめる</a></p></fieldset>\n</form>\n"
        return h
    }
}
