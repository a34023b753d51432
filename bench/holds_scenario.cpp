// holds: clients lock and unlock a seat each, as fast as answered or paced (--rate), while
// optional viewers watch the trips; reports request latency and throughput and, with viewers,
// the broadcasts received against those expected and how long the viewers took to catch up.
// With --group N each client holds N seats of its own in one request (POST /bookings/holds,
// all or nothing) and releases them in one (DELETE /bookings/holds/{trip}).
#include <boost/asio/this_coro.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>
#include <map>

#include "fleet.hpp"

namespace bench {

namespace {

std::map<int, std::int64_t> current_seqs(runtime& rt, const target& t, const std::vector<int>& trips) {
  std::vector<std::int64_t> out(trips.size(), -1);
  rt.run(trips.size(), [&](std::size_t i) { return probe_seq(t, 0, trips[i], out[i]); }, 60s);
  std::map<int, std::int64_t> m;
  for (std::size_t i = 0; i < trips.size(); ++i) m[trips[i]] = out[i];
  return m;
}

struct holds_state {
  const common_options& c;
  std::vector<user>& users;
  std::vector<thread_stats>& stats;
  int seats = 40;
  double rate = 0;
  int group = 0;
  timed_phase phase;
};

// Client i's trip and first seat: one seat each, or a block of `group` seats each, clients
// filling a trip before the next.
std::pair<int, int> place_of(const holds_state& s, std::size_t i) {
  const int width = std::max(1, s.group);
  const int per_trip = s.seats / width;
  return {s.c.first_trip + int(i) / per_trip, int(i) % per_trip * width + 1};
}

bool is_group_held(const http_result& r) {
  return r.status == 200 && r.body.find("\"expires_at\"") != std::string::npos;
}
bool is_group_released(const http_result& r) {
  return r.status == 200 && r.body.find("\"seat_nos\"") != std::string::npos;
}

asio::awaitable<void> holds_client(holds_state& s, std::size_t i) {
  auto ex = co_await asio::this_coro::executor;
  scenario_client cl(ex, s.c.tgt, i, s.stats, s.users[i].token);
  const auto [trip, seat] = place_of(s, i);
  std::string lock, unlock;
  if (s.group > 0) {
    std::string seats;
    for (int k = 0; k < s.group; ++k) seats += (k ? "," : "") + std::to_string(seat + k);
    lock = cl.request("POST", "/bookings/holds",
                      fmt::format(R"({{"trip_id":{},"seat_nos":[{}]}})", trip, seats));
    unlock = cl.request("DELETE", fmt::format("/bookings/holds/{}", trip));
  } else {
    lock = cl.request("POST", lock_path(trip, seat));
    unlock = cl.request("POST", unlock_path(trip, seat));
  }
  co_await cl.start(s.phase);
  // Paced (--rate): this client's n-th request is due at t0 + offset + n * period.
  const bool paced = s.rate > 0;
  const auto period = paced ? seconds(double(s.users.size()) / s.rate) : steady::duration{};
  const auto offset = paced ? period * std::int64_t(i) / std::int64_t(s.users.size()) : steady::duration{};
  std::int64_t n = 0;
  for (std::size_t round = 0; round < 100'000'000 && s.phase.running(); ++round) {
    for (int k = 0; k < 2; ++k) {
      if (paced) co_await sleep_until(s.phase.t0 + offset + period * n++);
      const std::string& req = k == 0 ? lock : unlock;
      auto res = co_await cl.timed(req, 10s);
      cl.st.latency.record(res.us());
      const bool ok = s.group > 0
                          ? (k == 0 ? is_group_held(res.reply) : is_group_released(res.reply))
                          : (k == 0 ? is_locked(res.reply) : is_released(res.reply));
      if (ok)
        ++cl.st.events;
      else
        cl.st.error(describe(res.reply));
      if (res.reply.status == 0) co_await sleep_for(10ms);  // no spinning on a dead server
      cl.count(res.done_us);
    }
  }
}

struct counting_handler : event_handler {
  void on_event(viewer&, std::string_view, std::int64_t, std::int64_t, thread_stats&) override {}
};

}  // namespace

report run_holds(common_options& c, const holds_options& o) {
  setup_target(c);
  check_timed_options(o.clients, o.duration);
  if (o.viewers < 0 || std::size_t(o.viewers) > max_connections) throw std::invalid_argument("--viewers out of range");
  if (o.rate < 0 || o.rate > 1e7) throw std::invalid_argument("--rate must be in [0, 1e7]");
  if (o.group < 0 || o.group > 12) throw std::invalid_argument("--group must be in [0, 12]");
  runtime rt(c.threads);
  report r(o.group > 0 ? "group_holds" : "holds");
  add_common(r, c, rt);
  auto [seats, trips] = span_seats(rt, c, o.clients);
  if (o.group > 1) {
    // Blocks of `group` seats never straddle trips: some seats at a trip's end stay unused.
    const int per_trip = seats / o.group;
    if (per_trip == 0) throw std::invalid_argument("--group is larger than a trip's seats");
    trips = span_seats(rt, c, (o.clients + per_trip - 1) / per_trip * seats).trips;
  }
  auto users = make_users(rt, c.tgt, std::size_t(o.clients), run_prefix("holds"));
  std::vector<thread_stats> stats(rt.size());

  fleet f(rt, c.tgt, stats, 200);
  counting_handler handler;
  f.handler = &handler;
  for (int i = 0; i < o.viewers; ++i) f.add(c.first_trip + i % trips, std::size_t(i / trips));
  start_fleet(f);
  if (!wait_ready(f, 60s + std::chrono::seconds(o.viewers / 200))) r.note("not every viewer connected in time");

  holds_state s{c, users, stats, seats, o.rate, o.group,
                timed_phase::starting_in(200ms, o.duration)};
  cpu_meter cpu(server_pids(c));
  const double elapsed = run_clients(
      rt, r, cpu, std::size_t(o.clients), [&s](std::size_t i) { return holds_client(s, i); },
      s.phase, stats);

  // Every change of the trips is now done: their seq is final. Wait for viewers to catch up.
  std::vector<int> trip_ids;
  for (int t = 0; t < trips; ++t) trip_ids.push_back(c.first_trip + t);
  auto finals = current_seqs(rt, c.tgt, trip_ids);
  const auto drain_start = now_us();
  bool drained = wait_drained(f, [&](int trip) { return finals[trip]; }, 10s);
  const double catch_up = double(now_us() - drain_start) / 1e6;
  close_fleet(f);
  std::uint64_t expected = 0;
  for (const auto& v : f.v)
    if (v->state != viewer::failed) expected += std::uint64_t(std::max<std::int64_t>(0, finals[v->trip] - v->init_seq));
  auto t = totals(f);

  auto requests = total(stats, [](const thread_stats& x) { return x.requests; });
  auto lat = merged(stats, &thread_stats::latency);
  r.add("clients", o.clients);
  if (o.group > 0) r.add("group", o.group);
  r.add("trips", trips);
  r.add("viewers", o.viewers);
  if (o.rate > 0) r.add("target_rate_per_s", o.rate);
  add_rate(r, elapsed, "requests", requests, stats);
  r.add_latency("latency", lat);
  cpu.finish(r, requests, "request");
  if (o.viewers > 0) {
    add_fleet(r, f, t);
    r.add("broadcasts_expected", expected);
    r.add("broadcasts_received", t.received);
    double share = expected ? double(t.received) / double(expected) : 1.0;
    r.add("broadcast_share", share, fmt::format("{:.4f}", share));
    r.add("seq_gaps", t.lost);
    r.add("messages_per_s", double(t.received) / elapsed);
    // How long after the last request the viewers still needed to receive everything: when
    // it is not near 0 the delivery rate above was not sustained.
    r.add("viewer_catch_up_s", catch_up, fmt::format("{:.2f}", catch_up));
    if (!drained) r.note("viewers had not caught up 10 s after the load ended");
  }
  if (auto e = first_error(stats); !e.empty()) r.note("first error: " + e);
  if (requests == 0) r.fail("no request completed");
  return r;
}

}  // namespace bench
