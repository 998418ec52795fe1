import Foundation
import MadoguchiDomain
import MadoguchiPKI

/// The home page: whether the offices are open today, what can be had where, and the way to every public page.
struct HomePage {
    let language: Language
    let title: String
    let status: String
    let intro: String
    let kinds: [String]
    let notice: String
    let links: [PageLink]
    let staffLinks: [PageLink]
    let words: [String: String]

    init(cityName: String, today: CivilDate, language l: Language) {
        self.language = l
        title = l.t("\(cityName)の窓口サービス", "\(cityName) city services")
        let day = l.en ? today.description : (try? JapaneseDate(today).description) ?? today.description
        status = OfficeCalendar.closure(on: today).map { l.t("本日（\(day)）は閉庁日（\($0.japanese)）です。", "Today (\(day)) the offices are closed (\($0.japanese)).") }
            ?? l.t("本日（\(day)）は開庁日です。", "Today (\(day)) the offices are open.")
        intro = l.t(
            "\(cityName)では、住民票の写し・印鑑登録証明書・所得・課税証明書・戸籍の証明書などを、区役所・支所・出張所の窓口、駅前の行政サービスコーナーで発行しています。マイナンバーカードをお持ちの方は、全国のコンビニエンスストアでも取得できます（6時30分から23時まで、12月29日から1月3日を除く）。",
            "\(cityName) issues copies of the residence record, seal registration certificates, income and tax certificates and family register certificates at the counters of its ward, branch and sub-branch offices and at its service corners by the stations. With the My Number card they can also be had at convenience stores across Japan (6:30 to 23:00, except 29 December to 3 January).")
        kinds = l.en
            ? [
                "Copy of the residence record (whole household or some members), certificate of entries, copy of a removed record",
                "Seal registration certificate", "Income and tax certificate",
                "Family register certificates (whole or individual), copy of the family register's annex",
            ]
            : ["住民票の写し（世帯全員・一部）、住民票記載事項証明書、除票の写し", "印鑑登録証明書", "所得・課税証明書", "戸籍全部事項証明書・個人事項証明書、戸籍の附票の写し"]
        notice = l.t(
            "代理人が請求するときは委任状が必要です。DV等の支援措置を受けている方の証明書は、ご本人以外には発行しません。",
            "An agent needs a letter of authorisation. For a person under a protection measure (domestic violence and the like), certificates are issued to that person only.")
        let q = l.en ? "?lang=en" : ""
        links = [
            PageLink(href: "/facilities\(q)", text: l.t("窓口の一覧", "All service points")),
            PageLink(href: "/finder\(q)", text: l.t("証明書を取れる場所を探す", "Where to get a certificate")),
            PageLink(href: "/calendar\(q)", text: l.t("閉庁日カレンダー", "Days the offices are closed")),
            PageLink(href: "/verify", text: l.t("証明書の確認", "Verify a certificate")),
            PageLink(href: "/my", text: l.t("わたしの情報の利用記録（マイナンバーカードでログイン）", "Who read my record (sign in with the My Number card)")),
            PageLink(href: "/sheets", text: l.t("施策の進行管理・評価（公表）", "Policy evaluation sheets (published)")),
            PageLink(href: "/health", text: l.t("稼働状況", "Service status")),
        ]
        staffLinks = [
            PageLink(href: "/counter", text: l.t("窓口業務（証明書の交付）", "Counter (issuing certificates)")),
            PageLink(href: "/planning", text: l.t("施策進行管理（企画担当）", "Planning")),
        ]
        words = [
            "kinds": l.t("取得できる証明書", "Certificates"),
            "pages": l.t("ページ", "Pages"),
            "staff": l.t("職員の方へ", "For the city's staff"),
            "api": l.t("職員用API", "The staff API"),
            "token": l.t("は職員用トークン", "needs a staff token"),
            "tokenEnd": l.t("が必要です。", "."),
        ]
    }
}

/// The days the offices close in a year: the national holidays (the weekends and the year-end are said in words).
struct CalendarPage {
    struct Row {
        let date: String
        let wareki: String
        let name: String
    }

    let language: Language
    let title: String
    let rule: String
    let previous: PageLink
    let next: PageLink
    let rows: [Row]
    let words: [String: String]

    init(year: Int, language l: Language) {
        self.language = l
        title = l.t("\(year)年の閉庁日", "Days the offices are closed in \(year)")
        rule = l.t(
            "土曜日・日曜日、国民の祝日・休日、年末年始（12月29日から1月3日）は閉庁します。",
            "The offices close on Saturdays and Sundays, on national holidays and substitute holidays, and over the year-end (29 December to 3 January).")
        let q = l.en ? "&lang=en" : ""
        previous = PageLink(href: "/calendar?year=\(year - 1)\(q)", text: l.t("← \(year - 1)年", "← \(year - 1)"))
        next = PageLink(href: "/calendar?year=\(year + 1)\(q)", text: l.t("\(year + 1)年 →", "\(year + 1) →"))
        rows = NationalHolidays.holidays(in: year).map { h in
            Row(
                date: h.date.description,
                wareki: "\((try? JapaneseDate(h.date).description) ?? "")（\(l.en ? h.date.weekday.english : h.date.weekday.japanese)）", name: h.formalName)
        }
        words = [
            "date": l.t("日付", "Date"),
            "wareki": l.t("和暦", "Japanese calendar"),
            "holiday": l.t("祝日・休日", "Holiday"),
            "toggle": "/calendar?year=\(year)&lang=\(l.other)",
        ]
    }
}

/// The verification page: the form for a certificate's QR text, and the answer with what the token says. In Japanese
/// and English at once, like the paper's own QR note.
struct VerifyPage {
    struct Fact {
        let label: String
        /// The fact's lines
        let lines: [MenuLine]
        let code: Bool

        init(label: String, lines: [String], code: Bool) {
            self.label = label
            self.lines = MenuLine.lines(lines)
            self.code = code
        }
    }

    struct Answer {
        let status: String
        let statusText: String
        let ja: String
        let en: String
        let facts: [Fact]
        let hasFacts: Bool
    }

    let token: String
    let answer: Answer?

    init(token: String, verification v: DocumentVerification?) {
        self.token = token
        answer = v.map { v in
            var facts: [Fact] = []
            if let c = v.claims {
                facts = [
                    Fact(label: "氏名 / Names", lines: c.names, code: false),
                    Fact(
                        label: "生年月日 / Birth dates",
                        lines: c.births.map { b in CivilDate.parseGregorian(b).flatMap { try? JapaneseDate($0).description }.map { "\($0)（\(b)）" } ?? b },
                        code: false),
                    Fact(label: "証明書 / Kind", lines: [CertificateKind(rawValue: c.kind)?.japanese ?? c.kind], code: false),
                    Fact(label: "文書番号 / Document", lines: [c.jti], code: true),
                    Fact(label: "発行 / Issued", lines: [Self.issued(c.iat)], code: false),
                ]
            }
            return Answer(
                status: v.status.rawValue, statusText: "\(v.status.japanese)（\(v.status.rawValue)）", ja: v.message["ja"] ?? "", en: v.message["en"] ?? "",
                facts: facts, hasFacts: !facts.isEmpty)
        }
    }

    static func issued(_ iat: Int64) -> String {
        let day = JapanTime.date(of: Date(timeIntervalSince1970: TimeInterval(iat)))
        return (try? JapaneseDate(day).description) ?? day.description
    }
}
