#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "app/config.hpp"
#include "auth/init.hpp"

namespace {

using seatd::apply_environment;
using seatd::config;
using seatd::config_error;
using seatd::finalize;
using seatd::parse_dotenv;
using env_map = std::map<std::string, std::string>;

// The message of the config_error `f` throws, or "<no throw>".
template <class F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const config_error& e) {
    return e.what();
  }
  return "<no throw>";
}

bool contains(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

bool is_lower_hex(const std::string& s) {
  return s.find_first_not_of("0123456789abcdef") == std::string::npos;
}

// ---- parse_dotenv --------------------------------------------------------------------------

TEST(app_parse_dotenv, simple_pairs) {
  EXPECT_EQ(parse_dotenv("A=1\nB=two\n"), (env_map{{"A", "1"}, {"B", "two"}}));
}

TEST(app_parse_dotenv, no_trailing_newline_and_crlf_lines) {
  EXPECT_EQ(parse_dotenv("A=1\r\nB=2"), (env_map{{"A", "1"}, {"B", "2"}}));
}

TEST(app_parse_dotenv, comments_and_blank_lines_are_skipped) {
  const std::string text =
      "# a comment\n"
      "\n"
      "   \n"
      "  # indented comment\n"
      "A=1\n"
      "\t\n";
  EXPECT_EQ(parse_dotenv(text), (env_map{{"A", "1"}}));
}

TEST(app_parse_dotenv, export_prefix) {
  EXPECT_EQ(parse_dotenv("export SECRET_KEY=abc\n  export   B=2\n"),
            (env_map{{"SECRET_KEY", "abc"}, {"B", "2"}}));
}

TEST(app_parse_dotenv, whitespace_around_key_and_value_is_trimmed) {
  EXPECT_EQ(parse_dotenv("  A  =  hello world  \n"), (env_map{{"A", "hello world"}}));
}

TEST(app_parse_dotenv, double_and_single_quotes_are_removed) {
  EXPECT_EQ(parse_dotenv("A=\"x y\"\nB='z w'\n"), (env_map{{"A", "x y"}, {"B", "z w"}}));
}

TEST(app_parse_dotenv, quoted_value_keeps_hash_and_spaces) {
  EXPECT_EQ(parse_dotenv("A=\"a # not a comment\"\nB=' padded '\n"),
            (env_map{{"A", "a # not a comment"}, {"B", " padded "}}));
}

TEST(app_parse_dotenv, mismatched_quotes_are_kept) {
  EXPECT_EQ(parse_dotenv("A=\"abc'\nB=\"\n"), (env_map{{"A", "\"abc'"}, {"B", "\""}}));
}

TEST(app_parse_dotenv, empty_quoted_value) {
  EXPECT_EQ(parse_dotenv("A=\"\"\n"), (env_map{{"A", ""}}));
}

TEST(app_parse_dotenv, inline_comment_after_space_hash) {
  EXPECT_EQ(parse_dotenv("A=value # comment\nB=v2   # more\n"),
            (env_map{{"A", "value"}, {"B", "v2"}}));
}

TEST(app_parse_dotenv, hash_without_preceding_space_is_part_of_the_value) {
  EXPECT_EQ(parse_dotenv("A=abc#def\nB=#x\n"), (env_map{{"A", "abc#def"}, {"B", "#x"}}));
}

// Former bug (src/app/config.cpp, parse_dotenv): the quote check requires the value's last character
// to be the closing quote, so a quoted value followed by an inline comment keeps its quotes:
// `SECRET_KEY="abc def" # note` gives `"abc def"` (with the quote characters) instead of
// `abc def` (what python-dotenv, which the original's settings used, gives). This test guards the fix.
TEST(app_parse_dotenv, quoted_value_followed_by_an_inline_comment) {
  EXPECT_EQ(parse_dotenv("A=\"abc def\" # note\n"), (env_map{{"A", "abc def"}}));
}

TEST(app_parse_dotenv, value_may_contain_equals) {
  EXPECT_EQ(parse_dotenv("DATABASE_URL=postgresql://u:p@h/db?sslmode=require\n"),
            (env_map{{"DATABASE_URL", "postgresql://u:p@h/db?sslmode=require"}}));
}

TEST(app_parse_dotenv, lines_without_equals_are_ignored) {
  EXPECT_EQ(parse_dotenv("JUSTAWORD\nexport ALSO\nA=1\n"), (env_map{{"A", "1"}}));
}

TEST(app_parse_dotenv, empty_key_is_ignored_and_empty_value_kept) {
  EXPECT_EQ(parse_dotenv("=x\nA=\n"), (env_map{{"A", ""}}));
}

TEST(app_parse_dotenv, later_lines_win) {
  EXPECT_EQ(parse_dotenv("A=1\nA=2\n"), (env_map{{"A", "2"}}));
}

TEST(app_parse_dotenv, empty_text) { EXPECT_TRUE(parse_dotenv("").empty()); }

// ---- apply_environment ---------------------------------------------------------------------

TEST(app_apply_environment, empty_environment_keeps_defaults) {
  config cfg;
  apply_environment(cfg, {});
  const config def;
  EXPECT_EQ(cfg.database_url, def.database_url);
  EXPECT_EQ(cfg.port, def.port);
  EXPECT_EQ(cfg.algorithm, "HS256");
  EXPECT_EQ(cfg.access_token_expire_minutes, 60);
  EXPECT_FALSE(cfg.production);
  EXPECT_EQ(cfg.cors_origins, def.cors_origins);
}

TEST(app_apply_environment, each_variable) {
  config cfg;
  apply_environment(cfg, {{"DATABASE_URL", "sqlite:///tmp/x.db"},
                          {"REDIS_URL", "redis://localhost:6379/0"},
                          {"SECRET_KEY", "k"},
                          {"ALGORITHM", "HS512"},
                          {"ACCESS_TOKEN_EXPIRE_MINUTES", "15"},
                          {"HOLD_TTL_SECONDS", "120"},
                          {"MAX_HOLDS_PER_USER", "3"},
                          {"SEATD_HOST", "127.0.0.1"},
                          {"SEATD_PORT", "9090"},
                          {"SEATD_ENV", "production"},
                          {"CORS_ORIGINS", " https://a.example , ,https://b.example "},
                          {"SEATD_WORKERS", "8"},
                          {"SEATD_IO_THREADS", "2"},
                          {"SEATD_ACCESS_LOG", "off"},
                          {"SEATD_LOG_LEVEL", "debug"},
                          {"SEATD_WEB_ROOT", "/srv/web"}});
  EXPECT_EQ(cfg.database_url, "sqlite:///tmp/x.db");
  EXPECT_EQ(cfg.redis_url, "redis://localhost:6379/0");
  EXPECT_EQ(cfg.secret_key, "k");
  EXPECT_EQ(cfg.algorithm, "HS512");
  EXPECT_EQ(cfg.access_token_expire_minutes, 15);
  EXPECT_EQ(cfg.hold_ttl_seconds, 120);
  EXPECT_EQ(cfg.max_holds_per_user, 3);
  EXPECT_EQ(cfg.host, "127.0.0.1");
  EXPECT_EQ(cfg.port, 9090);
  EXPECT_TRUE(cfg.production);
  EXPECT_EQ(cfg.cors_origins, (std::vector<std::string>{"https://a.example", "https://b.example"}));
  EXPECT_EQ(cfg.worker_threads, 8);
  EXPECT_EQ(cfg.io_threads, 2);
  EXPECT_FALSE(cfg.access_log);
  EXPECT_EQ(cfg.log_level, "debug");
  EXPECT_EQ(cfg.web_root, "/srv/web");
}

TEST(app_apply_environment, unrelated_variables_are_ignored) {
  config cfg;
  apply_environment(cfg, {{"PATH", "/usr/bin"}, {"HOME", "/root"}});
  EXPECT_EQ(cfg.port, config{}.port);
  EXPECT_EQ(cfg.host, config{}.host);
}

TEST(app_apply_environment, empty_values_keep_defaults_where_empty_is_meaningless) {
  config cfg;
  apply_environment(
      cfg, {{"DATABASE_URL", ""}, {"ALGORITHM", ""}, {"SEATD_HOST", ""}, {"SEATD_LOG_LEVEL", ""}});
  EXPECT_EQ(cfg.database_url, config{}.database_url);
  EXPECT_EQ(cfg.algorithm, "HS256");
  EXPECT_EQ(cfg.host, config{}.host);
  EXPECT_EQ(cfg.log_level, config{}.log_level);
}

TEST(app_apply_environment, seatd_env_other_than_production_is_development) {
  config cfg;
  cfg.production = true;
  apply_environment(cfg, {{"SEATD_ENV", "development"}});
  EXPECT_FALSE(cfg.production);
  apply_environment(cfg, {{"SEATD_ENV", "Production"}});  // exact word only
  EXPECT_FALSE(cfg.production);
}

TEST(app_apply_environment, empty_cors_origins_clears_the_list) {
  config cfg;
  apply_environment(cfg, {{"CORS_ORIGINS", ""}});
  EXPECT_TRUE(cfg.cors_origins.empty());
}

TEST(app_apply_environment, boolean_spellings) {
  for (const char* yes : {"1", "true", "yes", "on"}) {
    config cfg;
    cfg.access_log = false;
    apply_environment(cfg, {{"SEATD_ACCESS_LOG", yes}});
    EXPECT_TRUE(cfg.access_log) << yes;
  }
  for (const char* no : {"0", "false", "no", "off", ""}) {
    config cfg;
    apply_environment(cfg, {{"SEATD_ACCESS_LOG", no}});
    EXPECT_FALSE(cfg.access_log) << no;
  }
}

TEST(app_apply_environment, invalid_boolean_names_the_variable) {
  config cfg;
  auto msg = error_of([&] { apply_environment(cfg, {{"SEATD_ACCESS_LOG", "maybe"}}); });
  EXPECT_TRUE(contains(msg, "SEATD_ACCESS_LOG")) << msg;
  EXPECT_TRUE(contains(msg, "maybe")) << msg;
}

TEST(app_apply_environment, invalid_integer_names_the_variable) {
  const char* names[] = {"ACCESS_TOKEN_EXPIRE_MINUTES",
                         "HOLD_TTL_SECONDS",
                         "MAX_HOLDS_PER_USER",
                         "SEATD_PORT",
                         "SEATD_WORKERS",
                         "SEATD_IO_THREADS"};
  for (const char* name : names) {
    for (const char* bad : {"abc", "12abc", "", " 5", "5 ", "1.5", "+5", "0x10"}) {
      config cfg;
      auto msg = error_of([&] { apply_environment(cfg, {{name, bad}}); });
      EXPECT_TRUE(contains(msg, name)) << name << "='" << bad << "': " << msg;
    }
  }
}

TEST(app_apply_environment, invalid_integer_message_quotes_the_value) {
  config cfg;
  auto msg = error_of([&] { apply_environment(cfg, {{"SEATD_PORT", "eighty"}}); });
  EXPECT_TRUE(contains(msg, "SEATD_PORT")) << msg;
  EXPECT_TRUE(contains(msg, "'eighty'")) << msg;
}

TEST(app_apply_environment, out_of_range_integers_are_refused) {
  const std::vector<std::pair<const char*, const char*>> cases = {
      {"ACCESS_TOKEN_EXPIRE_MINUTES", "0"},
      {"ACCESS_TOKEN_EXPIRE_MINUTES", "43201"},
      {"ACCESS_TOKEN_EXPIRE_MINUTES", "-5"},
      {"HOLD_TTL_SECONDS", "0"},
      {"HOLD_TTL_SECONDS", "86401"},
      {"MAX_HOLDS_PER_USER", "0"},
      {"MAX_HOLDS_PER_USER", "101"},
      {"SEATD_PORT", "65536"},
      {"SEATD_PORT", "-1"},
      {"SEATD_WORKERS", "0"},
      {"SEATD_WORKERS", "257"},
      {"SEATD_IO_THREADS", "-1"},
      {"SEATD_IO_THREADS", "257"},
      {"SEATD_PORT", "99999999999999999999"},
  };
  for (auto [name, value] : cases) {
    config cfg;
    auto msg = error_of([&] { apply_environment(cfg, {{name, value}}); });
    EXPECT_TRUE(contains(msg, name)) << name << "=" << value << ": " << msg;
  }
}

TEST(app_apply_environment, integers_at_the_range_bounds_are_accepted) {
  config cfg;
  apply_environment(cfg, {{"ACCESS_TOKEN_EXPIRE_MINUTES", "43200"},
                          {"HOLD_TTL_SECONDS", "86400"},
                          {"MAX_HOLDS_PER_USER", "100"},
                          {"SEATD_PORT", "65535"},
                          {"SEATD_WORKERS", "1"},
                          {"SEATD_IO_THREADS", "0"}});
  EXPECT_EQ(cfg.access_token_expire_minutes, 43200);
  EXPECT_EQ(cfg.hold_ttl_seconds, 86400);
  EXPECT_EQ(cfg.max_holds_per_user, 100);
  EXPECT_EQ(cfg.port, 65535);
  EXPECT_EQ(cfg.worker_threads, 1);
  EXPECT_EQ(cfg.io_threads, 0);
}

// ---- finalize ------------------------------------------------------------------------------

class app_finalize : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { seatd::auth::init(); }
  static config with_key() {
    config cfg;
    cfg.secret_key = std::string(32, 'k');
    return cfg;
  }
};

