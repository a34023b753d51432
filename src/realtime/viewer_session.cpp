#include "realtime/viewer_session.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <spdlog/spdlog.h>

#include <charconv>
#include <optional>
#include <variant>

#include "domain/client_key.hpp"
#include "net/query_string.hpp"

namespace seatd::realtime {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace ws = net::ws;

// The hub's shard strands are the connections' strands: the socket completes on the strand
// the room's drain passes run on, with no executor conversion in between.
static_assert(std::is_same_v<shard_executor, net::connection_strand>);

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

// Frames are at most a few hundred bytes; a batch of a few hundred goes out in one write call
// (asio hands the kernel 64 buffers per sendmsg).
constexpr std::size_t drain_batch = 256;

}  // namespace

viewer_session::viewer_session(beast::tcp_stream&& stream, net::request&& upgrade, deps d,
                               std::string client)
    : viewer_session(std::move(stream), std::move(upgrade), d, std::move(client),
                     d.hub.pick_shard()) {}

viewer_session::viewer_session(beast::tcp_stream&& stream, net::request&& upgrade, deps d,
                               std::string client, std::size_t shard)
    : net::websocket_connection(std::move(stream), d.hub.shard(shard), d.options, d.registry),
      shard_(shard),
      upgrade_(std::move(upgrade)),
      svc_{d.hub, d.catalog, d.engine, d.clk, d.admission, d.identify},
      resync_retry_(executor()),
      client_(std::move(client)) {}

std::shared_ptr<viewer_session> viewer_session::self() {
  return std::static_pointer_cast<viewer_session>(shared_from_this());
}

void viewer_session::start() { launch(run()); }

void viewer_session::wake() {
  // Coalesced: any number of events before the drain runs cost one posted task.
  if (wake_pending_.exchange(true)) return;
  asio::post(executor(), [self = self()] {
    self->wake_pending_ = false;
    self->drain();
  });
}

asio::awaitable<bool> viewer_session::admit() {
  auto peer = remote_address();
  if (!peer) co_return false;  // already gone
  // Behind a trusted proxy every viewer's TCP peer is the proxy: count by the resolved client.
  auto address = *peer;
  if (!client_.empty()) {
    boost::system::error_code ec;
    auto resolved = asio::ip::make_address(client_, ec);
    if (!ec) address = resolved;
  }
  const auto key = client_key(address.to_string());
  admission_ = svc_.admission.try_enter(key);
  if (admission_) co_return true;
  // Refused before the upgrade, as an HTTP answer: the client learns why and when to retry
  // (a close after a 101 would look like any other drop, and would cost the handshake, the
  // room and a snapshot first). The socket is closed after the answer.
  spdlog::debug("viewer: {} has {} viewers open, refused", key, svc_.admission.in_flight(key));
  namespace http = beast::http;
  net::response res{http::status::too_many_requests, 11};
  res.set(http::field::server, "seatd");
  res.set(http::field::content_type, "application/json");
  res.set(http::field::retry_after, "10");
  res.set(http::field::cache_control, "no-store");
  res.set("X-Request-Id", upgrade_["X-Request-Id"]);
  res.keep_alive(false);
  res.body() = R"({"detail":"too many live seat map connections from this address"})";
  res.prepare_payload();
  co_await refuse(std::move(res));
  co_return false;
}

asio::awaitable<bool> viewer_session::run() {
  if (!co_await admit()) co_return false;
  std::optional<row_id> trip;
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
    trip = parse_number<row_id>(id_text);
    if (auto s = net::query_value(query, "since")) since = parse_number<std::uint64_t>(*s);
    if (auto e = net::query_value(query, "epoch")) epoch = std::string(*e);
    // v=2 (or later): the client knows SEATS_LOCKED. Anything else is the original protocol.
    if (auto v = net::query_value(query, "v")) {
      auto version = parse_number<int>(*v);
      if (version && *version >= 2) protocol_ = protocol::v2;
    }

    if (!co_await accept(req)) co_return false;
  }

  if (!trip || *trip <= 0) {
    close(close_invalid_trip, "invalid trip id");
    co_return true;  // the closing handshake runs on the connection's read loop
  }
  trip_ = *trip;
  std::optional<trip_facts> facts;
  bool lookup_failed = false;
  try {
    facts = co_await svc_.catalog.get(trip_);
  } catch (const std::exception& e) {
    spdlog::warn("viewer: trip lookup failed: {}", e.what());
    lookup_failed = true;
  }
  if (lookup_failed) {
    close(ws::close_try_again_later, "temporarily unavailable");
  } else if (!facts) {
    close(close_unknown_trip, "trip not found");
  } else if (!closing()) {
    room_ = svc_.hub.join(trip_, self(), shard_);
    bool same_epoch = !epoch || *epoch == svc_.engine.epoch();
    std::vector<frame> probe;
    generation_ = room_->generation();
    if (since && same_epoch && *since <= room_->last_seq() && room_->read(*since + 1, probe, 1)) {
      next_seq_ = *since + 1;  // resume: only what the client missed
      synced_from_ = next_seq_;
      ready_ = true;
      drain();
    } else {
      co_await resync();
    }
  }
  co_return true;
}

