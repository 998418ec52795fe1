import Foundation

/// A facility's opening hours as an iCalendar file (RFC 5545): one event per open span, and an all-day event for each
/// day closed against its week (a holiday, the year-end, a one-off day). Times are in Asia/Tokyo, declared by a
/// VTIMEZONE (JST has no daylight saving). Lines end in CRLF and are folded at 75 octets without splitting a UTF-8
/// character; text values are escaped (§3.3.11).
public enum ICalendar {
    /// - Parameters:
    ///   - uidDomain: the right-hand side of every UID, e.g. `149802.madoguchi` (UIDs stay the same across exports, so a
    ///     calendar that subscribes updates instead of duplicating)
    ///   - stamp: DTSTAMP in UTC, `20261201T000000Z`
    public static func hours(
        facilityId: String, name: String, address: String, days: [DayHours], uidDomain: String, stamp: String
    ) -> String {
        var lines = [
            "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Madoguchi//Facility hours//JA", "CALSCALE:GREGORIAN", "METHOD:PUBLISH",
            "X-WR-CALNAME:" + text("\(name)の開庁時間"), "X-WR-TIMEZONE:Asia/Tokyo",
            "BEGIN:VTIMEZONE", "TZID:Asia/Tokyo", "BEGIN:STANDARD", "DTSTART:19700101T000000", "TZOFFSETFROM:+0900",
            "TZOFFSETTO:+0900", "TZNAME:JST", "END:STANDARD", "END:VTIMEZONE",
        ]
        for day in days {
            let ymd = compact(day.date)
            for span in day.spans {
                lines += [
                    "BEGIN:VEVENT",
                    "UID:\(facilityId)-\(ymd)-\(hhmm(span.opens))@\(uidDomain)",
                    "DTSTAMP:\(stamp)",
                    "DTSTART;TZID=Asia/Tokyo:\(dateTime(day.date, span.opens))",
                    "DTEND;TZID=Asia/Tokyo:\(dateTime(day.date, span.closes))",
                    "SUMMARY:" + text("\(name) 開庁"),
                    "LOCATION:" + text(address),
                    "DESCRIPTION:" + text(day.japanese),
                    "TRANSP:TRANSPARENT",
                    "END:VEVENT",
                ]
            }
            if day.spans.isEmpty, day.closedAgainstItsWeek {
                lines += [
                    "BEGIN:VEVENT",
                    "UID:\(facilityId)-\(ymd)-closed@\(uidDomain)",
                    "DTSTAMP:\(stamp)",
                    "DTSTART;VALUE=DATE:\(ymd)",
                    "DTEND;VALUE=DATE:\(compact(day.date.adding(days: 1)))",
                    "SUMMARY:" + text("\(name) \(day.japanese)"),
                    "TRANSP:TRANSPARENT",
                    "END:VEVENT",
                ]
            }
        }
        lines.append("END:VCALENDAR")
        return lines.map(fold).joined(separator: "\r\n") + "\r\n"
    }

    /// DTSTAMP: an instant in UTC, `20261124T010000Z`.
    public static func stamp(_ instant: Date) -> String {
        let seconds = Int(instant.timeIntervalSince1970.rounded(.down))
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let inDay = seconds - days * 86_400
        return compact(CivilDate(dayNumber: days)) + "T" + two(inDay / 3600) + two(inDay % 3600 / 60) + two(inDay % 60) + "Z"
    }

    /// 20261201
    static func compact(_ d: CivilDate) -> String {
        String(format4(d.year)) + two(d.month) + two(d.day)
    }

    /// `20261201T083000`; 24:00 is the next day's 00:00.
    static func dateTime(_ d: CivilDate, _ t: TimeOfDay) -> String {
        t.minutes == 1440 ? compact(d.adding(days: 1)) + "T000000" : compact(d) + "T" + hhmm(t) + "00"
    }

    static func hhmm(_ t: TimeOfDay) -> String { two(t.hour) + two(t.minute) }
    static func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
    static func format4(_ n: Int) -> String { String(repeating: "0", count: max(0, 4 - String(n).count)) + String(n) }

    /// A TEXT value escaped: backslash, semicolon, comma and newline.
    static func text(_ s: String) -> String {
        var out = ""
        for c in s {
            switch c {
            case "\\": out += "\\\\"
            case ";": out += "\\;"
            case ",": out += "\\,"
            case "\n", "\r\n": out += "\\n"
            case "\r": break
            default: out.append(c)
            }
        }
        return out
    }

    /// Folds a content line at 75 octets: each continuation starts with a space, and no UTF-8 sequence is split.
    static func fold(_ line: String) -> String {
        var out = ""
        var octets = 0
        var limit = 75
        for scalar in line.unicodeScalars {
            let size = String(scalar).utf8.count
            if octets + size > limit {
                out += "\r\n "
                octets = 0
                limit = 74
            }
            out.unicodeScalars.append(scalar)
            octets += size
        }
        return out
    }
}

extension DayHours {
    /// Closed on a day its week would open, or on a day the calendar closes (a holiday, the year-end, a one-off day):
    /// worth an all-day note in a resident's calendar. A regular closed weekday is not.
    public var closedAgainstItsWeek: Bool {
        guard spans.isEmpty else { return false }
        switch basis {
        case .holiday, .yearEnd, .exception: return true
        case .regular, .monthly, .noSchedule, .notOperating: return false
        }
    }
}
