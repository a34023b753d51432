#pragma once
// Where a finished message goes: an SMTP server (smtp_sender) or a directory of .eml files
// (mail_dir_sender, the embedded default). The outbox's delivery loop calls send() and, from
// the error, decides to retry later (retryable) or to mark the message failed (permanent).
//
// send() blocks for as long as the delivery takes (an SMTP exchange: up to its total timeout),
// so it runs on a bounded delivery worker pool, never on an I/O thread. Implementations are
// safe to call from several threads at once.
#include <boost/system/error_code.hpp>
#include <boost/system/result.hpp>

#include <stdexcept>
#include <string>
#include <vector>

#include "ticket/errc.hpp"

namespace seatd::tickets {

struct outgoing_mail {
  std::string envelope_from;            // MAIL FROM: a bare addr-spec, e.g. tickets@example.com
  std::vector<std::string> recipients;  // RCPT TO: bare addr-specs, at least one
  std::string message_id;               // the Message-ID without <>: names the .eml file
  std::string data;                     // the whole RFC 5322 message, CRLF line endings
};

struct send_error {
  boost::system::error_code code;  // errc::mail_retryable, mail_permanent or mail_invalid
  std::string detail;              // for the log and the admin: "550 5.1.1 ...", curl's text

  bool retryable() const noexcept { return code == make_error_code(errc::mail_retryable); }
};

// boost::system::result's value() throws on an error; this is what it throws for a send_error.
[[noreturn]] inline void throw_exception_from_error(const send_error& e,
                                                    const boost::source_location&) {
  throw std::runtime_error(e.code.message() + ": " + e.detail);
}

using send_result = boost::system::result<void, send_error>;

class mail_sender {
 public:
  virtual ~mail_sender() = default;
  virtual send_result send(const outgoing_mail& mail) const = 0;
};

}  // namespace seatd::tickets
