#!/usr/bin/python3
"""Parses one .eml file with Python's email package (an independent MIME reader) and prints
what the ticket tests check, one "key: value" line each:

  subject, to, from, message-id, date        decoded header values
  parts                                      the content types, depth first
  text / html                                the decoded text bodies (first line only)
  attachment                                 filename, size, first five bytes
  defects                                    how many parsing defects Python found
"""
import email
import email.policy
import sys


def main(path):
    with open(path, "rb") as f:
        msg = email.message_from_binary_file(f, policy=email.policy.default)
    out = []
    for name in ("Subject", "From", "To", "Message-ID", "Date"):
        out.append("%s: %s" % (name.lower(), msg[name]))
    defects = len(msg.defects)
    types = []
    for part in msg.walk():
        types.append(part.get_content_type())
        defects += len(part.defects)
    out.append("parts: " + " ".join(types))
    body = msg.get_body(("plain",))
    out.append("text: " + body.get_content().splitlines()[0])
    html = msg.get_body(("html",))
    out.append("html-has-doctype: %s" % html.get_content().startswith("<!DOCTYPE html>"))
    for att in msg.iter_attachments():
        data = att.get_content()
        out.append("attachment: %s %d %s" % (att.get_filename(), len(data), data[:5].decode("latin-1")))
    out.append("defects: %d" % defects)
    sys.stdout.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main(sys.argv[1])
