#pragma once
// seatd-bench: the pieces every scenario shares (the *_scenario.cpp files; the WebSocket viewer
// fleet is in fleet.hpp): per-thread statistics slots, the target set-up, server process figures
// (CPU, RSS), timed client phases and the small request helpers. Connection i runs on thread
// i % threads and writes only that thread's slot, so the hot path takes no lock; the main thread
// orchestrates phases (set up, start, wait with a deadline, close) and merges the slots.
#include <boost/asio/this_coro.hpp>
#include <boost/json/object.hpp>

#include <algorithm>
#include <chrono>
#include <deque>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "scenarios.hpp"

namespace bench {

// At most n holders at a time, for coroutines of one io_context (single-threaded: no lock).
class limiter {
 public:
  explicit limiter(int n) : available_(n) {}
  asio::awaitable<void> acquire() {
    if (available_ > 0) {
      --available_;
      co_return;
    }
    asio::steady_timer t(co_await asio::this_coro::executor, steady::time_point::max());
    waiters_.push_back(&t);
    co_await t.async_wait(use_tuple);  // cancelled by release(): the slot is ours
  }
  void release() {
    if (!waiters_.empty()) {
      auto* t = waiters_.front();
      waiters_.pop_front();
      t->cancel();
    } else {
      ++available_;
    }
  }

 private:
  int available_;
  std::deque<asio::steady_timer*> waiters_;
};

struct alignas(64) thread_stats {
  histogram latency;    // the scenario's main latency
  histogram second;     // handshake time, ping round trip, lock latency ...
  std::uint64_t requests = 0, errors = 0, events = 0, unmatched = 0, early = 0;
  std::int64_t last_us = 0;
  std::string first_error;
  void error(const std::string& e) {
    ++errors;
    if (first_error.empty()) first_error = e;
  }
};

histogram merged(const std::vector<thread_stats>& s, histogram thread_stats::*h);
template <class F>
std::uint64_t total(const std::vector<thread_stats>& s, F f) {
  std::uint64_t n = 0;
  for (const auto& t : s) n += f(t);
  return n;
}
std::string first_error(const std::vector<thread_stats>& s);

// "404 {...}" or "transport: connection refused", for notes.
std::string describe(const http_result& r);
// Fills c.tgt from --host/--port (loopback only).
void setup_target(common_options& c);
// The rows every report starts with (tag, engine, instances, client threads).
void add_common(report& r, const common_options& c, runtime& rt);
// The server processes: given, or found from the ports (empty when not all are found).
std::vector<int> server_pids(const common_options& c);
// Sum of the processes' VmRSS in KiB; nullopt when one is unreadable.
std::optional<std::int64_t> total_rss(const std::vector<int>& pids);

// CPU used by the server(s) and by this client over a phase: shows how the two cores were
// shared, and the server's CPU cost per operation, which other load on the machine does not
// change much.
class cpu_meter {
 public:
  explicit cpu_meter(std::vector<int> pids) : pids_(std::move(pids)) {}
  void start();
  void finish(report& r, std::uint64_t ops, const std::string& per) const;

