// soak: months of a public server's life, compressed into a bounded run. Weekly schedules are
// imported again and again (each import places the week after the latest trip), trips depart
// during the run (the first import into an empty server places a trip every minute from the next
// minute on; seatd has no accelerated clock, so these are real departures), viewers come and go
// on /ws/seats/{id} over every trip known, holders take seats and leave the holds to expire (run
// the server with a short HOLD_TTL_SECONDS), a few bookings are made, and with --redis-port Redis
// is flushed (FLUSHALL, no disconnect) at 40 % and killed (-9) and restarted empty at 55 %.
// The server's RSS and open fds are sampled every few seconds; "flat" compares the mean of the
// last third with the mean of the middle third (the first third is warm-up).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <cmath>
#include <ctime>
#include <filesystem>
#include <mutex>
#include <random>
#include <thread>

#include "scenario_kit.hpp"

extern char** environ;

namespace bench {

namespace {

namespace json = boost::json;

// The server's local wall clock as naive seconds (the contract's times carry no zone; seatd
// uses its process time zone, which is this one when both run from the same shell).
std::int64_t local_now_s() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  ::localtime_r(&t, &tm);
  return std::int64_t(t) + tm.tm_gmtoff;
}

// "2026-12-04T21:00:00" -> naive seconds; nullopt when malformed.
std::optional<std::int64_t> parse_local(const std::string& s) {
  std::tm tm{};
  if (s.size() < 19 || std::sscanf(s.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d", &tm.tm_year, &tm.tm_mon,
                                   &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec) != 6)
    return std::nullopt;
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  return std::int64_t(::timegm(&tm));
}

struct trip_info {
  int id = 0;
  std::int64_t departure = 0;  // naive local seconds
  int seats = 40;
};

// Trips known to the bench; written by the main thread after each import, read by the clients.
class trip_book {
 public:
  void add(std::vector<trip_info> more) {
    std::lock_guard lock(m_);
    for (auto& t : more) all_.push_back(t);
  }
  std::size_t size() const {
    std::lock_guard lock(m_);
    return all_.size();
  }
  // A random trip; upcoming: departing more than a minute from now, else one already departed.
  // nullopt when there is none of that kind.
  std::optional<trip_info> pick(std::minstd_rand& rng, bool upcoming) const {
    std::lock_guard lock(m_);
    const auto now = local_now_s();
    for (int attempt = 0; attempt < 32 && !all_.empty(); ++attempt) {
      const auto& t = all_[rng() % all_.size()];
      if (upcoming ? t.departure > now + 60 : t.departure <= now) return t;
    }
    for (const auto& t : all_)  // rare: fall back to a scan
      if (upcoming ? t.departure > now + 60 : t.departure <= now) return t;
    return std::nullopt;
  }
  std::optional<trip_info> any(std::minstd_rand& rng) const {
    std::lock_guard lock(m_);
    if (all_.empty()) return std::nullopt;
    return all_[rng() % all_.size()];
  }
  std::size_t departed_between(std::int64_t from, std::int64_t to) const {
    std::lock_guard lock(m_);
    return std::size_t(std::count_if(all_.begin(), all_.end(), [&](const trip_info& t) {
      return t.departure > from && t.departure <= to;
    }));
  }

