#include "scenario_kit.hpp"

#include <boost/json.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <thread>

namespace bench {

namespace json = boost::json;

histogram merged(const std::vector<thread_stats>& s, histogram thread_stats::*h) {
  histogram out;
  for (const auto& t : s) out.merge(t.*h);
  return out;
}

std::string first_error(const std::vector<thread_stats>& s) {
  for (const auto& t : s)
    if (!t.first_error.empty()) return t.first_error;
  return {};
}

std::string describe(const http_result& r) {
  if (r.status == 0) return "transport: " + r.error;
  return fmt::format("{} {}", r.status, r.body.substr(0, 200));
}

void setup_target(common_options& c) {
  if (c.ports.empty()) throw std::invalid_argument("--port is required");
  c.tgt.address = loopback_address(c.host);
  c.tgt.ports = c.ports;
}

void add_common(report& r, const common_options& c, runtime& rt) {
  if (!c.tag.empty()) r.add_text("tag", c.tag);
  r.add_text("engine", c.engine);
  r.add("instances", c.ports.size());
  r.add("client_threads", rt.size());
}

std::vector<int> server_pids(const common_options& c) {
  if (!c.server_pids.empty()) return c.server_pids;
  std::vector<int> pids;
  for (auto port : c.ports)
    if (auto p = pid_listening_on(port)) pids.push_back(int(*p));
  if (pids.size() != c.ports.size()) pids.clear();
  return pids;
}

std::optional<std::int64_t> total_rss(const std::vector<int>& pids) {
  std::int64_t sum = 0;
  for (int p : pids) {
    auto r = rss_kib(pid_t(p));
    if (!r) return std::nullopt;
    sum += *r;
  }
  return sum;
}

void cpu_meter::start() {
  server0_ = server();
  client0_ = own_cpu_seconds();
  t0_ = now_us();
}

void cpu_meter::finish(report& r, std::uint64_t ops, const std::string& per) const {
  double elapsed = double(now_us() - t0_) / 1e6;
  double client = own_cpu_seconds() - client0_;
  r.add("client_cpu_pct", std::round(100 * client / elapsed), fmt::format("{:.0f} %", 100 * client / elapsed));
  if (pids_.empty() || server0_ < 0) return;
  double srv = server() - server0_;
  r.add("server_cpu_pct", std::round(100 * srv / elapsed), fmt::format("{:.0f} % (of {} cores)", 100 * srv / elapsed,
                                                                    std::thread::hardware_concurrency()));
  if (ops > 0)
    r.add("server_cpu_us_per_" + per, std::round(srv * 1e7 / double(ops)) / 10,
          fmt::format("{:.1f} µs", srv * 1e6 / double(ops)));
}

double cpu_meter::server() const {
  double sum = 0;
  for (int p : pids_) {
    auto v = cpu_seconds(pid_t(p));
    if (!v) return -1;
    sum += *v;
  }
  return sum;
}

timed_phase timed_phase::starting_in(steady::duration lead, double duration) {
  timed_phase p;
  p.t0 = steady::now() + lead;
  p.t_end = p.t0 + seconds(duration);
  return p;
}

void check_timed_options(int clients, double duration) {
  if (clients < 1 || clients > 10'000) throw std::invalid_argument("--clients must be 1..10000");
  if (duration <= 0 || duration > 3600) throw std::invalid_argument("--duration must be in (0, 3600] s");
}

void add_rate(report& r, double elapsed, const std::string& what, std::uint64_t n,
              const std::vector<thread_stats>& stats) {
  r.add("duration_s", elapsed, fmt::format("{:.2f}", elapsed));
  r.add(what, n);
  r.add(what + "_per_s", double(n) / elapsed);
  r.add("errors", total(stats, [](const thread_stats& x) { return x.errors; }));
}

double run_clients(runtime& rt, report& r, cpu_meter& cpu, std::size_t n, const runtime::maker& make,
                   const timed_phase& p, const std::vector<thread_stats>& stats) {
  const auto t0_us =
      now_us() + std::chrono::duration_cast<std::chrono::microseconds>(p.t0 - steady::now()).count();
  auto group = rt.start(n, make);
  std::this_thread::sleep_until(p.t0);
  cpu.start();
  auto errors = rt.wait(group, (p.t_end - p.t0) + 120s);
  for (auto& e : errors) r.fail("client: " + e);
  std::int64_t last = 0;
  for (auto& x : stats) last = std::max(last, x.last_us);
  return std::max(1e-3, double(last - t0_us) / 1e6);
}

scenario_client::scenario_client(const asio::any_io_executor& ex, const target& t, std::size_t i,
                                 std::vector<thread_stats>& stats, std::string token)
    : st(stats[i % stats.size()]),
      host_(t.host_header(i)),
      conn_(ex, t.endpoint(i)),
      token_(std::move(token)) {}

std::string scenario_client::request(std::string_view method, std::string_view path,
                                     std::string_view body) const {
  return make_request(method, path, host_, token_, body);
}

asio::awaitable<http_result> scenario_client::warm_up() {
  const std::string warm = make_request("GET", "/", host_);
  auto w = co_await conn_.request(warm);
  co_return w;
}

asio::awaitable<void> scenario_client::start(const timed_phase& p) {
  auto w = co_await warm_up();
  if (w.status == 0) st.error("connect: " + w.error);
  co_await sleep_until(p.t0);
}

asio::awaitable<timed_result> scenario_client::timed(const std::string& req,
                                                     std::chrono::milliseconds timeout) {
  timed_result out;
  out.sent_us = now_us();
  out.reply = co_await conn_.request(req, timeout);
  out.done_us = now_us();
  co_return out;
}

namespace {
// The transport outcomes the flood and soak tell apart, from an error's text (http_conn keeps
// only the message).
std::string transport_outcome(const std::string& e) {
  auto has = [&](const char* s) { return e.find(s) != std::string::npos; };
  if (has("refused")) return "refused";
  if (has("reset") || has("Broken pipe") || has("broken pipe")) return "reset";
  if (has("timeout") || has("timed out")) return "timeout";
  if (has("End of file") || has("end of stream") || has("eof")) return "closed";
  if (has("Too many open files")) return "client out of fds";
  return "error: " + e;
}
}  // namespace

std::string outcome_of(const http_result& r) {
  // The contract answers some refusals 200 {"success": false, ...} (a wrong login, a taken e-mail).
  if (r.status == 200 && (r.body.find("\"success\":false") != std::string::npos ||
                          r.body.find("\"success\": false") != std::string::npos))
    return "200 success:false";
  if (r.status != 0) return std::to_string(r.status);
  return transport_outcome(r.error);
}

std::string outcome_of(const boost::system::error_code& ec) {
  if (!ec) return "ok";
  return transport_outcome(ec.message());
}

std::string format_tally(const tally& t) {
  std::vector<std::pair<std::uint64_t, std::string>> v;
  for (auto& [k, n] : t) v.emplace_back(n, k);
  std::sort(v.begin(), v.end(), [](auto& a, auto& b) { return a.first > b.first; });
  std::string out;
  for (auto& [n, k] : v) out += fmt::format("{}{}x{}", out.empty() ? "" : ", ", k, n);
  return out.empty() ? "none" : out;
}

boost::json::object tally_json(const tally& t) {
  boost::json::object o;
  for (auto& [k, n] : t) o[k] = n;
  return o;
}

std::string lock_path(int trip, int seat) { return fmt::format("/bookings/lock-seat/{}/{}", trip, seat); }
std::string unlock_path(int trip, int seat) { return fmt::format("/bookings/unlock-seat/{}/{}", trip, seat); }

bool is_locked(const http_result& r) { return r.status == 200 && r.body.find("\"locked\"") != std::string::npos; }
bool is_released(const http_result& r) { return r.status == 200 && r.body.find("Seat released") != std::string::npos; }

steady::duration seconds(double s) {
  return std::chrono::duration_cast<steady::duration>(std::chrono::duration<double>(s));
}

int seats_per_trip(runtime& rt, const common_options& c) {
  int s = seats_of_trip(rt, c.tgt, c.first_trip);
  if (s <= 0) throw std::runtime_error(fmt::format("trip {} has no seats", c.first_trip));
  return s;
}

seat_span span_seats(runtime& rt, const common_options& c, int n) {
  ensure_trips(rt, c.tgt, c.setup, c.first_trip);
  seat_span out;
  out.seats = seats_per_trip(rt, c);
  out.trips = (n + out.seats - 1) / out.seats;
  ensure_trips(rt, c.tgt, c.setup, c.first_trip + out.trips - 1);
  return out;
}

asio::awaitable<void> list_seats(const target& t, int trip, seat_check& out) {
  auto ex = co_await asio::this_coro::executor;
  http_conn conn(ex, t.endpoint(0));
  const std::string req = make_request("GET", fmt::format("/trips/{}/seats", trip), t.host_header(0));
  auto r = co_await conn.request(req, 30s);
  boost::system::error_code ec;
  auto j = json::parse(r.body, ec);
  if (ec || !j.is_array()) {
    out.error = "seat listing: " + describe(r);
    co_return;
  }
  for (auto& e : j.as_array()) {
    auto& o = e.as_object();
    int seat = int(o.at("seat_number").to_number<std::int64_t>());
    bool booked = o.at("is_booked").as_bool();
    bool locked = o.at("is_locked").as_bool();
    if (booked) out.booked_in_listing.insert({trip, seat});
    if (!booked && !locked) out.free.emplace_back(trip, seat);
  }
}

std::vector<std::pair<int, int>> gather_free_seats(runtime& rt, const common_options& c, int first,
                                                   std::size_t wanted) {
  int have_trips = ensure_trips(rt, c.tgt, c.setup, first);
  std::vector<std::pair<int, int>> seats;
  for (int trip = first; seats.size() < wanted; ++trip) {
    if (trip > have_trips) have_trips = ensure_trips(rt, c.tgt, c.setup, trip);
    std::vector<seat_check> batch(std::size_t(std::min(50, have_trips - trip + 1)));
    rt.run(batch.size(), [&](std::size_t k) { return list_seats(c.tgt, trip + int(k), batch[k]); }, 120s);
    for (auto& b : batch) {
      if (!b.error.empty()) throw std::runtime_error(b.error);
      for (auto& p : b.free)
        if (seats.size() < wanted) seats.push_back(p);
    }
    trip += int(batch.size()) - 1;
  }
  return seats;
}

}  // namespace bench
