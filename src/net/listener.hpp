#pragma once
// Accepts TCP connections and gives each its own strand and http_session.
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "net/http_session.hpp"

namespace seatd::net {

class listener {
 public:
  listener(boost::asio::io_context& ioc, const boost::asio::ip::tcp::endpoint& ep,
           const dispatcher& d, const http_options& opts, session_registry& registry,
           const upgrade_handler& upgrade);
  std::uint16_t port() const { return acceptor_.local_endpoint().port(); }
  void start();
  // Stops accepting; thread-safe.
  void stop();

 private:
  boost::asio::awaitable<void> accept_loop();

  boost::asio::io_context& ioc_;
  boost::asio::ip::tcp::acceptor acceptor_;
  const dispatcher& dispatcher_;
  const http_options& opts_;
  session_registry& registry_;
  const upgrade_handler& upgrade_;
};

}  // namespace seatd::net
