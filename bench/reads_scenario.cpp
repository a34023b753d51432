// reads: clients GET the given paths in turn (as the admin for /admin/ paths) until the time
// is up; reports requests per second and the latency overall and per path.
#include <boost/asio/this_coro.hpp>
#include <fmt/format.h>

#include <algorithm>

#include "scenario_kit.hpp"

namespace bench {

namespace {

struct reads_state {
  const common_options& c;
  const std::vector<std::string>& paths;
  std::string admin_token;
  std::vector<std::vector<histogram>>& per_path;  // [thread][path]
  std::vector<thread_stats>& stats;
  timed_phase phase;
};

// One client: GET the paths in turn (client i starts at path i), as the admin (the token only
// matters for /admin/ paths), until the time is up.
asio::awaitable<void> read_client(reads_state& s, std::size_t i) {
  auto ex = co_await asio::this_coro::executor;
  scenario_client cl(ex, s.c.tgt, i, s.stats, s.admin_token);
  auto& by_path = s.per_path[i % s.per_path.size()];
  std::vector<std::string> reqs;
  for (const auto& p : s.paths) reqs.push_back(cl.request("GET", p));
  co_await cl.start(s.phase);
  for (std::size_t n = i; s.phase.running(); ++n) {
    const std::size_t k = n % reqs.size();
    auto res = co_await cl.timed(reqs[k], 30s);
    if (res.reply.status == 200) {
      by_path[k].record(res.us());
      cl.st.latency.record(res.us());
    } else {
      cl.st.error(s.paths[k] + ": " + describe(res.reply));
      if (res.reply.status == 0) co_await sleep_for(10ms);
    }
    cl.count(res.done_us);
  }
}

}  // namespace

report run_reads(common_options& c, const reads_options& o) {
  setup_target(c);
  check_timed_options(o.clients, o.duration);
  if (o.paths.empty() || o.paths.size() > 100) throw std::invalid_argument("--path: 1 to 100 paths");
  runtime rt(c.threads);
  report r("reads");
  add_common(r, c, rt);
  bool admin = std::any_of(o.paths.begin(), o.paths.end(),
                           [](const std::string& p) { return p.starts_with("/admin/"); });
  std::vector<thread_stats> stats(rt.size());
  std::vector<std::vector<histogram>> per_path(rt.size(), std::vector<histogram>(o.paths.size()));
  reads_state s{c, o.paths, admin ? admin_token(rt, c.tgt, c.setup) : std::string{}, per_path, stats,
                timed_phase::starting_in(200ms, o.duration)};
  cpu_meter cpu(server_pids(c));
  const double elapsed = run_clients(
      rt, r, cpu, std::size_t(o.clients), [&s](std::size_t i) { return read_client(s, i); },
      s.phase, stats);
  auto requests = total(stats, [](const thread_stats& x) { return x.requests; });
  r.add("clients", o.clients);
  add_rate(r, elapsed, "requests", requests, stats);
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
