// seatd-bench: a load generator for seatd (or any server that honours its HTTP and WebSocket
// contract). Scenarios: holds, fanout, expiry, connections, contention, bookings, reads, abuse,
// soak; `smoke`
// starts a seatd and runs each scenario briefly (the CI check). Loopback targets only; every
// phase bounded.
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string_view>
#include <thread>

#include "scenarios.hpp"

extern char** environ;

namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

// The per-client defences that a load generator playing thousands of users from one address
// must turn off (holds per minute, sign-ups, holds per account, re-take cool-down, viewers,
// connections, hashes at once).
// Every scenario but `abuse` runs with them off; `abuse` measures them.
const std::vector<std::string> one_address_plays_many_users = {
    "SEATD_HOLD_RATE_PER_MINUTE=0", "SEATD_SIGNUPS_PER_CLIENT=0",
    "SEATD_MAX_HOLDS_PER_ACCOUNT=10000", "SEATD_HOLD_COOLDOWN_SECONDS=0",
    "SEATD_MAX_VIEWERS_PER_CLIENT=0", "SEATD_MAX_CONNECTIONS_PER_CLIENT=0",
    "SEATD_HASH_PER_CLIENT=0"};

// A seatd started for the smoke run: port 0, a fresh SQLite file, ready when it prints
// "seatd ready port=N"; stopped with SIGTERM. `env`: NAME=value settings over this process's
// environment.
class seatd_child {
 public:
  seatd_child(const std::string& binary, const std::string& name, const std::vector<std::string>& extra,
              const std::vector<std::string>& env = {}) {
    dir_ = fs::temp_directory_path() / fmt::format("seatd-bench-{}-{}", ::getpid(), name);
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    std::vector<std::string> args{binary, "--host", "127.0.0.1", "--port", "0",
                                  "--database", database(),
                                  "--secret-key", "seatd-bench-smoke-secret-key-0123456789",
                                  "--fast-password-hash", "--access-log", "false",
                                  "--env-file", (dir_ / "none.env").string()};
    args.insert(args.end(), {"--drain-seconds", "0"});  // nothing balances load here: stop at once
    args.insert(args.end(), extra.begin(), extra.end());
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    std::vector<std::string> env_strings(env);
    for (char** e = environ; *e; ++e) {
      std::string_view var(*e);
      bool overridden = false;
      for (const auto& o : env)
        overridden = overridden || var.substr(0, var.find('=') + 1) == o.substr(0, o.find('=') + 1);
      if (!overridden) env_strings.emplace_back(var);
    }
    std::vector<char*> envp;
    for (auto& e : env_strings) envp.push_back(e.data());
    envp.push_back(nullptr);
    auto log = (dir_ / "seatd.log").string();
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_adddup2(&fa, 1, 2);
    int rc = ::posix_spawn(&pid_, argv[0], &fa, nullptr, argv.data(), envp.data());
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0) throw std::runtime_error("cannot start " + binary);
    auto deadline = std::chrono::steady_clock::now() + 60s;
    while (port_ == 0 && std::chrono::steady_clock::now() < deadline) {
      auto text = log_text();
      auto pos = text.find("seatd ready port=");
      if (pos != std::string::npos && text.find('\n', pos) != std::string::npos) {
        port_ = static_cast<unsigned short>(std::stoi(text.substr(pos + 17)));
        break;
      }
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        throw std::runtime_error("seatd exited during startup:\n" + text);
      }
      std::this_thread::sleep_for(5ms);
    }
    if (port_ == 0) {
      stop();
      throw std::runtime_error("seatd did not become ready:\n" + log_text());
    }
  }
  ~seatd_child() {
    stop();
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  int stop() {
    if (pid_ <= 0) return -1;
    ::kill(pid_, SIGTERM);
    int status = 0;
    for (int i = 0; i < 1000; ++i) {  // up to 10 s
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      }
      std::this_thread::sleep_for(10ms);
    }
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
    return -1;
  }
  unsigned short port() const { return port_; }
  pid_t pid() const { return pid_; }
  std::string database() const { return "sqlite:///" + (dir_ / "seatd.db").string(); }
  std::string log_text() const {
    std::ifstream f(dir_ / "seatd.log");
    std::stringstream ss;
    ss << f.rdbuf();
    return ss.str();
  }

 private:
  fs::path dir_;
  pid_t pid_ = -1;
  unsigned short port_ = 0;
};