asio::awaitable<void> viewer_session::resync() {
  resyncing_ = true;
  // Taken before the snapshot: a reset during it makes the next drain resync again.
  generation_ = room_->generation();
  const auto seen = room_->last_seq();
  auto snap = co_await svc_.engine.snapshot(trip_);
  auto facts = co_await svc_.catalog.get(trip_);
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
      close(ws::close_try_again_later, "temporarily unavailable");
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
  send(initial_state_frame(*snap, facts->booked, svc_.clk.now(), svc_.engine.epoch()));
  next_seq_ = snap->seq + 1;
  synced_from_ = next_seq_;
  ready_ = true;
  resyncing_ = false;
  drain();
}

void viewer_session::spawn_resync() {
  resyncing_ = true;  // at once: a drain before the coroutine starts must not spawn a second
  asio::co_spawn(executor(), resync(), [self = self()](std::exception_ptr e) {
    log_exception(e, "resync failed");
    if (e) self->close(ws::close_try_again_later, "temporarily unavailable");
  });
}

void viewer_session::retry_resync_later() {
  stale_ = true;
  resync_retry_.expires_after(std::chrono::seconds(1));
  resync_retry_.async_wait([self = self()](boost::system::error_code ec) {
    if (!ec && !self->closing() && self->stale_ && !self->resyncing_) self->spawn_resync();
  });
}

void viewer_session::drain() {
  // Stale: the retry timer, or a room reset (the backend is back), starts the next resync.
  if (!ready_ || resyncing_ || closing() || !room_) return;
  if (stale_ && room_->generation() == generation_) return;
  if (room_->generation() != generation_) {
    // The room started over (events may have been lost upstream): a fresh INITIAL_STATE.
    spawn_resync();
    return;
  }
  // Straight into the connection's queue: the room's shared frames are appended after what is
  // pending, up to a batch; a batch over the queue's bound closes the viewer (1008, slow
  // consumer).
  // An identified viewer also gets the offers made to its user (WAITLIST_OFFER after the
  // offer's lock frames): one more frame than seqs read, so the next seq comes from the room.
  std::uint64_t next = next_seq_;
  auto added = send_batch([&](std::vector<frame>& queue) {
    return room_->read(next_seq_, queue, queue.size() + drain_batch, protocol_, user_, &next);
  });
  if (!added) {
    // Fell behind the kept history (or events were lost upstream): start over from a snapshot.
    spawn_resync();
    return;
  }
  if (*added == 0) return;  // nothing new (or over the queue's bound: closing)
  next_seq_ = next;
  svc_.hub.count_delivered(*added);
  if (*added >= drain_batch) wake();  // more to come; let other viewers run first
}

void viewer_session::on_text(std::string_view payload) {
  if (closing()) return;
  // A flood of pings earns one pong at a time.
  if (payload == "ping") {
    send_once(pong_frame());
    return;
  }
  // JSON (AUTH, docs/protocol.md); any other client text is ignored, as the contract says.
  if (is_client_json(payload)) on_json(payload);
}

void viewer_session::on_json(std::string_view payload) {
  // Every JSON message counts, whatever it holds: a client guessing tokens, or sending junk,
  // gets a few answers and then the door (1008), not a parse and a database read per message.
  if (++auth_attempts_ > max_auth_attempts) {
    close(ws::close_policy, "too many AUTH attempts");
    return;
  }
  auto message = read_client_json(payload);
  if (auto* refused = std::get_if<auth_refusal>(&message)) {
    send(auth_failed_frame(refused->detail));
    return;
  }
  auto* request = std::get_if<auth_request>(&message);
  if (!request) return;  // a message type this server does not know: ignored
  if (auth_pending_) {
    send(auth_failed_frame("an earlier AUTH is still being checked"));
    return;
  }
  auth_pending_ = true;
  asio::co_spawn(executor(), authenticate(std::move(request->token)),
                 [self = self()](std::exception_ptr e) {
                   log_exception(e, "AUTH failed");
                   self->auth_pending_ = false;
                 });
}

asio::awaitable<void> viewer_session::authenticate(std::string token) {
  std::optional<row_id> who;
  bool unknown = false;
  try {
    // The call first, the co_await after: no temporary string inside the co_await expression
    // (GCC 12 destroys those twice; see exec/worker_pool.hpp).
    auto check = svc_.identify(std::move(token));
    who = co_await std::move(check);
  } catch (const std::exception& e) {
    spdlog::debug("viewer: AUTH could not be checked: {}", e.what());
    unknown = true;
  } catch (...) {
    unknown = true;
  }
  auth_pending_ = false;
  if (closing()) co_return;
  if (!who || *who <= 0) {
    // Anonymous from here on, also after an earlier AUTH_OK: the viewer says who it is now.
    user_ = 0;
    send(auth_failed_frame(unknown ? "temporarily unavailable, try again"
                                   : "invalid or expired token"));
    co_return;
  }
  const bool newly = user_ != *who;
  user_ = *who;
  send(auth_ok_frame(user_));
  // Offers to this user among what the viewer already read without them (a resume's replay
  // comes before the client can send AUTH, and the check takes a moment): sent now, once.
  if (newly && ready_ && !stale_ && room_ && room_->generation() == generation_) {
    std::vector<frame> late;
    room_->offers(synced_from_, next_seq_ - 1, user_, late);
    for (const auto& f : late) send(f);
  }
}

void viewer_session::on_closing() { resync_retry_.cancel(); }

void viewer_session::on_finished() {
  resync_retry_.cancel();
  if (room_) room_->leave(this, shard_);
  admission_ = {};
}

}  // namespace seatd::realtime
