#pragma once
// One WebSocket viewer of a trip's seat map (/ws/seats/{trip_id}): admits it under the
// per-client cap, validates the trip, joins its room, sends INITIAL_STATE (or the missed events
// for ?since=), then forwards every event in seq order and answers "ping" with "pong".
//
// The transport is net::websocket_connection (RFC 6455 on the bare socket, the queue bounded in
// bytes with its slow-consumer close, gather writes, keep-alive and idle timers, the closing
// handshake); this class is derived from it, so the viewer and its connection are one object
// with one owner (see websocket_connection.hpp for why a derived class and not callbacks). The
// room's frames are the whole WebSocket frames the connection writes as they are.
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/tcp_stream.hpp>

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "domain/clock.hpp"
#include "domain/inflight_limiter.hpp"
#include "holds/hold_engine.hpp"
#include "net/http.hpp"
#include "net/session_registry.hpp"
#include "net/websocket_connection.hpp"
#include "realtime/auth_message.hpp"
#include "realtime/seat_hub.hpp"
#include "realtime/trip_catalog.hpp"

namespace seatd::realtime {

// The transport's bounds: queue bytes, message size, send buffer, idle / handshake / close
// timeouts.
using viewer_options = net::websocket_options;

// Close codes seatd uses besides RFC 6455's (4000-4999 are the application's).
constexpr std::uint16_t close_invalid_trip = 4400;
constexpr std::uint16_t close_unknown_trip = 4404;

// Who a bearer token names (docs/protocol.md, "AUTH"): the user's id, or nullopt for a token
// that is not accepted now (forged, expired, revoked, its user gone or logged out everywhere).
// Throws when it cannot tell (the worker pool is full, the database is away). The app builds
// it from the HTTP API's token check; realtime knows no tokens (docs/architecture.md, Layers).
// By value: the coroutine must not keep a reference to its caller's string (CP.53).
using identify_fn = std::function<boost::asio::awaitable<std::optional<row_id>>(std::string)>;

// The bounds on AUTH (docs/protocol.md): a JSON message (text that starts with '{') over
// max_auth_bytes (auth_message.hpp) is refused with AUTH_FAILED; each JSON message counts as
// an attempt, and the one after max_auth_attempts closes the connection with 1008.
constexpr int max_auth_attempts = 5;

class viewer_session final : public viewer, public net::websocket_connection {
 public:
  struct deps {
    seat_hub& hub;
    trip_catalog& catalog;
    hold_engine& engine;
    const clock& clk;
    net::session_registry& registry;
    const viewer_options& options;
    inflight_limiter& admission;  // the per-client cap on open viewers
    const identify_fn& identify;  // AUTH: the token's user (outlives every viewer)
  };

  // client: the resolved client address (behind a trusted proxy, from X-Forwarded-For); empty:
  // the TCP peer. The per-client cap counts by it.
  viewer_session(boost::beast::tcp_stream&& stream, net::request&& upgrade, deps d,
                 std::string client = {});
  void start();
  void wake() override;
  void drain() override;

 private:
  viewer_session(boost::beast::tcp_stream&& stream, net::request&& upgrade, deps d,
                 std::string client, std::size_t shard);
  std::shared_ptr<viewer_session> self();
  boost::asio::awaitable<bool> run();
  // The per-client cap, before the upgrade: false when refused (429 written, socket closed).
  boost::asio::awaitable<bool> admit();
  boost::asio::awaitable<void> resync();
  void spawn_resync();
  void retry_resync_later();

  void on_text(std::string_view payload) override;
  // A JSON message (text starting with '{'): AUTH, under the bounds above.
  void on_json(std::string_view payload);
  // Checks the token (identify) and answers AUTH_OK or AUTH_FAILED; on the strand.
  boost::asio::awaitable<void> authenticate(std::string token);
  void on_closing() override;
  void on_finished() override;

  using timer_type = boost::asio::basic_waitable_timer<
      std::chrono::steady_clock, boost::asio::wait_traits<std::chrono::steady_clock>,
      shard_executor>;
  // The shard strand this viewer runs on (seat_hub's), fixed at construction: the connection
  // runs on it, and wake() posts to it from any thread.
  std::size_t shard_;
  net::request upgrade_;  // until the handshake, then released
  // What the viewer uses after construction: deps without the options and the registry, which
  // the connection keeps (a reference less each, per idle viewer).
  struct services {
    seat_hub& hub;
    trip_catalog& catalog;
    hold_engine& engine;
    const clock& clk;
    inflight_limiter& admission;
    const identify_fn& identify;
  };
  services svc_;
  timer_type resync_retry_;
  std::shared_ptr<room> room_;
  row_id trip_ = 0;
  inflight_limiter::ticket admission_;  // this viewer's place in its client's share, until finished
  std::string client_;

  // Strand-only state.
  std::uint64_t next_seq_ = 0;
  std::uint64_t generation_ = 0;  // the room's generation next_seq_ belongs to
  row_id user_ = 0;               // identified by AUTH (0: anonymous): gets its offers
  std::uint64_t synced_from_ = 0;  // the first seq read since the last INITIAL_STATE or resume
  int auth_attempts_ = 0;         // JSON messages received
  bool auth_pending_ = false;     // an AUTH is being checked
  bool ready_ = false;            // next_seq_ is meaningful (INITIAL_STATE sent or resumed)
  bool resyncing_ = false;
  bool stale_ = false;            // a resync failed (backend away): next_seq_ means nothing
  protocol protocol_ = protocol::v1;  // ?v=2 on the upgrade request: v2
  std::atomic<bool> wake_pending_{false};  // (the flags together: no padding between them)
};

}  // namespace seatd::realtime
