// abuse: what honest users feel while the server is flooded. Honest clients (readers: GET
// /trips/{id} and /trips/search; bookers: lock + book) run paced through three phases — quiet,
// flood, after — and every request is filed under the phase it started in. During the flood a
// second runtime (its own threads, so the flood never queues honest requests on the client side)
// sends wrong logins (known and unknown e-mails, many at once), signups, oversized anonymous
// bodies to /setup/x and /setup/seed-schedule, and opens idle connections that never send a byte.
// A honest request lost in transport (its 60 s timeout, a reset) is counted as an error and also
// enters the latency figures at the time it failed.
// Reported: honest p50/p99 per phase and the flood/quiet ratio, the flood's own outcomes (status
// codes, refusals, resets, early answers), and the server's RSS before, at its peak and after.
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/json.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <thread>
#include <tuple>

#include "scenario_kit.hpp"

namespace bench {

namespace {

namespace http = beast::http;
namespace json = boost::json;

enum phase_id : std::size_t { quiet_phase = 0, flood_phase = 1, after_phase = 2 };
constexpr const char* phase_names[] = {"quiet", "flood", "after"};

// Honest traffic, per client thread.
struct alignas(64) honest_slot {
  histogram reads[3], bookings[3];
  std::uint64_t errors[3] = {};
  std::string first_error[3];
  std::vector<histogram> per_second;  // every honest request, by the second it started in
  bool seats_ran_out = false;
};

// The flood's outcomes, per flood thread: kind -> outcome -> count.
struct alignas(64) flood_slot {
  std::map<std::string, tally> outcomes;
  std::uint64_t early_answers = 0;  // bodies answered before they were fully sent
};

struct rss_sample {
  double t;  // seconds since the quiet phase started
  std::int64_t kib;
  std::int64_t fds;
  double server_cpu_s;  // CPU seconds the server(s) had used (-1: unknown)
  double bench_cpu_s;   // and this process
};

struct abuse_state {
  runtime& honest_rt;
  runtime& flood_rt;
  const common_options& c;
  const abuse_options& o;
  std::vector<user> users;                // honest (bookers)
  std::vector<std::string> victims;       // real e-mails the wrong logins aim at
  std::vector<std::pair<int, int>> seats; // free seats for the bookers
  std::atomic<std::size_t> next_seat{0};
  std::vector<std::string> read_paths;
  std::string body;                       // the oversized body, shared read-only
  std::string prefix;
  steady::time_point t0, flood_start, flood_end, t_end;
  std::int64_t t0_us = 0, flood_start_us = 0, flood_end_us = 0;
  std::atomic<bool> flood_stop{false};
  std::vector<honest_slot> honest;
  std::vector<flood_slot> flood;
  std::vector<std::unique_ptr<limiter>> idle_limiters;  // connects in flight per flood thread

  // Who is who for per-address defences (IPv4 loopback targets only; else the kernel chooses):
  // honest client k from 127.0.0.(2 + k), flood connection i from 127.0.1.(1 + i % sources).
  asio::ip::address honest_source(std::size_t k) const {
    if (!c.tgt.address.is_v4()) return {};
    return asio::ip::address_v4(0x7f000002u + unsigned(k % 250));
  }
  asio::ip::address flood_source(std::size_t i) const {
    if (!c.tgt.address.is_v4()) return {};
    auto n = unsigned(i % std::size_t(std::max(1, o.flood_sources)));
    return asio::ip::address_v4(0x7f000101u + (n / 250) * 256 + n % 250);
  }

