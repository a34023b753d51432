#include "redis/endpoint.hpp"

#include <charconv>
#include <optional>

#include "redis/errc.hpp"

namespace seatd::redis {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::optional<std::string> percent_decode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out += s[i];
      continue;
    }
    if (i + 2 >= s.size()) return std::nullopt;
    int hi = hex_value(s[i + 1]);
    int lo = hex_value(s[i + 2]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  return out;
}

template <class T>
std::optional<T> parse_decimal(std::string_view s) {
  T v{};
  if (s.empty()) return std::nullopt;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || p != s.data() + s.size()) return std::nullopt;
  return v;
}

}  // namespace

boost::system::result<endpoint> parse_url(std::string_view url) {
  const auto bad = make_error_code(errc::bad_url);
  constexpr std::string_view scheme = "redis://";
  if (url.substr(0, scheme.size()) != scheme) return bad;
  std::string_view rest = url.substr(scheme.size());
  if (rest.find_first_of("?#") != std::string_view::npos) return bad;

  endpoint ep;
  // The authority ends at the first '/'; the password may contain '@' only percent-encoded,
  // so the last '@' inside the authority ends the userinfo.
  std::string_view authority = rest.substr(0, rest.find('/'));
  std::string_view path = rest.substr(authority.size());
  if (auto at = authority.rfind('@'); at != std::string_view::npos) {
    std::string_view userinfo = authority.substr(0, at);
    authority = authority.substr(at + 1);
    auto colon = userinfo.find(':');
    if (colon == std::string_view::npos) return bad;
    auto user = percent_decode(userinfo.substr(0, colon));
    auto pass = percent_decode(userinfo.substr(colon + 1));
    if (!user || !pass) return bad;
    ep.username = std::move(*user);
    ep.password = std::move(*pass);
  }

  std::string_view port;
  if (!authority.empty() && authority.front() == '[') {
    auto close = authority.find(']');
    if (close == std::string_view::npos) return bad;
    ep.host = std::string(authority.substr(1, close - 1));
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return bad;
      port = after.substr(1);
      if (port.empty()) return bad;
    }
  } else {
    auto colon = authority.find(':');
    ep.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) {
      port = authority.substr(colon + 1);
      if (port.empty()) return bad;
    }
  }
  if (ep.host.empty()) return bad;
  if (!port.empty()) {
    auto p = parse_decimal<unsigned>(port);
    if (!p || *p == 0 || *p > 65535) return bad;
    ep.port = static_cast<std::uint16_t>(*p);
  }

  if (!path.empty() && path != "/") {
    auto db = parse_decimal<int>(path.substr(1));
    if (!db || *db < 0) return bad;
    ep.db = *db;
  }
  return ep;
}

std::string endpoint::redacted() const {
  std::string out = "redis://";
  if (!username.empty() || !password.empty()) {
    out += username;
    out += password.empty() ? ":@" : ":***@";
  }
  bool v6 = host.find(':') != std::string::npos;
  out += v6 ? "[" + host + "]" : host;
  out += ':' + std::to_string(port);
  if (db != 0) out += '/' + std::to_string(db);
  return out;
}

}  // namespace seatd::redis
