// connections: many idle viewers opened with bounded handshakes in flight, each pinged once;
// reports the handshake and ping latencies and the server's RSS per connection.
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <thread>

#include "fleet.hpp"

namespace bench {

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

}  // namespace bench