TEST_F(app_finalize, defaults_with_a_key_are_accepted) {
  config cfg = with_key();
  EXPECT_NO_THROW(finalize(cfg));
  EXPECT_EQ(cfg.secret_key, std::string(32, 'k'));
  EXPECT_FALSE(cfg.secret_generated);
}

TEST_F(app_finalize, algorithm_other_than_hs256_is_refused) {
  for (const char* alg : {"HS512", "RS256", "none", "hs256"}) {
    config cfg = with_key();
    cfg.algorithm = alg;
    auto msg = error_of([&] { finalize(cfg); });
    EXPECT_TRUE(contains(msg, "ALGORITHM")) << alg << ": " << msg;
  }
}

TEST_F(app_finalize, sqlite_database_urls_are_accepted) {
  for (const char* url : {"sqlite:///seatd.db", "sqlite:///tmp/a.db",
                          "sqlite://:memory:", "seatd.db", "/var/lib/seatd/seatd.db"}) {
    config cfg = with_key();
    cfg.database_url = url;
    EXPECT_EQ(error_of([&] { finalize(cfg); }), "<no throw>") << url;
  }
}

TEST_F(app_finalize, postgresql_urls_are_accepted) {
  for (const char* url : {"postgresql://user:pass@localhost:5432/seatd",
                          "postgres://user@db.internal/seatd?sslmode=require"}) {
    config cfg = with_key();
    cfg.database_url = url;
    EXPECT_EQ(error_of([&] { finalize(cfg); }), "<no throw>") << url;
  }
}

