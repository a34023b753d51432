#pragma once
// Accepts TCP connections and gives each its own strand and http_session. Near the descriptor
// limit it refuses rather than hangs: beyond http_options::max_connections a new connection is
// answered 503 and closed at once; a failing accept (EMFILE, ENFILE) backs off exponentially
// and warns at most once per 10 s with a count.
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <atomic>
#include <mutex>

#include "domain/inflight_limiter.hpp"
#include "exec/task_group.hpp"
#include "net/accept_pacing.hpp"
#include "net/body_budget.hpp"
#include "net/http_session.hpp"

namespace seatd::net {

class listener {
 public:
  // The accept loop runs as a task of `tasks` (which shutdown stops and waits for).
  listener(boost::asio::io_context& ioc, const boost::asio::ip::tcp::endpoint& ep,
           const dispatcher& d, const http_options& opts, session_registry& registry,
           body_budget& budget, inflight_limiter& per_client, const upgrade_handler& upgrade,
           exec::task_group& tasks);
  std::uint16_t port() const { return acceptor_.local_endpoint().port(); }
  void start();
  // Stops accepting; thread-safe.
  void stop();

 private:
  boost::asio::awaitable<void> accept_loop(bool after_failure);
  void spawn_loop(bool after_failure);

  boost::asio::io_context& ioc_;
  boost::asio::ip::tcp::acceptor acceptor_;
  const dispatcher& dispatcher_;
  const http_options& opts_;
  session_registry& registry_;
  body_budget& budget_;
  // Connections per client address (IPv6 by /64; a trusted proxy's are not counted, they
  // carry many clients): nginx's limit_conn, so one address cannot take every connection.
  inflight_limiter& per_client_;
  const upgrade_handler& upgrade_;
  exec::task_group& tasks_;
  std::atomic<bool> stopped_{false};
  log_throttle accept_warnings_{std::chrono::seconds(10)};  // acceptor strand only
  log_throttle refusal_warnings_{std::chrono::seconds(10)};  // acceptor strand only
  log_throttle client_refusal_warnings_{std::chrono::seconds(10)};  // acceptor strand only
};

}  // namespace seatd::net
