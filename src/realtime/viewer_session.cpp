#include "realtime/viewer_session.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/websocket/error.hpp>
#include <spdlog/spdlog.h>

#include <charconv>

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

}  // namespace

viewer_session::viewer_session(beast::tcp_stream&& stream, net::request&& upgrade, deps d)
    : ws_(std::move(stream)),
      upgrade_(std::move(upgrade)),
      deps_(d),
      resync_retry_(ws_.get_executor()) {}

void viewer_session::start() {
  registry_id_ = deps_.registry.add(weak_from_this());
  asio::co_spawn(ws_.get_executor(), run(), [self = shared_from_this()](std::exception_ptr e) {
    log_exception(e, "session ended by exception");
    if (self->room_) self->room_->leave(self.get());
    self->deps_.registry.remove(self->registry_id_);
  });
}

void viewer_session::wake() {
  // Coalesced: any number of events before the drain runs cost one posted task.
  if (wake_pending_.exchange(true)) return;
  asio::post(ws_.get_executor(), [self = shared_from_this()] {
    self->wake_pending_ = false;
    self->drain();
  });
}

void viewer_session::stop() {
  asio::post(ws_.get_executor(), [self = shared_from_this()] {
    self->policy_close(websocket::close_code::going_away, "server shutting down");
  });
}

asio::awaitable<void> viewer_session::close_with(std::uint16_t code, std::string reason) {
  closing_ = true;
  auto [ec] = co_await ws_.async_close(websocket::close_reason(static_cast<websocket::close_code>(code), reason), tuple_awaitable);
  (void)ec;
}

asio::awaitable<void> viewer_session::run() {
  // The trip id and resume position come from the upgrade request's target.
  std::string_view target = upgrade_.target();
  auto qpos = target.find('?');
  std::string_view path = target.substr(0, qpos);
  std::string_view query = qpos == std::string_view::npos ? "" : target.substr(qpos + 1);
  constexpr std::string_view prefix = "/ws/seats/";
  auto id_text = path.substr(prefix.size());
  if (!id_text.empty() && id_text.back() == '/') id_text.remove_suffix(1);
  auto trip = parse_number<id_t>(id_text);
  std::optional<std::uint64_t> since;
  if (auto s = net::query_value(query, "since")) since = parse_number<std::uint64_t>(*s);
  auto epoch = net::query_value(query, "epoch");

  ws_.set_option(websocket::stream_base::timeout{std::chrono::seconds(10),
                                                 deps_.options.idle_timeout, true});
  ws_.set_option(websocket::stream_base::decorator([](websocket::response_type& res) {
    res.set(beast::http::field::server, "seatd");
  }));
  ws_.read_message_max(deps_.options.read_message_max);
  // A modest kernel send buffer: the per-viewer queue bound then decides when a viewer is too
  // slow (instead of megabytes hiding in the kernel), and idle viewers cost less memory.
  beast::error_code ignored;
  beast::get_lowest_layer(ws_).socket().set_option(
      asio::socket_base::send_buffer_size(int(deps_.options.socket_send_buffer)), ignored);
  ws_.text(true);
  auto [aec] = co_await ws_.async_accept(upgrade_, tuple_awaitable);
  if (aec) co_return;

  if (!trip || *trip <= 0) {
    co_await close_with(close_invalid_trip, "invalid trip id");
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
    co_await close_with(websocket::close_code::try_again_later, "temporarily unavailable");
    co_return;
  }
  if (!facts) {
    co_await close_with(close_unknown_trip, "trip not found");
    co_return;
  }

  room_ = deps_.hub.room_for(trip_);
  room_->join(shared_from_this());
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

  for (;;) {
    read_buffer_.clear();
    auto [ec, n] = co_await ws_.async_read(read_buffer_, tuple_awaitable);
    if (ec) {
      if (ec == websocket::error::message_too_big)
        spdlog::debug("viewer: frame over {} bytes, closed", deps_.options.read_message_max);
      break;
    }
    if (!ws_.got_text()) {
      policy_close(websocket::close_code::bad_payload, "binary frames are not supported");
      continue;  // the read loop ends when the close completes
    }
    auto text = beast::buffers_to_string(read_buffer_.data());
    if (text == "ping" && !pong_queued_) {
      pong_queued_ = true;  // a flood of pings earns one pong at a time
      enqueue(pong_frame());
    }
    // Other client text is ignored, as the contract says.
  }
  closing_ = true;
}

