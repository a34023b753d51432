// expiry: holds created over a window and left to expire; a viewer per trip measures how late
// each SEAT_UNLOCKED broadcast arrives after the hold's deadline (clock offset bounded from
// INITIAL_STATE), and counts missing and early ones.
#include <boost/asio/this_coro.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <thread>

#include "fleet.hpp"

namespace bench {

namespace {

constexpr std::size_t max_holds = 1'000'000;

std::int64_t median(std::vector<std::int64_t> v) {
  if (v.empty()) return 0;
  std::nth_element(v.begin(), v.begin() + std::ptrdiff_t(v.size() / 2), v.end());
  return v[v.size() / 2];
}

struct expiry_state {
  const common_options& c;
  const expiry_options& o;
  std::vector<user>& users;
  std::vector<thread_stats>& stats;
  int seats = 40;
  std::size_t n = 0;
  steady::time_point t0;
  std::atomic<std::int64_t> offset_us{0};  // add to local wall time to get server time
  std::unique_ptr<std::atomic<std::int64_t>[]> deadline_ms;  // expires_at of hold i (0: none)
  std::unique_ptr<std::atomic<std::int64_t>[]> locked_us;    // wall time the lock answered
  std::unique_ptr<std::atomic<int>[]> seen;                  // SEAT_UNLOCKED receipts of hold i
  std::atomic<std::uint64_t> locked{0}, complete{0};
};

struct expiry_handler : event_handler {
  explicit expiry_handler(expiry_state& s) : s_(s) {}
  void on_event(viewer& v, std::string_view msg, std::int64_t, std::int64_t, thread_stats& st) override {
    if (string_field(msg, "type") != "SEAT_UNLOCKED" || int_field(msg, "user_id")) return;
    const auto wall = wall_us();
    auto seat = int_field(msg, "seat_no");
    std::int64_t i = std::int64_t(v.trip - s_.c.first_trip) * s_.seats + seat.value_or(0) - 1;
    if (!seat || i < 0 || std::size_t(i) >= s_.n) {
      ++st.unmatched;
      return;
    }
    auto deadline = s_.deadline_ms[std::size_t(i)].load(std::memory_order_acquire);
    if (deadline <= 0) {
      ++st.unmatched;
      return;
    }
    std::int64_t lag = wall + s_.offset_us.load(std::memory_order_relaxed) - deadline * 1000;
    if (lag < -2000) ++st.early;  // more than the timestamps' millisecond resolution early
    st.latency.record(lag);  // negative (early) values count in the lowest bucket
    if (s_.seen[std::size_t(i)].fetch_add(1) + 1 == s_.o.viewers_per_trip) ++s_.complete;
  }
  expiry_state& s_;
};

asio::awaitable<void> expiry_creator(expiry_state& s, std::size_t u) {
  auto ex = co_await asio::this_coro::executor;
  scenario_client cl(ex, s.c.tgt, u, s.stats, s.users[u].token);
  co_await cl.warm_up();
  const auto window = seconds(s.o.window);
  for (std::size_t i = u; i < s.n; i += s.users.size()) {
    co_await sleep_until(s.t0 + window * std::int64_t(i) / std::int64_t(s.n));
    const int trip = s.c.first_trip + int(i) / s.seats;
    const int seat = int(i) % s.seats + 1;
    const std::string req = cl.request("POST", lock_path(trip, seat));
    auto r = co_await cl.timed(req, 10s);
    cl.st.second.record(r.us());
    cl.count(r.done_us);
    auto exp = is_locked(r.reply) ? int_field(r.reply.body, "expires_at") : std::nullopt;
    if (!exp) {
      cl.st.error("lock: " + describe(r.reply));
      continue;
    }
    s.locked_us[i].store(wall_us());
    s.deadline_ms[i].store(*exp, std::memory_order_release);
    ++s.locked;
  }
}

}  // namespace

report run_expiry(common_options& c, const expiry_options& o) {
  setup_target(c);
  if (o.holds < 1 || std::size_t(o.holds) > max_holds) throw std::invalid_argument("--holds must be 1..1000000");
  if (o.window <= 0 || o.window > 3600) throw std::invalid_argument("--window must be in (0, 3600] s");
  if (o.users < 1 || o.users > 10'000) throw std::invalid_argument("--users must be 1..10000");
  if (o.viewers_per_trip < 1 || o.viewers_per_trip > 100) throw std::invalid_argument("--viewers-per-trip must be 1..100");
  runtime rt(c.threads);
  report r("expiry");
  add_common(r, c, rt);
  const auto [seats, trips] = span_seats(rt, c, o.holds);
  int last_seats = seats_of_trip(rt, c.tgt, c.first_trip + trips - 1);
  if (last_seats != seats)
    throw std::runtime_error(fmt::format("trips {} and {} have different seat counts ({} and {})",
                                         c.first_trip, c.first_trip + trips - 1, seats, last_seats));
  auto users = make_users(rt, c.tgt, std::size_t(o.users), run_prefix("expiry"));
  std::vector<thread_stats> stats(rt.size());

  expiry_state s{c, o, users, stats};
  s.seats = seats;
  s.n = std::size_t(o.holds);
  s.deadline_ms.reset(new std::atomic<std::int64_t>[s.n]);
  s.locked_us.reset(new std::atomic<std::int64_t>[s.n]);
  s.seen.reset(new std::atomic<int>[s.n]);
  for (std::size_t i = 0; i < s.n; ++i) {
    s.deadline_ms[i].store(0);
    s.locked_us[i].store(0);
    s.seen[i].store(0);
  }
  expiry_handler handler(s);
  fleet f(rt, c.tgt, stats, 200);
  f.handler = &handler;
  for (int t = 0; t < trips; ++t)
    for (int k = 0; k < o.viewers_per_trip; ++k)
      f.add(c.first_trip + t, std::size_t(t * o.viewers_per_trip + k) % c.ports.size());
  start_fleet(f);
  if (!wait_ready(f, 60s + std::chrono::seconds(trips / 100))) r.note("not every viewer connected in time");
  // Clock offset (server - local) from INITIAL_STATE's server_time (whole milliseconds), which
  // the server stamped between our connect and our receipt: each viewer bounds the offset to
  // [server_time - receipt, server_time + 1 ms - connect start]; the tightest bounds over all
  // viewers bracket it (on one machine the true offset is 0).
  // The bench only targets loopback, so server and client read the same system clock: the
  // offset is 0 unless these bounds exclude it (then the nearest bound is used).
  std::int64_t lower = INT64_MIN, upper = INT64_MAX;
  for (const auto& v : f.v)
    if (v->state == viewer::open && v->server_time_ms > 0) {
      lower = std::max(lower, v->server_time_ms * 1000 - v->init_wall_us);
      upper = std::min(upper, v->server_time_ms * 1000 + 1000 - v->start_wall_us);
    }
  if (lower == INT64_MIN) lower = upper = 0;
  s.offset_us = lower <= upper ? std::clamp<std::int64_t>(0, lower, upper) : lower;
  for (auto& x : stats) x.second = histogram{};

  s.t0 = steady::now() + 200ms;
  cpu_meter cpu(server_pids(c));
  cpu.start();
  auto errors = rt.run(users.size(), [&s](std::size_t u) { return expiry_creator(s, u); },
                       seconds(o.window) + 600s);
  for (auto& e : errors) r.fail("creator: " + e);
  std::int64_t last_deadline_ms = 0;
  for (std::size_t i = 0; i < s.n; ++i) last_deadline_ms = std::max(last_deadline_ms, s.deadline_ms[i].load());
  // Wait for every expiry, up to the last deadline plus the grace period (bounded: the TTL
  // is at most a day, and the wait is capped at an hour).
  const auto wait_until_us = last_deadline_ms * 1000 + std::int64_t(o.grace * 1e6);
  const auto hard_stop = steady::now() + 3600s;
  while (s.complete.load() < s.locked.load() && wall_us() + s.offset_us.load() < wait_until_us &&
         steady::now() < hard_stop)
    std::this_thread::sleep_for(20ms);
  close_fleet(f);

  std::uint64_t missing = 0;
  std::vector<std::int64_t> ttl;
  std::vector<std::pair<std::int64_t, int>> sweep;  // (time ms, +1 lock / -1 expiry)
  for (std::size_t i = 0; i < s.n; ++i) {
    auto d = s.deadline_ms[i].load();
    if (d <= 0) continue;
    if (s.seen[i].load() < o.viewers_per_trip) ++missing;
    auto at = (s.locked_us[i].load() + s.offset_us.load()) / 1000;
    ttl.push_back(d - at);
    sweep.emplace_back(at, +1);
    sweep.emplace_back(d, -1);
  }
  std::sort(sweep.begin(), sweep.end());
  std::int64_t live = 0, peak = 0;
  for (auto& [tm, dlt] : sweep) peak = std::max(peak, live += dlt);
  auto t = totals(f);
  auto lag = merged(stats, &thread_stats::latency);
  auto lock_lat = merged(stats, &thread_stats::second);
  r.add("holds", o.holds);
  r.add("holds_created", s.locked.load());
  r.add("lock_errors", total(stats, [](const thread_stats& x) { return x.errors; }));
  r.add("window_s", o.window);
  r.add("hold_ttl_s", double(median(ttl)) / 1000.0, fmt::format("{:.1f}", double(median(ttl)) / 1000.0));
  r.add("peak_live_holds", peak);
  r.add("trips", trips);
  r.add("users", o.users);
  r.add_latency("lock_latency", lock_lat);
  add_fleet(r, f, t);
  r.add("clock_offset_ms", double(s.offset_us.load()) / 1000.0,
        fmt::format("{} (bounds {} .. {})", format_ms(s.offset_us.load()), format_ms(lower),
                    format_ms(upper)));
  r.add_latency("lag", lag);
  r.add_ms("lag_min_ms", lag.min());
  r.add("missing", missing);
  r.add("early", total(stats, [](const thread_stats& x) { return x.early; }));
  r.add("unmatched", total(stats, [](const thread_stats& x) { return x.unmatched; }));
  r.add("seq_gaps", t.lost);
  cpu.finish(r, s.locked.load(), "hold");
  if (auto e = first_error(stats); !e.empty()) r.note("first error: " + e);
  if (s.locked.load() == 0) r.fail("no hold was created");
  return r;
}

}  // namespace bench