 private:
  mutable std::mutex m_;
  std::vector<trip_info> all_;
};

struct alignas(64) soak_slot {
  tally viewer_open;       // "ok" or why a viewer could not open
  tally viewer_end;        // how sessions ended: "left" (we closed) or the server's close code
  tally holds_upcoming, holds_departed, bookings;
  std::uint64_t initial_states = 0, resyncs = 0, max_resyncs = 0, events = 0;
  histogram lock_latency[3];  // upcoming holds, by third of the run
};

struct soak_state {
  runtime& rt;
  const common_options& c;
  const soak_options& o;
  trip_book trips;
  std::vector<user> users;
  std::vector<soak_slot> slots;
  steady::time_point t0, t_end;
  std::atomic<int> viewers_open{0};
  std::size_t third(steady::time_point t) const {
    auto d = std::chrono::duration<double>(t - t0).count() / o.duration;
    return std::min<std::size_t>(2, std::size_t(std::max(0.0, d * 3)));
  }
};

asio::awaitable<void> viewer_slot(soak_state& s, std::size_t i) {
  auto ex = co_await asio::this_coro::executor;
  auto& st = s.slots[i % s.rt.size()];
  std::minstd_rand rng(unsigned(i * 7919 + 17));
  std::uniform_real_distribution<double> life(0.5 * s.o.viewer_life, 1.5 * s.o.viewer_life);
  const std::string host = s.c.tgt.host_header(i);
  // Spread the first arrivals over one viewer life.
  co_await sleep_for(seconds(s.o.viewer_life * double(i) / double(std::max(1, s.o.viewers))));
  while (steady::now() < s.t_end) {
    auto trip = s.trips.any(rng);
    if (!trip) {
      co_await sleep_for(1s);
      continue;
    }
    ws_conn ws(ex);
    const std::string path = "/ws/seats/" + std::to_string(trip->id);
    auto ec = co_await ws.open(s.c.tgt.endpoint(i), {}, host, path, 10s);
    if (ec) {
      ++st.viewer_open[ec == websocket::error::closed ? fmt::format("close {}", ws.reason().code)
                                                      : outcome_of(ec)];
      ws.close();
      co_await sleep_for(200ms);
      continue;
    }
    ++st.viewer_open["ok"];
    ++s.viewers_open;
    // Leave after a while: a timer closes the connection, which ends the read below. The flag
    // keeps a timer that already fired from touching a connection that is gone.
    auto alive = std::make_shared<bool>(true);
    asio::steady_timer leave(ex);
    leave.expires_after(std::min(seconds(life(rng)), s.t_end - steady::now()));
    bool we_left = false;
    leave.async_wait([alive, &ws, &we_left](boost::system::error_code e) {
      if (e || !*alive) return;
      we_left = true;
      ws.close();
    });
    std::uint64_t initials = 0;
    std::string_view msg;
    for (;;) {
      ec = co_await ws.read(msg);
      if (ec) break;
      if (string_field(msg, "type") == "INITIAL_STATE")
        ++initials;
      else if (int_field(msg, "seq"))
        ++st.events;
    }
    *alive = false;
    leave.cancel();
    --s.viewers_open;
    st.initial_states += initials;
    if (initials > 1) {
      st.resyncs += initials - 1;
      st.max_resyncs = std::max(st.max_resyncs, initials - 1);
    }
    if (we_left)
      ++st.viewer_end["left"];
    else if (ec == websocket::error::closed)
      ++st.viewer_end[fmt::format("closed by server {}", ws.reason().code)];
    else
      ++st.viewer_end[outcome_of(ec)];
    ws.close();
    if (!we_left) co_await sleep_for(200ms);  // a browser waits before it reconnects too
  }
}

// Takes holds and leaves them to expire: mostly on trips still to depart, one in ten on a trip
// that has departed (what the server answers there is counted apart).
asio::awaitable<void> holder(soak_state& s, std::size_t i) {
  auto ex = co_await asio::this_coro::executor;
  auto& st = s.slots[i % s.rt.size()];
  std::minstd_rand rng(unsigned(i * 104729 + 3));
  http_conn conn(ex, s.c.tgt.endpoint(i));
  const std::string host = s.c.tgt.host_header(i);
  const std::string& token = s.users[i].token;
  const auto interval = seconds(double(s.o.holders) / s.o.hold_rate);
  auto next = steady::now() + std::chrono::duration_cast<steady::duration>(interval * (double(i) / s.o.holders));
  for (std::uint64_t n = 0;; ++n) {
    co_await sleep_until(next);
    next = std::max(next + interval, steady::now());
    if (steady::now() >= s.t_end) break;
    const bool departed = n % 10 == 9;
    auto trip = s.trips.pick(rng, !departed);
    if (!trip) continue;
    const int seat = 1 + int(rng() % unsigned(std::max(1, trip->seats)));
    const std::string req = make_request("POST", lock_path(trip->id, seat), host, token);
    const auto t = steady::now();
    auto r = co_await conn.request(req, 30s);
    if (departed) {
      ++st.holds_departed[outcome_of(r)];
    } else {
      ++st.holds_upcoming[outcome_of(r)];
      if (r.status == 200) st.lock_latency[s.third(t)].record((now_us() - std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch()).count()));
    }
  }
}

