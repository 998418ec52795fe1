"""Reads an iCalendar file with an independent parser (the `icalendar` package) and prints its events as JSON.

Before parsing, checks what RFC 5545 asks of the bytes: every line ends in CRLF, and no line is longer than 75 octets
(folded lines continue with a space). Exits 1 naming the first problem.
usage: read_ics.py FILE
"""
import json
import sys

from icalendar import Calendar

raw = open(sys.argv[1], "rb").read()
if not raw.endswith(b"\r\n"):
    sys.exit("the file does not end with CRLF")
for n, line in enumerate(raw.split(b"\r\n")[:-1], 1):
    if b"\n" in line or b"\r" in line:
        sys.exit(f"line {n}: a bare LF or CR")
    if len(line) > 75:
        sys.exit(f"line {n}: {len(line)} octets")
    line.decode("utf-8")  # a fold must not split a character
cal = Calendar.from_ical(raw)
events = []
for e in cal.walk("VEVENT"):
    start, end = e.decoded("DTSTART"), e.decoded("DTEND")
    events.append({
        "uid": str(e["UID"]),
        "start": start.isoformat(),
        "end": end.isoformat(),
        "summary": str(e["SUMMARY"]),
        "allDay": not hasattr(start, "hour"),
    })
tz = [str(t["TZID"]) for t in cal.walk("VTIMEZONE")]
print(json.dumps({"name": str(cal.get("X-WR-CALNAME")), "timezones": tz, "events": events}, ensure_ascii=False))