TEST_F(app_finalize, bad_database_url_scheme_is_refused) {
  for (const char* url :
       {"mysql://u@h/db", "http://example.com/db", "sqlite3:///x.db", "postgresqlx://h/db", ""}) {
    config cfg = with_key();
    cfg.database_url = url;
    auto msg = error_of([&] { finalize(cfg); });
    EXPECT_TRUE(contains(msg, "DATABASE_URL")) << "'" << url << "': " << msg;
  }
}

TEST_F(app_finalize, malformed_postgresql_url_is_refused) {
  config cfg = with_key();
  cfg.database_url = "postgresql://host:port:bad/ db";
  auto msg = error_of([&] { finalize(cfg); });
  EXPECT_TRUE(contains(msg, "DATABASE_URL")) << msg;
}

TEST_F(app_finalize, redis_urls_are_accepted) {
  for (const char* url : {"redis://localhost:6379", "rediss://cache.example:6380/1"}) {
    config cfg = with_key();
    cfg.redis_url = url;
    EXPECT_EQ(error_of([&] { finalize(cfg); }), "<no throw>") << url;
  }
}

TEST_F(app_finalize, redis_url_with_another_scheme_is_refused) {
  for (const char* url :
       {"http://localhost:6379", "memcached://h:11211", "localhost:6379", "not a url"}) {
    config cfg = with_key();
    cfg.redis_url = url;
    auto msg = error_of([&] { finalize(cfg); });
    EXPECT_TRUE(contains(msg, "REDIS_URL")) << url << ": " << msg;
  }
}