asio::awaitable<void> booker(soak_state& s, std::size_t user_index) {
  auto ex = co_await asio::this_coro::executor;
  auto& st = s.slots[user_index % s.rt.size()];
  std::minstd_rand rng(unsigned(user_index * 31 + 5));
  http_conn conn(ex, s.c.tgt.endpoint(user_index));
  const std::string host = s.c.tgt.host_header(user_index);
  const std::string& token = s.users[user_index].token;
  const auto interval = seconds(1.0 / s.o.book_rate);
  auto next = steady::now();
  for (;;) {
    co_await sleep_until(next);
    next = std::max(next + interval, steady::now());
    if (steady::now() >= s.t_end) break;
    auto trip = s.trips.pick(rng, true);
    if (!trip) continue;
    const int seat = 1 + int(rng() % unsigned(std::max(1, trip->seats)));
    const std::string lock = make_request("POST", lock_path(trip->id, seat), host, token);
    auto l = co_await conn.request(lock, 30s);
    if (!is_locked(l)) {
      ++st.bookings["lock " + outcome_of(l)];
      continue;
    }
    const std::string book = make_request(
        "POST", "/bookings/", host, token,
        fmt::format(R"({{"trip_id":{},"seat_numbers":[{}]}})", trip->id, seat));
    auto b = co_await conn.request(book, 30s);
    ++st.bookings[outcome_of(b)];
  }
}

// ---- set-up and the main thread's jobs ---------------------------------------------------------

const char* const day_names[] = {"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"};
constexpr const char* csv_header =
    "Operator,Day,Bus Name,Source,Destination,Departure Time,Arrival Time,Fare (INR),Service Type,"
    "Bus Type\n";

std::string clock_12h(int minutes) {
  minutes = ((minutes % 1440) + 1440) % 1440;
  int h = minutes / 60, m = minutes % 60;
  return fmt::format("{:02}:{:02} {}", h % 12 == 0 ? 12 : h % 12, m, h < 12 ? "AM" : "PM");
}

// Today's trips, one a minute from the next minute on, enough to cover the run (stops before
// midnight: the import places trips by weekday and clock time).
std::string departing_schedule(const std::string& tag, double duration_s, int& count) {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  ::localtime_r(&t, &tm);
  const int first = tm.tm_hour * 60 + tm.tm_min + 1;
  count = std::min({int(std::ceil(duration_s / 60.0)) + 1, 1439 - first + 1, 300});
  std::string csv = csv_header;
  for (int k = 0; k < count; ++k)
    csv += fmt::format("Soak,{},Soak {} depart {},Soakpur,Churnnagar,{},{},400,Express,AC\n",
                       day_names[tm.tm_wday], tag, k, clock_12h(first + k), clock_12h(first + k + 120));
  return csv;
}

// One week of a fixed fleet: the same rows every import, as an operator re-uploads its timetable.
std::string weekly_schedule(const std::string& tag, int rows) {
  std::string csv = csv_header;
  for (int k = 0; k < rows; ++k)
    csv += fmt::format("Soak,{},Soak {} bus {},Soakpur,Churnnagar,{},{},450,Express,AC\n",
                       day_names[k % 7], tag, k, clock_12h(360 + (k * 37) % 960),
                       clock_12h(360 + (k * 37) % 960 + 300));
  return csv;
}

