#pragma once
// One HTTP/1.1 connection: reads requests (header and body limits, timeouts), dispatches each,
// writes the response, keeps the connection alive until the peer or the idle timeout ends it.
// All of its work runs on its own strand, as one coroutine; it owns its socket and buffer.
//
// A request is decided on its header before its body is read: framing (RFC 9112), routing and
// the route's access check, the body limit, and a share of the global body budget. Only a
// request that passes all of them gets "100 Continue" and has its body read.
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>

#include <atomic>
#include <functional>
#include <memory>
#include <string_view>

#include "domain/inflight_limiter.hpp"
#include "net/body_budget.hpp"
#include "net/dispatcher.hpp"
#include "net/http_options.hpp"
#include "net/session_registry.hpp"

namespace seatd::net {

// Takes over a connection whose request asks for a WebSocket upgrade. `client`: the client's
// address (resolved through trusted proxies). Returns false when the target is not a WebSocket
// endpoint (the session then answers 404).
using upgrade_handler =
    std::function<bool(boost::beast::tcp_stream&, request&&, std::string_view client)>;

class http_session final : public stoppable, public std::enable_shared_from_this<http_session> {
 public:
  http_session(boost::beast::tcp_stream stream, const dispatcher& d, const http_options& opts,
               session_registry& registry, body_budget& budget, const upgrade_handler& upgrade,
               inflight_limiter::ticket place = {});
  void start();
  void stop() override;

 private:
  boost::asio::awaitable<void> run();
  boost::asio::awaitable<void> write(response res, const request* req,
                                     std::chrono::steady_clock::time_point started);
  boost::asio::awaitable<void> linger();
  // Closes after answering a request whose body (if any) was not read.
  boost::asio::awaitable<void> refuse(response res, const request& header,
                                      std::chrono::steady_clock::time_point started);
  std::string client_of(const request& req) const;

  boost::beast::tcp_stream stream_;
  boost::beast::flat_buffer buffer_;
  const dispatcher& dispatcher_;
  const http_options& opts_;
  session_registry& registry_;
  body_budget& budget_;
  const upgrade_handler& upgrade_;
  boost::asio::ip::address peer_;
  std::string remote_;  // the peer's address, or the client's once a request named it
  std::string request_id_;  // the current request's (request_id.hpp); empty between requests
  std::uint64_t registry_id_ = 0;
  inflight_limiter::ticket place_;  // this connection's place in its client's share
  std::size_t route_ = router::no_route;  // the current request's route, for its metrics
  bool idle_ = false;       // waiting for the next request (strand only)
  bool stopping_ = false;   // strand only
};

}  // namespace seatd::net
