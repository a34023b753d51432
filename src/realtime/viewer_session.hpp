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
#include <memory>
#include <string>
#include <string_view>

#include "domain/clock.hpp"
#include "domain/inflight_limiter.hpp"
#include "holds/hold_engine.hpp"
#include "net/http.hpp"
#include "net/session_registry.hpp"
#include "net/websocket_connection.hpp"
#include "realtime/seat_hub.hpp"
#include "realtime/trip_catalog.hpp"

namespace seatd::realtime {

// The transport's bounds: queue bytes, message size, send buffer, idle / handshake / close
// timeouts.
using viewer_options = net::websocket_options;

// Close codes seatd uses besides RFC 6455's (4000-4999 are the application's).
constexpr std::uint16_t close_invalid_trip = 4400;
constexpr std::uint16_t close_unknown_trip = 4404;

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
  bool ready_ = false;            // next_seq_ is meaningful (INITIAL_STATE sent or resumed)
  bool resyncing_ = false;
  bool stale_ = false;            // a resync failed (backend away): next_seq_ means nothing
  protocol protocol_ = protocol::v1;  // ?v=2 on the upgrade request: v2
  std::atomic<bool> wake_pending_{false};  // (the flags together: no padding between them)
};

}  // namespace seatd::realtime