// Every scenario, briefly, against a seatd of our own. Passes when each runs and reports; the
// only correctness assertion is contention's (exactly one winner per round, at most one
// booking per seat). Nothing here is timed.
int smoke(bench::common_options c) {
  if (c.setup.seatd_binary.empty()) throw std::invalid_argument("smoke needs --seatd-binary");
  const std::vector<std::string> flags{"--hold-ttl", "2", "--max-holds", "20", "--io-threads", "2",
                                       "--log-level", "warn"};
  seatd_child server(c.setup.seatd_binary, "main", flags, one_address_plays_many_users);
  c.ports = {server.port()};
  c.server_pids = {int(server.pid())};
  c.setup.database = server.database();
  int failures = 0;
  auto run = [&](const char* name, auto&& f) {
    try {
      bench::report r = f();
      r.print(c.json_out);
      if (r.failed()) {
        std::printf("smoke: %s FAILED\n", name);
        ++failures;
      }
    } catch (const std::exception& e) {
      std::printf("smoke: %s did not run: %s\n", name, e.what());
      ++failures;
    }
  };
  run("holds", [&] {
    bench::holds_options o;
    o.clients = 4;
    o.duration = 1;
    o.viewers = 4;
    return bench::run_holds(c, o);
  });
  run("group holds", [&] {
    bench::holds_options o;
    o.clients = 4;
    o.duration = 1;
    o.viewers = 4;
    o.group = 3;
    return bench::run_holds(c, o);
  });
  run("fanout", [&] {
    bench::fanout_options o;
    o.viewers = 20;
    o.trips = 2;
    o.rate = 20;
    o.duration = 1;
    return bench::run_fanout(c, o);
  });
  run("expiry", [&] {
    bench::expiry_options o;
    o.holds = 60;
    o.window = 1;
    o.users = 10;
    o.grace = 3;
    auto cc = c;
    cc.first_trip = 10;
    return bench::run_expiry(cc, o);
  });
  run("connections", [&] {
    bench::connections_options o;
    o.count = 50;
    o.in_flight = 20;
    o.idle = 0.2;
    return bench::run_connections(c, o);
  });
  run("contention", [&] {
    bench::contention_options o;
    o.users = 8;
    o.rounds = 5;
    o.round_ms = 100;
    auto cc = c;
    cc.first_trip = 20;
    return bench::run_contention(cc, o);
  });
  run("bookings", [&] {
    bench::bookings_options o;
    o.clients = 4;
    o.duration = 1;
    o.max_bookings = 100;
    auto cc = c;
    cc.first_trip = 30;
    return bench::run_bookings(cc, o);
  });
  run("reads", [&] {
    bench::reads_options o;
    o.clients = 2;
    o.duration = 0.5;
    o.paths = {"/trips/cities", "/trips/1/seats", "/admin/analytics"};
    return bench::run_reads(c, o);
  });
  run("abuse", [&] {
    // Brief and never timed: each kind of flood runs beside honest traffic and the server must
    // still answer; the latency verdict is printed, not asserted.
    bench::abuse_options o;
    o.readers = 2;
    o.bookers = 2;
    o.quiet = 0.5;
    o.flood = 1;
    o.after = 0.5;
    o.logins = 8;
    o.login_accounts = 2;
    o.signups = 2;
    o.bodies = 2;
    o.body_mib = 2;
    o.idle = 50;
    // A seatd of its own, with the per-client defences at their defaults: abuse measures them.
    seatd_child guarded(c.setup.seatd_binary, "abuse", flags);
    auto cc = c;
    cc.ports = {guarded.port()};
    cc.server_pids = {int(guarded.pid())};
    cc.setup.database = guarded.database();
    cc.first_trip = 40;
    auto r = bench::run_abuse(cc, o);
    if (int code = guarded.stop(); code != 0) {
      std::printf("smoke: the abuse scenario's seatd exited with %d\n%s\n", code,
                  guarded.log_text().c_str());
      ++failures;
    }
    return r;
  });
  int code = server.stop();
  if (code != 0) {
    std::printf("smoke: seatd exited with %d\n%s\n", code, server.log_text().c_str());
    ++failures;
  }
  std::printf("smoke: %s\n", failures ? "FAILED" : "ok");
  return failures ? 1 : 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"seatd-bench: load generator for seatd's public HTTP and WebSocket API"};
  app.require_subcommand(1);
  app.fallthrough();
  bench::common_options c;
  app.add_option("--host", c.host, "Server address (loopback only)")->capture_default_str();
  app.add_option("--port", c.ports, "Server port; several (comma-separated) for several instances")
      ->delimiter(',');
  app.add_option("--threads", c.threads, "Client threads")->capture_default_str()->check(CLI::Range(1, 64));
  app.add_option("--json-out", c.json_out, "Also append each result's JSON line to this file");
  app.add_option("--engine", c.engine, "Label of the server's hold engine, for the report")
      ->capture_default_str();
  app.add_option("--server-pid", c.server_pids,
                 "Server process id(s), for CPU and RSS figures (default: found from the ports)")
      ->delimiter(',');
  app.add_option("--tag", c.tag, "A label copied into the report (e.g. for charts)");
  app.add_option("--first-trip", c.first_trip, "First trip id used")->capture_default_str()
      ->check(CLI::Range(1, 100'000'000));
  app.add_option("--admin-token", c.setup.admin_token, "Admin bearer token (for the schedule upload)");
  app.add_option("--admin-email", c.setup.admin_email, "Admin account to log in as");
  app.add_option("--admin-password", c.setup.admin_password, "Password of that admin");
  app.add_option("--seatd-binary", c.setup.seatd_binary,
                 "seatd executable: creates the admin with `seatd admin create` (with --database); "
                 "smoke: the server to start");
  app.add_option("--database", c.setup.database, "The server's DATABASE_URL (for `seatd admin create`)");
  app.add_option("--schedule", c.setup.schedule, "Schedule uploaded when no trip exists")
      ->capture_default_str();

  bench::holds_options ho;
  auto* holds = app.add_subcommand("holds", "C clients lock and unlock their own seats for D seconds");
  holds->add_option("--clients", ho.clients, "Clients (each its own user and connection)")->capture_default_str();
  holds->add_option("--duration", ho.duration, "Seconds")->capture_default_str();
  holds->add_option("--viewers", ho.viewers, "WebSocket viewers on the clients' trips")->capture_default_str();
  holds->add_option("--group", ho.group,
                    "N > 0: each client holds N seats in one request (POST /bookings/holds) and "
                    "releases them in one (DELETE /bookings/holds/{trip}); 0: lock-seat/unlock-seat")
      ->capture_default_str();
  holds->add_option("--rate", ho.rate, "Requests per second, all clients together (0: as fast as answered)")
      ->capture_default_str();

  bench::fanout_options fo;
  auto* fanout = app.add_subcommand("fanout", "V viewers over T trips; a driver makes R seat events/s");
  fanout->add_option("--viewers", fo.viewers, "Viewers")->capture_default_str();
  fanout->add_option("--trips", fo.trips, "Trips")->capture_default_str();
  fanout->add_option("--rate", fo.rate, "Seat events per second (all trips)")->capture_default_str();
  fanout->add_option("--duration", fo.duration, "Seconds")->capture_default_str();
  fanout->add_option("--seats", fo.seats, "Seats per trip the driver cycles through")->capture_default_str();
  fanout->add_option("--start-at", fo.start_at_ms,
                     "Start the driver at this wall-clock time (ms since the epoch), to run several "
                     "bench processes together");

  bench::expiry_options eo;
  auto* expiry = app.add_subcommand("expiry", "N holds, deadlines spread over W s: expiry broadcast lag");
  expiry->add_option("--holds", eo.holds, "Holds (one per seat; trips are added when needed)")->capture_default_str();
  expiry->add_option("--window", eo.window, "Seconds over which the holds are created")->capture_default_str();
  expiry->add_option("--users", eo.users, "Users (and connections) creating holds")->capture_default_str();
  expiry->add_option("--viewers-per-trip", eo.viewers_per_trip, "Viewers on each trip")->capture_default_str();
  expiry->add_option("--grace", eo.grace, "Seconds to wait past the last deadline")->capture_default_str();

  bench::connections_options co;
  auto* conns = app.add_subcommand("connections", "K idle viewers: server RSS each, handshake time, pongs");
  conns->add_option("--count", co.count, "Viewers")->capture_default_str();
  conns->add_option("--in-flight", co.in_flight, "Handshakes in flight")->capture_default_str();
  conns->add_option("--trips", co.trips, "Trips the viewers spread over")->capture_default_str();
  conns->add_option("--idle", co.idle, "Seconds idle before the last RSS sample")->capture_default_str();

  bench::contention_options cto;
  auto* contention = app.add_subcommand("contention", "U users race for one seat per round");
  contention->add_option("--users", cto.users, "Users racing")->capture_default_str();
  contention->add_option("--rounds", cto.rounds, "Rounds (one seat each)")->capture_default_str();
  contention->add_option("--round-ms", cto.round_ms, "Milliseconds between round starts")->capture_default_str();

  bench::bookings_options bo;
  auto* bookings = app.add_subcommand("bookings", "C clients lock and book free seats for D seconds");
  bookings->add_option("--clients", bo.clients, "Clients (each its own user and connection)")->capture_default_str();
  bookings->add_option("--duration", bo.duration, "Seconds")->capture_default_str();
  bookings->add_option("--max-bookings", bo.max_bookings, "Free seats to gather before the start")
      ->capture_default_str();
  bookings->add_flag("!--trip-after-trip", bo.spread,
                     "Fill one trip after another (concurrent bookings then queue on its lock)");

  bench::reads_options ro;
  auto* reads = app.add_subcommand("reads", "C clients GET the given paths in turn for D seconds");
  reads->add_option("--clients", ro.clients, "Clients")->capture_default_str();
  reads->add_option("--duration", ro.duration, "Seconds")->capture_default_str();
  reads->add_option("--path", ro.paths, "A path to GET (repeat for several); /admin/ ones as the admin")
      ->required();

  bench::abuse_options ao;
  auto* abuse = app.add_subcommand(
      "abuse", "Honest reads and bookings, quiet then beside a flood (wrong logins, signups, "
               "oversized bodies, idle connections): latency, flood outcomes, server RSS");
  abuse->add_option("--readers", ao.readers, "Honest readers (GET /trips/{id}, search)")->capture_default_str();
  abuse->add_option("--bookers", ao.bookers, "Honest bookers (lock + book)")->capture_default_str();
  abuse->add_option("--interval-ms", ao.interval_ms, "Each honest client starts a request this often")
      ->capture_default_str();
  abuse->add_option("--quiet", ao.quiet, "Seconds of honest traffic alone")->capture_default_str();
  abuse->add_option("--flood", ao.flood, "Seconds of honest traffic beside the flood")->capture_default_str();
  abuse->add_option("--after", ao.after, "Seconds of honest traffic after the flood")->capture_default_str();
  abuse->add_option("--logins", ao.logins, "Connections sending wrong logins")->capture_default_str();
  abuse->add_option("--login-accounts", ao.login_accounts,
                    "Real accounts the wrong logins aim at (half the attempts; the rest unknown e-mails)")
      ->capture_default_str();
  abuse->add_option("--signups", ao.signups, "Connections signing up")->capture_default_str();
  abuse->add_option("--bodies", ao.bodies, "Connections sending oversized anonymous bodies")->capture_default_str();
  abuse->add_option("--body-mib", ao.body_mib, "Size of each body (MiB)")->capture_default_str();
  abuse->add_option("--idle", ao.idle, "Idle connections (never send a byte)")->capture_default_str();
  abuse->add_option("--flood-sources", ao.flood_sources,
                    "Loopback addresses the flood comes from (127.0.1.1 ...); each honest client has its own")
      ->capture_default_str();
  abuse->add_option("--p99-ratio-limit", ao.p99_ratio_limit, "Verdict: flood p99 within this many times quiet")
      ->capture_default_str();
  abuse->add_option("--rss-limit-mib", ao.rss_limit_mib, "Verdict: server RSS growth at most this")
      ->capture_default_str();
  abuse->add_flag("--strict", ao.strict, "Fail the run when the verdict is no");

  bench::soak_options so;
  auto* soak = app.add_subcommand(
      "soak", "Bounded soak: weekly imports, departing trips, churning viewers, expiring holds "
              "(--redis-port: one FLUSHALL and one restart); RSS and fds flat after warm-up?");
  soak->add_option("--duration", so.duration, "Seconds")->capture_default_str();
  soak->add_option("--sample-every", so.sample_every, "Seconds between samples")->capture_default_str();
  soak->add_option("--import-every", so.import_every, "Seconds between schedule imports")->capture_default_str();
  soak->add_option("--import-rows", so.import_rows, "Trips per imported week")->capture_default_str();
  soak->add_option("--viewers", so.viewers, "Viewers open at any time")->capture_default_str();
  soak->add_option("--viewer-life", so.viewer_life, "Mean seconds a viewer stays")->capture_default_str();
  soak->add_option("--holders", so.holders, "Users taking holds left to expire")->capture_default_str();
  soak->add_option("--hold-rate", so.hold_rate, "New holds per second")->capture_default_str();
  soak->add_option("--book-rate", so.book_rate, "Bookings per second")->capture_default_str();
  soak->add_option("--redis-port", so.redis_port,
                   "The servers' Redis (127.0.0.1): FLUSHALL at 40 %, kill -9 and restart at 55 %");
  soak->add_option("--flat-tolerance", so.flat_tolerance, "Flat: last third's mean within this of the middle's")
      ->capture_default_str();
  soak->add_flag("--strict", so.strict, "Fail the run when RSS or fds are not flat");

  auto* smoke_cmd = app.add_subcommand("smoke", "Start seatd (--seatd-binary) and run every scenario briefly");

  CLI11_PARSE(app, argc, argv);
  ::signal(SIGPIPE, SIG_IGN);
  try {
    if (smoke_cmd->parsed()) return smoke(c);
    std::string load = bench::load_average();
    std::optional<bench::report> r;
    if (holds->parsed()) r = bench::run_holds(c, ho);
    if (fanout->parsed()) r = bench::run_fanout(c, fo);
    if (expiry->parsed()) r = bench::run_expiry(c, eo);
    if (conns->parsed()) r = bench::run_connections(c, co);
    if (contention->parsed()) r = bench::run_contention(c, cto);
    if (bookings->parsed()) r = bench::run_bookings(c, bo);
    if (reads->parsed()) r = bench::run_reads(c, ro);
    if (abuse->parsed()) r = bench::run_abuse(c, ao);
    if (soak->parsed()) r = bench::run_soak(c, so);
    if (!r) return 2;
    r->add_text("loadavg_before", load);
    r->add_text("loadavg_after", bench::load_average());
    r->print(c.json_out);
    return r->failed() ? 1 : 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "seatd-bench: %s\n", e.what());
    return 2;
  }
}
