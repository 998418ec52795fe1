"""Reads the messages an SMTP sink (aiosmtpd's Mailbox handler) kept in a Maildir, with Python's own e-mail parser:
the independent check that our messages are well-formed MIME. Prints one JSON array of
{from, to, subject, body, envelopeTo, autoSubmitted}, oldest first.

usage: read_mail.py MAILDIR"""
import json
import mailbox
import sys
from email import policy
from email.parser import BytesParser


def main():
    box = mailbox.Maildir(sys.argv[1], create=False)
    out = []
    # Oldest first: by the time the sink delivered each (the Maildir keeps it), then by its unique name.
    for key in sorted(box.keys(), key=lambda k: (box.get_message(k).get_date(), k)):
        raw = box.get_bytes(key)
        message = BytesParser(policy=policy.default).parsebytes(raw)
        out.append({
            "from": str(message["From"]),
            "to": str(message["To"]),
            "subject": str(message["Subject"]),
            "body": message.get_content(),
            "envelopeTo": message.get("X-RcptTo", ""),
            "autoSubmitted": message.get("Auto-Submitted", ""),
            "date": str(message["Date"]),
        })
    print(json.dumps(out, ensure_ascii=False))


if __name__ == "__main__":
    main()
