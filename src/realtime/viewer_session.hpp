#pragma once
// One WebSocket viewer of a trip's seat map (/ws/seats/{trip_id}): validates the trip, joins its
// room, sends INITIAL_STATE (or the missed events for ?since=), then forwards every event in seq
// order and answers "ping" with "pong". The outgoing queue is bounded in bytes and a viewer that
// falls behind it is closed by policy.
//
// Beast performs the opening handshake; after it the session speaks RFC 6455 itself on the bare
// socket (realtime/ws_wire.hpp). That is what lets it write the room's shared, already framed
// bytes as they are, several queued events in one gather write, and keep an idle viewer small:
// no WebSocket stream state with its fixed buffers, no upgrade request, no live coroutine frame,
// a 128-byte read chunk. It is the only writer of its socket (one write in flight, on its
// strand), so control frames (pong, keep-alive ping, close) go through the same queue.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/tcp_stream.hpp>

#include <array>
#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "domain/clock.hpp"
#include "domain/inflight_limiter.hpp"
#include "holds/hold_engine.hpp"
#include "net/http.hpp"
#include "net/session_registry.hpp"
#include "realtime/seat_hub.hpp"
#include "realtime/trip_catalog.hpp"
#include "realtime/ws_wire.hpp"

namespace seatd::realtime {

struct viewer_options {
  std::size_t max_queue_bytes = 256u << 10;
  std::size_t read_message_max = 4096;
  std::size_t socket_send_buffer = 64u << 10;
  std::chrono::seconds idle_timeout{60};  // keep-alive pings at half of it
  std::chrono::seconds handshake_timeout{10};
  std::chrono::seconds close_timeout{10};  // how long a closing peer may take to answer
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
    inflight_limiter& admission;  // the per-client cap on open viewers
  };

  // client: the resolved client address (behind a trusted proxy, from X-Forwarded-For); empty:
  // the TCP peer. The per-client cap counts by it.
  viewer_session(boost::beast::tcp_stream&& stream, net::request&& upgrade, deps d,
                 std::string client = {});
  void start();
  void wake() override;
  void drain() override;
  void stop() override;

 private:
  boost::asio::awaitable<void> run();
  // The per-client cap, before the upgrade: false when refused (429 written, socket closed).
  boost::asio::awaitable<bool> admit();
  boost::asio::awaitable<void> resync();
  void enqueue(const frame& f);
  void write_pending();
  void on_written(boost::system::error_code ec);
  void read_more();
  void on_read(boost::system::error_code ec, std::size_t n);
  void policy_close(std::uint16_t code, const char* reason);
  void arm_timer(std::chrono::steady_clock::duration d);
  void on_timer();
  void finish();
  void spawn_resync();
  void retry_resync_later();

  // The shard strand this viewer runs on (seat_hub's), fixed at construction: the socket is
  // moved onto it, and wake() posts to it from any thread.
  using socket_type = boost::asio::basic_stream_socket<boost::asio::ip::tcp, shard_executor>;
  using timer_type = boost::asio::basic_waitable_timer<
      std::chrono::steady_clock, boost::asio::wait_traits<std::chrono::steady_clock>,
      shard_executor>;
  std::size_t shard_;
  shard_executor ex_;
  socket_type socket_;
  net::request upgrade_;  // until the handshake, then released
  deps deps_;
  timer_type timer_;  // keep-alive ping, idle deadline, close deadline
  timer_type resync_retry_;
  std::shared_ptr<room> room_;
  id_t trip_ = 0;
  std::uint64_t registry_id_ = 0;
  inflight_limiter::ticket admission_;  // this viewer's place in its client's share, until finish()
  std::string client_;

  // Strand-only state.
  ws::client_reader reader_;
  std::string in_;                    // received bytes not yet decoded (at most one frame)
  std::array<char, 128> chunk_{};     // clients send "ping" and little else
  std::vector<frame> pending_;        // queued, not yet written
  std::vector<frame> writing_;        // the batch of the write in flight
  std::vector<boost::asio::const_buffer> gather_;
  const std::string* close_frame_ = nullptr;  // our close frame, once queued
  std::size_t queued_bytes_ = 0;      // pending_ + writing_
  bool handshaken_ = false;
  bool reading_ = false;
  bool writing_now_ = false;
  bool pong_queued_ = false;
  bool ready_ = false;      // next_seq_ is meaningful (INITIAL_STATE sent or resumed)
  bool resyncing_ = false;
  bool closing_ = false;    // no more messages: a close frame is queued or the socket is gone
  bool discard_input_ = false;  // after a frame we cannot decode past: skip bytes until EOF
  bool received_ = false;       // bytes arrived since the last keep-alive tick
  bool ping_sent_ = false;      // a keep-alive ping is unanswered
  bool finished_ = false;
  std::uint64_t next_seq_ = 0;
  std::uint64_t generation_ = 0;  // the room's generation next_seq_ belongs to
  bool stale_ = false;            // a resync failed (backend away): next_seq_ means nothing
  std::atomic<bool> wake_pending_{false};
};

}  // namespace seatd::realtime
