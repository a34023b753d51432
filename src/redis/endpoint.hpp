#pragma once
// Where and how to connect, parsed from a redis:// URL.
#include <boost/system/result.hpp>

#include <cstdint>
#include <string>
#include <string_view>

namespace seatd::redis {

struct endpoint {
  std::string host;
  std::uint16_t port = 6379;
  std::string username;  // Redis 6 ACL user; empty: AUTH with the password alone
  std::string password;  // empty: no AUTH
  int db = 0;            // SELECT on connect when not 0

  // The URL again, with the password masked: for logs.
  std::string redacted() const;
};

// redis://[[username]:password@]host[:port][/db]. host may be a name, an IPv4 address or a
// bracketed IPv6 address; username and password are percent-decoded. Fails with
// errc::bad_url (rediss://, unix sockets, query strings are not supported).
boost::system::result<endpoint> parse_url(std::string_view url);

}  // namespace seatd::redis
