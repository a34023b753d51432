#include "app/config.hpp"

#include <boost/url/parse.hpp>
#include <fmt/format.h>

#include <charconv>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "util/random_secret.hpp"
#include "net/client_address.hpp"
#include "net/listen_address.hpp"
#include "service/ticket_documents.hpp"

extern char** environ;

namespace seatd {
namespace {

std::string trim(std::string s) {
  auto b = s.find_first_not_of(" \t\r\n");
  auto e = s.find_last_not_of(" \t\r\n");
  return b == std::string::npos ? std::string{} : s.substr(b, e - b + 1);
}

long long parse_number(const std::string& name, const std::string& v, long long lo,
                       long long hi) {
  long long out = 0;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), out);
  if (ec != std::errc{} || p != v.data() + v.size() || out < lo || out > hi)
    throw config_error(
        fmt::format("{}: expected an integer between {} and {}, got '{}'", name, lo, hi, v));
  return out;
}

// A comma-separated list of CIDRs, checked now so a typo stops startup with the variable's name.
std::string cidr_list(const std::string& name, const std::string& v) {
  try {
    (void)net::trusted_proxies::parse(v);
  } catch (const std::invalid_argument& e) {
    throw config_error(fmt::format("{}: {}", name, e.what()));
  }
  return v;
}

bool parse_bool(const std::string& name, const std::string& v) {
  if (v == "1" || v == "true" || v == "yes" || v == "on") return true;
  if (v == "0" || v == "false" || v == "no" || v == "off" || v.empty()) return false;
  throw config_error(fmt::format("{}: expected true or false, got '{}'", name, v));
}

std::vector<std::string> split_list(const std::string& v) {
  std::vector<std::string> out;
  std::stringstream ss(v);
  std::string item;
  while (std::getline(ss, item, ','))
    if (auto t = trim(item); !t.empty()) out.push_back(t);
  return out;
}

}  // namespace

std::map<std::string, std::string> parse_dotenv(const std::string& text) {
  std::map<std::string, std::string> out;
  std::stringstream ss(text);
  std::string line;
  while (std::getline(ss, line)) {
    line = trim(line);
    if (line.empty() || line[0] == '#') continue;
    if (line.rfind("export ", 0) == 0) line = trim(line.substr(7));
    auto eq = line.find('=');
    if (eq == std::string::npos) continue;
    std::string key = trim(line.substr(0, eq));
    std::string value = trim(line.substr(eq + 1));
    if (!value.empty() && (value.front() == '"' || value.front() == '\'')) {
      // A quoted value ends at its closing quote; anything after it (a comment) is dropped.
      auto close = value.find(value.front(), 1);
      if (close != std::string::npos) value = value.substr(1, close - 1);
    } else if (auto hash = value.find(" #"); hash != std::string::npos) {
      value = trim(value.substr(0, hash));
    }
    if (!key.empty()) out[key] = value;
  }
  return out;
}

