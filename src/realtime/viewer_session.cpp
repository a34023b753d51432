#include "realtime/viewer_session.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <spdlog/spdlog.h>

#include <charconv>
#include <optional>

#include "domain/client_key.hpp"
#include "net/query_string.hpp"

namespace seatd::realtime {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
constexpr auto tuple_awaitable = asio::as_tuple(asio::use_awaitable);

namespace {

template <class T>
std::optional<T> parse_number(std::string_view s) {
  T v{};
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc{} || p != s.data() + s.size()) return std::nullopt;
  return v;
}

void log_exception(std::exception_ptr e, const char* what) {
  if (!e) return;
  try {
    std::rethrow_exception(e);
  } catch (const std::exception& ex) {
    spdlog::warn("viewer {}: {}", what, ex.what());
  }
}

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

// The accepted socket, moved onto the shard's strand: the connection's own strand (made by the
// listener before it knew this would be a viewer) is released with the HTTP session.
template <class Socket>
Socket rehome(beast::tcp_stream& stream, const shard_executor& ex) {
  auto accepted = stream.release_socket();
  boost::system::error_code ec;
  const auto protocol = accepted.local_endpoint(ec).protocol();
  if (ec) return Socket(ex);  // already broken: the handshake fails and ends it
  auto fd = accepted.release(ec);
  if (ec) return Socket(ex);
  return Socket(ex, protocol, fd);
}

// Frames are at most a few hundred bytes; a batch of a few hundred goes out in one write call
// (asio hands the kernel 64 buffers per sendmsg).
constexpr std::size_t drain_batch = 256;

}  // namespace

viewer_session::viewer_session(beast::tcp_stream&& stream, net::request&& upgrade, deps d,
                               std::string client)
    : shard_(d.hub.pick_shard()),
      ex_(d.hub.shard(shard_)),
      socket_(rehome<socket_type>(stream, ex_)),
      upgrade_(std::move(upgrade)),
      deps_(d),
      timer_(ex_),
      resync_retry_(ex_),
      client_(std::move(client)),
      reader_(d.options.read_message_max) {}

void viewer_session::start() {
  registry_id_ = deps_.registry.add(weak_from_this());
  asio::co_spawn(ex_, run(), [self = shared_from_this()](std::exception_ptr e) {
    log_exception(e, "session ended by exception");
    // Once reading, the read loop ends the session; before that, nothing else would.
    if (!self->reading_) self->finish();
  });
}

void viewer_session::wake() {
  // Coalesced: any number of events before the drain runs cost one posted task.
  if (wake_pending_.exchange(true)) return;
  asio::post(ex_, [self = shared_from_this()] {
    self->wake_pending_ = false;
    self->drain();
  });
}

void viewer_session::stop() {
  asio::post(ex_, [self = shared_from_this()] {
    self->policy_close(ws::close_going_away, "server shutting down");
  });
}

asio::awaitable<bool> viewer_session::admit() {
  boost::system::error_code ec;
  auto peer = socket_.remote_endpoint(ec);
  if (ec) co_return false;  // already gone
  // Behind a trusted proxy every viewer's TCP peer is the proxy: count by the resolved client.
  auto address = peer.address();
  if (!client_.empty()) {
    auto resolved = asio::ip::make_address(client_, ec);
    if (!ec) address = resolved;
  }
  const auto key = client_key(address.to_string());
  admission_ = deps_.admission.try_enter(key);
  if (admission_) co_return true;
  // Refused before the upgrade, as an HTTP answer: the client learns why and when to retry
  // (a close after a 101 would look like any other drop, and would cost the handshake, the
  // room and a snapshot first). The socket is closed after the answer.
  spdlog::debug("viewer: {} has {} viewers open, refused", key, deps_.admission.in_flight(key));
  namespace http = beast::http;
  http::response<http::string_body> res{http::status::too_many_requests, 11};
  res.set(http::field::server, "seatd");
  res.set(http::field::content_type, "application/json");
  res.set(http::field::retry_after, "10");
  res.set(http::field::cache_control, "no-store");
  res.keep_alive(false);
  res.body() = R"({"detail":"too many live seat map connections from this address"})";
  res.prepare_payload();
  timer_.expires_after(deps_.options.handshake_timeout);
  timer_.async_wait([self = shared_from_this()](boost::system::error_code tec) {
    if (!tec) {
      boost::system::error_code ignored;
      self->socket_.close(ignored);
    }
  });
  auto [wec, n] = co_await http::async_write(socket_, res, tuple_awaitable);
  (void)wec;
  (void)n;
  timer_.cancel();
  socket_.shutdown(asio::socket_base::shutdown_send, ec);
  socket_.close(ec);
  co_return false;
}

