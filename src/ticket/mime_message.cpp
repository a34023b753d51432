#include "ticket/mime_message.hpp"

#include <algorithm>
#include <string_view>

#include "ticket/errc.hpp"
#include "ticket/mime_encoding.hpp"
#include "ticket/utf8_text.hpp"
#include "util/random_secret.hpp"

namespace seatd::tickets {

namespace {

bool has_line_break(std::string_view s) { return s.find_first_of("\r\n") != std::string_view::npos; }

bool printable_ascii(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c >= 0x20 && c < 0x7F; });
}

// Characters RFC 5322 gives a meaning in headers, or that no address we send to needs.
bool special(char c) { return std::string_view("<>()[]\\,;:\"@ ").find(c) != std::string_view::npos; }

// local@domain, both non-empty, printable ASCII without specials. Stricter than RFC 5321
// (no quoted local parts, no address literals): nothing a booking needs is refused by it, and
// it can never carry a line break or a second address.
bool valid_addr_spec(std::string_view a) {
  if (a.size() < 3 || a.size() > 254 || !printable_ascii(a)) return false;
  const std::size_t at = a.find('@');
  if (at == std::string_view::npos || at == 0 || at + 1 == a.size()) return false;
  const std::string_view local = a.substr(0, at);
  const std::string_view domain = a.substr(at + 1);
  if (local.size() > 64) return false;
  return std::none_of(local.begin(), local.end(), special) &&
         std::none_of(domain.begin(), domain.end(), special) && domain.front() != '.' &&
         domain.back() != '.';
}

// The part after the last CRLF: how much of the current header line is used.
std::size_t last_line_size(std::string_view s) {
  const std::size_t nl = s.rfind("\r\n");
  return nl == std::string_view::npos ? s.size() : s.size() - nl - 2;
}

// "Name: value" for header text from people: plain when it is short printable ASCII that
// cannot be mistaken for an encoded word, else encoded words (which also fold long text).
std::string text_header(std::string_view name, std::string_view value) {
  std::string line(name);
  line += ": ";
  const std::string clean = single_line(value);
  if (printable_ascii(clean) && line.size() + clean.size() <= max_encoded_line &&
      clean.find("=?") == std::string::npos) {
    line += clean;
  } else {
    line += encoded_words(clean, line.size());
  }
  line += "\r\n";
  return line;
}

// "Name: display <addr>": the display name as a quoted-string when it is short ASCII, else as
// encoded words; the address moves to a folded line of its own when it does not fit.
std::string mailbox_header(std::string_view name, const mailbox& m) {
  std::string line(name);
  line += ": ";
  const std::string display = single_line(m.display_name);
  if (display.find_first_not_of(' ') == std::string::npos) {
    line += m.address;
    return line + "\r\n";
  }
  if (printable_ascii(display) && display.size() <= 60 && display.find("=?") == std::string::npos) {
    line += '"';
    for (char c : display) {
      if (c == '"' || c == '\\') line += '\\';
      line += c;
    }
    line += '"';
  } else {
    line += encoded_words(display, line.size());
  }
  const std::string addr = "<" + m.address + ">";
  line += last_line_size(line) + 1 + addr.size() <= max_encoded_line ? " " : "\r\n ";
  line += addr;
  return line + "\r\n";
}

bool valid_message_id(std::string_view id) {
  if (id.empty() || id.size() > 200 || !printable_ascii(id)) return false;
  const std::size_t at = id.find('@');
  if (at == std::string_view::npos || at == 0 || at + 1 == id.size()) return false;
  if (id.find('@', at + 1) != std::string_view::npos) return false;
  return std::none_of(id.begin(), id.end(), [](char c) { return c != '@' && special(c); });
}

bool valid_filename(std::string_view f) {
  if (f.empty() || f.size() > 100 || f.front() == '.') return false;
  return std::all_of(f.begin(), f.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
           c == '.' || c == '_' || c == '-';
  });
}

bool valid_content_type(std::string_view t) {
  const std::size_t slash = t.find('/');
  if (slash == std::string_view::npos || slash == 0 || slash + 1 == t.size() || t.size() > 100) {
    return false;
  }
  return std::all_of(t.begin(), t.end(), [&](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
           c == '.' || c == '+' || c == '-' || c == '/';
  }) && t.find('/', slash + 1) == std::string_view::npos;
}

