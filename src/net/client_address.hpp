#pragma once
// Who the client is, when seatd runs behind a load balancer or reverse proxy. The TCP peer is
// then the proxy, and the client is named in X-Forwarded-For, a header anyone can write: it is
// believed only when the peer is one of the configured proxies (SEATD_TRUSTED_PROXIES), and
// only as far as the chain of trusted proxies goes (each proxy appends the address it saw, so
// the right-most entry that is not itself a trusted proxy is the first hop nobody vouches for).
// Pure: no I/O, no clock.
#include <boost/asio/ip/address.hpp>

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace seatd::net {

class trusted_proxies {
 public:
  trusted_proxies() = default;
  // A comma-separated list of CIDRs ("10.0.0.0/8, 2001:db8::/32") or single addresses
  // ("127.0.0.1", "::1"). Throws std::invalid_argument naming the first bad entry.
  static trusted_proxies parse(std::string_view list);

  bool empty() const { return ranges_.empty(); }
  bool contains(const boost::asio::ip::address& a) const;

 private:
  struct range {
    std::array<unsigned char, 16> bytes{};  // IPv4 in the first four bytes
    unsigned prefix = 0;
    bool v4 = false;
  };
  std::vector<range> ranges_;
};

// IPv4-mapped IPv6 (::ffff:a.b.c.d, what a dual-stack socket reports) as plain IPv4.
boost::asio::ip::address unmapped(const boost::asio::ip::address& a);

// The client's address as text: the peer itself unless the peer is a trusted proxy; then the
// right-most X-Forwarded-For entry that is not a trusted proxy (all of them trusted: the
// left-most). An entry that is not an address ends the walk at the last trusted hop.
// `forwarded_for`: every X-Forwarded-For field's value, joined with commas in order.
std::string client_address(const trusted_proxies& proxies, const boost::asio::ip::address& peer,
                           std::string_view forwarded_for);

}  // namespace seatd::net
