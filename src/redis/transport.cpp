#include "redis/transport.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <exception>
#include <utility>

#include "redis/backoff.hpp"
#include "redis/command.hpp"

namespace seatd::redis::detail {

namespace asio = boost::asio;
using boost::system::error_code;
using namespace asio::experimental::awaitable_operators;
constexpr auto tuple_awaitable = asio::as_tuple(asio::use_awaitable);

namespace {
constexpr std::size_t read_chunk = 64 * 1024;

std::string millis(std::chrono::milliseconds d) { return std::to_string(d.count()) + " ms"; }
}  // namespace

transport::transport(asio::any_io_executor strand, config cfg, endpoint ep)
    : strand_(std::move(strand)),
      cfg_(std::move(cfg)),
      ep_(std::move(ep)),
      resolver_(strand_),
      socket_(strand_),
      backoff_timer_(strand_),
      connect_timer_(strand_),
      watchdog_timer_(strand_),
      health_timer_(strand_),
      write_signal_(strand_),
      reader_(cfg_.limits),
      read_buf_(read_chunk),
      rng_(std::random_device{}()) {}

transport::~transport() = default;

void transport::start() {
  asio::post(strand_, [self = shared_from_this()] {
    if (self->started_ || self->phase_ == phase::stopped) return;
    self->started_ = true;
    // The completion handler keeps the transport alive until the loop has fully ended.
    asio::co_spawn(self->strand_, self->run(), [self](const std::exception_ptr&) {});
  });
}

void transport::stop() {
  stop_requested_.store(true, std::memory_order_release);
  gate_.close();
  asio::post(strand_, [self = shared_from_this()] { self->do_stop(); });
}

void transport::do_stop() {
  if (phase_ == phase::stopped) return;
  const bool was_up = link_up();
  phase_ = phase::stopped;
  connected_.store(false, std::memory_order_release);
  if (was_up) fail_link(errc::stopped, "stopped");
  error_code ignored;
  resolver_.cancel();
  backoff_timer_.cancel();
  connect_timer_.cancel();
  watchdog_timer_.cancel();
  health_timer_.cancel();
  write_signal_.cancel();
  socket_.close(ignored);
  on_link_down(make_error_code(errc::stopped));
}

void transport::send(std::string_view bytes) {
  out_.append(bytes);
  if (writer_idle_) write_signal_.cancel();
}

void transport::fail_link(errc why, std::string detail) {
  if (link_failed_) return;
  link_failed_ = true;
  link_error_ = make_error_code(why);
  link_detail_ = std::move(detail);
  // Wake every loop: the socket ops and timers complete at once with operation_aborted.
  error_code ignored;
  socket_.close(ignored);
  watchdog_timer_.cancel();
  health_timer_.cancel();
  write_signal_.cancel();
}

void transport::mark_ready() {
  if (phase_ != phase::syncing) return;
  phase_ = phase::ready;
  connected_.store(true, std::memory_order_release);
  if (std::exchange(was_ready_, true) && cfg_.reconnects) cfg_.reconnects->inc();
  gate_.invoke(on_connected);
}

void transport::deadline_added() {
  if (watchdog_idle_) watchdog_timer_.cancel();
}

asio::awaitable<void> transport::run() {
  unsigned attempt = 0;
  while (phase_ != phase::stopped) {
    phase_ = phase::connecting;
    dial_result dialed;
    try {
      dialed = co_await dial();
    } catch (const std::exception& e) {
      dialed = {make_error_code(errc::protocol), e.what()};
    }
    if (phase_ == phase::stopped) break;
    if (dialed.ec) {
      gate_.invoke(on_connect_failed, dialed.ec, dialed.detail);
      if (!co_await pause(attempt++)) break;
      continue;
    }

    link_failed_ = false;
    link_error_ = {};
    link_detail_.clear();
    out_.clear();
    last_read_ = clock::now();
    phase_ = phase::syncing;
    try {
      on_link_up();
      if (!link_failed_) {
        // When one loop ends (it fails the link first), the others are cancelled and
        // awaited, so nothing of this link outlives the statement.
        auto loops = read_loop() || write_loop() || watchdog_loop() || health_loop();
        co_await std::move(loops);
      }
    } catch (const std::exception& e) {
      // Only allocation failures can get here; treat them like a broken link rather than
      // let the client die silently.
      fail_link(errc::protocol, e.what());
    }
    const bool was_ready = phase_ == phase::ready;
    end_link();
    if (phase_ == phase::stopped) break;
    if (was_ready) {
      attempt = 0;
      gate_.invoke(on_disconnected, link_error_, link_detail_);
    } else {
      gate_.invoke(on_connect_failed, link_error_, link_detail_);
    }
    if (!co_await pause(attempt++)) break;
  }
}

void transport::end_link() {
  if (!link_failed_) fail_link(errc::connection_lost, "connection closed");
  error_code ignored;
  socket_.close(ignored);
  reader_.reset();
  out_.clear();
  wbuf_.clear();
  writer_idle_ = false;
  watchdog_idle_ = false;
  connected_.store(false, std::memory_order_release);
  if (phase_ == phase::stopped) return;  // do_stop() already failed everything
  phase_ = phase::connecting;
  // Whatever was in flight may or may not have run: connection_lost, not timeout (the
  // command that actually timed out was completed with timeout by on_deadline_passed).
  on_link_down(make_error_code(errc::connection_lost));
}

asio::awaitable<bool> transport::pause(unsigned attempt) {
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  backoff_timer_.expires_after(backoff_delay(cfg_.reconnect, attempt, unit(rng_)));
  auto [ec] = co_await backoff_timer_.async_wait(tuple_awaitable);
  (void)ec;
  co_return phase_ != phase::stopped;
}

asio::awaitable<transport::dial_result> transport::dial() {
  connect_timer_.expires_after(cfg_.connect_timeout);
  dialing_ = true;
  auto race = dial_steps() || dial_deadline();
  auto outcome = co_await std::move(race);
  if (outcome.index() == 0) co_return std::get<0>(std::move(outcome));
  co_return dial_result{make_error_code(errc::timeout),
                        "connect to " + ep_.redacted() + " timed out after " +
                            millis(cfg_.connect_timeout)};
}

asio::awaitable<void> transport::dial_deadline() {
  auto [ec] = co_await connect_timer_.async_wait(tuple_awaitable);
  // Cancelled: the steps finished first (or stop() closes everything itself). The timer may
  // also have fired just as the steps finished; then the connection must stay open.
  if (ec || !dialing_) co_return;
  // A resolver or connect stuck in the kernel may ignore per-operation cancellation; these
  // make them complete now.
  error_code ignored;
  resolver_.cancel();
  socket_.close(ignored);
}

asio::awaitable<transport::dial_result> transport::dial_steps() {
  struct finished {
    bool& dialing;
    ~finished() { dialing = false; }
  } on_return{dialing_};
  error_code ignored;
  socket_.close(ignored);
  reader_.reset();
  const std::string port = std::to_string(ep_.port);
  auto [rec, endpoints] = co_await resolver_.async_resolve(ep_.host, port, tuple_awaitable);
  if (rec) {
    co_return dial_result{make_error_code(errc::unavailable),
                          "resolve " + ep_.host + ": " + rec.message()};
  }
  auto [cec, peer] = co_await asio::async_connect(socket_, endpoints, tuple_awaitable);
  (void)peer;
  if (cec) {
    co_return dial_result{make_error_code(errc::unavailable),
                          "connect to " + ep_.redacted() + ": " + cec.message()};
  }
  socket_.set_option(asio::ip::tcp::no_delay(true), ignored);
  socket_.set_option(asio::socket_base::keep_alive(true), ignored);

  // One pipelined batch, so the handshake costs one round trip. PING last: a server that
  // accepts TCP but does not answer (paused, overloaded) must not count as connected.
  std::string batch;
  std::vector<std::string_view> names;
  if (!ep_.password.empty()) {
    command auth{"AUTH"};
    if (!ep_.username.empty()) auth.push(ep_.username);
    auth.push(ep_.password);
    batch += auth.encode();
    names.push_back("AUTH");
  }
  if (ep_.db != 0) {
    batch += command{"SELECT"}.push(ep_.db).encode();
    names.push_back("SELECT");
  }
  if (!cfg_.client_name.empty()) {
    batch += command{"CLIENT", "SETNAME", cfg_.client_name}.encode();
    names.push_back("CLIENT SETNAME");
  }
  batch += command{"PING"}.encode();
  names.push_back("PING");

  auto [wec, written] = co_await asio::async_write(socket_, asio::buffer(batch), tuple_awaitable);
  (void)written;
  if (wec) {
    co_return dial_result{make_error_code(errc::unavailable), "handshake: " + wec.message()};
  }
  for (std::string_view name : names) {
    auto r = co_await read_one();
    if (!r) {
      co_return dial_result{r.error(), std::string(name) + ": " +
                                           (r.error() == errc::protocol
                                                ? reader_.error_message()
                                                : std::string("connection closed"))};
    }
    if (r->is_error()) {
      co_return dial_result{make_error_code(errc::server_error),
                            std::string(name) + ": " + r->str()};
    }
    if (name == "PING" && !(r->is_status() && r->str() == "PONG")) {
      co_return dial_result{make_error_code(errc::protocol),
                            "PING answered " + r->debug_string()};
    }
  }
  co_return dial_result{};
}

asio::awaitable<boost::system::result<reply>> transport::read_one() {
  for (;;) {
    auto next = reader_.next();
    if (!next) co_return next.error();
    if (*next) co_return std::move(**next);
    auto [ec, n] = co_await socket_.async_read_some(asio::buffer(read_buf_), tuple_awaitable);
    if (ec) co_return make_error_code(errc::connection_lost);
    reader_.feed(std::string_view(read_buf_.data(), n));
  }
}

asio::awaitable<void> transport::read_loop() {
  for (;;) {
    auto [ec, n] = co_await socket_.async_read_some(asio::buffer(read_buf_), tuple_awaitable);
    if (link_failed_) co_return;
    if (ec) {
      fail_link(errc::connection_lost, ec == asio::error::eof
                                           ? std::string("server closed the connection")
                                           : "read: " + ec.message());
      co_return;
    }
    last_read_ = clock::now();
    reader_.feed(std::string_view(read_buf_.data(), n));
    for (;;) {
      auto next = reader_.next();
      if (!next) {
        fail_link(errc::protocol, reader_.error_message());
        co_return;
      }
      if (!*next) break;
      on_reply(std::move(**next));
      if (link_failed_) co_return;
    }
  }
}

asio::awaitable<void> transport::write_loop() {
  for (;;) {
    if (out_.empty()) {
      writer_idle_ = true;
      write_signal_.expires_at(clock::time_point::max());
      auto [ec] = co_await write_signal_.async_wait(tuple_awaitable);
      (void)ec;
      writer_idle_ = false;
      if (link_failed_) co_return;
      continue;
    }
    // Everything queued since the last write goes out in one write: automatic pipelining.
    wbuf_.swap(out_);
    out_.clear();
    auto [ec, n] = co_await asio::async_write(socket_, asio::buffer(wbuf_), tuple_awaitable);
    (void)n;
    wbuf_.clear();
    if (link_failed_) co_return;
    if (ec) {
      fail_link(errc::connection_lost, "write: " + ec.message());
      co_return;
    }
  }
}

asio::awaitable<void> transport::watchdog_loop() {
  for (;;) {
    auto due = next_deadline();
    watchdog_idle_ = !due;
    watchdog_timer_.expires_at(due ? *due : clock::time_point::max());
    auto [ec] = co_await watchdog_timer_.async_wait(tuple_awaitable);
    (void)ec;
    watchdog_idle_ = false;
    if (link_failed_) co_return;
    // Woken early (work added to an empty queue, or the front completed): re-arm.
    auto now_due = next_deadline();
    if (now_due && *now_due <= clock::now()) {
      on_deadline_passed();
      fail_link(errc::timeout, "no reply within " + millis(cfg_.command_timeout));
      co_return;
    }
  }
}

asio::awaitable<void> transport::health_loop() {
  const auto interval = cfg_.health_check_interval;
  for (;;) {
    if (interval.count() > 0) {
      health_timer_.expires_after(interval);
    } else {
      health_timer_.expires_at(clock::time_point::max());  // until the link ends
    }
    auto [ec] = co_await health_timer_.async_wait(tuple_awaitable);
    (void)ec;
    if (link_failed_) co_return;
    if (interval.count() > 0 && idle() && clock::now() - last_read_ >= interval) {
      send_health_check();
    }
  }
}

}  // namespace seatd::redis::detail
