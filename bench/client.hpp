#pragma once
// seatd-bench: the client side. A few threads, each running its own io_context with many
// connections (C++20 coroutines); a keep-alive HTTP/1.1 connection and a WebSocket viewer that
// speak only the public contract; and the setup steps (accounts, admin token, schedule).
// Everything targets loopback addresses only and every wait has a deadline.
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/websocket/stream.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace bench {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;
using steady = std::chrono::steady_clock;
using namespace std::chrono_literals;
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

// Microseconds on the steady clock (for latencies) and on the system clock (for comparing
// with the server's millisecond timestamps).
inline std::int64_t now_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(steady::now().time_since_epoch())
      .count();
}
inline std::int64_t wall_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Where the server(s) listen: one loopback address, one or more ports (several seatd
// instances). Connection i uses ports[i % ports.size()].
struct target {
  asio::ip::address address;
  std::vector<unsigned short> ports;
  tcp::endpoint endpoint(std::size_t i) const { return {address, ports[i % ports.size()]}; }
  std::string host_header(std::size_t i) const;
};
// Parses host (an IP literal or "localhost") and refuses anything that is not loopback.
asio::ip::address loopback_address(const std::string& host);

// Coroutines started together; wait() blocks until all have ended.
struct task_group {
  std::mutex m;
  std::condition_variable cv;
  std::size_t left = 0;
  std::vector<std::string> errors;
  std::size_t remaining() {
    std::lock_guard lock(m);
    return left;
  }
};
using group_ptr = std::shared_ptr<task_group>;

// Threads, each with its own io_context.
class runtime {
 public:
  explicit runtime(int threads);
  ~runtime();
  runtime(const runtime&) = delete;
  runtime& operator=(const runtime&) = delete;
  std::size_t size() const { return contexts_.size(); }
  asio::io_context& ctx(std::size_t i) { return *contexts_[i % contexts_.size()]; }
  using maker = std::function<asio::awaitable<void>(std::size_t)>;
  // Starts n coroutines, the i-th made by make(i) on ctx(i). A coroutine that throws is
  // reported in the group's errors (the others go on).
  group_ptr start(std::size_t n, const maker& make);
  // Blocks until the group has ended. The limit is a backstop for a bug or a hung server: past
  // it the program reports and exits (every scenario has its own, shorter, deadlines).
  std::vector<std::string> wait(const group_ptr& g, steady::duration limit);
  std::vector<std::string> run(std::size_t n, const maker& make, steady::duration limit) {
    return wait(start(n, make), limit);
  }
  // Runs f(i) on every thread i's io_context and waits (e.g. closing that thread's connections).
  void on_each(const std::function<void(std::size_t)>& f);

 private:
  std::vector<std::unique_ptr<asio::io_context>> contexts_;
  std::vector<asio::executor_work_guard<asio::io_context::executor_type>> guards_;
  std::vector<std::thread> threads_;
};

// Sleeps until a steady-clock time point (returns at once if it has passed).
asio::awaitable<void> sleep_until(steady::time_point t);
asio::awaitable<void> sleep_for(steady::duration d);

struct http_result {
  int status = 0;        // 0: transport error (see error)
  std::string body;
  std::string error;
  bool ok() const { return status >= 200 && status < 300; }
};

// "POST /x HTTP/1.1\r\nHost: ...\r\n..." with a bearer token and a JSON body when given.
std::string make_request(std::string_view method, std::string_view path, std::string_view host,
                         std::string_view token = {}, std::string_view body = {},
                         std::string_view content_type = "application/json");

// One keep-alive HTTP/1.1 connection; reconnects when the server closed it.
class http_conn {
 public:
  http_conn(const asio::any_io_executor& ex, tcp::endpoint ep) : stream_(ex), ep_(ep) {}
  // Sends a prepared request (see make_request) and reads the response.
  asio::awaitable<http_result> request(const std::string& raw,
                                       std::chrono::milliseconds timeout = 10s);
  void close();
  const tcp::endpoint& endpoint() const { return ep_; }
  // Connect from this local address (e.g. 127.0.0.7: loopback clients that per-address defences
  // tell apart); unspecified: the kernel's choice.
  void bind_source(const asio::ip::address& a) { source_ = a; }

 private:
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  tcp::endpoint ep_;
  asio::ip::address source_;
  bool connected_ = false;
};

// Opens the stream's socket bound to `source` (port chosen at connect); nothing when source is
// unspecified. Returns the error, the socket closed.
boost::system::error_code bind_source(beast::tcp_stream& s, const tcp::endpoint& to,
                                      const asio::ip::address& source);

// A WebSocket viewer of one trip.
class ws_conn {
 public:
  explicit ws_conn(const asio::any_io_executor& ex) : ws_(ex) {}
  // TCP connect (bound to `source` first when it is not unspecified: spreads connections over
  // 127.0.0.0/8 when one source address runs out of ports), then the upgrade to `path`.
  asio::awaitable<boost::system::error_code> open(const tcp::endpoint& ep,
                                                  const asio::ip::address& source,
                                                  const std::string& host,
                                                  const std::string& path,
                                                  std::chrono::milliseconds timeout);
  // The next message; `msg` stays valid until the next read.
  asio::awaitable<boost::system::error_code> read(std::string_view& msg);
  asio::awaitable<boost::system::error_code> send_text(std::string_view text);
  // Cancels pending operations and closes the socket (call on the connection's own thread).
  void close();
  websocket::close_reason reason() const { return ws_.reason(); }

 private:
  websocket::stream<beast::tcp_stream> ws_;
  beast::flat_buffer buffer_;
};

// Cheap field access on the server's compact JSON messages (the hot path of viewers; no
// allocation). Missing field: nullopt / empty view.
std::optional<std::int64_t> int_field(std::string_view msg, std::string_view key);
std::string_view string_field(std::string_view msg, std::string_view key);

// ---- setup through the public API ----------------------------------------------------------

struct setup_options {
  std::string admin_token;      // used as is when given
  std::string admin_email;      // else log in as this admin (with admin_password) ...
  std::string admin_password = "bench-admin-password";
  std::string seatd_binary;     // ... created first with `seatd admin create` when given
  std::string database;         // --database for `seatd admin create`
  std::string schedule = "data/abctravels_schedule.xlsx";  // uploaded when no trip exists
};

struct user {
  std::string email;
  std::string token;
};

// Signs up and logs in n users (emails prefix-<i>@bench.example.com), 32 at a time. Throws
// when one cannot log in.
std::vector<user> make_users(runtime& rt, const target& t, std::size_t n, const std::string& prefix);
// A unique prefix for this run's accounts.
std::string run_prefix(const std::string& scenario);
// How many trips exist (ids 1..n; seatd numbers them from 1 and never deletes one).
int count_trips(runtime& rt, const target& t);
// Seats of a trip (length of /trips/{id}/seats), 0 when the trip does not exist.
int seats_of_trip(runtime& rt, const target& t, int trip);
// Monday of next week in local time (seatd's zone on this machine), "YYYY-MM-DD".
std::string next_monday();
// Makes at least `needed` trips exist: uploads the schedule when there is none, then generated
// CSV schedules for the rest (needs an admin token), all into next week (next_monday()), so no
// trip departs during a run. Returns the number of trips.
int ensure_trips(runtime& rt, const target& t, const setup_options& o, int needed);
// One request on a fresh connection, run to completion from a non-I/O thread.
http_result request_once(runtime& rt, const target& t, const std::string& raw,
                         std::chrono::milliseconds timeout = 30s);
// POST /setup/seed-schedule with the file as multipart (needs an admin token), without a week:
// seatd's placement rule (the soak relies on it: its first import departs during the run).
http_result upload_schedule(runtime& rt, const target& t, const std::string& token,
                            const std::string& filename, const std::string& content);
// The admin bearer token (given, or logged in, or created through `seatd admin create`).
std::string admin_token(runtime& rt, const target& t, const setup_options& o);

}  // namespace bench