// GETs trips first..last (their departure and seats), 16 at a time.
std::vector<trip_info> learn_trips(runtime& rt, const target& t, int first, int last) {
  std::vector<trip_info> out(std::size_t(std::max(0, last - first + 1)));
  for (std::size_t k = 0; k < out.size(); ++k) out[k].id = first + int(k);
  rt.run(std::min<std::size_t>(16, out.size()), [&](std::size_t w) -> asio::awaitable<void> {
    return [](const target& t, std::vector<trip_info>& out, std::size_t w) -> asio::awaitable<void> {
      auto ex = co_await asio::this_coro::executor;
      http_conn conn(ex, t.endpoint(0));
      for (std::size_t k = w; k < out.size(); k += 16) {
        const std::string req = make_request("GET", fmt::format("/trips/{}", out[k].id), t.host_header(0));
        auto r = co_await conn.request(req, 30s);
        boost::system::error_code ec;
        auto j = json::parse(r.body, ec);
        if (ec || !j.is_object()) continue;
        auto& o = j.as_object();
        if (auto* d = o.if_contains("departure_time"); d && d->is_string())
          out[k].departure = parse_local(std::string(d->as_string())).value_or(0);
        if (auto* n = o.if_contains("total_seats"); n && n->is_int64()) out[k].seats = int(n->as_int64());
      }
    }(t, out, w);
  }, 300s);
  return out;
}

// A RESP command to Redis on 127.0.0.1:port over a plain socket; the first reply line, or why not.
std::string redis_command(int port, const std::vector<std::string>& args) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return "error: socket";
  timeval tv{5, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(std::uint16_t(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  std::string reply;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    reply = "error: connect: " + std::string(std::strerror(errno));
  } else {
    std::string cmd = fmt::format("*{}\r\n", args.size());
    for (auto& x : args) cmd += fmt::format("${}\r\n{}\r\n", x.size(), x);
    if (::send(fd, cmd.data(), cmd.size(), MSG_NOSIGNAL) != ssize_t(cmd.size())) {
      reply = "error: send";
    } else {
      char buf[256];
      auto n = ::recv(fd, buf, sizeof buf, 0);
      reply = n > 0 ? std::string(buf, std::size_t(n)) : "error: no reply";
      if (auto p = reply.find("\r\n"); p != std::string::npos) reply.resize(p);
    }
  }
  ::close(fd);
  return reply;
}

// kill -9 the redis-server on the port and start an empty one (no persistence) in its place.
// Returns the new process id, or -1 with `why` set. The new server outlives this process: stop it
// after seatd (bench/run.sh does: redis-cli shutdown nosave).
pid_t restart_redis(int port, std::string& why) {
  auto pid = pid_listening_on(std::uint16_t(port));
  if (!pid) {
    why = "no process found listening on the Redis port";
    return -1;
  }
  std::error_code ec;
  auto exe = std::filesystem::read_symlink(fmt::format("/proc/{}/exe", *pid), ec);
  auto cwd = std::filesystem::read_symlink(fmt::format("/proc/{}/cwd", *pid), ec);
  if (exe.empty()) {
    why = "cannot read the redis-server executable from /proc";
    return -1;
  }
  if (cwd.empty()) cwd = std::filesystem::temp_directory_path();
  ::kill(*pid, SIGKILL);
  for (int k = 0; k < 200 && redis_command(port, {"PING"}).rfind("error: connect", 0) != 0; ++k)
    std::this_thread::sleep_for(50ms);
  // Debian's redis-server is a link to one binary that picks its role from argv[0]: run the
  // executable, but call it redis-server.
  std::vector<std::string> args{"redis-server", "--port", std::to_string(port), "--bind", "127.0.0.1",
                                "--save", "", "--appendonly", "no", "--dir", cwd.string(),
                                "--logfile", (cwd / "redis-restarted-by-soak.log").string()};
  std::vector<char*> argv;
  for (auto& x : args) argv.push_back(x.data());
  argv.push_back(nullptr);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSID);  // not the bench's terminal's signals
  pid_t child = -1;
  int rc = ::posix_spawn(&child, exe.c_str(), nullptr, &attr, argv.data(), environ);
  posix_spawnattr_destroy(&attr);
  if (rc != 0) {
    why = "cannot start " + exe.string();
    return -1;
  }
  for (int k = 0; k < 200; ++k) {
    if (redis_command(port, {"PING"}) == "+PONG") return child;
    std::this_thread::sleep_for(50ms);
  }
  why = "the restarted redis-server did not answer PING";
  return child;
}