TEST_F(app_finalize, production_without_secret_key_is_refused) {
  config cfg;
  cfg.production = true;
  auto msg = error_of([&] { finalize(cfg); });
  EXPECT_TRUE(contains(msg, "SECRET_KEY")) << msg;
  EXPECT_TRUE(cfg.secret_key.empty());
  EXPECT_FALSE(cfg.secret_generated);
}

TEST_F(app_finalize, production_with_a_short_key_is_refused) {
  config cfg;
  cfg.production = true;
  cfg.secret_key = std::string(31, 'k');
  auto msg = error_of([&] { finalize(cfg); });
  EXPECT_TRUE(contains(msg, "SECRET_KEY")) << msg;
}

TEST_F(app_finalize, production_with_a_32_character_key_is_accepted) {
  config cfg;
  cfg.production = true;
  cfg.secret_key = std::string(32, 'k');
  EXPECT_EQ(error_of([&] { finalize(cfg); }), "<no throw>");
  EXPECT_FALSE(cfg.secret_generated);
}

TEST_F(app_finalize, development_accepts_a_short_key_as_given) {
  config cfg;
  cfg.secret_key = "short";
  EXPECT_NO_THROW(finalize(cfg));
  EXPECT_EQ(cfg.secret_key, "short");
  EXPECT_FALSE(cfg.secret_generated);
}

TEST_F(app_finalize, development_without_key_generates_a_random_hex_key) {
  config a;
  ASSERT_NO_THROW(finalize(a));
  EXPECT_TRUE(a.secret_generated);
  EXPECT_EQ(a.secret_key.size(), 64U) << a.secret_key;
  EXPECT_TRUE(is_lower_hex(a.secret_key)) << a.secret_key;
  config b;
  ASSERT_NO_THROW(finalize(b));
  EXPECT_NE(a.secret_key, b.secret_key);  // fresh per run
}