asio::awaitable<void> viewer_session::run() {
  if (!co_await admit()) {
    closing_ = true;
    co_return;
  }
  std::optional<id_t> trip;
  std::optional<std::uint64_t> since;
  std::optional<std::string> epoch;
  {
    // The upgrade request is needed only for the handshake; it is released at the end of this
    // scope rather than held for the connection's life.
    net::request req = std::move(upgrade_);
    upgrade_ = {};
    // The trip id and resume position come from the upgrade request's target.
    std::string_view target = req.target();
    auto qpos = target.find('?');
    std::string_view path = target.substr(0, qpos);
    std::string_view query = qpos == std::string_view::npos ? "" : target.substr(qpos + 1);
    constexpr std::string_view prefix = "/ws/seats/";
    auto id_text = path.substr(prefix.size());
    if (!id_text.empty() && id_text.back() == '/') id_text.remove_suffix(1);
    trip = parse_number<id_t>(id_text);
    if (auto s = net::query_value(query, "since")) since = parse_number<std::uint64_t>(*s);
    if (auto e = net::query_value(query, "epoch")) epoch = std::string(*e);

    // A modest kernel send buffer: the per-viewer queue bound then decides when a viewer is too
    // slow (instead of megabytes hiding in the kernel), and idle viewers cost less memory.
    beast::error_code ignored;
    socket_.set_option(asio::socket_base::send_buffer_size(int(deps_.options.socket_send_buffer)),
                       ignored);

    // Beast validates the request and answers it (101, or 400/426 for a bad upgrade); then the
    // socket comes back and Beast's stream state is freed with this scope.
    websocket::stream<socket_type> ws(std::move(socket_));
    ws.set_option(websocket::stream_base::timeout{deps_.options.handshake_timeout,
                                                  websocket::stream_base::none(), false});
    ws.set_option(websocket::stream_base::decorator([](websocket::response_type& res) {
      res.set(beast::http::field::server, "seatd");
    }));
    auto [aec] = co_await ws.async_accept(req, tuple_awaitable);
    socket_ = std::move(ws.next_layer());
    if (aec) co_return;
  }
  handshaken_ = true;
  if (closing_) {  // stopped during the handshake
    co_return;
  }

  if (!trip || *trip <= 0) {
    policy_close(close_invalid_trip, "invalid trip id");
    read_more();
    co_return;
  }
  trip_ = *trip;
  std::optional<trip_facts> facts;
  bool lookup_failed = false;
  try {
    facts = co_await deps_.catalog.get(trip_);
  } catch (const std::exception& e) {
    spdlog::warn("viewer: trip lookup failed: {}", e.what());
    lookup_failed = true;
  }
  if (lookup_failed) {
    policy_close(ws::close_try_again_later, "temporarily unavailable");
  } else if (!facts) {
    policy_close(close_unknown_trip, "trip not found");
  } else if (!closing_) {
    room_ = deps_.hub.join(trip_, shared_from_this(), shard_);
    bool same_epoch = !epoch || *epoch == deps_.engine.epoch();
    std::vector<frame> probe;
    generation_ = room_->generation();
    if (since && same_epoch && *since <= room_->last_seq() && room_->read(*since + 1, probe, 1)) {
      next_seq_ = *since + 1;  // resume: only what the client missed
      ready_ = true;
      drain();
    } else {
      co_await resync();
    }
  }
  // From here the session lives on its read loop and its queued writes: this coroutine frame
  // ends, so an idle viewer keeps none.
  if (!closing_) arm_timer(deps_.options.idle_timeout / 2);
  read_more();
}