asio::awaitable<void> viewer_session::resync() {
  resyncing_ = true;
  // Taken before the snapshot: a reset during it makes the next drain resync again.
  generation_ = room_->generation();
  auto snap = co_await deps_.engine.snapshot(trip_);
  auto facts = co_await deps_.catalog.get(trip_);
  if (!snap || !facts) {
    resyncing_ = false;
    if (!ready_) {
      // Never synced: refuse; the client retries with backoff.
      policy_close(websocket::close_code::try_again_later, "temporarily unavailable");
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
  asio::co_spawn(ws_.get_executor(), resync(), [self = shared_from_this()](std::exception_ptr e) {
    log_exception(e, "resync failed");
    if (e) self->policy_close(websocket::close_code::try_again_later, "temporarily unavailable");
  });
}

void viewer_session::retry_resync_later() {
  stale_ = true;
  resync_retry_.expires_after(std::chrono::seconds(1));
  resync_retry_.async_wait([self = shared_from_this()](beast::error_code ec) {
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
  constexpr std::size_t batch = 256;
  std::vector<frame> frames;
  if (!room_->read(next_seq_, frames, batch)) {
    // Fell behind the kept history (or events were lost upstream): start over from a snapshot.
    spawn_resync();
    return;
  }
  for (const auto& f : frames) {
    enqueue(f);
    if (closing_) return;
  }
  next_seq_ += frames.size();
  if (frames.size() == batch) wake();  // more to come; let other viewers run first
}

void viewer_session::enqueue(const frame& f) {
  if (closing_) return;
  if (queued_bytes_ + f->size() > deps_.options.max_queue_bytes) {
    policy_close(websocket::close_code::policy_error, "slow consumer");
    return;
  }
  queue_.push_back(f);
  queued_bytes_ += f->size();
  if (!writing_) do_write();
}

void viewer_session::do_write() {
  writing_ = true;
  ws_.async_write(asio::buffer(*queue_.front()),
                  [self = shared_from_this()](beast::error_code ec, std::size_t) {
                    auto& s = *self;
                    if (s.queue_.front() == pong_frame()) s.pong_queued_ = false;
                    s.queued_bytes_ -= s.queue_.front()->size();
                    s.queue_.pop_front();
                    s.writing_ = false;
                    if (ec) {
                      s.closing_ = true;
                      return;
                    }
                    if (!s.queue_.empty() && !s.closing_) {
                      s.do_write();
                    } else if (s.closing_) {
                      s.policy_close(0, nullptr);  // a close waiting for the write to finish
                    }
                  });
}

void viewer_session::policy_close(std::uint16_t code, const char* reason) {
  // Stop sending; drop what is queued; send the close frame once no write is in flight (Beast
  // allows one write at a time, and a close frame is a write). If the peer does not answer, the
  // stream's timeout ends the connection.
  if (code != 0) {
    pending_close_code_ = code;
    pending_close_reason_ = reason ? reason : "";
  }
  closing_ = true;
  resync_retry_.cancel();
  // The frame being written must outlive its write: keep the front while writing.
  if (writing_ && !queue_.empty()) {
    queue_.erase(queue_.begin() + 1, queue_.end());
    queued_bytes_ = queue_.front()->size();
  } else {
    queue_.clear();
    queued_bytes_ = 0;
  }
  if (!ws_.is_open() && !close_sent_) {
    // Not (or no longer) a WebSocket: still handshaking, or already failed. End the TCP side.
    beast::error_code ignored;
    beast::get_lowest_layer(ws_).socket().close(ignored);
    return;
  }
  if (writing_ || close_sent_ || pending_close_code_ == 0) return;
  close_sent_ = true;
  ws_.async_close(websocket::close_reason(static_cast<websocket::close_code>(pending_close_code_),
                                           pending_close_reason_),
                  [self = shared_from_this()](beast::error_code) {
                    beast::error_code ignored;
                    beast::get_lowest_layer(self->ws_).socket().close(ignored);
                  });
}

}  // namespace seatd::realtime