boost::system::error_code validate(const mail_message& m) {
  // Line breaks first, in every header input: that is the attack, whatever else is wrong.
  for (std::string_view v : {std::string_view(m.from.display_name), std::string_view(m.from.address),
                             std::string_view(m.to.display_name), std::string_view(m.to.address),
                             std::string_view(m.subject), std::string_view(m.message_id)}) {
    if (has_line_break(v)) return make_error_code(errc::header_injection);
  }
  for (const auto& a : m.attachments) {
    if (has_line_break(a.filename) || has_line_break(a.content_type)) {
      return make_error_code(errc::header_injection);
    }
  }
  if (!valid_addr_spec(m.from.address) || !valid_addr_spec(m.to.address)) {
    return make_error_code(errc::invalid_address);
  }
  if (!valid_message_id(m.message_id)) return make_error_code(errc::invalid_header);
  for (const auto& a : m.attachments) {
    if (!valid_filename(a.filename) || !valid_content_type(a.content_type)) {
      return make_error_code(errc::invalid_header);
    }
  }
  return {};
}

void text_part(std::string& out, std::string_view boundary, std::string_view subtype,
               std::string_view body) {
  out += "--";
  out += boundary;
  out += "\r\nContent-Type: text/";
  out += subtype;
  out += "; charset=UTF-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n";
  out += quoted_printable(repaired_utf8(body));
}

}  // namespace

boost::system::error_code check_address(std::string_view address) {
  if (has_line_break(address)) return make_error_code(errc::header_injection);
  if (!valid_addr_spec(address)) return make_error_code(errc::invalid_address);
  return {};
}

result<std::string> build_mime_message(const mail_message& m) {
  if (auto ec = validate(m)) return ec;
  // Random, so a message cannot be crafted to contain its own boundary even in a part we did
  // not encode; "=_" makes it impossible in the parts we did.
  const std::string token = random_secret(16);
  const std::string mixed = "=_seatd_mixed_" + token;
  const std::string alternative = "=_seatd_alt_" + token;

  std::string out;
  out.reserve(m.text.size() + m.html.size() + 2048 +
              (m.attachments.empty() ? 0 : m.attachments.front().data.size() * 14 / 10));
  out += "Date: " + rfc5322_date(m.date) + "\r\n";
  out += mailbox_header("From", m.from);
  out += mailbox_header("To", m.to);
  out += text_header("Subject", m.subject);
  out += "Message-ID: <" + m.message_id + ">\r\n";
  // RFC 3834: an automatic message, so vacation responders do not answer it.
  out += "Auto-Submitted: auto-generated\r\n";
  out += "MIME-Version: 1.0\r\n";
  out += "Content-Type: multipart/mixed;\r\n boundary=\"" + mixed + "\"\r\n";
  out += "\r\nThis is a multi-part message in MIME format.\r\n\r\n";

  out += "--" + mixed + "\r\n";
  out += "Content-Type: multipart/alternative;\r\n boundary=\"" + alternative + "\"\r\n\r\n";
  text_part(out, alternative, "plain", m.text);
  text_part(out, alternative, "html", m.html);
  out += "--" + alternative + "--\r\n\r\n";

  for (const auto& a : m.attachments) {
    out += "--" + mixed + "\r\n";
    out += "Content-Type: " + a.content_type + "; name=\"" + a.filename + "\"\r\n";
    out += "Content-Transfer-Encoding: base64\r\n";
    out += "Content-Disposition: attachment; filename=\"" + a.filename + "\"\r\n\r\n";
    out += base64_lines(a.data);
  }
  out += "--" + mixed + "--\r\n";
  return out;
}

result<outgoing_mail> make_outgoing_mail(const mail_message& message) {
  auto data = build_mime_message(message);
  if (!data) return data.error();
  outgoing_mail mail;
  mail.envelope_from = message.from.address;
  mail.recipients = {message.to.address};
  mail.message_id = message.message_id;
  mail.data = std::move(*data);
  return mail;
}

}  // namespace seatd::tickets