asio::awaitable<void> viewer_session::resync() {
  resyncing_ = true;
  // Taken before the snapshot: a reset during it makes the next drain resync again.
  generation_ = room_->generation();
  const auto seen = room_->last_seq();
  auto snap = co_await deps_.engine.snapshot(trip_);
  auto facts = co_await deps_.catalog.get(trip_);
  if (snap && snap->seq < seen && room_->generation() == generation_) {
    // A snapshot is at least as new as every event the room had when it was asked for, unless
    // the seq space restarted (Redis lost its data and no event or epoch check has told the
    // room yet): the room's history is of the old space, and reading it after this snapshot
    // would replay stale events. The room starts over; its other viewers resync too.
    room_->reset();
    generation_ = room_->generation();
  }
  if (!snap || !facts) {
    resyncing_ = false;
    if (!ready_) {
      // Never synced: refuse; the client retries with backoff.
      policy_close(ws::close_try_again_later, "temporarily unavailable");
      co_return;
    }
    // Synced before (this resync follows lost events): the client keeps its last map while
    // the backend is away, and gets a fresh INITIAL_STATE once it is back. Dropping every
    // viewer during an outage would only make them all reconnect at once afterwards.
    retry_resync_later();
    co_return;
  }
  stale_ = false;
  resync_retry_.cancel();
  enqueue(initial_state_frame(*snap, facts->booked, deps_.clk.now(), deps_.engine.epoch()));
  next_seq_ = snap->seq + 1;
  ready_ = true;
  resyncing_ = false;
  drain();
}

void viewer_session::spawn_resync() {
  resyncing_ = true;  // at once: a drain before the coroutine starts must not spawn a second
  asio::co_spawn(ex_, resync(), [self = shared_from_this()](std::exception_ptr e) {
    log_exception(e, "resync failed");
    if (e) self->policy_close(ws::close_try_again_later, "temporarily unavailable");
  });
}

void viewer_session::retry_resync_later() {
  stale_ = true;
  resync_retry_.expires_after(std::chrono::seconds(1));
  resync_retry_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
    if (!ec && !self->closing_ && self->stale_ && !self->resyncing_) self->spawn_resync();
  });
}

void viewer_session::drain() {
  // Stale: the retry timer, or a room reset (the backend is back), starts the next resync.
  if (!ready_ || resyncing_ || closing_ || !room_) return;
  if (stale_ && room_->generation() == generation_) return;
  if (room_->generation() != generation_) {
    // The room started over (events may have been lost upstream): a fresh INITIAL_STATE.
    spawn_resync();
    return;
  }
  // Straight into the queue: the room's shared frames are appended after what is pending.
  const std::size_t before = pending_.size();
  if (!room_->read(next_seq_, pending_, before + drain_batch)) {
    pending_.resize(before);
    // Fell behind the kept history (or events were lost upstream): start over from a snapshot.
    spawn_resync();
    return;
  }
  const std::size_t added = pending_.size() - before;
  std::size_t bytes = 0;
  for (std::size_t i = before; i < pending_.size(); ++i) bytes += pending_[i]->size();
  if (queued_bytes_ + bytes > deps_.options.max_queue_bytes) {
    pending_.resize(before);
    policy_close(ws::close_policy, "slow consumer");
    return;
  }
  queued_bytes_ += bytes;
  next_seq_ += added;
  if (!writing_now_ && !pending_.empty()) write_pending();
  if (added == drain_batch) wake();  // more to come; let other viewers run first
}

void viewer_session::enqueue(const frame& f) {
  if (closing_) return;
  if (queued_bytes_ + f->size() > deps_.options.max_queue_bytes) {
    policy_close(ws::close_policy, "slow consumer");
    return;
  }
  pending_.push_back(f);
  queued_bytes_ += f->size();
  if (!writing_now_) write_pending();
}

void viewer_session::write_pending() {
  // Everything queued goes out in one write: under load a viewer's backlog of events costs one
  // system call per 64 frames instead of one per frame.
  writing_now_ = true;
  writing_.swap(pending_);
  gather_.clear();
  for (const auto& f : writing_) gather_.push_back(asio::buffer(*f));
  asio::async_write(socket_, buffer_span{gather_.data(), gather_.data() + gather_.size()},
                    [self = shared_from_this()](boost::system::error_code ec, std::size_t) {
                      self->on_written(ec);
                    });
}

void viewer_session::on_written(boost::system::error_code ec) {
  writing_now_ = false;
  bool close_written = false;
  for (const auto& f : writing_) {
    queued_bytes_ -= f->size();
    if (f == pong_frame()) pong_queued_ = false;
    if (f.get() == close_frame_) close_written = true;
  }
  writing_.clear();
  // A burst's queue capacity is not kept by an idle viewer.
  if (writing_.capacity() > 64) writing_.shrink_to_fit();
  if (gather_.capacity() > 64) gather_ = {};
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
  if (!pending_.empty()) write_pending();
}