 private:
  double server() const;
  std::vector<int> pids_;
  double server0_ = -1, client0_ = 0;
  std::int64_t t0_ = 0;
};

// A timed phase (bookings, reads, holds): the clients connect before t0, so connecting is not
// measured, start together at t0 and work until t_end.
struct timed_phase {
  steady::time_point t0, t_end;
  // Starts `lead` from now (time for every client to connect) and lasts `duration` seconds.
  static timed_phase starting_in(steady::duration lead, double duration);
  bool running() const { return steady::now() < t_end; }
};

// The options every timed phase has: 1..10000 clients, a duration in (0, 3600] s (throws).
void check_timed_options(int clients, double duration);
// Its rows: duration_s (the elapsed time run_clients returned), `what` (n), `what`_per_s, errors.
void add_rate(report& r, double elapsed, const std::string& what, std::uint64_t n,
              const std::vector<thread_stats>& stats);

// Starts n clients that begin their work at p.t0, measures the server CPU from p.t0, waits (the
// phase plus a backstop) and returns the seconds from p.t0 to the last client's last request
// (stats[].last_us). A client that throws fails the report ("client: ...").
double run_clients(runtime& rt, report& r, cpu_meter& cpu, std::size_t n, const runtime::maker& make,
                   const timed_phase& p, const std::vector<thread_stats>& stats);

// A request and when it was sent and answered (µs on the steady clock).
struct timed_result {
  http_result reply;
  std::int64_t sent_us = 0, done_us = 0;
  std::int64_t us() const { return done_us - sent_us; }
};

// Client i of a scenario (bookings, reads, holds, contention, expiry): one keep-alive
// connection to instance i % ports, as one user (a bearer token, or none), writing only its
// thread's statistics slot. The shape they share: warm up, wait for the start, then timed
// requests, each operation counted once.
class scenario_client {
 public:
  scenario_client(const asio::any_io_executor& ex, const target& t, std::size_t i,
                  std::vector<thread_stats>& stats, std::string token = {});
  // A prepared request to this client's instance, with its token.
  std::string request(std::string_view method, std::string_view path, std::string_view body = {}) const;
  // GET / (no token): opens the connection before anything is measured.
  asio::awaitable<http_result> warm_up();
  // warm_up() (a transport failure counts as an error, "connect: ..."), then waits for p.t0.
  asio::awaitable<void> start(const timed_phase& p);
  // Sends a prepared request and times it. Build the request before the co_await: GCC 12
  // mishandles temporaries that own memory inside a co_await expression.
  asio::awaitable<timed_result> timed(const std::string& req, std::chrono::milliseconds timeout);
  // One operation done, ended at end_us: st.requests, and st.last_us (run_clients' elapsed time).
  void count(std::int64_t end_us) {
    ++st.requests;
    st.last_us = std::max(st.last_us, end_us);
  }

  thread_stats& st;

 private:
  std::string host_;  // the Host header of this client's instance
  http_conn conn_;
  std::string token_;
};

// Outcome counts of a kind of request: "401", "429", "refused", "reset", "timeout" ... -> n.
using tally = std::map<std::string, std::uint64_t>;
// The outcome of a request: its status code ("200 success:false" for the contract's 200
// refusals), or what became of the connection.
std::string outcome_of(const http_result& r);
std::string outcome_of(const boost::system::error_code& ec);
// "401x120, 429x7" (most frequent first); "none" when empty.
std::string format_tally(const tally& t);
boost::json::object tally_json(const tally& t);

std::string lock_path(int trip, int seat);
std::string unlock_path(int trip, int seat);
bool is_locked(const http_result& r);
bool is_released(const http_result& r);
steady::duration seconds(double s);

// The seats of trip c.first_trip (throws when it has none): holds and expiry give each hold a
// seat of its own, trip after trip.
int seats_per_trip(runtime& rt, const common_options& c);
// n seats, one each, trip after trip from c.first_trip: the seats per trip (seats_per_trip) and
// the trips they span, which are made to exist (ensure_trips).
struct seat_span {
  int seats = 0, trips = 0;
};
seat_span span_seats(runtime& rt, const common_options& c, int n);

struct seat_check {
  std::map<std::pair<int, int>, int> booked_in_tickets;  // (trip, seat) -> bookings seen
  std::set<std::pair<int, int>> booked_in_listing;
  std::vector<std::pair<int, int>> free;                 // seats neither booked nor held
  std::string error;
};
// GET /trips/{trip}/seats into out (booked and free seats).
asio::awaitable<void> list_seats(const target& t, int trip, seat_check& out);
// Free (trip, seat) pairs from trip `first` on, at most `wanted`, adding generated trips when
// needed (the bookings scenario's set-up).
std::vector<std::pair<int, int>> gather_free_seats(runtime& rt, const common_options& c, int first,
                                                   std::size_t wanted);

}  // namespace bench
