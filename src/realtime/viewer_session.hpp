#pragma once
// One WebSocket viewer of a trip's seat map (/ws/seats/{trip_id}): validates the trip, joins its
// room, sends INITIAL_STATE (or the missed events for ?since=), then forwards every event in seq
// order and answers "ping" with "pong". One read and one write in flight at most (Beast's rule);
// the outgoing queue is bounded in bytes and a viewer that falls behind it is closed by policy.
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/websocket/stream.hpp>

#include <atomic>
#include <deque>
#include <memory>

#include "domain/clock.hpp"
#include "holds/hold_engine.hpp"
#include "net/http.hpp"
#include "net/session_registry.hpp"
#include "realtime/seat_hub.hpp"
#include "realtime/trip_catalog.hpp"

namespace seatd::realtime {

struct viewer_options {
  std::size_t max_queue_bytes = 256u << 10;
  std::size_t read_message_max = 4096;
  std::size_t socket_send_buffer = 64u << 10;
  std::chrono::seconds idle_timeout{60};  // keep-alive pings at half of it
};

// Close codes seatd uses besides RFC 6455's (4000-4999 are the application's).
constexpr std::uint16_t close_invalid_trip = 4400;
constexpr std::uint16_t close_unknown_trip = 4404;

class viewer_session final : public viewer,
                             public net::stoppable,
                             public std::enable_shared_from_this<viewer_session> {
 public:
  struct deps {
    seat_hub& hub;
    trip_catalog& catalog;
    hold_engine& engine;
    const clock& clk;
    net::session_registry& registry;
    const viewer_options& options;
  };

  viewer_session(boost::beast::tcp_stream&& stream, net::request&& upgrade, deps d);
  void start();
  void wake() override;
  void stop() override;

 private:
  boost::asio::awaitable<void> run();
  boost::asio::awaitable<void> resync();
  boost::asio::awaitable<void> close_with(std::uint16_t code, std::string reason);
  void drain();
  void enqueue(const frame& f);
  void do_write();
  void policy_close(std::uint16_t code, const char* reason);
  void spawn_resync();
  void retry_resync_later();

  boost::beast::websocket::stream<boost::beast::tcp_stream> ws_;
  net::request upgrade_;
  deps deps_;
  boost::beast::flat_buffer read_buffer_;
  std::shared_ptr<room> room_;
  id_t trip_ = 0;
  std::uint64_t registry_id_ = 0;

  // Strand-only state.
  std::deque<frame> queue_;
  std::size_t queued_bytes_ = 0;
  bool writing_ = false;
  bool pong_queued_ = false;
  bool ready_ = false;      // next_seq_ is meaningful (INITIAL_STATE sent or resumed)
  bool resyncing_ = false;
  bool closing_ = false;
  bool close_sent_ = false;
  std::uint16_t pending_close_code_ = 0;
  std::string pending_close_reason_;
  std::uint64_t next_seq_ = 0;
  std::uint64_t generation_ = 0;  // the room's generation next_seq_ belongs to
  bool stale_ = false;            // a resync failed (backend away): next_seq_ means nothing
  boost::asio::steady_timer resync_retry_;
  std::atomic<bool> wake_pending_{false};
};

}  // namespace seatd::realtime
