// seatd: live seat booking server. `seatd` (or `seatd serve`) runs the server;
// `seatd admin create` adds an admin; `seatd import FILE` loads a schedule; `seatd routes`
// lists the HTTP routes.
#include <CLI/CLI.hpp>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <cstdio>
#include <filesystem>

#include "app/application.hpp"
#include "app/build_info.hpp"
#include "app/config.hpp"
#include "auth/init.hpp"
#include "domain/local_time.hpp"
#include "domain/schedule_rules.hpp"
#include "net/log_format.hpp"

namespace {

// A file or directory shipped with seatd: the installed copy (share/seatd/...) first, then the
// source tree's, searched upwards from the executable.
std::string find_shipped(const char* argv0, std::initializer_list<const char*> candidates,
                         const char* fallback) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::path exe = fs::canonical("/proc/self/exe", ec);
  if (ec) exe = fs::absolute(argv0);
  for (auto dir = exe.parent_path(); !dir.empty() && dir != dir.root_path(); dir = dir.parent_path()) {
    for (auto rel : candidates)
      if (fs::exists(dir / rel)) return (dir / rel).string();
  }
  return fallback;
}

}  // namespace

int main(int argc, char** argv) {
  auto logger = spdlog::stderr_color_mt("seatd");
  spdlog::set_default_logger(logger);
  seatd::net::use_log_format(false);  // text until the settings are read

  seatd::config cfg;
  CLI::App app{"seatd: live seat booking server"};
  app.set_version_flag("--version", seatd::version_line());
  // A flag given twice takes its last value (scripts append overrides).
  app.option_defaults()->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  std::string dotenv = ".env";
  app.add_option("--env-file", dotenv, "Read settings from this .env file")->capture_default_str();

  // Flags override the environment: parse into optionals, apply after the environment.
  std::optional<std::string> host, database, redis, secret, log_level, log_format, web_root, cors,
      metrics_listen;
  std::optional<int> port, workers, io_threads, hold_ttl, token_minutes, max_holds, ws_queue_kib;
  std::optional<int> drain_seconds;
  std::optional<bool> access_log;
  bool demo = false, fast_hash = false;
  std::string demo_schedule;
  app.add_option("--host", host, "Address to listen on (default 0.0.0.0)");
  app.add_option("--port,-p", port, "Port to listen on (default 8000; 0 picks a free one)")
      ->check(CLI::Range(0, 65535));
  app.add_option("--database", database, "DATABASE_URL: sqlite:///path or postgresql://...");
  app.add_option("--redis", redis, "REDIS_URL: redis://host:port (default: in-process holds)");
  app.add_option("--secret-key", secret, "SECRET_KEY for signing tokens");
  app.add_option("--workers", workers, "Worker threads for database and hashing")
      ->check(CLI::Range(1, 256));
  app.add_option("--io-threads", io_threads, "I/O threads (0: one per core)")
      ->check(CLI::Range(0, 256));
  app.add_option("--hold-ttl", hold_ttl, "HOLD_TTL_SECONDS: seat hold lifetime")
      ->check(CLI::Range(1, 86400));
  app.add_option("--max-holds", max_holds, "MAX_HOLDS_PER_USER: holds per user per trip")
      ->check(CLI::Range(1, 100));
  app.add_option("--ws-queue-kib", ws_queue_kib,
                 "Outgoing WebSocket queue per viewer (KiB); slower viewers are closed")
      ->check(CLI::Range(1, 65536));
  app.add_option("--token-minutes", token_minutes, "ACCESS_TOKEN_EXPIRE_MINUTES")
      ->check(CLI::Range(1, 43200));
  app.add_option("--cors-origins", cors, "Comma-separated allowed CORS origins");
  app.add_option("--access-log", access_log, "Log every request (true/false)");
  app.add_option("--metrics-listen", metrics_listen,
                 "SEATD_METRICS_LISTEN: serve /metrics on this HOST:PORT only "
                 "(e.g. 127.0.0.1:9100)");
  app.add_option("--log-level", log_level, "trace, debug, info, warn, error");
  app.add_option("--log-format", log_format, "SEATD_LOG_FORMAT: text or json (one object per line)")
      ->check(CLI::IsMember({"text", "json"}));
  app.add_option("--drain-seconds", drain_seconds,
                 "SEATD_DRAIN_SECONDS: on SIGTERM, /readyz fails and requests are still served "
                 "this long before the graceful stop (0: stop at once)")
      ->check(CLI::Range(0, 3600));
  app.add_option("--web-root", web_root, "Directory of the browser UI");
  app.add_flag("--demo", demo, "Import the demo schedule and create demo accounts");
  app.add_option("--demo-schedule", demo_schedule, "Schedule file demo mode imports");
  app.add_flag("--fast-password-hash", fast_hash,
               "Minimum Argon2id cost (tests only; refused in production)");

  auto* serve = app.add_subcommand("serve", "Run the server (the default)");
  (void)serve;
  auto* admin = app.add_subcommand("admin", "Administer users");
  auto* admin_create = admin->add_subcommand("create", "Create an admin (or promote a user)");
  std::string admin_email, admin_name = "admin", admin_password;
  admin_create->add_option("--email", admin_email, "Email")->required();
  admin_create->add_option("--username", admin_name, "Display name");
  admin_create->add_option("--password", admin_password,
                           "Password (or SEATD_ADMIN_PASSWORD in the environment)");
  admin->require_subcommand(1);
  auto* routes = app.add_subcommand(
      "routes", "Print every HTTP route: method, path pattern, who may call it (anyone, user, admin)");
  auto* import = app.add_subcommand("import", "Import a schedule file (.xlsx or .csv)");
  std::string import_path;
  import->add_option("file", import_path, "Schedule file")->required()->check(CLI::ExistingFile);
  std::string import_week_of;
  import->add_option("--week-of", import_week_of,
                     "Place the trips in the week of this day (YYYY-MM-DD; the current week or "
                     "later). Default: the current week, or the week after the latest trip");
  int import_weeks = 1;
  import->add_option("--weeks", import_weeks,
                     "Place the timetable in this many consecutive weeks from there (1-8)")
      ->check(CLI::Range(1, seatd::max_import_weeks));
  bool import_dry_run = false;
  import->add_flag("--dry-run", import_dry_run,
                   "Say what would be imported (weeks, trips, new buses) and write nothing");

  CLI11_PARSE(app, argc, argv);

  try {
    seatd::auth::init();
    seatd::apply_environment(cfg, seatd::load_environment(dotenv));
    if (host) cfg.host = *host;
    if (port) cfg.port = static_cast<std::uint16_t>(*port);
    if (database) cfg.database_url = *database;
    if (redis) cfg.redis_url = *redis;
    if (secret) cfg.secret_key = *secret;
    if (workers) cfg.worker_threads = *workers;
    if (io_threads) cfg.io_threads = *io_threads;
    if (hold_ttl) cfg.hold_ttl_seconds = *hold_ttl;
    if (token_minutes) cfg.access_token_expire_minutes = *token_minutes;
    if (max_holds) cfg.max_holds_per_user = *max_holds;
    if (ws_queue_kib) cfg.ws_queue_bytes = std::size_t(*ws_queue_kib) << 10;
    if (cors) {
      seatd::apply_environment(cfg, {{"CORS_ORIGINS", *cors}});
    }
    if (access_log) cfg.access_log = *access_log;
    if (metrics_listen) seatd::apply_environment(cfg, {{"SEATD_METRICS_LISTEN", *metrics_listen}});
    if (log_level) cfg.log_level = *log_level;
    if (drain_seconds) cfg.drain_seconds = *drain_seconds;
    if (log_format) cfg.log_json = *log_format == "json";
    if (web_root) cfg.web_root = *web_root;
    cfg.demo = demo;
    cfg.demo_schedule =
        demo_schedule.empty()
            ? find_shipped(argv[0],
                           {"share/seatd/abctravels_schedule.xlsx", "data/abctravels_schedule.xlsx"},
                           "data/abctravels_schedule.xlsx")
            : demo_schedule;
    if (cfg.web_root.empty()) cfg.web_root = find_shipped(argv[0], {"share/seatd/web", "web"}, "");
    if (fast_hash && cfg.production) throw seatd::config_error("--fast-password-hash is refused in production");
    cfg.fast_password_hash = fast_hash;
    seatd::finalize(cfg);
    spdlog::set_level(spdlog::level::from_str(cfg.log_level));
    seatd::net::use_log_format(cfg.log_json);

    if (admin_create->parsed()) {
      if (admin_password.empty())
        if (const char* p = std::getenv("SEATD_ADMIN_PASSWORD")) admin_password = p;
      return seatd::create_admin(cfg, admin_email, admin_name, admin_password);
    }
    if (routes->parsed()) return seatd::print_routes(cfg);
    if (import->parsed()) {
      std::optional<seatd::local_date> week_of;
      if (!import_week_of.empty()) {
        week_of = seatd::parse_date(import_week_of);
        if (!week_of)
          throw seatd::config_error("--week-of: expected a date YYYY-MM-DD, got '" +
                                    import_week_of + "'");
      }
      return seatd::import_schedule_file(cfg, import_path, week_of,
                                         {import_weeks, import_dry_run});
    }

    if (cfg.secret_generated)
      spdlog::warn("SECRET_KEY not set: generated a random key for this run (tokens will not "
                   "survive a restart); set SECRET_KEY in the environment or .env");
    seatd::application application(cfg);
    return application.run();
  } catch (const seatd::config_error& e) {
    std::fprintf(stderr, "seatd: configuration error: %s\n", e.what());
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "seatd: %s\n", e.what());
    return 1;
  }
}
