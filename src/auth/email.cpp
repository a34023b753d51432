#include <string_view>

#include "auth/email.hpp"

namespace seatd::auth {
namespace {

// Deliberately not RFC 5322: quoted local parts, comments and IP-literal domains are legal
// there but never typed by real users, and accepting them only widens what later code (SQL,
// HTML, mail headers) has to handle. The limits are the SMTP ones (RFC 5321).
constexpr std::size_t max_email = 254;
constexpr std::size_t max_local = 64;
constexpr std::size_t max_label = 63;

bool is_alpha(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

bool valid_local_char(char c) {
  // Printable ASCII without space; the excluded punctuation is what needs quoting in RFC 5322.
  if (c < 0x21 || c > 0x7E) return false;
  return std::string_view(R"("(),:;<>[\])").find(c) == std::string_view::npos;
}

bool valid_label(std::string_view label) {
  if (label.empty() || label.size() > max_label) return false;
  if (label.front() == '-' || label.back() == '-') return false;
  for (char c : label) {
    if (!is_alpha(c) && !is_digit(c) && c != '-') return false;
  }
  return true;
}

bool valid_domain(std::string_view domain) {
  const std::size_t last_dot = domain.rfind('.');
  if (last_dot == std::string_view::npos) return false;  // "localhost"-style: not public
  std::size_t start = 0;
  while (true) {
    const std::size_t dot = domain.find('.', start);
    if (!valid_label(domain.substr(start, dot - start))) return false;
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  const std::string_view tld = domain.substr(last_dot + 1);
  if (tld.size() < 2) return false;
  for (char c : tld) {
    if (!is_alpha(c)) return false;
  }
  return true;
}

}  // namespace

bool valid_email(std::string_view email) {
  if (email.size() > max_email) return false;
  const std::size_t at = email.find('@');
  if (at == std::string_view::npos || email.find('@', at + 1) != std::string_view::npos) {
    return false;
  }
  const std::string_view local = email.substr(0, at);
  if (local.empty() || local.size() > max_local) return false;
  for (char c : local) {
    if (!valid_local_char(c)) return false;
  }
  return valid_domain(email.substr(at + 1));
}

}  // namespace seatd::auth