TEST_F(app_finalize, checks_run_before_a_key_is_generated) {
  config cfg;
  cfg.algorithm = "RS256";
  EXPECT_THROW(finalize(cfg), config_error);
  EXPECT_FALSE(cfg.secret_generated);
}

TEST_F(app_finalize, environment_then_finalize) {
  config cfg;
  apply_environment(cfg, {{"DATABASE_URL", "postgresql://u:p@db/seatd"},
                          {"SEATD_ENV", "production"},
                          {"SECRET_KEY", "0123456789abcdef0123456789abcdef"}});
  EXPECT_NO_THROW(finalize(cfg));
  EXPECT_EQ(cfg.database_url, "postgresql://u:p@db/seatd");
  EXPECT_FALSE(cfg.secret_generated);
}

// ---- tickets by e-mail ----------------------------------------------------------------------

TEST_F(app_finalize, mail_settings_from_the_environment) {
  config cfg = with_key();
  apply_environment(cfg, {{"SMTP_URL", "smtps://u:p@mail.example:465"},
                          {"SMTP_REQUIRE_TLS", "true"},
                          {"MAIL_FROM", "ABC <t@abc.example>"},
                          {"SEATD_MAIL_DIR", "/var/mail/seatd"},
                          {"SEATD_OUTBOX_LEASE_SECONDS", "90"},
                          {"SEATD_OUTBOX_MAX_ATTEMPTS", "3"},
                          {"SEATD_OUTBOX_RETRY_BASE_MS", "250"}});
  EXPECT_NO_THROW(finalize(cfg));
  EXPECT_EQ(cfg.smtp_url, "smtps://u:p@mail.example:465");
  EXPECT_TRUE(cfg.smtp_require_tls);
  EXPECT_EQ(cfg.mail_from, "ABC <t@abc.example>");
  EXPECT_EQ(cfg.mail_dir, "/var/mail/seatd");
  EXPECT_EQ(cfg.outbox_lease_seconds, 90);
  EXPECT_EQ(cfg.outbox_max_attempts, 3);
  EXPECT_EQ(cfg.outbox_retry_base_ms, 250);
  EXPECT_TRUE(contains(error_of([] {
                         config c;
                         apply_environment(c, {{"SEATD_OUTBOX_MAX_ATTEMPTS", "0"}});
                       }),
                       "SEATD_OUTBOX_MAX_ATTEMPTS"));
}

TEST_F(app_finalize, mail_from_must_be_an_address) {
  for (const char* from : {"nobody", "seatd <tickets>", "a@b.example\r\nBcc: x@y.example"}) {
    config cfg = with_key();
    cfg.mail_from = from;
    EXPECT_TRUE(contains(error_of([&] { finalize(cfg); }), "MAIL_FROM")) << from;
  }
}

TEST_F(app_finalize, smtp_url_must_be_smtp_or_smtps) {
  config cfg = with_key();
  cfg.smtp_url = "http://mail.example";
  EXPECT_TRUE(contains(error_of([&] { finalize(cfg); }), "SMTP_URL"));
}

TEST_F(app_finalize, the_lease_must_outlast_one_smtp_session) {
  config cfg = with_key();
  cfg.smtp_timeout_seconds = 60;
  cfg.outbox_lease_seconds = 60;
  EXPECT_TRUE(contains(error_of([&] { finalize(cfg); }), "SEATD_OUTBOX_LEASE_SECONDS"));
}

TEST(app_default_mail_dir, beside_the_sqlite_file_else_the_working_directory) {
  EXPECT_EQ(seatd::default_mail_dir("sqlite:///seatd.db"), "mail");
  EXPECT_EQ(seatd::default_mail_dir("sqlite:///var/lib/seatd/seatd.db"), "/var/lib/seatd/mail");
  EXPECT_EQ(seatd::default_mail_dir("sqlite:////srv/seatd.db"), "/srv/mail");
  EXPECT_EQ(seatd::default_mail_dir("sqlite:///./data/seatd.db"), "data/mail");
  EXPECT_EQ(seatd::default_mail_dir("/tmp/x/seatd.db"), "/tmp/x/mail");
  EXPECT_EQ(seatd::default_mail_dir("sqlite://:memory:"), "mail");
  EXPECT_EQ(seatd::default_mail_dir(":memory:"), "mail");
  EXPECT_EQ(seatd::default_mail_dir("postgresql://u@db/seatd"), "mail");
}

}  // namespace
