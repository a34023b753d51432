#pragma once
// seatd's settings: the original's environment names (DATABASE_URL, REDIS_URL, SECRET_KEY,
// ALGORITHM, ACCESS_TOKEN_EXPIRE_MINUTES), read from the environment, then a `.env` file in
// the working directory (the environment wins), then command-line flags (flags win).
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace seatd {

class config_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct config {
  std::string host = "0.0.0.0";
  std::uint16_t port = 8000;
  std::string database_url = "sqlite:///seatd.db";
  std::string redis_url;  // empty: in-process hold engine
  std::string secret_key;
  bool secret_generated = false;  // development default: a random key for this run only
  std::string algorithm = "HS256";
  int access_token_expire_minutes = 60;
  bool production = false;  // SEATD_ENV=production: refuse weak settings
  std::vector<std::string> cors_origins = {"http://localhost:5173", "http://127.0.0.1:5173"};
  int io_threads = 0;       // 0: one per core
  int worker_threads = 4;   // database and hashing
  std::size_t worker_queue_limit = 4096;
  // The hashing lane: Argon2id (login, signup) runs on its own threads, never in front of
  // database work; more than hash_queue waiting hashes answer 503 with Retry-After.
  int hash_threads = 2;
  std::size_t hash_queue = 32;
  int hash_per_client = 4;  // hashes one client may have on the lane at once; 0: no share
  int signups_per_client = 200;  // per client per hour; 0: unlimited
  std::size_t max_body_bytes = 1u << 20;
  std::size_t max_upload_bytes = 8u << 20;
  std::size_t max_header_bytes = 8u << 10;
  std::chrono::seconds request_timeout{30};
  std::chrono::seconds idle_timeout{60};
  std::chrono::seconds first_byte_timeout{10};  // a new connection's first request header
  std::size_t max_connections_per_client = 512;  // connections from one address; 0: no cap
  std::size_t max_connections = 0;  // 0: derived from RLIMIT_NOFILE (net::default_max_connections)
  std::size_t max_inflight_body_bytes = 64u << 20;  // request bodies of all connections together
  std::string trusted_proxies;  // CIDRs whose X-Forwarded-For is believed; empty: none
  int hold_ttl_seconds = 300;
  int max_holds_per_user = 6;
  // Against seat hoarding (issue 11): a hold's whole life, holds per account across trips,
  // new holds per client address per minute (0: off), re-take cool-down after a lapse.
  int hold_max_lifetime_seconds = 900;
  int max_holds_per_account = 12;
  int hold_rate_per_minute = 60;
  int hold_cooldown_seconds = 30;
  int booking_cutoff_minutes = 0;  // holds and bookings close this long before departure
  // The ladies' seat rule (domain/ladies_seat_rule) for the whole service: on unless the
  // operator switches it off.
  bool ladies_seat_rule = true;
  std::size_t ws_queue_bytes = 256u << 10;  // per viewer; beyond it the viewer is closed
  int ws_idle_seconds = 60;
  std::size_t max_viewers_per_client = 64;  // live seat map viewers per client address; 0: no cap
  bool access_log = true;
  // GET /metrics: on its own listener (HOST:PORT) when set, then absent from the public port;
  // otherwise on the public port for peers in metrics_allow (CIDRs).
  std::string metrics_listen;
  std::string metrics_allow = "127.0.0.0/8,::1";
  std::string log_level = "info";
  bool log_json = false;  // SEATD_LOG_FORMAT=json: one JSON object per log line
  // SIGTERM: /readyz answers 503 and the listener keeps serving (each response closing its
  // connection) this long, so load balancers stop sending, before the graceful stop. 0: none.
  int drain_seconds = 5;
  std::string web_root;     // directory of the browser UI; empty: autodetect
  bool demo = false;        // import the schedule, create demo users, print credentials
  std::string demo_schedule;  // the schedule file demo mode imports
  bool fast_password_hash = false;  // tests only: minimum Argon2id cost
  // Tickets by e-mail (issue 13): the outbox's delivery loop and where it delivers.
  std::string smtp_url;  // smtp://user:pass@host:587 or smtps://...; empty: .eml files in mail_dir
  bool smtp_require_tls = false;  // smtp://: refuse to send unless STARTTLS succeeds
  int smtp_timeout_seconds = 30;  // one SMTP session, start to end
  std::string mail_from = "seatd <tickets@localhost>";
  std::string mail_dir;  // empty until finalize(): mail/ beside the SQLite file, else ./mail
  int mail_threads = 2;  // the mail lane: sends run there, never on a worker or I/O thread
  int outbox_poll_ms = 1000;
  int outbox_lease_seconds = 60;  // longer than smtp_timeout_seconds (finalize checks)
  int outbox_batch = 8;           // messages in flight per instance
  int outbox_max_attempts = 8;
  int outbox_retry_base_ms = 5000;
  int outbox_retry_max_seconds = 900;
  // The waiting lists (issue 16): active entries per trip and per account; how often the
  // store is asked which trips have a queue to match (a safety net: freed seats match at once).
  int waitlist_max_per_trip = 500;
  int waitlist_max_per_user = 10;
  int waitlist_sweep_seconds = 10;
};

// SEATD_MAIL_DIR's default: mail/ in the directory of the SQLite database file; ./mail for an
// in-memory SQLite database or PostgreSQL.
std::string default_mail_dir(const std::string& database_url);

// Parses a .env file's text: KEY=VALUE lines, '#' comments, optional "export ", quoted values.
std::map<std::string, std::string> parse_dotenv(const std::string& text);

// Applies environment values (already merged with .env) to cfg. Throws config_error naming the
// variable on an invalid value.
void apply_environment(config& cfg, const std::map<std::string, std::string>& env);

// Checks the final configuration; generates a development secret when none was given (and
// production mode is off). Throws config_error with a clear message.
void finalize(config& cfg);

// The process environment merged over the .env file at `dotenv_path` (if it exists).
std::map<std::string, std::string> load_environment(const std::string& dotenv_path = ".env");

}  // namespace seatd
