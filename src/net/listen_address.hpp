#pragma once
// An address to listen on, as an operator writes it: "127.0.0.1:9100", "[::1]:9100",
// "0.0.0.0:0" (port 0: the system picks one). Pure: no I/O.
#include <boost/asio/ip/tcp.hpp>
#include <string_view>

namespace seatd::net {

// Throws std::invalid_argument saying what is wrong (no port, a port out of range, not an
// IP address: names are not resolved, so what is bound is exactly what was written).
boost::asio::ip::tcp::endpoint parse_listen_address(std::string_view text);

}  // namespace seatd::net
