// fanout: one driver per trip alternates lock and unlock at a fixed rate while viewers watch
// the trips; reports the delivery latency from the driver's send to each viewer's receipt and
// the messages delivered, lost in gaps or never arrived.
#include <boost/asio/this_coro.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <thread>

#include "fleet.hpp"

namespace bench {

namespace {

struct trip_track {
  int trip = 0;
  std::size_t port_index = 0;
  std::size_t capacity = 0;
  std::atomic<std::int64_t> seq0{-1};
  std::atomic<std::int64_t> events{0};  // successful driver requests = seq - seq0 of the last
  std::int64_t first_send_us = 0, last_send_us = 0;  // written by the driver only
  std::unique_ptr<std::atomic<std::int64_t>[]> sent_at;  // [k]: steady µs the k-th was sent
  std::unique_ptr<std::atomic<int>[]> what;               // [k]: seat * 2 + (lock ? 1 : 0)
};

struct fanout_state {
  runtime& rt;
  const common_options& c;
  const fanout_options& o;
  const user& driver;
  std::vector<std::unique_ptr<trip_track>>& tracks;
  std::vector<thread_stats>& stats;
  steady::time_point t0, t_end;
};

struct fanout_handler : event_handler {
  explicit fanout_handler(fanout_state& s) : s_(s) {}
  void on_event(viewer& v, std::string_view msg, std::int64_t seq, std::int64_t recv_us,
                thread_stats& st) override {
    auto& tr = *s_.tracks[std::size_t(v.trip - s_.c.first_trip)];
    auto s0 = tr.seq0.load(std::memory_order_acquire);
    auto k = seq - s0;
    if (s0 < 0 || k < 1 || std::size_t(k) >= tr.capacity) {
      ++st.unmatched;
      return;
    }
    auto sent = tr.sent_at[std::size_t(k)].load(std::memory_order_acquire);
    int what = tr.what[std::size_t(k)].load(std::memory_order_relaxed);
    auto seat = int_field(msg, "seat_no");
    int expect = int(seat.value_or(0)) * 2 + (string_field(msg, "type") == "SEAT_LOCKED" ? 1 : 0);
    if (sent <= 0 || what != expect) {
      ++st.unmatched;
      return;
    }
    st.latency.record(recv_us - sent);
  }
  fanout_state& s_;
};

asio::awaitable<void> fanout_driver(fanout_state& s, std::size_t ti) {
  auto ex = co_await asio::this_coro::executor;
  auto& tr = *s.tracks[ti];
  auto& st = s.stats[ti % s.rt.size()];
  std::int64_t seq0 = -1;
  co_await probe_seq(s.c.tgt, tr.port_index, tr.trip, seq0);
  if (seq0 < 0) {
    st.error(fmt::format("driver: cannot read the seq of trip {}", tr.trip));
    co_return;
  }
  tr.seq0.store(seq0, std::memory_order_release);
  http_conn conn(ex, s.c.tgt.endpoint(tr.port_index));
  const std::string host = s.c.tgt.host_header(tr.port_index);
  std::vector<std::string> lock, unlock;
  for (int seat = 1; seat <= s.o.seats; ++seat) {
    lock.push_back(make_request("POST", lock_path(tr.trip, seat), host, s.driver.token));
    unlock.push_back(make_request("POST", unlock_path(tr.trip, seat), host, s.driver.token));
  }
  const std::string warm = make_request("GET", "/", host);
  co_await conn.request(warm);
  const double per_trip_rate = s.o.rate / double(s.tracks.size());
  const auto period = seconds(1.0 / per_trip_rate);
  const auto offset = period * std::int64_t(ti) / std::int64_t(s.tracks.size());
  std::int64_t k = 1;
  for (std::int64_t n = 0; n < std::int64_t(tr.capacity) * 4; ++n) {
    const auto when = s.t0 + offset + period * n;
    const bool lock_turn = k % 2 == 1;
    // Stop at the end of the run, but always release the last hold.
    if ((when >= s.t_end && lock_turn) || std::size_t(k) >= tr.capacity || when > s.t_end + 10s) break;
    co_await sleep_until(when);
    st.second.record(std::chrono::duration_cast<std::chrono::microseconds>(steady::now() - when).count());
    const int seat = int(((k - 1) / 2) % s.o.seats);
    tr.what[std::size_t(k)].store((seat + 1) * 2 + (lock_turn ? 1 : 0), std::memory_order_relaxed);
    const auto sent_us = now_us();
    tr.sent_at[std::size_t(k)].store(sent_us, std::memory_order_release);
    if (tr.first_send_us == 0) tr.first_send_us = sent_us;
    tr.last_send_us = sent_us;
    const std::string& req = lock_turn ? lock[std::size_t(seat)] : unlock[std::size_t(seat)];
    auto r = co_await conn.request(req, 10s);
    ++st.requests;
    if (lock_turn ? is_locked(r) : is_released(r)) {
      tr.events.store(k);
      ++k;
    } else {
      st.error("driver: " + describe(r));
    }
  }
}

}  // namespace

report run_fanout(common_options& c, const fanout_options& o) {
  setup_target(c);
  if (o.viewers < 1 || std::size_t(o.viewers) > max_connections) throw std::invalid_argument("--viewers out of range");
  if (o.trips < 1 || o.trips > 100'000) throw std::invalid_argument("--trips must be 1..100000");
  if (o.rate <= 0 || o.rate > 1e6) throw std::invalid_argument("--rate must be in (0, 1e6]");
  if (o.duration <= 0 || o.duration > 3600) throw std::invalid_argument("--duration must be in (0, 3600] s");
  if (o.seats < 1 || o.seats > 6) throw std::invalid_argument("--seats must be 1..6");
  runtime rt(c.threads);
  report r("fanout");
  add_common(r, c, rt);
  ensure_trips(rt, c.tgt, c.setup, c.first_trip + o.trips - 1);
  auto users = make_users(rt, c.tgt, 1, run_prefix("fanout"));
  std::vector<thread_stats> stats(rt.size());

  std::vector<std::unique_ptr<trip_track>> tracks;
  const double per_trip = o.rate / o.trips * o.duration;
  for (int t = 0; t < o.trips; ++t) {
    auto tr = std::make_unique<trip_track>();
    tr->trip = c.first_trip + t;
    tr->port_index = std::size_t(t) % c.ports.size();
    tr->capacity = std::size_t(std::ceil(per_trip * 1.05)) + 16;
    tr->sent_at.reset(new std::atomic<std::int64_t>[tr->capacity]);
    tr->what.reset(new std::atomic<int>[tr->capacity]);
    for (std::size_t k = 0; k < tr->capacity; ++k) {
      tr->sent_at[k].store(0);
      tr->what[k].store(0);
    }
    tracks.push_back(std::move(tr));
  }
  fanout_state s{rt, c, o, users[0], tracks, stats, {}, {}};
  fanout_handler handler(s);
  fleet f(rt, c.tgt, stats, 200);
  f.handler = &handler;
  // Viewer i watches trip i % T through instance (i / T) % instances.
  for (int i = 0; i < o.viewers; ++i) f.add(c.first_trip + i % o.trips, std::size_t(i / o.trips) % c.ports.size());
  start_fleet(f);
  if (!wait_ready(f, 60s + std::chrono::seconds(o.viewers / 200))) r.note("not every viewer connected in time");
  // Delivery latency is measured by the viewers; the handshake histogram is not reported here.
  for (auto& x : stats) x.second = histogram{};

  s.t0 = steady::now() + 300ms;
  if (o.start_at_ms > 0) {  // several bench processes start their drivers together
    auto wait_ms = o.start_at_ms - wall_us() / 1000;
    if (wait_ms > 0 && wait_ms < 3'600'000) s.t0 = steady::now() + std::chrono::milliseconds(wait_ms);
    else r.note("--start-at had passed when the viewers were ready: started at once");
  }
  s.t_end = s.t0 + seconds(o.duration);
  cpu_meter cpu(server_pids(c));
  auto group = rt.start(tracks.size(), [&s](std::size_t i) { return fanout_driver(s, i); });
  std::this_thread::sleep_until(s.t0);
  cpu.start();
  auto errors = rt.wait(group, seconds(o.duration) + 120s);
  for (auto& e : errors) r.fail("driver: " + e);
  const auto drain_start = now_us();
  bool drained = wait_drained(
      f, [&](int trip) {
        auto& tr = *tracks[std::size_t(trip - c.first_trip)];
        return tr.seq0.load() + tr.events.load();
      },
      10s);
  const double catch_up = double(now_us() - drain_start) / 1e6;
  close_fleet(f);

  std::uint64_t sent = 0, expected = 0, tail = 0;
  std::int64_t first_send = INT64_MAX, last_send = 0;
  for (auto& tr : tracks) {
    sent += std::uint64_t(tr->events.load());
    if (tr->first_send_us) first_send = std::min(first_send, tr->first_send_us);
    last_send = std::max(last_send, tr->last_send_us);
  }
  // Messages per second over the time the driver actually sent (it can fall behind).
  const double span = std::max(o.duration, last_send > first_send ? double(last_send - first_send) / 1e6 : 0.0);
  for (const auto& v : f.v) {
    if (v->state == viewer::failed) continue;
    auto& tr = *tracks[std::size_t(v->trip - c.first_trip)];
    auto final_seq = tr.seq0.load() + tr.events.load();
    expected += std::uint64_t(std::max<std::int64_t>(0, final_seq - v->init_seq));
    tail += std::uint64_t(std::max<std::int64_t>(0, final_seq - v->last_seq.load()));
  }
  auto t = totals(f);
  auto lat = merged(stats, &thread_stats::latency);
  auto lag = merged(stats, &thread_stats::second);
  r.add("viewers", o.viewers);
  r.add("trips", o.trips);
  r.add("rate_per_s", o.rate);
  r.add("duration_s", o.duration);
  r.add("events_sent", sent);
  r.add("driver_errors", total(stats, [](const thread_stats& x) { return x.errors; }));
  r.add_ms("driver_late_max_ms", lag.max());
  add_fleet(r, f, t);
  r.add("messages_expected", expected);
  r.add("messages_delivered", t.received);
  r.add("messages_lost", t.lost + tail, fmt::format("{} ({} in gaps, {} never arrived)", t.lost + tail, t.lost, tail));
  r.add("send_span_s", span, fmt::format("{:.2f}", span));
  r.add("viewer_catch_up_s", catch_up, fmt::format("{:.2f}", catch_up));
  r.add("delivered_per_s", double(t.received) / span);
  r.add_latency("latency", lat);
  r.add("unmatched", total(stats, [](const thread_stats& x) { return x.unmatched; }));
  cpu.finish(r, t.received, "message");
  if (!drained) r.note("viewers had not caught up 10 s after the driver stopped");
  if (auto e = first_error(stats); !e.empty()) r.note("first error: " + e);
  if (sent == 0) r.fail("the driver produced no event");
  return r;
}

}  // namespace bench
