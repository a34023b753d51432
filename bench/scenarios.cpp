// The scenarios. Conventions: connection i (viewer or client) runs on thread i % threads
// and writes only that thread's stats slot, so the hot path takes no lock; the main thread
// orchestrates phases (set up, start, wait with a deadline, close) and merges the slots.
#include "scenario_kit.hpp"

#include <boost/asio/detached.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/json.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <deque>
#include <map>
#include <set>

namespace bench {

namespace json = boost::json;

namespace {

constexpr std::size_t max_connections = 200'000;
constexpr std::size_t max_holds = 1'000'000;

// ---- viewers --------------------------------------------------------------------------------

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

bool is_addr_not_available(const boost::system::error_code& ec) {
  return ec == boost::system::error_code(EADDRNOTAVAIL, boost::system::system_category());
}

asio::awaitable<void> viewer_main(fleet& f, std::size_t i) {
  auto& v = *f.v[i];
  auto& st = f.stats[i % f.rt.size()];
  auto& lim = *f.limiters[i % f.rt.size()];
  co_await lim.acquire();
  if (f.closing) {
    lim.release();
    v.state = viewer::failed;
    ++f.failed;
    co_return;
  }
  const std::int64_t t0 = now_us();
  v.start_wall_us = wall_us();
  const std::string host = f.tgt.host_header(v.port_index);
  const std::string path = "/ws/seats/" + std::to_string(v.trip);
  const tcp::endpoint ep = f.tgt.endpoint(v.port_index);
  boost::system::error_code ec;
  for (int attempt = 0; attempt < 254; ++attempt) {
    int src = f.source_index.load();
    asio::ip::address source;
    if (src > 0) source = asio::ip::address_v4(0x7f000001u + unsigned(src));
    ec = co_await v.ws.open(ep, source, host, path, 10s);
    if (!is_addr_not_available(ec) || src >= 253) break;
    f.source_index.compare_exchange_strong(src, src + 1);  // this address ran out of ports
  }
  std::string_view msg;
  if (!ec) ec = co_await v.ws.read(msg);
  json::value init;
  if (!ec) {
    boost::system::error_code pec;
    init = json::parse(msg, pec);
    if (pec || !init.is_object() || string_field(msg, "type") != "INITIAL_STATE") {
      v.error = "first message is not INITIAL_STATE: " + std::string(msg.substr(0, 200));
      ec = asio::error::invalid_argument;
    }
  } else {
    v.error = ec.message();
    if (ec == websocket::error::closed) v.error += fmt::format(" (close {} {})", v.ws.reason().code,
                                                               std::string(v.ws.reason().reason.data(), v.ws.reason().reason.size()));
  }
  lim.release();
  if (ec) {
    v.ws.close();
    v.state = viewer::failed;
    st.error("viewer: " + v.error);
    ++f.failed;
    co_return;
  }
  const auto recv_us = now_us();
  v.init_wall_us = wall_us();
  st.second.record(recv_us - t0);  // connect to INITIAL_STATE
  const auto& o = init.as_object();
  v.init_seq = o.contains("seq") ? o.at("seq").to_number<std::int64_t>() : 0;
  v.server_time_ms = o.contains("server_time") ? o.at("server_time").to_number<std::int64_t>() : 0;
  v.last_seq.store(v.init_seq);
  v.state = viewer::open;
  ++f.ready;

  for (;;) {
    ec = co_await v.ws.read(msg);
    if (ec) break;
    const std::int64_t t = now_us();
    if (msg == "pong") {
      if (v.pongs.fetch_add(1) == 0 && v.ping_sent_us) st.latency.record(t - v.ping_sent_us);
      continue;
    }
    auto seq = int_field(msg, "seq");
    if (!seq) continue;
    if (string_field(msg, "type") == "INITIAL_STATE") {  // a resync (the server dropped us behind)
      ++v.resyncs;
      v.last_seq.store(*seq);
      continue;
    }
    auto last = v.last_seq.load(std::memory_order_relaxed);
    if (*seq <= last) continue;  // duplicate
    if (*seq > last + 1) v.lost += std::uint64_t(*seq - last - 1);
    v.last_seq.store(*seq, std::memory_order_relaxed);
    ++v.received;
    if (f.handler) f.handler->on_event(v, msg, *seq, t, st);
  }
  if (!f.closing) {
    v.server_closed = true;
    v.close_code = v.ws.reason().code;
    v.error = ec.message();
  }
  v.state = viewer::done;
}

void start_fleet(fleet& f) {
  f.group = f.rt.start(f.v.size(), [&f](std::size_t i) { return viewer_main(f, i); });
}

// Waits until every viewer is open or failed. Returns false on timeout.
bool wait_ready(fleet& f, steady::duration limit) {
  auto deadline = steady::now() + limit;
  while (f.ready + f.failed < f.v.size()) {
    if (steady::now() > deadline) return false;
    std::this_thread::sleep_for(10ms);
  }
  return true;
}

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

void close_fleet(fleet& f) {
  f.closing = true;
  f.rt.on_each([&f](std::size_t th) {
    for (std::size_t i = th; i < f.v.size(); i += f.rt.size()) f.v[i]->ws.close();
  });
  if (f.group) f.rt.wait(f.group, 60s);
}

struct fleet_totals {
  std::uint64_t open = 0, failed = 0, received = 0, lost = 0, resyncs = 0, server_closed = 0;
  std::map<unsigned, std::uint64_t> close_codes;
};

fleet_totals totals(const fleet& f) {
  fleet_totals t;
  for (const auto& v : f.v) {
    if (v->state == viewer::failed) {
      ++t.failed;
      continue;
    }
    ++t.open;
    t.received += v->received;
    t.lost += v->lost;
    t.resyncs += v->resyncs;
    if (v->server_closed) {
      ++t.server_closed;
      ++t.close_codes[v->close_code];
    }
  }
  return t;
}

void add_fleet(report& r, const fleet& f, const fleet_totals& t) {
  r.add("viewers_connected", t.open);
  r.add("viewers_failed", t.failed);
  if (t.server_closed) {
    std::string codes;
    for (auto [code, n] : t.close_codes) codes += fmt::format("{}{}x{}", codes.empty() ? "" : ", ", n, code);
    r.add("viewers_closed_by_server", t.server_closed, fmt::format("{} ({})", t.server_closed, codes));
  }
  if (t.resyncs) r.add("viewer_resyncs", t.resyncs);
  for (const auto& v : f.v)
    if (!v->error.empty()) {
      r.note("first viewer error: " + v->error);
      break;
    }
}

// The current seq of a trip, from a fresh viewer's INITIAL_STATE (-1 on failure).
asio::awaitable<void> probe_seq(const target& t, std::size_t port_index, int trip, std::int64_t& out) {
  auto ex = co_await asio::this_coro::executor;
  ws_conn ws(ex);
  const std::string host = t.host_header(port_index);
  const std::string path = "/ws/seats/" + std::to_string(trip);
  const tcp::endpoint ep = t.endpoint(port_index);
  const asio::ip::address any;
  auto ec = co_await ws.open(ep, any, host, path, 10s);
  std::string_view msg;
  if (!ec) ec = co_await ws.read(msg);
  out = -1;
  if (!ec)
    if (auto s = int_field(msg, "seq")) out = *s;
  ws.close();
}

std::map<int, std::int64_t> current_seqs(runtime& rt, const target& t, const std::vector<int>& trips) {
  std::vector<std::int64_t> out(trips.size(), -1);
  rt.run(trips.size(), [&](std::size_t i) { return probe_seq(t, 0, trips[i], out[i]); }, 60s);
  std::map<int, std::int64_t> m;
  for (std::size_t i = 0; i < trips.size(); ++i) m[trips[i]] = out[i];
  return m;
}

std::int64_t median(std::vector<std::int64_t> v) {
  if (v.empty()) return 0;
  std::nth_element(v.begin(), v.begin() + std::ptrdiff_t(v.size() / 2), v.end());
  return v[v.size() / 2];
}

int seats_per_trip(runtime& rt, const common_options& c) {
  int s = seats_of_trip(rt, c.tgt, c.first_trip);
  if (s <= 0) throw std::runtime_error(fmt::format("trip {} has no seats", c.first_trip));
  return s;
}

// ---- holds ----------------------------------------------------------------------------------

struct holds_state {
  runtime& rt;
  const common_options& c;
  std::vector<user>& users;
  std::vector<thread_stats>& stats;
  int seats = 40;
  double rate = 0;
  steady::time_point t0, t_end;
};

asio::awaitable<void> holds_client(holds_state& s, std::size_t i) {
  auto ex = co_await asio::this_coro::executor;
  auto& st = s.stats[i % s.rt.size()];
  http_conn conn(ex, s.c.tgt.endpoint(i));
  const std::string host = s.c.tgt.host_header(i);
  const int trip = s.c.first_trip + int(i) / s.seats;
  const int seat = int(i) % s.seats + 1;
  const std::string& token = s.users[i].token;
  const std::string lock = make_request("POST", lock_path(trip, seat), host, token);
  const std::string unlock = make_request("POST", unlock_path(trip, seat), host, token);
  const std::string warm = make_request("GET", "/", host);
  auto w = co_await conn.request(warm);
  if (w.status == 0) st.error("connect: " + w.error);
  co_await sleep_until(s.t0);
  // Paced (--rate): this client's n-th request is due at t0 + offset + n * period.
  const bool paced = s.rate > 0;
  const auto period = paced ? seconds(double(s.users.size()) / s.rate) : steady::duration{};
  const auto offset = paced ? period * std::int64_t(i) / std::int64_t(s.users.size()) : steady::duration{};
  std::int64_t n = 0;
  for (std::size_t round = 0; round < 100'000'000 && steady::now() < s.t_end; ++round) {
    for (int k = 0; k < 2; ++k) {
      if (paced) co_await sleep_until(s.t0 + offset + period * n++);
      const std::string& req = k == 0 ? lock : unlock;
      const auto t = now_us();
      auto r = co_await conn.request(req, 10s);
      const auto end = now_us();
      ++st.requests;
      st.latency.record(end - t);
      if (k == 0 ? is_locked(r) : is_released(r))
        ++st.events;
      else
        st.error(describe(r));
      if (r.status == 0) co_await sleep_for(10ms);  // no spinning on a dead server
      st.last_us = std::max(st.last_us, end);
    }
  }
}

struct counting_handler : event_handler {
  void on_event(viewer&, std::string_view, std::int64_t, std::int64_t, thread_stats&) override {}
};

}  // namespace

report run_holds(common_options& c, const holds_options& o) {
  setup_target(c);
  if (o.clients < 1 || o.clients > 10'000) throw std::invalid_argument("--clients must be 1..10000");
  if (o.viewers < 0 || std::size_t(o.viewers) > max_connections) throw std::invalid_argument("--viewers out of range");
  if (o.duration <= 0 || o.duration > 3600) throw std::invalid_argument("--duration must be in (0, 3600] s");
  if (o.rate < 0 || o.rate > 1e7) throw std::invalid_argument("--rate must be in [0, 1e7]");
  runtime rt(c.threads);
  report r("holds");
  add_common(r, c, rt);
  ensure_trips(rt, c.tgt, c.setup, c.first_trip);
  int seats = seats_per_trip(rt, c);
  int trips = (o.clients + seats - 1) / seats;
  ensure_trips(rt, c.tgt, c.setup, c.first_trip + trips - 1);
  auto users = make_users(rt, c.tgt, std::size_t(o.clients), run_prefix("holds"));
  std::vector<thread_stats> stats(rt.size());

  fleet f(rt, c.tgt, stats, 200);
  counting_handler handler;
  f.handler = &handler;
  for (int i = 0; i < o.viewers; ++i) f.add(c.first_trip + i % trips, std::size_t(i / trips));
  start_fleet(f);
  if (!wait_ready(f, 60s + std::chrono::seconds(o.viewers / 200))) r.note("not every viewer connected in time");

  holds_state s{rt, c, users, stats, seats, o.rate, {}, {}};
  s.t0 = steady::now() + 200ms;
  s.t_end = s.t0 + seconds(o.duration);
  const auto t0_us = now_us() + 200'000;
  cpu_meter cpu(server_pids(c));
  auto group = rt.start(std::size_t(o.clients), [&s](std::size_t i) { return holds_client(s, i); });
  std::this_thread::sleep_until(s.t0);
  cpu.start();
  auto errors = rt.wait(group, seconds(o.duration) + 120s);
  for (auto& e : errors) r.fail("client: " + e);

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
  std::int64_t last = 0;
  for (auto& x : stats) last = std::max(last, x.last_us);
  double elapsed = std::max(1e-3, double(last - t0_us) / 1e6);
  auto lat = merged(stats, &thread_stats::latency);
  r.add("clients", o.clients);
  r.add("trips", trips);
  r.add("viewers", o.viewers);
  if (o.rate > 0) r.add("target_rate_per_s", o.rate);
  r.add("duration_s", elapsed, fmt::format("{:.2f}", elapsed));
  r.add("requests", requests);
  r.add("requests_per_s", double(requests) / elapsed);
  r.add("errors", total(stats, [](const thread_stats& x) { return x.errors; }));
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

// ---- fanout ---------------------------------------------------------------------------------

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

// ---- expiry ---------------------------------------------------------------------------------

namespace {

struct expiry_state {
  runtime& rt;
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
  auto& st = s.stats[u % s.rt.size()];
  http_conn conn(ex, s.c.tgt.endpoint(u));
  const std::string host = s.c.tgt.host_header(u);
  const std::string warm = make_request("GET", "/", host);
  co_await conn.request(warm);
  const std::string& token = s.users[u].token;
  const auto window = seconds(s.o.window);
  for (std::size_t i = u; i < s.n; i += s.users.size()) {
    co_await sleep_until(s.t0 + window * std::int64_t(i) / std::int64_t(s.n));
    const int trip = s.c.first_trip + int(i) / s.seats;
    const int seat = int(i) % s.seats + 1;
    const std::string req = make_request("POST", lock_path(trip, seat), host, token);
    const auto t = now_us();
    auto r = co_await conn.request(req, 10s);
    st.second.record(now_us() - t);
    ++st.requests;
    auto exp = is_locked(r) ? int_field(r.body, "expires_at") : std::nullopt;
    if (!exp) {
      st.error("lock: " + describe(r));
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
  ensure_trips(rt, c.tgt, c.setup, c.first_trip);
  int seats = seats_per_trip(rt, c);
  int trips = (o.holds + seats - 1) / seats;
  ensure_trips(rt, c.tgt, c.setup, c.first_trip + trips - 1);
  int last_seats = seats_of_trip(rt, c.tgt, c.first_trip + trips - 1);
  if (last_seats != seats)
    throw std::runtime_error(fmt::format("trips {} and {} have different seat counts ({} and {})",
                                         c.first_trip, c.first_trip + trips - 1, seats, last_seats));
  auto users = make_users(rt, c.tgt, std::size_t(o.users), run_prefix("expiry"));
  std::vector<thread_stats> stats(rt.size());

  expiry_state s{rt, c, o, users, stats};
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

// ---- connections ----------------------------------------------------------------------------

namespace {

asio::awaitable<void> send_ping(viewer& v) {
  v.ping_sent_us = now_us();
  co_await v.ws.send_text("ping");
}

}  // namespace

report run_connections(common_options& c, const connections_options& o) {
  setup_target(c);
  if (o.count < 1 || std::size_t(o.count) > max_connections) throw std::invalid_argument("--count out of range");
  if (o.in_flight < 1 || o.in_flight > 10'000) throw std::invalid_argument("--in-flight must be 1..10000");
  if (o.idle < 0 || o.idle > 3600) throw std::invalid_argument("--idle must be in [0, 3600] s");
  auto fd_limit = raise_fd_limit();
  runtime rt(c.threads);
  report r("connections");
  add_common(r, c, rt);
  ensure_trips(rt, c.tgt, c.setup, c.first_trip + o.trips - 1);
  std::vector<int> pids = server_pids(c);
  if (pids.empty()) r.note("server process not found from its port (give --server-pid): no RSS figures");
  if (fd_limit > 0 && o.count + 64 > fd_limit)
    r.note(fmt::format("this process may open at most {} files: {} connections will not all fit",
                       fd_limit, o.count));
  std::vector<thread_stats> stats(rt.size());
  const std::int64_t rss_before = pids.empty() ? -1 : total_rss(pids).value_or(-1);

  fleet f(rt, c.tgt, stats, o.in_flight);
  for (int i = 0; i < o.count; ++i) f.add(c.first_trip + i % o.trips, std::size_t(i) % c.ports.size());
  const auto t_open = now_us();
  start_fleet(f);
  bool all = wait_ready(f, 120s + std::chrono::seconds(o.count / 100));
  const double open_s = double(now_us() - t_open) / 1e6;
  if (!all) r.note("not every connection was answered in time");
  std::this_thread::sleep_for(1s);
  const std::int64_t rss_open = pids.empty() ? -1 : total_rss(pids).value_or(-1);

  rt.on_each([&](std::size_t th) {
    for (std::size_t i = th; i < f.v.size(); i += rt.size())
      if (f.v[i]->state == viewer::open) asio::co_spawn(rt.ctx(th), send_ping(*f.v[i]), asio::detached);
  });
  auto ping_deadline = steady::now() + 10s + std::chrono::seconds(o.count / 1000);
  auto pongs = [&] {
    std::uint64_t n = 0;
    for (auto& v : f.v) n += v->pongs.load() > 0 ? 1 : 0;
    return n;
  };
  while (pongs() < f.ready.load() && steady::now() < ping_deadline) std::this_thread::sleep_for(10ms);
  std::this_thread::sleep_for(seconds(o.idle));
  const std::int64_t rss_idle = pids.empty() ? -1 : total_rss(pids).value_or(-1);
  auto answered = pongs();
  close_fleet(f);

  auto t = totals(f);
  auto hs = merged(stats, &thread_stats::second);
  auto rtt = merged(stats, &thread_stats::latency);
  r.add("connections_requested", o.count);
  r.add("handshakes_in_flight", f.in_flight_effective);
  add_fleet(r, f, t);
  r.add("open_time_s", open_s, fmt::format("{:.2f}", open_s));
  r.add("source_addresses", f.source_index.load() + 1);
  r.add_latency("connect_to_initial_state", hs);
  r.add("pongs_answered", answered, fmt::format("{} of {}", answered, f.ready.load()));
  r.add_latency("ping_rtt", rtt);
  if (rss_before >= 0 && rss_open >= 0 && rss_idle >= 0) {
    r.add("server_rss_before_kib", rss_before);
    r.add("server_rss_open_kib", rss_open);
    r.add("server_rss_idle_kib", rss_idle);
    auto n = std::max<std::uint64_t>(1, f.ready.load());
    double per = double(std::max(rss_open, rss_idle) - rss_before) * 1024.0 / double(n);
    r.add("rss_per_connection_bytes", std::round(per), fmt::format("{:.0f} B ({:.2f} KiB)", per, per / 1024));
  }
  if (f.ready.load() == 0) r.fail("no connection was established");
  return r;
}

// ---- contention -----------------------------------------------------------------------------

namespace {

struct contention_state {
  runtime& rt;
  const common_options& c;
  std::vector<user>& users;
  std::vector<thread_stats>& stats;
  std::vector<std::pair<int, int>> seats;  // (trip, seat) raced for in round r
  std::vector<steady::time_point> start;
  std::unique_ptr<std::atomic<int>[]> winners, bookings, errors;
  // For rounds with more than one winner: when each winning lock was sent, and when the
  // booking succeeded (steady µs), to tell two simultaneous holds from a hold granted after
  // the seat was sold.
  struct span {
    std::int64_t sent = 0, done = 0;  // steady µs
    std::size_t instance = 0;         // port index the user talks to
  };
  std::mutex m;
  std::map<std::size_t, std::vector<span>> wins;  // winning locks of a round
  std::map<std::size_t, span> booking;            // the round's successful booking
};

asio::awaitable<void> contender(contention_state& s, std::size_t u) {
  auto ex = co_await asio::this_coro::executor;
  auto& st = s.stats[u % s.rt.size()];
  http_conn conn(ex, s.c.tgt.endpoint(u));
  const std::string host = s.c.tgt.host_header(u);
  const std::string& token = s.users[u].token;
  const std::string warm = make_request("GET", "/", host);
  co_await conn.request(warm);
  for (std::size_t round = 0; round < s.seats.size(); ++round) {
    auto [trip, seat] = s.seats[round];
    const std::string lock = make_request("POST", lock_path(trip, seat), host, token);
    const std::string book_body = fmt::format(
        R"({{"trip_id":{},"seat_numbers":[{}],"gender":"F","age":30,"phone_number":"+91 98765 43210"}})",
        trip, seat);
    const std::string book = make_request("POST", "/bookings/", host, token, book_body);
    co_await sleep_until(s.start[round]);
    const auto t = now_us();
    auto r = co_await conn.request(lock, 10s);
    const auto t_done = now_us();
    st.latency.record(t_done - t);
    ++st.requests;
    if (is_locked(r)) {
      ++s.winners[round];
      std::lock_guard lock_guard(s.m);
      s.wins[round].push_back({t, t_done, u % s.c.ports.size()});
    } else if (r.status != 400) {  // 400 Seat occupied / already booked: a fair loss
      ++s.errors[round];
      st.error("lock: " + describe(r));
    }
    // Everyone tries to book: only the holder may.
    const auto b_sent = now_us();
    auto b = co_await conn.request(book, 10s);
    if (b.status == 201) {
      ++s.bookings[round];
      std::lock_guard lock_guard(s.m);
      s.booking[round] = {b_sent, now_us(), u % s.c.ports.size()};
    }
    else if (b.status != 400) {
      ++s.errors[round];
      st.error("book: " + describe(b));
    }
  }
}

asio::awaitable<void> read_tickets(const target& t, const user& u, seat_check& out) {
  auto ex = co_await asio::this_coro::executor;
  http_conn conn(ex, t.endpoint(0));
  const std::string req = make_request("GET", "/bookings/my-tickets", t.host_header(0), u.token);
  auto r = co_await conn.request(req, 30s);
  boost::system::error_code ec;
  auto j = json::parse(r.body, ec);
  if (ec || !j.is_array()) {
    out.error = "my-tickets: " + describe(r);
    co_return;
  }
  for (auto& tk : j.as_array()) {
    auto& o = tk.as_object();
    int trip = int(o.at("trip").as_object().at("id").to_number<std::int64_t>());
    for (auto& seat : o.at("seats").as_array()) ++out.booked_in_tickets[{trip, int(seat.to_number<std::int64_t>())}];
  }
}

}  // namespace

report run_contention(common_options& c, const contention_options& o) {
  setup_target(c);
  if (o.users < 2 || o.users > 10'000) throw std::invalid_argument("--users must be 2..10000");
  if (o.rounds < 1 || o.rounds > 100'000) throw std::invalid_argument("--rounds must be 1..100000");
  if (o.round_ms < 1 || o.round_ms > 60'000) throw std::invalid_argument("--round-ms must be 1..60000");
  runtime rt(c.threads);
  report r("contention");
  add_common(r, c, rt);
  ensure_trips(rt, c.tgt, c.setup, c.first_trip);
  const int seats = seats_per_trip(rt, c);
  // Free seats to race for, trip after trip (earlier runs may have sold some).
  int have_trips = ensure_trips(rt, c.tgt, c.setup, c.first_trip + (o.rounds + seats - 1) / seats - 1);
  std::vector<std::pair<int, int>> chosen;
  for (int trip = c.first_trip; trip <= have_trips && chosen.size() < std::size_t(o.rounds); ++trip) {
    seat_check sc;
    rt.run(1, [&](std::size_t) { return list_seats(c.tgt, trip, sc); }, 60s);
    for (auto& p : sc.free)
      if (chosen.size() < std::size_t(o.rounds)) chosen.push_back(p);
    if (trip == have_trips && chosen.size() < std::size_t(o.rounds))
      have_trips = ensure_trips(rt, c.tgt, c.setup, have_trips + 1);
  }
  if (chosen.size() < std::size_t(o.rounds)) throw std::runtime_error("not enough free seats");
  auto users = make_users(rt, c.tgt, std::size_t(o.users), run_prefix("contention"));
  std::vector<thread_stats> stats(rt.size());
  contention_state s{rt, c, users, stats, chosen, {}, {}, {}, {}};
  const auto t0 = steady::now() + 300ms;
  for (int i = 0; i < o.rounds; ++i) s.start.push_back(t0 + seconds(o.round_ms / 1000.0) * i);
  s.winners.reset(new std::atomic<int>[chosen.size()]);
  s.bookings.reset(new std::atomic<int>[chosen.size()]);
  s.errors.reset(new std::atomic<int>[chosen.size()]);
  for (std::size_t i = 0; i < chosen.size(); ++i) s.winners[i] = s.bookings[i] = s.errors[i] = 0;
  auto errors = rt.run(users.size(), [&s](std::size_t u) { return contender(s, u); },
                       seconds(o.rounds * o.round_ms / 1000.0) + 120s);
  for (auto& e : errors) r.fail("contender: " + e);

  // Check through the public API: the trips' seat listings and every user's tickets.
  seat_check check;
  std::set<int> trips_used;
  for (auto& p : chosen) trips_used.insert(p.first);
  std::vector<int> trip_list(trips_used.begin(), trips_used.end());
  std::vector<seat_check> per_trip(trip_list.size());
  rt.run(trip_list.size(), [&](std::size_t i) { return list_seats(c.tgt, trip_list[i], per_trip[i]); }, 120s);
  std::vector<seat_check> per_user(users.size());
  rt.run(users.size(), [&](std::size_t i) { return read_tickets(c.tgt, users[i], per_user[i]); }, 120s);
  for (auto& pt : per_trip) {
    check.booked_in_listing.insert(pt.booked_in_listing.begin(), pt.booked_in_listing.end());
    if (!pt.error.empty()) r.fail(pt.error);
  }
  for (auto& pu : per_user) {
    for (auto& [k, n] : pu.booked_in_tickets) check.booked_in_tickets[k] += n;
    if (!pu.error.empty()) r.fail(pu.error);
  }

  int exactly_one = 0, none = 0, several = 0, booked_rounds = 0, double_booked = 0, max_bookings = 0;
  int round_errors = 0, listing_mismatch = 0, after_sale = 0, simultaneous = 0, during_sale = 0;
  int several_notes = 0;
  for (std::size_t i = 0; i < chosen.size(); ++i) {
    int w = s.winners[i].load(), b = s.bookings[i].load();
    round_errors += s.errors[i].load();
    (w == 1 ? exactly_one : w == 0 ? none : several)++;
    if (w > 1) {
      // Two holds certainly coexisted when both were granted before the booking was even
      // sent; a lock sent after the booking was confirmed was granted on a sold seat.
      auto wins = s.wins[i];
      std::sort(wins.begin(), wins.end(), [](auto& a, auto& b) { return a.sent < b.sent; });
      auto bk = s.booking.count(i) ? s.booking[i] : contention_state::span{INT64_MAX, INT64_MAX};
      if (several_notes < 5) {  // the timeline, in µs from the round's start
        ++several_notes;
        const auto t0 = std::chrono::duration_cast<std::chrono::microseconds>(
                            s.start[i].time_since_epoch()).count();
        std::string line = fmt::format("round {} (trip {} seat {}):", i, chosen[i].first, chosen[i].second);
        for (auto& w : wins)
          line += fmt::format(" lock won on instance {} sent +{} answered +{};", w.instance,
                              w.sent - t0, w.done - t0);
        if (bk.sent != INT64_MAX)
          line += fmt::format(" booking on instance {} sent +{} answered +{}", bk.instance,
                              bk.sent - t0, bk.done - t0);
        r.note(line);
      }
      if (wins.size() > 1 && wins[1].sent > bk.done)
        ++after_sale;
      else if (wins.size() > 1 && wins[0].done < bk.sent && wins[1].done < bk.sent)
        ++simultaneous;
      else
        ++during_sale;
    }
    if (b >= 1) ++booked_rounds;
    if (b > 1) ++double_booked;
    int in_tickets = check.booked_in_tickets.count(chosen[i]) ? check.booked_in_tickets[chosen[i]] : 0;
    max_bookings = std::max({max_bookings, b, in_tickets});
    bool listed = check.booked_in_listing.count(chosen[i]) > 0;
    if (listed != (b >= 1) || in_tickets != b) ++listing_mismatch;
  }
  auto lat = merged(stats, &thread_stats::latency);
  r.add("users", o.users);
  r.add("rounds", o.rounds);
  r.add("rounds_with_one_winner", exactly_one);
  r.add("rounds_with_no_winner", none);
  r.add("rounds_with_several_winners", several);
  r.add("seats_booked", booked_rounds);
  r.add("max_bookings_per_seat", max_bookings);
  r.add("api_check_mismatches", listing_mismatch);
  r.add("unexpected_errors", round_errors);
  r.add_latency("lock_latency", lat);
  if (auto e = first_error(stats); !e.empty()) r.note("first error: " + e);
  if (several > 0) {
    r.add("several_winners_both_held", simultaneous);
    r.add("several_winners_during_booking", during_sale);
    r.add("several_winners_after_sale", after_sale);
    r.fail(fmt::format("{} rounds had more than one winner ({} with both holds granted before the "
                       "booking was sent, {} while the booking ran, {} on a seat already sold)",
                       several, simultaneous, during_sale, after_sale));
  }
  if (none > 0) r.fail(fmt::format("{} rounds had no winner", none));
  if (double_booked > 0 || max_bookings > 1) r.fail("a seat was booked more than once");
  if (listing_mismatch > 0)
    r.fail(fmt::format("{} seats: the seat listing or the tickets disagree with the bookings made",
                       listing_mismatch));
  return r;
}

// ---- bookings ---------------------------------------------------------------------------------

namespace {

// Starts n clients that begin their work at t0, measures the server CPU from t0, waits (the
// phase's duration plus a backstop) and returns the seconds from t0 to the last client's last
// request (stats[].last_us).
double run_clients(runtime& rt, report& r, cpu_meter& cpu, std::size_t n, const runtime::maker& make,
                   steady::time_point t0, double duration, const std::vector<thread_stats>& stats) {
  const auto t0_us =
      now_us() + std::chrono::duration_cast<std::chrono::microseconds>(t0 - steady::now()).count();
  auto group = rt.start(n, make);
  std::this_thread::sleep_until(t0);
  cpu.start();
  auto errors = rt.wait(group, seconds(duration) + 120s);
  for (auto& e : errors) r.fail("client: " + e);
  std::int64_t last = 0;
  for (auto& x : stats) last = std::max(last, x.last_us);
  return std::max(1e-3, double(last - t0_us) / 1e6);
}

struct bookings_state {
  runtime& rt;
  const common_options& c;
  std::vector<user>& users;
  std::vector<thread_stats>& stats;
  const std::vector<std::pair<int, int>>& seats;  // free (trip, seat), taken in order
  std::atomic<std::size_t> next{0};
  steady::time_point t0, t_end;
};

// One client: lock the next free seat, then book it (POST /bookings/), until the time is up or
// the free seats run out. latency: lock + booking; second: the booking request alone.
asio::awaitable<void> booking_client(bookings_state& s, std::size_t i) {
  auto ex = co_await asio::this_coro::executor;
  auto& st = s.stats[i % s.rt.size()];
  http_conn conn(ex, s.c.tgt.endpoint(i));
  const std::string host = s.c.tgt.host_header(i);
  const std::string& token = s.users[i].token;
  // Requests are built before each co_await: GCC 12 mishandles temporaries that own memory
  // inside a co_await expression.
  const std::string warm = make_request("GET", "/", host);
  auto w = co_await conn.request(warm);
  if (w.status == 0) st.error("connect: " + w.error);
  co_await sleep_until(s.t0);
  while (steady::now() < s.t_end) {
    const std::size_t k = s.next++;
    if (k >= s.seats.size()) break;
    const int trip = s.seats[k].first, seat = s.seats[k].second;
    const auto t = now_us();
    const std::string lock = make_request("POST", lock_path(trip, seat), host, token);
    auto locked = co_await conn.request(lock, 10s);
    if (!is_locked(locked)) {
      st.error("lock: " + describe(locked));
      if (locked.status == 0) co_await sleep_for(10ms);
      continue;
    }
    const auto b = now_us();
    const std::string book = make_request(
        "POST", "/bookings/", host, token,
        fmt::format(R"({{"trip_id":{},"seat_numbers":[{}]}})", trip, seat));
    auto booked = co_await conn.request(book, 10s);
    const auto end = now_us();
    ++st.requests;
    if (booked.status == 201) {
      ++st.events;
      st.latency.record(end - t);
      st.second.record(end - b);
    } else {
      st.error("book: " + describe(booked));
    }
    st.last_us = std::max(st.last_us, end);
  }
}

}  // namespace

report run_bookings(common_options& c, const bookings_options& o) {
  setup_target(c);
  if (o.clients < 1 || o.clients > 10'000) throw std::invalid_argument("--clients must be 1..10000");
  if (o.duration <= 0 || o.duration > 3600) throw std::invalid_argument("--duration must be in (0, 3600] s");
  if (o.max_bookings < 1 || o.max_bookings > 1'000'000)
    throw std::invalid_argument("--max-bookings must be 1..1000000");
  runtime rt(c.threads);
  report r("bookings");
  add_common(r, c, rt);
  // Free seats from first_trip on, adding trips (generated schedules) until there are enough.
  auto seats = gather_free_seats(rt, c, c.first_trip, std::size_t(o.max_bookings));
  // Spread: consecutive bookings go to different trips (seat 1 of every trip, then seat 2 ...),
  // so concurrent bookings rarely wait for each other's trip lock; else trip after trip.
  if (o.spread)
    std::stable_sort(seats.begin(), seats.end(),
                     [](const auto& a, const auto& b) { return a.second < b.second; });
  auto users = make_users(rt, c.tgt, std::size_t(o.clients), run_prefix("bookings"));
  std::vector<thread_stats> stats(rt.size());
  bookings_state s{rt, c, users, stats, seats, {}, {}, {}};
  s.t0 = steady::now() + 200ms;
  s.t_end = s.t0 + seconds(o.duration);
  cpu_meter cpu(server_pids(c));
  const double elapsed = run_clients(
      rt, r, cpu, std::size_t(o.clients), [&s](std::size_t i) { return booking_client(s, i); },
      s.t0, o.duration, stats);
  auto booked = total(stats, [](const thread_stats& x) { return x.events; });
  r.add("clients", o.clients);
  r.add_text("order", o.spread ? "spread over trips" : "trip after trip");
  r.add("duration_s", elapsed, fmt::format("{:.2f}", elapsed));
  r.add("bookings", booked);
  r.add("bookings_per_s", double(booked) / elapsed);
  r.add("errors", total(stats, [](const thread_stats& x) { return x.errors; }));
  r.add_latency("lock_and_book_latency", merged(stats, &thread_stats::latency));
  r.add_latency("book_latency", merged(stats, &thread_stats::second));
  cpu.finish(r, booked, "booking");
  if (s.next.load() >= seats.size()) r.note("the free seats ran out before the time was up");
  if (auto e = first_error(stats); !e.empty()) r.note("first error: " + e);
  if (booked == 0) r.fail("no booking completed");
  return r;
}

// ---- reads ------------------------------------------------------------------------------------

namespace {

struct reads_state {
  runtime& rt;
  const common_options& c;
  const std::vector<std::string>& paths;
  std::string admin_token;
  std::vector<std::vector<histogram>>& per_path;  // [thread][path]
  std::vector<thread_stats>& stats;
  steady::time_point t0, t_end;
};

// One client: GET the paths in turn (client i starts at path i), as the admin (the token only
// matters for /admin/ paths), until the time is up.
asio::awaitable<void> read_client(reads_state& s, std::size_t i) {
  auto ex = co_await asio::this_coro::executor;
  const std::size_t th = i % s.rt.size();
  auto& st = s.stats[th];
  http_conn conn(ex, s.c.tgt.endpoint(i));
  const std::string host = s.c.tgt.host_header(i);
  std::vector<std::string> reqs;
  for (const auto& p : s.paths) reqs.push_back(make_request("GET", p, host, s.admin_token));
  const std::string warm = make_request("GET", "/", host);
  auto w = co_await conn.request(warm);
  if (w.status == 0) st.error("connect: " + w.error);
  co_await sleep_until(s.t0);
  for (std::size_t n = i; steady::now() < s.t_end; ++n) {
    const std::size_t k = n % reqs.size();
    const auto t = now_us();
    auto res = co_await conn.request(reqs[k], 30s);
    const auto end = now_us();
    ++st.requests;
    if (res.status == 200) {
      s.per_path[th][k].record(end - t);
      st.latency.record(end - t);
    } else {
      st.error(s.paths[k] + ": " + describe(res));
      if (res.status == 0) co_await sleep_for(10ms);
    }
    st.last_us = std::max(st.last_us, end);
  }
}

}  // namespace

report run_reads(common_options& c, const reads_options& o) {
  setup_target(c);
  if (o.clients < 1 || o.clients > 10'000) throw std::invalid_argument("--clients must be 1..10000");
  if (o.duration <= 0 || o.duration > 3600) throw std::invalid_argument("--duration must be in (0, 3600] s");
  if (o.paths.empty() || o.paths.size() > 100) throw std::invalid_argument("--path: 1 to 100 paths");
  runtime rt(c.threads);
  report r("reads");
  add_common(r, c, rt);
  bool admin = std::any_of(o.paths.begin(), o.paths.end(),
                           [](const std::string& p) { return p.starts_with("/admin/"); });
  std::vector<thread_stats> stats(rt.size());
  std::vector<std::vector<histogram>> per_path(rt.size(), std::vector<histogram>(o.paths.size()));
  reads_state s{rt, c, o.paths, admin ? admin_token(rt, c.tgt, c.setup) : std::string{},
                per_path, stats, {}, {}};
  s.t0 = steady::now() + 200ms;
  s.t_end = s.t0 + seconds(o.duration);
  cpu_meter cpu(server_pids(c));
  const double elapsed = run_clients(
      rt, r, cpu, std::size_t(o.clients), [&s](std::size_t i) { return read_client(s, i); },
      s.t0, o.duration, stats);
  auto requests = total(stats, [](const thread_stats& x) { return x.requests; });
  r.add("clients", o.clients);
  r.add("duration_s", elapsed, fmt::format("{:.2f}", elapsed));
  r.add("requests", requests);
  r.add("requests_per_s", double(requests) / elapsed);
  r.add("errors", total(stats, [](const thread_stats& x) { return x.errors; }));
  r.add_latency("latency", merged(stats, &thread_stats::latency));
  for (std::size_t k = 0; k < o.paths.size(); ++k) {
    histogram h;
    for (auto& t : per_path) h.merge(t[k]);
    r.add_text(fmt::format("path{}", k), o.paths[k]);
    r.add_latency(fmt::format("path{}", k), h);
  }
  cpu.finish(r, requests, "request");
  if (auto e = first_error(stats); !e.empty()) r.note("first error: " + e);
  if (total(stats, [](const thread_stats& x) { return x.errors; }) > 0) r.fail("requests failed");
  return r;
}

}  // namespace bench
