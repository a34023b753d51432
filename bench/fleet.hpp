#pragma once
// seatd-bench: a fleet of WebSocket viewers on /ws/seats/{trip}, shared by the holds, fanout,
// expiry and connections scenarios. Viewer i runs on client thread i % threads; handshakes in
// flight are bounded; each viewer counts the seat events it receives (seq gaps, resyncs) and
// hands them to the scenario's event_handler.
#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "scenario_kit.hpp"

namespace bench {

// The most viewers (or connections) a scenario may open: the bound its options are checked against.
inline constexpr std::size_t max_connections = 200'000;

struct viewer {
  explicit viewer(const asio::any_io_executor& ex) : ws(ex) {}
  ws_conn ws;
  std::size_t index = 0;
  std::size_t port_index = 0;
  int trip = 0;
  enum { opening, open, failed, done } state = opening;
  std::int64_t init_seq = -1;
  std::atomic<std::int64_t> last_seq{-1};
  std::int64_t server_time_ms = 0;
  std::int64_t init_wall_us = 0;   // wall time INITIAL_STATE arrived
  std::int64_t start_wall_us = 0;  // wall time the connection was started
  std::uint64_t received = 0;   // seat events (by seq, duplicates not counted)
  std::uint64_t lost = 0;       // seq gaps
  std::uint64_t resyncs = 0;    // INITIAL_STATE again after the first
  std::atomic<std::uint64_t> pongs{0};
  std::int64_t ping_sent_us = 0;
  bool server_closed = false;
  unsigned close_code = 0;
  std::string error;
};

struct event_handler {
  virtual ~event_handler() = default;
  // A seat event with its seq (already counted); recv_us on the steady clock.
  virtual void on_event(viewer& v, std::string_view msg, std::int64_t seq, std::int64_t recv_us,
                        thread_stats& st) = 0;
};

struct fleet {
  fleet(runtime& r, const target& t, std::vector<thread_stats>& s, int in_flight)
      : rt(r), tgt(t), stats(s) {
    int per_thread = std::max(1, in_flight / int(rt.size()));
    in_flight_effective = per_thread * int(rt.size());
    for (std::size_t i = 0; i < rt.size(); ++i) limiters.push_back(std::make_unique<limiter>(per_thread));
  }
  int in_flight_effective = 0;  // handshakes in flight: a whole number per client thread
  runtime& rt;
  const target& tgt;
  std::vector<thread_stats>& stats;
  std::vector<std::unique_ptr<limiter>> limiters;
  std::vector<std::unique_ptr<viewer>> v;
  event_handler* handler = nullptr;
  std::atomic<std::size_t> ready{0}, failed{0};
  std::atomic<int> source_index{0};  // 0: the default source address; k: 127.0.0.(k+1)
  std::atomic<bool> closing{false};
  group_ptr group;

  void add(int trip, std::size_t port_index) {
    auto p = std::make_unique<viewer>(rt.ctx(v.size()).get_executor());
    p->index = v.size();
    p->trip = trip;
    p->port_index = port_index;
    v.push_back(std::move(p));
  }
};

// Starts every viewer added (connect, then read until closed).
void start_fleet(fleet& f);

// Waits until every viewer is open or failed. Returns false on timeout.
bool wait_ready(fleet& f, steady::duration limit);

// Waits until each open viewer has seen seq `final_seq(trip)`; false on timeout.
template <class F>
bool wait_drained(fleet& f, F final_seq, steady::duration limit) {
  auto deadline = steady::now() + limit;
  for (;;) {
    bool all = true;
    for (auto& v : f.v) {
      if (v->state != viewer::open) continue;
      if (v->last_seq.load() < final_seq(v->trip)) {
        all = false;
        break;
      }
    }
    if (all) return true;
    if (steady::now() > deadline) return false;
    std::this_thread::sleep_for(20ms);
  }
}

// Closes every viewer and waits for their coroutines to end.
void close_fleet(fleet& f);

struct fleet_totals {
  std::uint64_t open = 0, failed = 0, received = 0, lost = 0, resyncs = 0, server_closed = 0;
  std::map<unsigned, std::uint64_t> close_codes;
};

fleet_totals totals(const fleet& f);
// The viewer rows of a report: connected, failed, closed by the server, resyncs, first error.
void add_fleet(report& r, const fleet& f, const fleet_totals& t);

// The current seq of a trip, from a fresh viewer's INITIAL_STATE (-1 on failure).
asio::awaitable<void> probe_seq(const target& t, std::size_t port_index, int trip, std::int64_t& out);

}  // namespace bench
