#include "ticket/smtp_sender.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <cstring>
#include <memory>

#include "ticket/errc.hpp"
#include "ticket/mime_message.hpp"

namespace seatd::tickets {

namespace {

// curl_global_init is not safe to race with other curl calls in older libcurl; a function
// static runs it exactly once, before the first sender exists. Never cleaned up: the process
// ends with it.
CURLcode global_init() {
  static const CURLcode rc = curl_global_init(CURL_GLOBAL_DEFAULT);
  return rc;
}

struct url_deleter {
  void operator()(CURLU* u) const noexcept { curl_url_cleanup(u); }
};
struct easy_deleter {
  void operator()(CURL* c) const noexcept { curl_easy_cleanup(c); }
};
struct slist_deleter {
  void operator()(curl_slist* l) const noexcept { curl_slist_free_all(l); }
};
struct curl_string_deleter {
  void operator()(char* s) const noexcept { curl_free(s); }
};
using curl_string = std::unique_ptr<char, curl_string_deleter>;

// One URL part, or "" when the URL has none.
std::string url_part(CURLU* u, CURLUPart part, unsigned flags = 0) {
  char* raw = nullptr;
  if (curl_url_get(u, part, &raw, flags) != CURLUE_OK) return {};
  const curl_string owned(raw);
  return owned ? std::string(owned.get()) : std::string();
}

send_error failure(errc e, std::string detail) { return {make_error_code(e), std::move(detail)}; }

// The message being uploaded; curl pulls it through read_message.
struct upload {
  std::string_view rest;
};

std::size_t read_message(char* buffer, std::size_t size, std::size_t nitems, void* userp) {
  auto* up = static_cast<upload*>(userp);
  const std::size_t n = std::min(size * nitems, up->rest.size());
  std::memcpy(buffer, up->rest.data(), n);
  up->rest.remove_prefix(n);
  return n;
}

}  // namespace

result<smtp_sender> smtp_sender::create(smtp_settings settings) {
  if (global_init() != CURLE_OK) return make_error_code(errc::mail_invalid);
  const std::unique_ptr<CURLU, url_deleter> u(curl_url());
  if (!u || curl_url_set(u.get(), CURLUPART_URL, settings.url.c_str(), 0) != CURLUE_OK) {
    return make_error_code(errc::mail_invalid);
  }
  const std::string scheme = url_part(u.get(), CURLUPART_SCHEME);
  const std::string host = url_part(u.get(), CURLUPART_HOST);
  if ((scheme != "smtp" && scheme != "smtps") || host.empty()) {
    return make_error_code(errc::mail_invalid);
  }
  smtp_sender s;
  s.implicit_tls_ = scheme == "smtps";
  // Decoded here, passed as CURLOPT_USERNAME/PASSWORD: a password may hold any byte, and the
  // URL curl connects with (and anything that logs it) never carries it.
  s.user_ = url_part(u.get(), CURLUPART_USER, CURLU_URLDECODE);
  s.password_ = url_part(u.get(), CURLUPART_PASSWORD, CURLU_URLDECODE);
  curl_url_set(u.get(), CURLUPART_USER, nullptr, 0);
  curl_url_set(u.get(), CURLUPART_PASSWORD, nullptr, 0);
  curl_url_set(u.get(), CURLUPART_OPTIONS, nullptr, 0);
  s.url_ = url_part(u.get(), CURLUPART_URL);
  if (s.url_.empty()) return make_error_code(errc::mail_invalid);
  const std::string port = url_part(u.get(), CURLUPART_PORT);
  s.redacted_url_ = scheme + "://";
  if (!s.user_.empty()) s.redacted_url_ += s.user_ + "@";
  s.redacted_url_ += host;
  if (!port.empty()) s.redacted_url_ += ":" + port;
  s.settings_ = std::move(settings);
  return s;
}

send_result smtp_sender::send(const outgoing_mail& mail) const {
  // The envelope goes into SMTP commands: a line break there would be command injection.
  if (mail.recipients.empty() || mail.data.empty()) {
    return failure(errc::mail_invalid, "no recipient or no message");
  }
  if (check_address(mail.envelope_from)) {
    return failure(errc::mail_invalid, "invalid envelope sender");
  }
  for (const auto& r : mail.recipients) {
    if (check_address(r)) return failure(errc::mail_invalid, "invalid recipient");
  }

  const std::unique_ptr<CURL, easy_deleter> curl(curl_easy_init());
  if (!curl) return failure(errc::mail_retryable, "curl_easy_init failed");
  CURL* c = curl.get();
  std::unique_ptr<curl_slist, slist_deleter> rcpt;
  for (const auto& r : mail.recipients) {
    curl_slist* next = curl_slist_append(rcpt.get(), ("<" + r + ">").c_str());
    if (!next) return failure(errc::mail_retryable, "out of memory");
    rcpt.release();
    rcpt.reset(next);
  }
  const std::string from = "<" + mail.envelope_from + ">";
  upload up{mail.data};
  char errbuf[CURL_ERROR_SIZE] = {};

  curl_easy_setopt(c, CURLOPT_URL, url_.c_str());
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
  // Worker threads: no SIGALRM-based DNS timeouts (curl would otherwise use signals).
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
  if (!user_.empty()) {
    curl_easy_setopt(c, CURLOPT_USERNAME, user_.c_str());
    curl_easy_setopt(c, CURLOPT_PASSWORD, password_.c_str());
  }
  if (!implicit_tls_) {
    curl_easy_setopt(c, CURLOPT_USE_SSL,
                     static_cast<long>(settings_.require_tls ? CURLUSESSL_ALL : CURLUSESSL_TRY));
  }
  if (!settings_.ca_file.empty()) curl_easy_setopt(c, CURLOPT_CAINFO, settings_.ca_file.c_str());
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(settings_.connect_timeout.count()));
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(settings_.total_timeout.count()));
  curl_easy_setopt(c, CURLOPT_MAIL_FROM, from.c_str());
  curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt.get());
  curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(c, CURLOPT_READFUNCTION, &read_message);
  curl_easy_setopt(c, CURLOPT_READDATA, &up);
  curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(mail.data.size()));

  const CURLcode rc = curl_easy_perform(c);
  if (rc == CURLE_OK) return {};

  long reply = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &reply);
  std::string detail = errbuf[0] != '\0' ? errbuf : curl_easy_strerror(rc);
  if (reply != 0) detail += " (last reply " + std::to_string(reply) + ")";
  if (reply >= 500 && reply < 600) return failure(errc::mail_permanent, std::move(detail));
  if (rc == CURLE_UNSUPPORTED_PROTOCOL || rc == CURLE_URL_MALFORMAT) {
    return failure(errc::mail_invalid, std::move(detail));
  }
  // 4xx, no reply at all (refused, reset, timed out), TLS trouble: worth another try later.
  return failure(errc::mail_retryable, std::move(detail));
}

}  // namespace seatd::tickets
