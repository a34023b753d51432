#include "net/listen_address.hpp"

#include <charconv>
#include <stdexcept>
#include <string>

namespace seatd::net {

boost::asio::ip::tcp::endpoint parse_listen_address(std::string_view text) {
  const auto colon = text.rfind(':');
  if (colon == std::string_view::npos || colon + 1 == text.size())
    throw std::invalid_argument("'" + std::string(text) + "' has no port (HOST:PORT)");
  std::string_view host = text.substr(0, colon);
  const std::string_view port_text = text.substr(colon + 1);
  unsigned port = 0;
  auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (ec != std::errc{} || end != port_text.data() + port_text.size() || port > 65535)
    throw std::invalid_argument("'" + std::string(text) + "': the port must be 0..65535");
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  else if (host.find(':') != std::string_view::npos)
    throw std::invalid_argument("'" + std::string(text) + "': write an IPv6 address in brackets");
  boost::system::error_code bad;
  auto address = boost::asio::ip::make_address(std::string(host), bad);
  if (bad) throw std::invalid_argument("'" + std::string(text) + "': not an IP address");
  return {address, static_cast<unsigned short>(port)};
}

}  // namespace seatd::net