struct sample {
  double t;
  std::int64_t rss_kib, fds;
  int viewers;
  std::size_t trips;
};

struct flatness {
  double middle = 0, last = 0, growth = 0;
  bool flat = true;
  std::size_t n_middle = 0, n_last = 0;
};

// Least-squares slope of value against time (per minute) over the samples after the first
// third: a steady leak shows here even when it is small against the total.
template <class F>
double slope_per_min(const std::vector<sample>& v, double duration, F value) {
  double n = 0, st = 0, sv = 0, stt = 0, stv = 0;
  for (auto& x : v) {
    if (x.t < duration / 3) continue;
    const double t = x.t / 60, y = double(value(x));
    n += 1;
    st += t;
    sv += y;
    stt += t * t;
    stv += t * y;
  }
  const double d = n * stt - st * st;
  return n < 3 || d == 0 ? 0 : (n * stv - st * sv) / d;
}

template <class F>
flatness compare_thirds(const std::vector<sample>& v, double duration, double tolerance, F value) {
  flatness f;
  for (auto& x : v) {
    if (x.t >= duration / 3 && x.t < 2 * duration / 3) {
      f.middle += double(value(x));
      ++f.n_middle;
    } else if (x.t >= 2 * duration / 3) {
      f.last += double(value(x));
      ++f.n_last;
    }
  }
  if (f.n_middle == 0 || f.n_last == 0) return f;
  f.middle /= double(f.n_middle);
  f.last /= double(f.n_last);
  f.growth = f.middle > 0 ? (f.last - f.middle) / f.middle : 0;
  f.flat = f.growth <= tolerance;
  return f;
}

}  // namespace