void viewer_session::read_more() {
  reading_ = true;
  socket_.async_read_some(asio::buffer(chunk_),
                          [self = shared_from_this()](boost::system::error_code ec,
                                                      std::size_t n) { self->on_read(ec, n); });
}

void viewer_session::on_read(boost::system::error_code ec, std::size_t n) {
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
      if (r.payload == "ping" && !pong_queued_ && !closing_) {
        pong_queued_ = true;  // a flood of pings earns one pong at a time
        enqueue(pong_frame());
      }
      // Other client text is ignored, as the contract says.
    } else if (r.what == kind::ping) {
      if (!closing_) enqueue(std::make_shared<const std::string>(
                         ws::server_frame(ws::opcode::pong, r.payload)));
    } else if (r.what == kind::pong) {
      ping_sent_ = false;
    } else if (r.what == kind::close) {
      // The peer is done. Answer with its code (RFC 6455 5.5.1) unless we closed first; then
      // wait for it to close the TCP connection. Its reason is not echoed: a client's bytes are
      // never reflected back to it.
      if (!closing_) policy_close(r.code, "");
      discard_input_ = true;
      break;
    } else if (r.what == kind::binary) {
      policy_close(ws::close_unsupported_data, "binary frames are not supported");
      discard_input_ = true;
      break;
    } else {  // kind::error
      if (r.code == ws::close_too_big)
        spdlog::debug("viewer: message over {} bytes, closed", deps_.options.read_message_max);
      policy_close(r.code, r.code == ws::close_too_big           ? "message too big"
                           : r.code == ws::close_invalid_payload ? "invalid UTF-8"
                                                                 : "protocol error");
      discard_input_ = true;
      break;
    }
  }
  if (discard_input_) in_ = std::string();
  // What a big message needed is not kept by an idle viewer.
  if (in_.empty() && in_.capacity() > 256) in_ = std::string();
  read_more();
}

void viewer_session::arm_timer(std::chrono::steady_clock::duration d) {
  timer_.expires_after(d);
  timer_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
    if (!ec) self->on_timer();
  });
}

void viewer_session::on_timer() {
  // A wait that had already completed when the timer was re-armed (keep-alive → close
  // deadline) still runs its handler: only the current deadline counts.
  if (finished_ || timer_.expiry() > std::chrono::steady_clock::now()) return;
  if (closing_) {  // the close deadline: the peer did not finish the closing handshake
    finish();
    return;
  }
  // Beast's idle timeout with keep-alive pings, as before: at half the idle time without
  // hearing from the peer, ping it; at the full idle time, it is gone.
  if (received_) {
    received_ = false;
    ping_sent_ = false;
  } else if (!ping_sent_) {
    ping_sent_ = true;
    enqueue(std::make_shared<const std::string>(ws::server_frame(ws::opcode::ping, {})));
  } else {
    finish();
    return;
  }
  arm_timer(deps_.options.idle_timeout / 2);
}

void viewer_session::policy_close(std::uint16_t code, const char* reason) {
  // Stop sending; drop what is queued (the batch being written must outlive its write); send
  // the close frame after it. If the peer does not answer, the close deadline ends the
  // connection.
  if (closing_) return;
  closing_ = true;
  resync_retry_.cancel();
  pending_.clear();
  queued_bytes_ = 0;
  for (const auto& f : writing_) queued_bytes_ += f->size();
  if (!handshaken_) {
    // Not a WebSocket yet: end the TCP side.
    boost::system::error_code ignored;
    socket_.close(ignored);
    return;
  }
  auto f = std::make_shared<const std::string>(ws::close_frame(code, reason ? reason : ""));
  close_frame_ = f.get();
  pending_.push_back(f);
  queued_bytes_ += f->size();
  arm_timer(deps_.options.close_timeout);
  if (!writing_now_) write_pending();
}

void viewer_session::finish() {
  if (finished_) return;
  finished_ = true;
  closing_ = true;
  boost::system::error_code ignored;
  socket_.close(ignored);
  timer_.cancel();
  resync_retry_.cancel();
  if (room_) room_->leave(this, shard_);
  deps_.registry.remove(registry_id_);
  admission_ = {};
}

}  // namespace seatd::realtime
