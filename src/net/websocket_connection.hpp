#pragma once
// A server WebSocket connection after Beast's opening handshake: RFC 6455 spoken on the bare
// socket (net/ws_wire.hpp), with an outgoing queue bounded in bytes (net/ws_send_queue.hpp),
// one gather write in flight, a read loop, keep-alive pings and an idle deadline, and the
// closing handshake. It knows nothing of what the messages mean.
//
// Why its own RFC 6455 rather than beast::websocket::stream for the connection's life: it
// writes shared, already framed bytes as they are (one event framed once, sent to thousands),
// several queued frames in one gather write, and keeps an idle connection small: no WebSocket
// stream state with its fixed buffers, no upgrade request, no live coroutine frame, a 128-byte
// read chunk. It is the only writer of its socket (one write in flight, on its strand), so
// control frames (pong, keep-alive ping, close) go through the same queue as messages.
//
// An application is a class derived from this one (as Beast's and Seastar's examples derive
// their sessions), not a set of callbacks: one object, one allocation and one shared_ptr own
// the transport and the application's state together, so their lifetimes cannot drift apart
// (callbacks capturing the application would need a second owner or weak references checked
// on every message), the hooks run on the connection's strand with the object alive, and an
// idle connection carries no std::function objects. The derived class supplies the opening
// (admission, handshake, first messages) and what a text message means; the connection owns
// the socket, its timers and its place in the session_registry, and ends itself.
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core/tcp_stream.hpp>

#include <array>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "metrics/counter.hpp"
#include "net/http.hpp"
#include "net/session_registry.hpp"
#include "net/ws_send_queue.hpp"
#include "net/ws_wire.hpp"

namespace seatd::net {

struct websocket_options {
  std::size_t max_queue_bytes = 256u << 10;
  std::size_t read_message_max = 4096;
  std::size_t socket_send_buffer = 64u << 10;
  std::chrono::seconds idle_timeout{60};  // keep-alive pings at half of it
  std::chrono::seconds handshake_timeout{10};
  std::chrono::seconds close_timeout{10};  // how long a closing peer may take to answer
  metrics::counter* slow_consumer_closes = nullptr;  // counts the 1008 closes when set
};

// The strand a connection runs on, by its concrete type: posting to it and completing socket
// operations on it then needs no any_io_executor conversion, each of which would allocate (a
// strand does not fit any_io_executor's inline storage) on every completed write.
using connection_strand = boost::asio::strand<boost::asio::io_context::executor_type>;

class websocket_connection : public stoppable,
                             public std::enable_shared_from_this<websocket_connection> {
 public:
  // The accepted socket is moved onto `strand` (the HTTP session's own strand is released
  // with the session). The options must outlive the connection.
  websocket_connection(boost::beast::tcp_stream&& stream, connection_strand strand,
                       const websocket_options& options, session_registry& registry);

  // Thread-safe: closes with 1001.
  void stop() final;

  const connection_strand& executor() const { return ex_; }

 protected:
  // Registers in the registry and runs the opening on the strand. The opening answers true
  // once the WebSocket is open (after accept()): the connection then lives on its read loop
  // and its timers, with no coroutine frame, until it is closed; false (refused, the handshake
  // failed, stopped during it) or an exception ends the connection.
  void launch(boost::asio::awaitable<bool> opening);

  // Before the handshake: the peer's address (empty on error: the socket is already gone).
  std::optional<boost::asio::ip::address> remote_address() const;
  // Before the handshake: answers the upgrade request with `res` instead of 101 and closes the
  // socket (within the handshake timeout).
  boost::asio::awaitable<void> refuse(response res);
  // The opening handshake, by Beast (it validates the request and answers 101, or 400/426).
  // False when it failed or the connection was stopped meanwhile.
  boost::asio::awaitable<bool> accept(const request& upgrade);

  // On the strand. Queues one whole frame; over the bound the connection closes 1008.
  void send(const ws_frame& f);
  // On the strand. ws_send_queue::push_once, then as send().
  void send_once(const ws_frame& f);
  // On the strand. Queues what fill(std::vector<ws_frame>&) appends after what is pending
  // (ws_send_queue::push_batch). nullopt when fill refused (nothing queued); a batch that
  // would pass the bound closes the connection with 1008 and counts 0.
  template <class Fill>
  std::optional<std::size_t> send_batch(Fill&& fill) {
    auto r = queue_.push_batch(std::forward<Fill>(fill));
    if (r.status == ws_send_queue::batch_status::refused) return std::nullopt;
    if (r.status == ws_send_queue::batch_status::over_bound) {
      close_slow_consumer();
      return 0;
    }
    if (!queue_.writing() && queue_.has_pending()) write_pending();
    return r.added;
  }
  // On the strand. The close for a peer that reads too slowly (1008), counted.
  void close_slow_consumer();
  // On the strand. Stops sending messages: drops what is queued and sends a close frame with
  // this code and reason; the peer's close (or the close deadline) ends the connection. Before
  // the handshake, closes the socket.
  void close(std::uint16_t code, const char* reason);
  // No more messages will be sent (a close was started or the connection ended).
  bool closing() const { return closing_; }

  // Hooks, on the strand. A complete text message arrived.
  virtual void on_text(std::string_view payload) = 0;
  // A close began (once, before the close frame is queued).
  virtual void on_closing() {}
  // The connection ended (once): the socket is closed, nothing more will arrive.
  virtual void on_finished() {}

 private:
  using socket_type = boost::asio::basic_stream_socket<boost::asio::ip::tcp, connection_strand>;
  using timer_type = boost::asio::basic_waitable_timer<
      std::chrono::steady_clock, boost::asio::wait_traits<std::chrono::steady_clock>,
      connection_strand>;

  void write_pending();
  void on_written(boost::system::error_code ec);
  void read_more();
  void on_read(boost::system::error_code ec, std::size_t n);
  void arm_timer(std::chrono::steady_clock::duration d);
  void on_timer();
  void finish();

  connection_strand ex_;
  socket_type socket_;
  const websocket_options& options_;
  session_registry& registry_;
  timer_type timer_;  // keep-alive ping, idle deadline, close deadline
  std::uint64_t registry_id_ = 0;

  // Strand-only state.
  ws::client_reader reader_;
  ws_send_queue queue_;
  std::string in_;                 // received bytes not yet decoded (at most one frame)
  std::array<char, 128> chunk_{};  // clients of a push channel send little
  bool handshaken_ = false;
  bool reading_ = false;
  bool closing_ = false;        // no more messages: a close frame is queued or the socket is gone
  bool discard_input_ = false;  // after a frame we cannot decode past: skip bytes until EOF
  bool received_ = false;       // bytes arrived since the last keep-alive tick
  bool ping_sent_ = false;      // a keep-alive ping is unanswered
  bool finished_ = false;
};

}  // namespace seatd::net
