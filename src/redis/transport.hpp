#pragma once
// The part redis::connection and redis::subscriber share: one TCP connection to one Redis
// server, kept alive forever until stop(). It dials (resolve, connect, AUTH / SELECT /
// CLIENT SETNAME / PING, all under connect_timeout), then runs four loops on the strand
// until one fails: read (bytes -> replies -> on_reply), write (everything send() queued,
// batched into one write), watchdog (the earliest outstanding deadline) and health check
// (PING when idle). On failure it closes the socket, lets the protocol layer fail what was
// outstanding, reports on_disconnected and reconnects after a jittered exponential backoff.
//
// The protocol layer (a subclass) owns what is outstanding and how replies match it; it is
// called on the strand through the hooks below. Everything here runs on the strand except
// start(), stop() and connected().
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/system/error_code.hpp>
#include <boost/system/result.hpp>

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "redis/callback_gate.hpp"
#include "redis/config.hpp"
#include "redis/endpoint.hpp"
#include "redis/errc.hpp"
#include "redis/reply.hpp"
#include "redis/reply_reader.hpp"

namespace seatd::redis::detail {

class transport : public std::enable_shared_from_this<transport> {
 public:
  using clock = std::chrono::steady_clock;
  using connected_handler = std::function<void()>;
  // (why, human-readable detail such as the server's error text)
  using error_handler = std::function<void(const boost::system::error_code&, std::string_view)>;

  // `strand` must be a strand (or another serialising executor): all state lives on it.
  transport(boost::asio::any_io_executor strand, config cfg, endpoint ep);
  virtual ~transport();
  transport(const transport&) = delete;
  transport& operator=(const transport&) = delete;

  // Any thread. start() begins connecting; it is a no-op after stop().
  void start();
  // Any thread. Closes the connection and completes everything outstanding with
  // errc::stopped. Once it returns no user callback (on_connected, on_disconnected,
  // on_connect_failed, subscriber messages) runs or will run; a callback in progress on
  // another thread is waited for. Completions of pending operations are still delivered
  // (with errc::stopped) through their own executors, possibly after stop() returns.
  void stop();
  // Any thread: the connection is up and (subscriber) resubscribed.
  bool connected() const noexcept {
    return connected_.load(std::memory_order_acquire) &&
           !stop_requested_.load(std::memory_order_acquire);
  }
  const boost::asio::any_io_executor& strand() const noexcept { return strand_; }

  // Set before start(); invoked on the strand.
  connected_handler on_connected;      // after every successful (re)connect
  error_handler on_disconnected;       // when an established connection is lost
  error_handler on_connect_failed;     // when a connect attempt fails (every attempt)

 protected:
  enum class phase { idle, connecting, syncing, ready, stopped };

  // --- for the protocol layer, strand only ---
  phase current_phase() const noexcept { return phase_; }
  // The socket is usable: handshake done (possibly still resubscribing).
  bool link_up() const noexcept { return phase_ == phase::syncing || phase_ == phase::ready; }
  const config& cfg() const noexcept { return cfg_; }
  // Queues bytes for the writer (sent in order, batched).
  void send(std::string_view bytes);
  // Bytes queued by send() and not yet handed to a write.
  std::size_t queued_bytes() const noexcept { return out_.size(); }
  // Declares the connection broken; outstanding work fails via on_link_down.
  void fail_link(errc why, std::string detail);
  // The link is ready for users: fires on_connected.
  void mark_ready();
  // Call after adding outstanding work, so a watchdog with nothing to watch wakes up.
  void deadline_added();
  callback_gate& gate() noexcept { return gate_; }

  // --- hooks, called on the strand ---
  // Handshake done. Call mark_ready() now, or later once the link is synced.
  virtual void on_link_up() = 0;
  // Each reply, in arrival order.
  virtual void on_reply(reply r) = 0;
  // The earliest deadline of outstanding work (deadlines must not decrease in FIFO order).
  virtual std::optional<clock::time_point> next_deadline() const = 0;
  // That deadline passed: complete the overdue work with errc::timeout. The transport then
  // resets the connection.
  virtual void on_deadline_passed() = 0;
  // Nothing is outstanding, so a health check may be sent.
  virtual bool idle() const = 0;
  // Send a PING and track its reply.
  virtual void send_health_check() = 0;
  // The link is gone: complete all outstanding work with `ec` and forget it.
  virtual void on_link_down(const boost::system::error_code& ec) = 0;

 private:
  struct dial_result {
    boost::system::error_code ec;
    std::string detail;
  };

  boost::asio::awaitable<void> run();
  boost::asio::awaitable<dial_result> dial();
  boost::asio::awaitable<dial_result> dial_steps();
  boost::asio::awaitable<void> dial_deadline();
  boost::asio::awaitable<boost::system::result<reply>> read_one();
  boost::asio::awaitable<void> read_loop();
  boost::asio::awaitable<void> write_loop();
  boost::asio::awaitable<void> watchdog_loop();
  boost::asio::awaitable<void> health_loop();
  boost::asio::awaitable<bool> pause(unsigned attempt);
  void end_link();
  void do_stop();

  boost::asio::any_io_executor strand_;
  config cfg_;
  endpoint ep_;
  boost::asio::ip::tcp::resolver resolver_;
  boost::asio::ip::tcp::socket socket_;
  boost::asio::steady_timer backoff_timer_;
  boost::asio::steady_timer connect_timer_;
  boost::asio::steady_timer watchdog_timer_;
  boost::asio::steady_timer health_timer_;
  boost::asio::steady_timer write_signal_;  // a condition variable: cancel() wakes the writer
  reply_reader reader_;
  std::vector<char> read_buf_;
  std::string out_;   // queued by send()
  std::string wbuf_;  // being written
  phase phase_ = phase::idle;
  bool started_ = false;
  bool dialing_ = false;  // dial_steps() has not returned yet
  bool link_failed_ = false;
  bool was_ready_ = false;  // connected once: every later ready is a reconnect
  boost::system::error_code link_error_;
  std::string link_detail_;
  bool writer_idle_ = false;
  bool watchdog_idle_ = false;
  clock::time_point last_read_{};
  std::atomic<bool> connected_{false};
  std::atomic<bool> stop_requested_{false};  // stop() was called (do_stop may still be queued)
  callback_gate gate_;
  std::minstd_rand rng_;
};

}  // namespace seatd::redis::detail