std::map<std::string, std::string> load_environment(const std::string& dotenv_path) {
  std::map<std::string, std::string> env;
  if (std::ifstream f{dotenv_path}) {
    // A settings file is a few KiB; a path to /dev/zero or a log file must not fill memory.
    constexpr std::size_t max_dotenv_bytes = 1 << 20;
    std::string text(max_dotenv_bytes + 1, '\0');
    f.read(text.data(), static_cast<std::streamsize>(text.size()));
    text.resize(static_cast<std::size_t>(f.gcount()));
    if (text.size() > max_dotenv_bytes)
      throw std::runtime_error(dotenv_path + ": a settings file over 1 MiB (is it the right file?)");
    env = parse_dotenv(text);
  }
  for (char** e = environ; e && *e; ++e) {
    std::string kv = *e;
    auto eq = kv.find('=');
    if (eq != std::string::npos) env[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  return env;
}

void apply_environment(config& cfg, const std::map<std::string, std::string>& env) {
  auto get = [&](const char* k) -> const std::string* {
    auto it = env.find(k);
    return it == env.end() ? nullptr : &it->second;
  };
  if (auto v = get("DATABASE_URL"); v && !v->empty()) cfg.database_url = *v;
  if (auto v = get("REDIS_URL")) cfg.redis_url = *v;
  if (auto v = get("SECRET_KEY")) cfg.secret_key = *v;
  if (auto v = get("ALGORITHM"); v && !v->empty()) cfg.algorithm = *v;
  if (auto v = get("ACCESS_TOKEN_EXPIRE_MINUTES"))
    cfg.access_token_expire_minutes =
        int(parse_number("ACCESS_TOKEN_EXPIRE_MINUTES", *v, 1, 60 * 24 * 30));
  if (auto v = get("HOLD_TTL_SECONDS"))
    cfg.hold_ttl_seconds = int(parse_number("HOLD_TTL_SECONDS", *v, 1, 24 * 3600));
  if (auto v = get("MAX_HOLDS_PER_USER"))
    cfg.max_holds_per_user = int(parse_number("MAX_HOLDS_PER_USER", *v, 1, 100));
  if (auto v = get("SEATD_HOLD_MAX_LIFETIME_SECONDS"))
    cfg.hold_max_lifetime_seconds =
        int(parse_number("SEATD_HOLD_MAX_LIFETIME_SECONDS", *v, 1, 7 * 24 * 3600));
  if (auto v = get("SEATD_MAX_HOLDS_PER_ACCOUNT"))
    cfg.max_holds_per_account = int(parse_number("SEATD_MAX_HOLDS_PER_ACCOUNT", *v, 1, 10000));
  if (auto v = get("SEATD_HOLD_RATE_PER_MINUTE"))
    cfg.hold_rate_per_minute = int(parse_number("SEATD_HOLD_RATE_PER_MINUTE", *v, 0, 1000000));
  // At most an hour: the Redis engine keeps a trip's lapsed holds that long (redis_scripts).
  if (auto v = get("SEATD_HOLD_COOLDOWN_SECONDS"))
    cfg.hold_cooldown_seconds = int(parse_number("SEATD_HOLD_COOLDOWN_SECONDS", *v, 0, 3600));
  if (auto v = get("SEATD_BOOKING_CUTOFF_MINUTES"))
    cfg.booking_cutoff_minutes =
        int(parse_number("SEATD_BOOKING_CUTOFF_MINUTES", *v, 0, 7 * 24 * 60));
  if (auto v = get("SEATD_HOST"); v && !v->empty()) cfg.host = *v;
  if (auto v = get("SEATD_PORT")) cfg.port = std::uint16_t(parse_number("SEATD_PORT", *v, 0, 65535));
  if (auto v = get("SEATD_ENV")) cfg.production = (*v == "production");
  if (auto v = get("CORS_ORIGINS")) cfg.cors_origins = split_list(*v);
  if (auto v = get("SEATD_WORKERS"))
    cfg.worker_threads = int(parse_number("SEATD_WORKERS", *v, 1, 256));
  if (auto v = get("SEATD_HASH_THREADS"))
    cfg.hash_threads = int(parse_number("SEATD_HASH_THREADS", *v, 1, 64));
  if (auto v = get("SEATD_HASH_PER_CLIENT"))
    cfg.hash_per_client = int(parse_number("SEATD_HASH_PER_CLIENT", *v, 0, 100000));
  if (auto v = get("SEATD_HASH_QUEUE"))
    cfg.hash_queue = std::size_t(parse_number("SEATD_HASH_QUEUE", *v, 0, 100000));
  if (auto v = get("SEATD_SIGNUPS_PER_CLIENT"))
    cfg.signups_per_client = int(parse_number("SEATD_SIGNUPS_PER_CLIENT", *v, 0, 1000000));
  if (auto v = get("SEATD_IO_THREADS"))
    cfg.io_threads = int(parse_number("SEATD_IO_THREADS", *v, 0, 256));
  if (auto v = get("SEATD_LADIES_SEAT_RULE"))
    cfg.ladies_seat_rule = parse_bool("SEATD_LADIES_SEAT_RULE", *v);
  if (auto v = get("SEATD_ACCESS_LOG")) cfg.access_log = parse_bool("SEATD_ACCESS_LOG", *v);
  if (auto v = get("SEATD_MAX_CONNECTIONS"))
    cfg.max_connections = std::size_t(parse_number("SEATD_MAX_CONNECTIONS", *v, 0, 10'000'000));
  if (auto v = get("SEATD_MAX_CONNECTIONS_PER_CLIENT"))
    cfg.max_connections_per_client =
        std::size_t(parse_number("SEATD_MAX_CONNECTIONS_PER_CLIENT", *v, 0, 10'000'000));
  if (auto v = get("SEATD_FIRST_BYTE_TIMEOUT_SECONDS"))
    cfg.first_byte_timeout =
        std::chrono::seconds(parse_number("SEATD_FIRST_BYTE_TIMEOUT_SECONDS", *v, 1, 3600));
  if (auto v = get("SEATD_MAX_INFLIGHT_BODY_BYTES"))
    cfg.max_inflight_body_bytes = std::size_t(
        parse_number("SEATD_MAX_INFLIGHT_BODY_BYTES", *v, 1024, 1LL << 40));
  if (auto v = get("SEATD_TRUSTED_PROXIES"))
    cfg.trusted_proxies = cidr_list("SEATD_TRUSTED_PROXIES", *v);
  if (auto v = get("SEATD_METRICS_LISTEN")) {
    try {
      if (!trim(*v).empty()) (void)net::parse_listen_address(trim(*v));
    } catch (const std::invalid_argument& e) {
      throw config_error(fmt::format("SEATD_METRICS_LISTEN: {}", e.what()));
    }
    cfg.metrics_listen = trim(*v);
  }
  if (auto v = get("SEATD_METRICS_ALLOW"))
    cfg.metrics_allow = cidr_list("SEATD_METRICS_ALLOW", *v);
  if (auto v = get("SEATD_LOG_LEVEL"); v && !v->empty()) cfg.log_level = *v;
  if (auto v = get("SEATD_LOG_FORMAT"); v && !v->empty()) {
    if (*v != "text" && *v != "json")
      throw config_error(fmt::format("SEATD_LOG_FORMAT: expected text or json, got '{}'", *v));
    cfg.log_json = *v == "json";
  }
  if (auto v = get("SEATD_DRAIN_SECONDS"))
    cfg.drain_seconds = int(parse_number("SEATD_DRAIN_SECONDS", *v, 0, 3600));
  if (auto v = get("SEATD_WEB_ROOT")) cfg.web_root = *v;
  if (auto v = get("SMTP_URL")) cfg.smtp_url = trim(*v);
  if (auto v = get("SMTP_REQUIRE_TLS")) cfg.smtp_require_tls = parse_bool("SMTP_REQUIRE_TLS", *v);
  if (auto v = get("SEATD_SMTP_TIMEOUT_SECONDS"))
    cfg.smtp_timeout_seconds = int(parse_number("SEATD_SMTP_TIMEOUT_SECONDS", *v, 1, 3600));
  if (auto v = get("MAIL_FROM"); v && !v->empty()) cfg.mail_from = *v;
  if (auto v = get("SEATD_MAIL_DIR")) cfg.mail_dir = *v;
  if (auto v = get("SEATD_MAIL_THREADS"))
    cfg.mail_threads = int(parse_number("SEATD_MAIL_THREADS", *v, 1, 16));
  if (auto v = get("SEATD_OUTBOX_POLL_MS"))
    cfg.outbox_poll_ms = int(parse_number("SEATD_OUTBOX_POLL_MS", *v, 10, 3'600'000));
  if (auto v = get("SEATD_OUTBOX_LEASE_SECONDS"))
    cfg.outbox_lease_seconds = int(parse_number("SEATD_OUTBOX_LEASE_SECONDS", *v, 2, 86400));
  if (auto v = get("SEATD_OUTBOX_BATCH"))
    cfg.outbox_batch = int(parse_number("SEATD_OUTBOX_BATCH", *v, 1, 1000));
  if (auto v = get("SEATD_OUTBOX_MAX_ATTEMPTS"))
    cfg.outbox_max_attempts = int(parse_number("SEATD_OUTBOX_MAX_ATTEMPTS", *v, 1, 1000));
  if (auto v = get("SEATD_OUTBOX_RETRY_BASE_MS"))
    cfg.outbox_retry_base_ms = int(parse_number("SEATD_OUTBOX_RETRY_BASE_MS", *v, 10, 3'600'000));
  if (auto v = get("SEATD_OUTBOX_RETRY_MAX_SECONDS"))
    cfg.outbox_retry_max_seconds =
        int(parse_number("SEATD_OUTBOX_RETRY_MAX_SECONDS", *v, 1, 7 * 86400));
  if (auto v = get("SEATD_WAITLIST_MAX_PER_TRIP"))
    cfg.waitlist_max_per_trip = int(parse_number("SEATD_WAITLIST_MAX_PER_TRIP", *v, 1, 100'000));
  if (auto v = get("SEATD_WAITLIST_MAX_PER_USER"))
    cfg.waitlist_max_per_user = int(parse_number("SEATD_WAITLIST_MAX_PER_USER", *v, 1, 1000));
  if (auto v = get("SEATD_WAITLIST_SWEEP_SECONDS"))
    cfg.waitlist_sweep_seconds = int(parse_number("SEATD_WAITLIST_SWEEP_SECONDS", *v, 1, 3600));
  if (auto v = get("SEATD_MAX_VIEWERS_PER_CLIENT"))
    cfg.max_viewers_per_client =
        std::size_t(parse_number("SEATD_MAX_VIEWERS_PER_CLIENT", *v, 0, 1'000'000));
}

void finalize(config& cfg) {
  if (cfg.algorithm != "HS256")
    throw config_error(fmt::format(
        "ALGORITHM: only HS256 is supported (got '{}'); seatd pins the JWT algorithm",
        cfg.algorithm));
  // DATABASE_URL: a plain path, sqlite:///..., sqlite://:memory:, or postgresql://...
  const std::string& db = cfg.database_url;
  bool known = db.rfind("sqlite://", 0) == 0 || db.rfind("postgresql://", 0) == 0 ||
               db.rfind("postgres://", 0) == 0 || db.find("://") == std::string::npos;
  if (!known || db.empty())
    throw config_error(fmt::format(
        "DATABASE_URL: '{}' is not sqlite:///path, sqlite://:memory: or postgresql://...", db));
  if (db.rfind("postgres", 0) == 0 && !boost::urls::parse_uri(db))
    throw config_error(fmt::format("DATABASE_URL: '{}' is not a valid URL", db));
  if (!cfg.redis_url.empty()) {
    auto u = boost::urls::parse_uri(cfg.redis_url);
    if (!u || (u->scheme() != "redis" && u->scheme() != "rediss"))
      throw config_error(
          fmt::format("REDIS_URL: '{}' is not a redis://host:port URL", cfg.redis_url));
  }
  if (cfg.secret_key.empty()) {
    if (cfg.production)
      throw config_error("SECRET_KEY is required in production (SEATD_ENV=production)");
    cfg.secret_key = random_secret(32);
    cfg.secret_generated = true;
  } else if (cfg.secret_key.size() < 32) {
    if (cfg.production)
      throw config_error(
          "SECRET_KEY must be at least 32 characters (256 bits) in production");
  }
  if (cfg.cors_origins.empty()) cfg.cors_origins = {};
  if (auto from = service::parse_mailbox(cfg.mail_from); !from)
    throw config_error(fmt::format("MAIL_FROM: '{}' is not an address like 'seatd "
                                   "<tickets@example.com>' ({})",
                                   cfg.mail_from, from.error().message()));
  if (!cfg.smtp_url.empty() && cfg.smtp_url.rfind("smtp://", 0) != 0 &&
      cfg.smtp_url.rfind("smtps://", 0) != 0)
    throw config_error("SMTP_URL: expected smtp://[user:pass@]host[:port] or smtps://...");
  if (cfg.outbox_lease_seconds <= cfg.smtp_timeout_seconds)
    throw config_error(fmt::format(
        "SEATD_OUTBOX_LEASE_SECONDS ({}) must be longer than SEATD_SMTP_TIMEOUT_SECONDS ({}): a "
        "send still running when its lease ends would be claimed and sent again elsewhere",
        cfg.outbox_lease_seconds, cfg.smtp_timeout_seconds));
  if (cfg.mail_dir.empty()) cfg.mail_dir = default_mail_dir(cfg.database_url);
}

std::string default_mail_dir(const std::string& database_url) {
  std::string_view url = database_url;
  std::string file;
  if (url.starts_with("sqlite://")) {
    // The same reading of the path as open_store (store/open_store.cpp).
    std::string_view rest = url.substr(9);
    if (rest == ":memory:" || rest == "/:memory:" || rest.empty() || rest.front() != '/')
      return "mail";
    std::string_view path = rest.substr(1);
    if (path.empty()) return "mail";
    if (path.front() == '/' || path.starts_with("./") || path.starts_with("../") ||
        path.find('/') == std::string_view::npos)
      file = std::string(path);
    else
      file = "/" + std::string(path);
  } else if (url.find("://") == std::string_view::npos && url != ":memory:" && !url.empty()) {
    file = database_url;  // a plain path
  } else {
    return "mail";  // PostgreSQL, :memory:
  }
  return (std::filesystem::path(file).parent_path() / "mail").lexically_normal().string();
}

}  // namespace seatd
