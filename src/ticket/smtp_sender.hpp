#pragma once
// Delivery to an SMTP server with libcurl: SMTP_URL names the server and the login,
//
//     smtp://user:pass@host:587   plain connection, STARTTLS when the server offers it (or
//                                 always, refusing to send in clear, with require_tls: without
//                                 it, a server that offers no STARTTLS gets the login and the
//                                 message in clear, so production wants require_tls or smtps)
//     smtps://user:pass@host:465  TLS from the first byte
//
// the user name and password are percent-decoded from the URL ("%40" for '@'), AUTH is used
// when they are present, the server certificate is verified. Each send() is one SMTP session
// (EHLO, [STARTTLS, AUTH,] MAIL FROM, RCPT TO, DATA) on its own curl easy handle, bounded by a
// connect timeout and a total timeout; no handle is shared between threads.
//
// Failures carry what the outbox needs to decide: a 5xx reply (mailbox unknown, message
// refused, authentication refused) is mail_permanent, since sending the same again would be
// refused again; a 4xx reply, a refused or timed-out connection or a TLS failure is
// mail_retryable; a URL that is not smtp(s) is mail_invalid (configuration).
#include <chrono>
#include <string>

#include "domain/errc.hpp"
#include "ticket/mail_sender.hpp"

namespace seatd::tickets {

struct smtp_settings {
  std::string url;                   // smtp://[user[:pass]@]host[:port] or smtps://...
  bool require_tls = false;          // smtp://: refuse to send unless STARTTLS succeeds
  std::chrono::milliseconds connect_timeout{std::chrono::seconds(10)};
  std::chrono::milliseconds total_timeout{std::chrono::seconds(60)};  // the whole session
  std::string ca_file;               // empty: the system's trust store
};

class smtp_sender final : public mail_sender {
 public:
  // Parses and checks the URL (scheme, host, userinfo); errc::mail_invalid with nothing sent
  // when it is unusable. Calls curl_global_init once per process (thread-safe).
  static result<smtp_sender> create(smtp_settings settings);

  send_result send(const outgoing_mail& mail) const override;

  // The URL without its password, for logs: smtp://user@host:587
  const std::string& redacted_url() const noexcept { return redacted_url_; }

 private:
  smtp_sender() = default;

  smtp_settings settings_;
  std::string url_;  // without userinfo: the login goes through CURLOPT_USERNAME/PASSWORD
  std::string user_;
  std::string password_;
  bool implicit_tls_ = false;
  std::string redacted_url_;
};

}  // namespace seatd::tickets
