#include "net/client_address.hpp"

#include <algorithm>
#include <charconv>
#include <optional>
#include <stdexcept>

namespace seatd::net {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::optional<boost::asio::ip::address> parse_address(std::string_view s) {
  boost::system::error_code ec;
  auto a = boost::asio::ip::make_address(std::string(s), ec);
  if (ec) return std::nullopt;
  return unmapped(a);
}

// An X-Forwarded-For entry: an address, optionally with a port ("1.2.3.4:80", "[::1]:80").
std::optional<boost::asio::ip::address> parse_hop(std::string_view s) {
  s = trim(s);
  if (s.empty()) return std::nullopt;
  if (s.front() == '[') {
    auto close = s.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    return parse_address(s.substr(1, close - 1));
  }
  if (auto a = parse_address(s)) return a;
  auto colon = s.find(':');
  if (colon != std::string_view::npos && s.find(':', colon + 1) == std::string_view::npos)
    return parse_address(s.substr(0, colon));  // IPv4 with a port
  return std::nullopt;
}

}  // namespace

boost::asio::ip::address unmapped(const boost::asio::ip::address& a) {
  if (a.is_v6() && a.to_v6().is_v4_mapped())
    return boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, a.to_v6());
  return a;
}

trusted_proxies trusted_proxies::parse(std::string_view list) {
  trusted_proxies out;
  while (!list.empty()) {
    auto comma = list.find(',');
    auto item = trim(list.substr(0, comma));
    list = comma == std::string_view::npos ? std::string_view{} : list.substr(comma + 1);
    if (item.empty()) continue;
    auto bad = [&] {
      // Appended step by step: GCC 12 at -O3 misreports "'" + string as -Wrestrict.
      std::string what;
      what.reserve(item.size() + 60);
      what += '\'';
      what += item;
      what += "' is not an IPv4 or IPv6 address or CIDR range";
      return std::invalid_argument(what);
    };
    auto slash = item.find('/');
    auto a = parse_address(item.substr(0, slash));
    if (!a) throw bad();
    range r;
    r.v4 = a->is_v4();
    unsigned max = r.v4 ? 32 : 128;
    r.prefix = max;
    if (slash != std::string_view::npos) {
      auto p = item.substr(slash + 1);
      auto [end, ec] = std::from_chars(p.data(), p.data() + p.size(), r.prefix);
      if (p.empty() || ec != std::errc{} || end != p.data() + p.size() || r.prefix > max)
        throw bad();
    }
    if (r.v4) {
      auto b = a->to_v4().to_bytes();
      std::copy(b.begin(), b.end(), r.bytes.begin());
    } else {
      r.bytes = a->to_v6().to_bytes();
    }
    out.ranges_.push_back(r);
  }
  return out;
}

bool trusted_proxies::contains(const boost::asio::ip::address& address) const {
  auto a = unmapped(address);
  std::array<unsigned char, 16> bytes{};
  if (a.is_v4()) {
    auto b = a.to_v4().to_bytes();
    std::copy(b.begin(), b.end(), bytes.begin());
  } else {
    bytes = a.to_v6().to_bytes();
  }
  for (const auto& r : ranges_) {
    if (r.v4 != a.is_v4()) continue;
    unsigned whole = r.prefix / 8, rest = r.prefix % 8;
    bool match = std::equal(r.bytes.begin(), r.bytes.begin() + whole, bytes.begin());
    if (match && rest != 0) {
      unsigned char mask = static_cast<unsigned char>(0xff << (8 - rest));
      match = (r.bytes[whole] & mask) == (bytes[whole] & mask);
    }
    if (match) return true;
  }
  return false;
}

std::string client_address(const trusted_proxies& proxies, const boost::asio::ip::address& peer,
                           std::string_view forwarded_for) {
  auto client = unmapped(peer);
  if (proxies.empty() || !proxies.contains(client)) return client.to_string();
  // Walk right to left while the hops are trusted proxies.
  std::string_view rest = forwarded_for;
  while (!rest.empty()) {
    auto comma = rest.rfind(',');
    auto item = comma == std::string_view::npos ? rest : rest.substr(comma + 1);
    rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(0, comma);
    if (trim(item).empty()) continue;
    auto hop = parse_hop(item);
    if (!hop) break;  // garbage: the last trusted hop is all we know
    client = *hop;
    if (!proxies.contains(client)) break;
  }
  return client.to_string();
}

}  // namespace seatd::net