report run_soak(common_options& c, const soak_options& o) {
  setup_target(c);
  auto in = [](double v, double lo, double hi) { return v >= lo && v <= hi; };
  if (!in(o.duration, 10, 7 * 86400)) throw std::invalid_argument("--duration must be 10 s .. 7 days");
  if (!in(o.sample_every, 0.1, 3600) || !in(o.import_every, 1, 86400))
    throw std::invalid_argument("--sample-every / --import-every out of range");
  if (!in(o.import_rows, 1, 10'000) || !in(o.viewers, 0, 15'000) || !in(o.viewer_life, 0.1, 86400) ||
      !in(o.holders, 0, 1000) || !in(o.hold_rate, 0.01, 100'000) || !in(o.book_rate, 0, 10'000) ||
      !in(o.redis_port, 0, 65535) || !in(o.flat_tolerance, 0, 10))
    throw std::invalid_argument("soak options out of range");
  raise_fd_limit();
  runtime rt(c.threads);
  report r("soak");
  add_common(r, c, rt);
  std::vector<int> pids = server_pids(c);
  if (pids.empty()) r.note("server process not found from its port (give --server-pid): no RSS or fd figures");
  soak_state s{rt, c, o};
  s.slots.resize(rt.size());
  const auto token = admin_token(rt, c.tgt, c.setup);
  const std::string tag = run_prefix("soak");
  auto import = [&](const std::string& name, const std::string& csv) -> std::string {
    auto res = upload_schedule(rt, c.tgt, token, name, csv);
    if (res.status != 200) throw std::runtime_error("schedule import failed: " + describe(res));
    auto j = json::parse(res.body);
    auto* m = j.is_object() ? j.as_object().if_contains("message") : nullptr;
    return m && m->is_string() ? std::string(m->as_string()) : res.body;
  };
  int have = count_trips(rt, c.tgt);
  int departing = 0;
  if (have == 0) {
    auto msg = import("soak-departing.csv", departing_schedule(tag, o.duration, departing));
    r.add("departing_trips_placed", departing, fmt::format("{} (one a minute from the next minute; {})", departing, msg));
  } else {
    r.note(fmt::format("the server already had {} trips: the soak's imports go to later weeks and no "
                       "trip of theirs departs during the run (start from an empty database)", have));
  }
  int weeks = 0;
  auto import_week = [&] {
    import("soak-week.csv", weekly_schedule(tag, o.import_rows));
    ++weeks;
    int now_have = count_trips(rt, c.tgt);
    s.trips.add(learn_trips(rt, c.tgt, have + 1, now_have));
    have = now_have;
  };
  {
    int now_have = count_trips(rt, c.tgt);
    s.trips.add(learn_trips(rt, c.tgt, std::max(1, now_have - 5000 + 1), now_have));
    have = now_have;
  }
  import_week();  // at least one week ahead before the clients start
  s.users = make_users(rt, c.tgt, std::size_t(o.holders) + 1, tag);

  const std::int64_t local_start = local_now_s();
  s.t0 = steady::now();
  s.t_end = s.t0 + seconds(o.duration);
  const std::size_t n_viewers = std::size_t(o.viewers), n_holders = std::size_t(o.holders);
  auto clients = rt.start(n_viewers + n_holders + (o.book_rate > 0 ? 1 : 0), [&](std::size_t i) {
    if (i < n_viewers) return viewer_slot(s, i);
    if (i < n_viewers + n_holders) return holder(s, i - n_viewers);
    return booker(s, n_holders);
  });

  std::vector<sample> samples;
  auto take_sample = [&] {
    std::int64_t rss = -1, fds = -1;
    if (!pids.empty()) {
      rss = total_rss(pids).value_or(-1);
      fds = 0;
      for (int p : pids) fds += open_fds(pid_t(p)).value_or(0);
    }
    samples.push_back({std::chrono::duration<double>(steady::now() - s.t0).count(), rss, fds,
                       s.viewers_open.load(), s.trips.size()});
  };
  auto at = [&](double fraction) { return s.t0 + seconds(o.duration * fraction); };
  auto next_sample = s.t0, next_import = s.t0 + seconds(o.import_every);
  bool flushed = false, restarted = false;
  std::string redis_flush, redis_restart;
  while (steady::now() < s.t_end) {
    const auto now = steady::now();
    if (now >= next_sample) {
      take_sample();
      next_sample += seconds(o.sample_every);
    }
    if (now >= next_import) {
      try {
        import_week();
      } catch (const std::exception& e) {
        r.note(std::string("an import failed: ") + e.what());
      }
      next_import += seconds(o.import_every);
    }
    if (o.redis_port && !flushed && now >= at(0.40)) {
      flushed = true;
      redis_flush = redis_command(o.redis_port, {"FLUSHALL"});
    }
    if (o.redis_port && !restarted && now >= at(0.55)) {
      restarted = true;
      std::string why;
      pid_t p = restart_redis(o.redis_port, why);
      redis_restart = why.empty() ? fmt::format("killed (-9) and restarted empty as pid {}", p) : why;
      if (!why.empty()) r.fail("Redis restart: " + why);
    }
    std::this_thread::sleep_for(100ms);
  }
  take_sample();
  for (auto& e : rt.wait(clients, 120s)) r.fail("client: " + e);
  auto alive = request_once(rt, c.tgt, make_request("GET", "/", c.tgt.host_header(0)), 30s);

  // ---- the report ----
  tally viewer_open, viewer_end, holds_up, holds_dep, books;
  std::uint64_t initials = 0, resyncs = 0, max_resyncs = 0, events = 0;
  histogram lock_lat[3];
  auto add_to = [](tally& into, const tally& from) {
    for (auto& [k, n] : from) into[k] += n;
  };
  for (auto& x : s.slots) {
    add_to(viewer_open, x.viewer_open);
    add_to(viewer_end, x.viewer_end);
    add_to(holds_up, x.holds_upcoming);
    add_to(holds_dep, x.holds_departed);
    add_to(books, x.bookings);
    initials += x.initial_states;
    resyncs += x.resyncs;
    max_resyncs = std::max(max_resyncs, x.max_resyncs);
    events += x.events;
    for (int k = 0; k < 3; ++k) lock_lat[k].merge(x.lock_latency[k]);
  }
  r.add("duration_s", o.duration);
  r.add("weeks_imported", weeks, fmt::format("{} ({} trips each, every {} s)", weeks, o.import_rows, o.import_every));
  r.add("trips_known", s.trips.size());
  const auto departed = s.trips.departed_between(local_start, local_now_s());
  r.add("trips_departed_during_run", departed);
  r.add("viewer_sessions", tally_json(viewer_open), format_tally(viewer_open));
  r.add("viewer_endings", tally_json(viewer_end), format_tally(viewer_end));
  r.add("viewer_initial_states", initials);
  r.add("viewer_resyncs", resyncs, fmt::format("{} (at most {} in one session)", resyncs, max_resyncs));
  r.add("viewer_seat_events", events);
  r.add("holds_upcoming_trips", tally_json(holds_up), format_tally(holds_up));
  r.add("holds_departed_trips", tally_json(holds_dep), format_tally(holds_dep));
  r.add("bookings", tally_json(books), format_tally(books));
  for (int k = 0; k < 3; ++k) r.add_latency(fmt::format("lock_third{}", k + 1), lock_lat[k]);
  if (o.redis_port) {
    r.add_text("redis_flushall_at_40pct", redis_flush.empty() ? "not reached" : redis_flush);
    r.add_text("redis_restart_at_55pct", redis_restart.empty() ? "not reached" : redis_restart);
  }
  r.note("rooms are not exposed by seatd (no metrics endpoint): not sampled");
  json::array series;
  for (auto& x : samples)
    series.push_back(json::array{std::round(x.t * 10) / 10, x.rss_kib, x.fds, x.viewers, x.trips});
  r.add("samples", series, fmt::format("{} (t s, rss KiB, fds, viewers open, trips known; in the JSON line)", samples.size()));
  if (!pids.empty()) {
    auto rss = compare_thirds(samples, o.duration, o.flat_tolerance, [](const sample& x) { return x.rss_kib; });
    auto fds = compare_thirds(samples, o.duration, o.flat_tolerance, [](const sample& x) { return x.fds; });
    std::int64_t rss_min = INT64_MAX, rss_max = 0, fd_max = 0;
    for (auto& x : samples) {
      rss_min = std::min(rss_min, x.rss_kib);
      rss_max = std::max(rss_max, x.rss_kib);
      fd_max = std::max(fd_max, x.fds);
    }
    r.add("server_rss_first_kib", samples.front().rss_kib);
    r.add("server_rss_max_kib", rss_max);
    r.add("server_rss_last_kib", samples.back().rss_kib);
    r.add("server_fds_max", fd_max);
    r.add("rss_middle_third_kib", std::round(rss.middle));
    r.add("rss_last_third_kib", std::round(rss.last));
    r.add("fds_middle_third", std::round(fds.middle * 10) / 10);
    r.add("fds_last_third", std::round(fds.last * 10) / 10);
    const double rss_slope = slope_per_min(samples, o.duration, [](const sample& x) { return x.rss_kib; });
    const double fd_slope = slope_per_min(samples, o.duration, [](const sample& x) { return x.fds; });
    r.add("rss_slope_kib_per_min", std::round(rss_slope * 10) / 10,
          fmt::format("{:+.1f} KiB/min after warm-up ({:+.0f} MiB a day at that rate)", rss_slope,
                      rss_slope * 1440 / 1024));
    r.add("fds_slope_per_min", std::round(fd_slope * 100) / 100, fmt::format("{:+.2f}/min", fd_slope));
    const bool enough = rss.n_middle > 0 && rss.n_last > 0;
    r.add_text("rss_flat", !enough ? "too few samples"
                                   : fmt::format("{} ({:+.1f} % last third against middle third; tolerance {:.0f} %)",
                                                 rss.flat ? "yes" : "NO", 100 * rss.growth, 100 * o.flat_tolerance));
    r.add_text("fds_flat", !enough ? "too few samples"
                                   : fmt::format("{} ({:+.1f} %)", fds.flat ? "yes" : "NO", 100 * fds.growth));
    if (o.strict && enough && !(rss.flat && fds.flat)) r.fail("RSS or fds not flat after warm-up (--strict)");
  }
  if (viewer_open["ok"] == 0 && o.viewers > 0) r.fail("no viewer could connect");
  if (alive.status != 200) r.fail("the server did not answer GET / at the end: " + describe(alive));
  return r;
}

}  // namespace bench
