#include "net/websocket_connection.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <spdlog/spdlog.h>

namespace seatd::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
constexpr auto tuple_awaitable = asio::as_tuple(asio::use_awaitable);

namespace {

// A view of the gather list as a buffer sequence: asio copies the sequence object into the
// write operation, and copying this is free where copying a std::vector would allocate.
struct buffer_span {
  using value_type = asio::const_buffer;
  using const_iterator = const asio::const_buffer*;
  const asio::const_buffer* first;
  const asio::const_buffer* last;
  const_iterator begin() const { return first; }
  const_iterator end() const { return last; }
};

// The accepted socket, moved onto the connection's strand: the HTTP session's own strand (made
// by the listener before it knew this would be a WebSocket) is released with the session.
template <class Socket>
Socket rehome(beast::tcp_stream& stream, const connection_strand& ex) {
  auto accepted = stream.release_socket();
  boost::system::error_code ec;
  const auto protocol = accepted.local_endpoint(ec).protocol();
  if (ec) return Socket(ex);  // already broken: the handshake fails and ends it
  auto fd = accepted.release(ec);
  if (ec) return Socket(ex);
  return Socket(ex, protocol, fd);
}

}  // namespace

websocket_connection::websocket_connection(beast::tcp_stream&& stream, connection_strand strand,
                                           const websocket_options& options,
                                           session_registry& registry)
    : ex_(std::move(strand)),
      socket_(rehome<socket_type>(stream, ex_)),
      options_(options),
      registry_(registry),
      timer_(ex_),
      reader_(options.read_message_max),
      queue_(options.max_queue_bytes) {}

void websocket_connection::launch(asio::awaitable<bool> opening) {
  registry_id_ = registry_.add(weak_from_this());
  asio::co_spawn(ex_, std::move(opening),
                 [self = shared_from_this()](std::exception_ptr e, bool open) {
                   if (e) {
                     try {
                       std::rethrow_exception(e);
                     } catch (const std::exception& ex) {
                       spdlog::warn("websocket: session ended by exception: {}", ex.what());
                     }
                   }
                   if (e || !open) {
                     if (!self->reading_) self->finish();
                     return;
                   }
                   // From here the connection lives on its read loop and its queued writes:
                   // the opening's coroutine frame is gone, so an idle connection keeps none.
                   if (!self->closing_) self->arm_timer(self->options_.idle_timeout / 2);
                   self->read_more();
                 });
}

void websocket_connection::stop() {
  asio::post(ex_, [self = shared_from_this()] {
    self->close(ws::close_going_away, "server shutting down");
  });
}

std::optional<asio::ip::address> websocket_connection::remote_address() const {
  boost::system::error_code ec;
  auto peer = socket_.remote_endpoint(ec);
  if (ec) return std::nullopt;
  return peer.address();
}

asio::awaitable<void> websocket_connection::refuse(response res) {
  timer_.expires_after(options_.handshake_timeout);
  timer_.async_wait([self = shared_from_this()](boost::system::error_code tec) {
    if (!tec) {
      boost::system::error_code ignored;
      self->socket_.close(ignored);
    }
  });
  auto [wec, n] = co_await beast::http::async_write(socket_, res, tuple_awaitable);
  (void)wec;
  (void)n;
  timer_.cancel();
  boost::system::error_code ec;
  socket_.shutdown(asio::socket_base::shutdown_send, ec);
  socket_.close(ec);
  closing_ = true;
}

asio::awaitable<bool> websocket_connection::accept(const request& upgrade) {
  // A modest kernel send buffer: the queue bound then decides when a peer is too slow (instead
  // of megabytes hiding in the kernel), and idle connections cost less memory.
  beast::error_code ignored;
  socket_.set_option(asio::socket_base::send_buffer_size(int(options_.socket_send_buffer)),
                     ignored);
  {
    // Beast validates the request and answers it (101, or 400/426 for a bad upgrade); then the
    // socket comes back and Beast's stream state is freed with this scope.
    websocket::stream<socket_type> ws(std::move(socket_));
    ws.set_option(websocket::stream_base::timeout{options_.handshake_timeout,
                                                  websocket::stream_base::none(), false});
    // The upgrade's answer (101, or Beast's 400/426) names the request like any other.
    ws.set_option(websocket::stream_base::decorator(
        [id = std::string(upgrade["X-Request-Id"])](websocket::response_type& res) {
          res.set(beast::http::field::server, "seatd");
          if (!id.empty()) res.set("X-Request-Id", id);
        }));
    auto [aec] = co_await ws.async_accept(upgrade, tuple_awaitable);
    socket_ = std::move(ws.next_layer());
    if (aec) co_return false;
  }
  handshaken_ = true;
  co_return !closing_;  // stopped during the handshake: end without a close frame
}

void websocket_connection::close_slow_consumer() {
  if (options_.slow_consumer_closes) options_.slow_consumer_closes->inc();
  close(ws::close_policy, "slow consumer");
}

void websocket_connection::send(const ws_frame& f) {
  if (closing_) return;
  if (!queue_.push(f)) {
    close_slow_consumer();
    return;
  }
  if (!queue_.writing()) write_pending();
}

