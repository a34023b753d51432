// reads: clients GET the given paths in turn (as the admin for /admin/ paths) until the time
// is up; reports requests per second and the latency overall and per path.
#include <boost/asio/this_coro.hpp>
#include <fmt/format.h>

#include <algorithm>

#include "scenario_kit.hpp"

namespace bench {

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