  phase_id phase_of(std::int64_t us) const {
    return us < flood_start_us ? quiet_phase : us < flood_end_us ? flood_phase : after_phase;
  }
  void record(honest_slot& h, std::int64_t start, std::int64_t end, bool booking) {
    auto p = phase_of(start);
    (booking ? h.bookings : h.reads)[p].record(end - start);
    auto sec = std::size_t(std::max<std::int64_t>(0, start - t0_us) / 1'000'000);
    if (sec < h.per_second.size()) h.per_second[sec].record(end - start);
  }
  void error(honest_slot& h, std::int64_t start, const std::string& e) {
    auto p = phase_of(start);
    ++h.errors[p];
    if (h.first_error[p].empty()) h.first_error[p] = e;
  }
};

// Paces a client: the next start is one interval after the previous one, but never in the past
// (a client that fell behind does not burst to catch up: it is one user, not a queue).
struct pacer {
  steady::time_point next;
  steady::duration interval;
  asio::awaitable<void> wait() {
    co_await sleep_until(next);
    next += interval;
    if (next < steady::now()) next = steady::now();
  }
};

asio::awaitable<void> honest_reader(abuse_state& s, std::size_t i) {
  auto ex = co_await asio::this_coro::executor;
  auto& h = s.honest[i % s.honest_rt.size()];
  http_conn conn(ex, s.c.tgt.endpoint(i));
  conn.bind_source(s.honest_source(i));
  const std::string host = s.c.tgt.host_header(i);
  std::vector<std::string> reqs;
  for (auto& p : s.read_paths) reqs.push_back(make_request("GET", p, host));
  const std::string warm = make_request("GET", "/", host);
  co_await conn.request(warm);
  const auto interval = seconds(s.o.interval_ms / 1000.0);
  pacer pace{s.t0 + std::chrono::duration_cast<steady::duration>(interval * (double(i) / std::max(1, s.o.readers))),
             interval};
  for (std::size_t n = i; ; ++n) {
    co_await pace.wait();
    if (steady::now() >= s.t_end) break;
    const auto& req = reqs[n % reqs.size()];
    const auto t = now_us();
    auto r = co_await conn.request(req, 60s);
    const auto end = now_us();
    // A request lost in transport (60 s timeout, reset) counts at the time it failed too: the
    // user waited that long for nothing, and leaving it out would flatter the p99.
    if (r.status == 200 || r.status == 0) s.record(h, t, end, false);
    if (r.status != 200) s.error(h, t, s.read_paths[n % reqs.size()] + ": " + describe(r));
  }
}

asio::awaitable<void> honest_booker(abuse_state& s, std::size_t i) {
  auto ex = co_await asio::this_coro::executor;
  auto& h = s.honest[i % s.honest_rt.size()];
  http_conn conn(ex, s.c.tgt.endpoint(i));
  conn.bind_source(s.honest_source(std::size_t(s.o.readers) + i));
  const std::string host = s.c.tgt.host_header(i);
  const std::string& token = s.users[i].token;
  const std::string warm = make_request("GET", "/", host);
  co_await conn.request(warm);
  const auto interval = seconds(s.o.interval_ms / 1000.0);
  pacer pace{s.t0 + std::chrono::duration_cast<steady::duration>(interval * (double(i) / std::max(1, s.o.bookers))),
             interval};
  for (;;) {
    co_await pace.wait();
    if (steady::now() >= s.t_end) break;
    const std::size_t k = s.next_seat++;
    if (k >= s.seats.size()) {
      h.seats_ran_out = true;
      break;
    }
    const auto [trip, seat] = s.seats[k];
    const auto t = now_us();
    // Requests are built before each co_await: GCC 12 mishandles temporaries that own memory
    // inside a co_await expression.
    const std::string lock = make_request("POST", lock_path(trip, seat), host, token);
    auto locked = co_await conn.request(lock, 60s);
    if (!is_locked(locked)) {
      if (locked.status == 0) s.record(h, t, now_us(), true);
      s.error(h, t, "lock: " + describe(locked));
      continue;
    }
    const std::string book = make_request(
        "POST", "/bookings/", host, token,
        fmt::format(R"({{"trip_id":{},"seat_numbers":[{}]}})", trip, seat));
    auto booked = co_await conn.request(book, 60s);
    const auto end = now_us();
    if (booked.status == 201 || booked.status == 0) s.record(h, t, end, true);
    if (booked.status != 201) s.error(h, t, "book: " + describe(booked));
  }
}

// ---- the flood --------------------------------------------------------------------------------

// Wrong passwords, half for real accounts (the victims), half for e-mails nobody has, each a
// different one: many e-mails, many connections at once.
asio::awaitable<void> wrong_logins(abuse_state& s, std::size_t i) {
  auto ex = co_await asio::this_coro::executor;
  auto& out = s.flood[i % s.flood_rt.size()].outcomes["wrong login"];
  http_conn conn(ex, s.c.tgt.endpoint(i));
  conn.bind_source(s.flood_source(i));
  const std::string host = s.c.tgt.host_header(i);
  for (std::size_t n = 0; !s.flood_stop; ++n) {
    const std::string email =
        n % 2 == 0 && !s.victims.empty()
            ? s.victims[(i * 7 + n / 2) % s.victims.size()]
            : fmt::format("{}-nobody-{}-{}@bench.example.com", s.prefix, i, n);
    const std::string body =
        fmt::format(R"({{"email":"{}","password":"wrong-password-{}"}})", email, n);
    const std::string req = make_request("POST", "/auth/login", host, {}, body);
    auto r = co_await conn.request(req, 60s);
    ++out[outcome_of(r)];
    if (r.status == 0) co_await sleep_for(50ms);  // refused or reset: no busy loop
  }
}

asio::awaitable<void> signups(abuse_state& s, std::size_t i) {
  auto ex = co_await asio::this_coro::executor;
  auto& out = s.flood[i % s.flood_rt.size()].outcomes["signup"];
  http_conn conn(ex, s.c.tgt.endpoint(i));
  conn.bind_source(s.flood_source(i));
  const std::string host = s.c.tgt.host_header(i);
  for (std::size_t n = 0; !s.flood_stop; ++n) {
    const std::string body = fmt::format(
        R"({{"username":"flood","email":"{}-signup-{}-{}@bench.example.com","password":"flood-password-1"}})",
        s.prefix, i, n);
    const std::string req = make_request("POST", "/auth/signup", host, {}, body);
    auto r = co_await conn.request(req, 60s);
    ++out[outcome_of(r)];
    if (r.status == 0) co_await sleep_for(50ms);
  }
}

asio::awaitable<boost::system::error_code> send_all(beast::tcp_stream& stream, const std::string& head,
                                                    const std::string& body) {
  auto [ec, n] = co_await asio::async_write(stream, asio::buffer(head), use_tuple);
  (void)n;
  constexpr std::size_t chunk = 256 << 10;
  for (std::size_t off = 0; !ec && off < body.size(); off += chunk) {
    auto [wec, wn] = co_await asio::async_write(
        stream, asio::buffer(body.data() + off, std::min(chunk, body.size() - off)), use_tuple);
    (void)wn;
    ec = wec;
  }
  co_return ec;
}

asio::awaitable<boost::system::error_code> read_response(beast::tcp_stream& stream,
                                                         beast::flat_buffer& buf,
                                                         http::response<http::string_body>& res) {
  auto [ec, n] = co_await http::async_read(stream, buf, res, use_tuple);
  (void)n;
  co_return ec;
}

// An anonymous POST of o.body_mib MiB to /setup/x or /setup/seed-schedule (alternately), one
// connection each; the response is read while the body is being sent, so a server that answers
// (and closes) early is seen as such.
asio::awaitable<void> big_bodies(abuse_state& s, std::size_t i) {
  using namespace asio::experimental::awaitable_operators;
  auto ex = co_await asio::this_coro::executor;
  auto& slot = s.flood[i % s.flood_rt.size()];
  const std::string host = s.c.tgt.host_header(i);
  for (std::size_t n = 0; !s.flood_stop; ++n) {
    const char* path = (n + i) % 2 ? "/setup/seed-schedule" : "/setup/x";
    auto& out = slot.outcomes[fmt::format("{} MiB to {}", s.o.body_mib, path)];
    beast::tcp_stream stream(ex);
    stream.expires_after(30s);
    auto cec = bind_source(stream, s.c.tgt.endpoint(i), s.flood_source(i));
    if (!cec) std::tie(cec) = co_await stream.async_connect(s.c.tgt.endpoint(i), use_tuple);
    if (cec) {
      ++out[outcome_of(cec)];
      co_await sleep_for(50ms);
      continue;
    }
    const std::string head = fmt::format(
        "POST {} HTTP/1.1\r\nHost: {}\r\nContent-Type: multipart/form-data; boundary=abuse\r\n"
        "Content-Length: {}\r\nConnection: close\r\n\r\n",
        path, host, s.body.size());
    beast::flat_buffer buf;
    http::response<http::string_body> res;
    auto first = co_await (send_all(stream, head, s.body) || read_response(stream, buf, res));
    boost::system::error_code ec;
    if (first.index() == 1) {  // answered before the body was sent
      ec = std::get<1>(first);
      if (!ec) ++slot.early_answers;
    } else {
      auto wec = std::get<0>(first);
      stream.expires_after(wec ? 2s : 30s);  // after a reset only what already arrived counts
      ec = co_await read_response(stream, buf, res);
      if (ec && wec) ec = wec;
    }
    ++out[ec ? outcome_of(ec) : std::to_string(res.result_int())];
    beast::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream.close();
  }
}

// A connection that never sends a byte, held until the flood ends (or the server closes it).
asio::awaitable<void> idle_connection(abuse_state& s, std::size_t i) {
  auto ex = co_await asio::this_coro::executor;
  auto& out = s.flood[i % s.flood_rt.size()].outcomes["idle connection"];
  auto& lim = *s.idle_limiters[i % s.flood_rt.size()];
  co_await lim.acquire();
  beast::tcp_stream stream(ex);
  stream.expires_after(10s);
  auto cec = bind_source(stream, s.c.tgt.endpoint(i), s.flood_source(i));
  if (!cec) std::tie(cec) = co_await stream.async_connect(s.c.tgt.endpoint(i), use_tuple);
  lim.release();
  if (cec) {
    ++out[outcome_of(cec)];
    co_return;
  }
  if (s.flood_stop) co_return;
  stream.expires_at(s.flood_end);
  char byte = 0;
  auto [ec, n] = co_await stream.async_read_some(asio::buffer(&byte, 1), use_tuple);
  if (n > 0)
    ++out["server sent data"];  // e.g. a 408
  else if (ec == beast::error::timeout)
    ++out["held to the end"];
  else if (ec == asio::error::eof)
    ++out["closed by server"];
  else
    ++out[outcome_of(ec)];
  beast::error_code ignored;
  stream.socket().close(ignored);
}

struct honest_figures {
  histogram reads, bookings, all;
  std::uint64_t errors = 0;
  std::string first_error;
};

honest_figures figures(const abuse_state& s, phase_id p) {
  honest_figures f;
  for (auto& h : s.honest) {
    f.reads.merge(h.reads[p]);
    f.bookings.merge(h.bookings[p]);
    f.errors += h.errors[p];
    if (f.first_error.empty()) f.first_error = h.first_error[p];
  }
  f.all.merge(f.reads);
  f.all.merge(f.bookings);
  return f;
}

double ratio(const histogram& flood, const histogram& quiet) {
  if (quiet.count() == 0 || flood.count() == 0) return 0;
  return double(std::max<std::int64_t>(1, flood.quantile(0.99))) /
         double(std::max<std::int64_t>(1, quiet.quantile(0.99)));
}

// Where the honest readers look: a trip of their own, its seats, and a search that finds it.
std::vector<std::string> read_paths(runtime& rt, const common_options& c, int trip) {
  auto r = request_once(rt, c.tgt, make_request("GET", fmt::format("/trips/{}", trip), c.tgt.host_header(0)));
  if (r.status != 200) throw std::runtime_error(fmt::format("GET /trips/{}: {}", trip, describe(r)));
  boost::system::error_code ec;
  auto j = json::parse(r.body, ec);
  if (ec || !j.is_object()) throw std::runtime_error("GET /trips/{id}: not a JSON object");
  auto field = [&](const char* k) -> std::string {
    auto* v = j.as_object().if_contains(k);
    return v && v->is_string() ? std::string(v->as_string()) : std::string();
  };
  auto enc = [](const std::string& v) {
    std::string out;
    for (unsigned char ch : v) {
      if (std::isalnum(ch) || ch == '-' || ch == '.' || ch == '_')
        out += char(ch);
      else
        out += fmt::format("%{:02X}", ch);
    }
    return out;
  };
  std::string date = field("departure_time").substr(0, 10);
  return {fmt::format("/trips/{}", trip),
          fmt::format("/trips/search?source={}&destination={}&travel_date={}", enc(field("source")),
                      enc(field("destination")), date)};
}

}  // namespace

report run_abuse(common_options& c, const abuse_options& o) {
  setup_target(c);
  auto in = [](double v, double lo, double hi) { return v >= lo && v <= hi; };
  if (!in(o.readers, 0, 1000) || !in(o.bookers, 0, 1000) || o.readers + o.bookers < 1)
    throw std::invalid_argument("--readers/--bookers: 0..1000 each, at least one client");
  if (!in(o.interval_ms, 1, 60'000)) throw std::invalid_argument("--interval-ms must be 1..60000");
  if (!in(o.quiet, 0.1, 3600) || !in(o.flood, 0.1, 3600) || !in(o.after, 0, 3600))
    throw std::invalid_argument("--quiet/--flood must be in [0.1, 3600] s, --after in [0, 3600] s");
  if (!in(o.logins, 0, 5000) || !in(o.signups, 0, 5000) || !in(o.bodies, 0, 5000) ||
      !in(o.idle, 0, 100'000) || !in(o.login_accounts, 0, 10'000))
    throw std::invalid_argument("flood sizes out of range");
  if (!in(o.body_mib, 1, 1024)) throw std::invalid_argument("--body-mib must be 1..1024");
  if (!in(o.flood_sources, 1, 25'000)) throw std::invalid_argument("--flood-sources must be 1..25000");
  auto fd_limit = raise_fd_limit();
  runtime honest_rt(c.threads);
  runtime flood_rt(c.threads);
  report r("abuse");
  add_common(r, c, honest_rt);
  std::vector<int> pids = server_pids(c);
  if (pids.empty()) r.note("server process not found from its port (give --server-pid): no RSS figures");
  const std::size_t flood_conns = std::size_t(o.logins + o.signups + o.bodies + o.idle);
  if (fd_limit > 0 && std::int64_t(flood_conns) + o.readers + o.bookers + 64 > fd_limit)
    r.note(fmt::format("this process may open at most {} files: not every flood connection fits", fd_limit));

  abuse_state s{honest_rt, flood_rt, c, o};
  s.prefix = run_prefix("abuse");
  // Enough free seats for every booker's every interval, spread over trips.
  const double total_s = o.quiet + o.flood + o.after;
  const auto wanted = std::size_t(std::min(
      100'000.0, std::ceil(o.bookers * total_s * 1000.0 / o.interval_ms) + o.bookers + 1));
  if (o.bookers > 0) {
    s.seats = gather_free_seats(honest_rt, c, c.first_trip, wanted);
    std::stable_sort(s.seats.begin(), s.seats.end(),
                     [](const auto& a, const auto& b) { return a.second < b.second; });
  } else {
    ensure_trips(honest_rt, c.tgt, c.setup, c.first_trip);
  }
  s.read_paths = read_paths(honest_rt, c, c.first_trip);
  s.users = make_users(honest_rt, c.tgt, std::size_t(o.bookers), s.prefix + "h");
  for (auto& u : make_users(honest_rt, c.tgt, std::size_t(o.login_accounts), s.prefix + "v"))
    s.victims.push_back(u.email);
  s.body.assign(std::size_t(o.body_mib) << 20, 'x');
  s.honest.resize(honest_rt.size());
  for (auto& h : s.honest) h.per_second.resize(std::size_t(std::ceil(total_s)) + 1);
  s.flood.resize(flood_rt.size());
  for (std::size_t k = 0; k < flood_rt.size(); ++k)
    s.idle_limiters.push_back(std::make_unique<limiter>(std::max(1, 100 / int(flood_rt.size()))));

  s.t0 = steady::now() + 300ms;
  s.flood_start = s.t0 + seconds(o.quiet);
  s.flood_end = s.flood_start + seconds(o.flood);
  s.t_end = s.flood_end + seconds(o.after);
  auto us_at = [](steady::time_point t) {
    return now_us() + std::chrono::duration_cast<std::chrono::microseconds>(t - steady::now()).count();
  };
  s.t0_us = us_at(s.t0);
  s.flood_start_us = us_at(s.flood_start);
  s.flood_end_us = us_at(s.flood_end);

  std::vector<rss_sample> samples;
  auto sample = [&] {
    if (pids.empty()) return;
    std::int64_t fds = 0;
    for (int p : pids) fds += open_fds(pid_t(p)).value_or(0);
    double cpu = 0;
    for (int p : pids) cpu += cpu_seconds(pid_t(p)).value_or(-1e9);
    samples.push_back({double(now_us() - s.t0_us) / 1e6, total_rss(pids).value_or(-1), fds,
                       cpu < 0 ? -1 : cpu, own_cpu_seconds()});
  };
  sample();
  const std::int64_t rss_before = samples.empty() ? -1 : samples.back().kib;

  auto honest = honest_rt.start(std::size_t(o.readers + o.bookers), [&s](std::size_t i) {
    return i < std::size_t(s.o.readers) ? honest_reader(s, i) : honest_booker(s, i - std::size_t(s.o.readers));
  });
  // The main thread samples the server every 250 ms and starts and stops the flood.
  group_ptr flood;
  std::int64_t peak = rss_before;
  while (steady::now() < s.t_end) {
    if (!flood && steady::now() >= s.flood_start) {
      flood = flood_rt.start(flood_conns, [&s](std::size_t i) -> asio::awaitable<void> {
        std::size_t a = std::size_t(s.o.logins), b = a + std::size_t(s.o.signups),
                    d = b + std::size_t(s.o.bodies);
        if (i < a) return wrong_logins(s, i);
        if (i < b) return signups(s, i);
        if (i < d) return big_bodies(s, i);
        return idle_connection(s, i);
      });
    }
    if (flood && !s.flood_stop && steady::now() >= s.flood_end) s.flood_stop = true;
    std::this_thread::sleep_for(250ms);
    sample();
    if (!samples.empty() && steady::now() < s.flood_end + 1s) peak = std::max(peak, samples.back().kib);
  }
  s.flood_stop = true;
  const std::int64_t rss_after = samples.empty() ? -1 : samples.back().kib;
  for (auto& e : honest_rt.wait(honest, 180s)) r.fail("honest client: " + e);
  if (flood)
    for (auto& e : flood_rt.wait(flood, 180s)) r.note("flood task: " + e);
  auto alive = request_once(honest_rt, c.tgt, make_request("GET", "/", c.tgt.host_header(0)), 30s);

  // ---- the report ----
  r.add("honest_clients", o.readers + o.bookers,
        fmt::format("{} readers + {} bookers, one request each every {} ms", o.readers, o.bookers,
                    o.interval_ms));
  r.add("phases_s", json::array{o.quiet, o.flood, o.after},
        fmt::format("quiet {} s, flood {} s, after {} s", o.quiet, o.flood, o.after));
  honest_figures f[3] = {figures(s, quiet_phase), figures(s, flood_phase), figures(s, after_phase)};
  for (std::size_t p = 0; p < 3; ++p) {
    r.add_latency(fmt::format("reads_{}", phase_names[p]), f[p].reads);
    r.add_latency(fmt::format("bookings_{}", phase_names[p]), f[p].bookings);
    r.add(fmt::format("honest_errors_{}", phase_names[p]), f[p].errors);
    if (!f[p].first_error.empty()) r.note(fmt::format("first honest error ({}): {}", phase_names[p], f[p].first_error));
  }
  const double read_ratio = ratio(f[1].reads, f[0].reads);
  const double book_ratio = ratio(f[1].bookings, f[0].bookings);
  r.add("reads_p99_flood_over_quiet", std::round(read_ratio * 10) / 10, fmt::format("{:.1f}x", read_ratio));
  r.add("bookings_p99_flood_over_quiet", std::round(book_ratio * 10) / 10, fmt::format("{:.1f}x", book_ratio));
  // The flood, merged over its threads.
  std::map<std::string, tally> outcomes;
  std::uint64_t early = 0;
  for (auto& fs : s.flood) {
    early += fs.early_answers;
    for (auto& [kind, t] : fs.outcomes)
      for (auto& [k, n] : t) outcomes[kind][k] += n;
  }
  r.add("flood_connections", flood_conns,
        fmt::format("{} wrong-login + {} signup + {} body + {} idle, from {} address{}", o.logins, o.signups,
                    o.bodies, o.idle, o.flood_sources, o.flood_sources == 1 ? "" : "es"));
  json::object flood_json;
  tally refusals;
  for (auto& [kind, t] : outcomes) {
    std::uint64_t n = 0;
    for (auto& [k, v] : t) {
      n += v;
      if (k == "refused" || k == "reset" || k == "closed by server") refusals[k] += v;
    }
    r.add_text("flood: " + kind, fmt::format("{}: {}", n, format_tally(t)));
    flood_json[kind] = tally_json(t);
  }
  r.add("flood_outcomes", flood_json, "(in the JSON line)");
  r.add("flood_bodies_answered_early", early);
  r.add("flood_refusals", tally_json(refusals), format_tally(refusals));
  std::int64_t fds_peak = 0;
  for (auto& x : samples) fds_peak = std::max(fds_peak, x.fds);
  if (rss_before >= 0) {
    r.add("server_rss_before_kib", rss_before);
    r.add("server_rss_peak_kib", peak);
    r.add("server_rss_after_kib", rss_after);
    r.add("server_fds_peak", fds_peak);
  }
  // How the two cores were shared in each phase: a flood generated on the same machine takes
  // CPU from the server too, which a remote attacker's would not.
  for (std::size_t p = 0; p < 3 && samples.size() > 1; ++p) {
    const double from = p == 0 ? 0 : p == 1 ? o.quiet : o.quiet + o.flood;
    const double to = p == 0 ? o.quiet : p == 1 ? o.quiet + o.flood : o.quiet + o.flood + o.after;
    const rss_sample* a = nullptr;
    const rss_sample* b = nullptr;
    for (auto& x : samples) {
      if (!a && x.t >= from) a = &x;
      if (x.t <= to) b = &x;
    }
    if (!a || !b || b->t <= a->t || a->server_cpu_s < 0 || b->server_cpu_s < 0) continue;
    const double span = b->t - a->t;
    const double srv = 100 * (b->server_cpu_s - a->server_cpu_s) / span;
    const double own = 100 * (b->bench_cpu_s - a->bench_cpu_s) / span;
    r.add(fmt::format("cpu_{}_pct", phase_names[p]), json::array{std::round(srv), std::round(own)},
          fmt::format("server {:.0f} %, bench {:.0f} % (of {} cores)", srv, own, std::thread::hardware_concurrency()));
  }
  // Timelines for the chart: honest p99 per second, and the RSS samples.
  json::array p99s, rss;
  for (std::size_t sec = 0; sec + 1 < s.honest.front().per_second.size(); ++sec) {
    histogram h;
    for (auto& hs : s.honest) h.merge(hs.per_second[sec]);
    if (h.count()) p99s.push_back(json::array{sec, double(h.quantile(0.99)) / 1000.0});
  }
  for (auto& x : samples) rss.push_back(json::array{std::round(x.t * 10) / 10, x.kib, x.fds});
  r.add("timeline_p99_ms", p99s, "(per second, in the JSON line)");
  r.add("timeline_rss_kib_fds", rss, "(every 250 ms, in the JSON line)");
  // The verdict the issue asks for.
  const double limit = o.p99_ratio_limit;
  const bool latency_ok = (f[1].reads.count() == 0 || read_ratio <= limit) &&
                          (f[1].bookings.count() == 0 || book_ratio <= limit) && f[1].all.count() > 0;
  const double grow_mib = rss_before < 0 ? 0 : double(std::max(peak, rss_after) - rss_before) / 1024;
  const bool rss_ok = rss_before < 0 || grow_mib <= o.rss_limit_mib;
  r.add_text("verdict", fmt::format("honest p99 within {}x of quiet: {} (reads {:.1f}x, bookings {:.1f}x); "
                                    "RSS within {} MiB: {} (+{:.0f} MiB)",
                                    limit, latency_ok ? "yes" : "NO", read_ratio, book_ratio,
                                    o.rss_limit_mib, rss_ok ? "yes" : "NO", grow_mib));
  bool ran_out = false;
  for (auto& h : s.honest) ran_out = ran_out || h.seats_ran_out;
  if (ran_out) r.note("the free seats ran out: some bookers stopped early");
  if (o.strict && !(latency_ok && rss_ok)) r.fail("the verdict is no (--strict)");
  if (f[0].all.count() == 0) r.fail("no honest request succeeded in the quiet phase");
  if (alive.status != 200) r.fail("the server did not answer GET / after the flood: " + describe(alive));
  return r;
}

}  // namespace bench
