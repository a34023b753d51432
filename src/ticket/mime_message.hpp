#pragma once
// A complete e-mail (RFC 5322 + MIME) as the bytes an SMTP server receives:
//
//   multipart/mixed
//     multipart/alternative
//       text/plain; charset=UTF-8   (quoted-printable)
//       text/html; charset=UTF-8    (quoted-printable)
//     application/pdf attachment   (base64, 76-character lines)
//
// Header values that came from people (names, the subject) are encoded as RFC 2047 encoded
// words when they are not plain ASCII, and any CR or LF in a header value is refused
// (errc::header_injection): a name typed as "x\r\nBcc: victim@example.com" must never become
// a header. The Date comes from the caller (injected time), and so does the Message-ID, so a
// resend of the same message carries the same id and receivers can drop the duplicate.
#include <string>
#include <string_view>
#include <vector>

#include "domain/clock.hpp"
#include "domain/errc.hpp"
#include "ticket/mail_sender.hpp"

namespace seatd::tickets {

struct mailbox {
  std::string display_name;  // UTF-8, may be empty
  std::string address;       // ASCII addr-spec local@domain
};

struct mail_attachment {
  std::string filename;      // [A-Za-z0-9._-], 1 to 100 characters
  std::string content_type;  // type/subtype, e.g. application/pdf
  std::string data;          // raw bytes
};

struct mail_message {
  mailbox from;
  mailbox to;
  std::string subject;     // UTF-8, one line
  sys_ms date{};           // the Date header
  std::string message_id;  // "unique@domain", without <>
  std::string text;        // the text/plain part, UTF-8
  std::string html;        // the text/html part, UTF-8 (already escaped by its builder)
  std::vector<mail_attachment> attachments;
};

// The message bytes with CRLF line endings, no line over 998 characters (header lines and
// encoded bodies stay within 76). Boundaries are "=_seatd_" and 32 random hex digits: "=_"
// can appear in neither quoted-printable nor base64 text, so no part can contain one.
// Errors: header_injection, invalid_address, invalid_header (Message-ID, file name or content
// type outside its syntax).
result<std::string> build_mime_message(const mail_message& message);

// build_mime_message wrapped for a sender: envelope from the From and To addresses.
result<outgoing_mail> make_outgoing_mail(const mail_message& message);

// The checks build_mime_message applies, for callers that take addresses from elsewhere
// (configuration's MAIL_FROM, a user's e-mail). errc::ok when acceptable.
boost::system::error_code check_address(std::string_view address);

}  // namespace seatd::tickets
