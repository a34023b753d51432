#pragma once
// One HTTP/1.1 connection: reads requests (header and body limits, timeouts), dispatches each,
// writes the response, keeps the connection alive until the peer or the idle timeout ends it.
// All of its work runs on its own strand, as one coroutine; it owns its socket and buffer.
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>

#include <atomic>
#include <functional>
#include <memory>

#include "net/dispatcher.hpp"
#include "net/http_options.hpp"
#include "net/session_registry.hpp"

namespace seatd::net {

// Takes over a connection whose request asks for a WebSocket upgrade. Returns false when the
// target is not a WebSocket endpoint (the session then answers 404).
using upgrade_handler = std::function<bool(boost::beast::tcp_stream&, request&&)>;

class http_session final : public stoppable, public std::enable_shared_from_this<http_session> {
 public:
  http_session(boost::beast::tcp_stream stream, const dispatcher& d, const http_options& opts,
               session_registry& registry, const upgrade_handler& upgrade);
  void start();
  void stop() override;

 private:
  boost::asio::awaitable<void> run();
  boost::asio::awaitable<void> write(response res, const request* req,
                                     std::chrono::steady_clock::time_point started);
  boost::asio::awaitable<void> linger();

  boost::beast::tcp_stream stream_;
  boost::beast::flat_buffer buffer_;
  const dispatcher& dispatcher_;
  const http_options& opts_;
  session_registry& registry_;
  const upgrade_handler& upgrade_;
  std::string remote_;
  std::uint64_t registry_id_ = 0;
  bool idle_ = false;       // waiting for the next request (strand only)
  bool stopping_ = false;   // strand only
};

}  // namespace seatd::net