void websocket_connection::send_once(const ws_frame& f) {
  if (closing_) return;
  if (!queue_.push_once(f)) {
    close_slow_consumer();
    return;
  }
  if (!queue_.writing() && queue_.has_pending()) write_pending();
}

void websocket_connection::write_pending() {
  // Everything queued goes out in one write: under load a connection's backlog costs one
  // system call per 64 frames instead of one per frame.
  const auto& gather = queue_.take_batch();
  asio::async_write(socket_, buffer_span{gather.data(), gather.data() + gather.size()},
                    [self = shared_from_this()](boost::system::error_code ec, std::size_t) {
                      self->on_written(ec);
                    });
}

void websocket_connection::on_written(boost::system::error_code ec) {
  const bool close_written = queue_.written();
  if (ec) {
    finish();
    return;
  }
  if (close_written) {
    // Our close frame is out: nothing more to send. The peer answers with its close frame and
    // closes; the read loop sees that (or the close deadline ends it).
    boost::system::error_code ignored;
    socket_.shutdown(asio::socket_base::shutdown_send, ignored);
    return;
  }
  if (queue_.has_pending()) write_pending();
}

void websocket_connection::read_more() {
  reading_ = true;
  socket_.async_read_some(asio::buffer(chunk_),
                          [self = shared_from_this()](boost::system::error_code ec,
                                                      std::size_t n) { self->on_read(ec, n); });
}

void websocket_connection::on_read(boost::system::error_code ec, std::size_t n) {
  if (ec) {  // the peer closed, the connection broke, or we closed the socket
    finish();
    return;
  }
  received_ = true;
  if (discard_input_) {
    read_more();
    return;
  }
  in_.append(chunk_.data(), n);
  for (;;) {
    auto r = reader_.next(in_);
    using kind = ws::client_reader::kind;
    if (r.what == kind::need_more) break;
    if (r.what == kind::text) {
      on_text(r.payload);
    } else if (r.what == kind::ping) {
      if (!closing_)
        send(std::make_shared<const std::string>(ws::server_frame(ws::opcode::pong, r.payload)));
    } else if (r.what == kind::pong) {
      ping_sent_ = false;
    } else if (r.what == kind::close) {
      // The peer is done. Answer with its code (RFC 6455 5.5.1) unless we closed first; then
      // wait for it to close the TCP connection. Its reason is not echoed: a client's bytes are
      // never reflected back to it.
      if (!closing_) close(r.code, "");
      discard_input_ = true;
      break;
    } else if (r.what == kind::binary) {
      close(ws::close_unsupported_data, "binary frames are not supported");
      discard_input_ = true;
      break;
    } else {  // kind::error
      if (r.code == ws::close_too_big)
        spdlog::debug("websocket: message over {} bytes, closed", options_.read_message_max);
      close(r.code, r.code == ws::close_too_big           ? "message too big"
                    : r.code == ws::close_invalid_payload ? "invalid UTF-8"
                                                          : "protocol error");
      discard_input_ = true;
      break;
    }
  }
  if (discard_input_) in_ = std::string();
  // What a big message needed is not kept by an idle connection.
  if (in_.empty() && in_.capacity() > 256) in_ = std::string();
  read_more();
}

void websocket_connection::arm_timer(std::chrono::steady_clock::duration d) {
  timer_.expires_after(d);
  timer_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
    if (!ec) self->on_timer();
  });
}

void websocket_connection::on_timer() {
  // A wait that had already completed when the timer was re-armed (keep-alive → close
  // deadline) still runs its handler: only the current deadline counts.
  if (finished_ || timer_.expiry() > std::chrono::steady_clock::now()) return;
  if (closing_) {  // the close deadline: the peer did not finish the closing handshake
    finish();
    return;
  }
  // Beast's idle timeout with keep-alive pings: at half the idle time without hearing from the
  // peer, ping it; at the full idle time, it is gone.
  if (received_) {
    received_ = false;
    ping_sent_ = false;
  } else if (!ping_sent_) {
    ping_sent_ = true;
    send(std::make_shared<const std::string>(ws::server_frame(ws::opcode::ping, {})));
  } else {
    finish();
    return;
  }
  arm_timer(options_.idle_timeout / 2);
}

void websocket_connection::close(std::uint16_t code, const char* reason) {
  // Stop sending; drop what is queued (the batch being written must outlive its write); send
  // the close frame after it. If the peer does not answer, the close deadline ends the
  // connection.
  if (closing_) return;
  closing_ = true;
  on_closing();
  if (!handshaken_) {
    // Not a WebSocket yet: end the TCP side.
    boost::system::error_code ignored;
    socket_.close(ignored);
    return;
  }
  queue_.replace_pending_with_close(
      std::make_shared<const std::string>(ws::close_frame(code, reason ? reason : "")));
  arm_timer(options_.close_timeout);
  if (!queue_.writing()) write_pending();
}

void websocket_connection::finish() {
  if (finished_) return;
  finished_ = true;
  closing_ = true;
  boost::system::error_code ignored;
  socket_.close(ignored);
  timer_.cancel();
  on_finished();
  registry_.remove(registry_id_);
}

}  // namespace seatd::net
