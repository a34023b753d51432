#include "app/application.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "api/auth_guard.hpp"
#include "api/readiness.hpp"
#include "api/route_policies.hpp"
#include "api/routes.hpp"
#include "service/booking_service.hpp"
#include "service/outbox_delivery.hpp"
#include "service/waitlist_service.hpp"
#include "service/schedule_loader.hpp"
#include "service/ticket_documents.hpp"
#include "ticket/mail_dir_sender.hpp"
#include "ticket/smtp_sender.hpp"
#include "util/random_secret.hpp"
#include "app/build_info.hpp"
#include "app/metrics_endpoint.hpp"
#include "app/server_metrics.hpp"
#include "app/redis_login_failures.hpp"
#include "app/revocation_feed.hpp"
#include "exec/worker_pool.hpp"
#include "auth/password.hpp"
#include "auth/jwt_codec.hpp"
#include "auth/email.hpp"
#include "auth/revocation_list.hpp"
#include "auth/token_verifier.hpp"
#include "domain/login_throttle.hpp"
#include "domain/schedule_rules.hpp"
#include "exec/task_group.hpp"
#include "net/accept_pacing.hpp"
#include "net/body_budget.hpp"
#include "net/dispatcher.hpp"
#include "net/http_metrics.hpp"
#include "net/listen_address.hpp"
#include "net/listener.hpp"
#include "holds/memory_engine.hpp"
#include "holds/redis_engine.hpp"
#include "realtime/seat_hub.hpp"
#include "realtime/trip_catalog.hpp"
#include "realtime/viewer_session.hpp"
#include "store/store.hpp"

namespace seatd {

namespace asio = boost::asio;

namespace {

// One per core unless configured (SEATD_IO_THREADS).
int io_thread_count(const config& cfg) {
  return cfg.io_threads > 0 ? cfg.io_threads : std::max(1, int(std::thread::hardware_concurrency()));
}

auth::hash_cost hash_cost_for(const config& cfg) {
  return cfg.fast_password_hash ? auth::test_cost() : auth::interactive_cost();
}

std::optional<std::string> read_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) return std::nullopt;
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

local_date today_local() {
  return std::chrono::floor<std::chrono::days>(to_local(system_clock{}.now()));
}

// Demo mode: the real schedule and two known accounts, so a first run has something to show.
// The schedule goes into the current week and the next one at least (domain/schedule_rules
// demo_import_plan): late in the week most of the current week has departed, and a newcomer
// must still find buses to book for the days ahead. One import, the upload's weeks machinery.
void prepare_demo(const config& cfg, store& db) {
  if (db.count_trips() == 0) {
    auto bytes = read_file(cfg.demo_schedule);
    if (!bytes) throw std::runtime_error("demo: cannot read schedule " + cfg.demo_schedule);
    const local_date today = today_local();
    const import_plan plan = demo_import_plan(today);
    auto out = service::load_schedule(db, cfg.demo_schedule, *bytes, today, plan.week_of,
                                      {plan.weeks, false});
    if (!out.ok) throw std::runtime_error("demo: schedule import failed: " + out.message);
    spdlog::info("demo: {}", out.message);
  }
  struct account {
    const char* email;
    const char* username;
    const char* password;
    bool admin;
  };
  static constexpr account accounts[] = {
      {"admin@seatd.demo", "Demo Admin", "demo-admin-pass", true},
      {"traveller@seatd.demo", "Demo Traveller", "demo-user-pass", false},
  };
  auto cost = hash_cost_for(cfg);
  for (const auto& a : accounts) {
    if (!db.find_user_by_email(a.email)) {
      auto r = db.create_user({a.username, a.email, auth::hash_password(a.password, cost), false});
      if (!r) throw std::runtime_error("demo: cannot create " + std::string(a.email));
    }
    if (a.admin) (void)db.promote_admin(a.email, auth::hash_password(a.password, cost));
    std::printf("demo %s: email=%s password=%s\n", a.admin ? "admin" : "user", a.email,
                a.password);
  }
  std::fflush(stdout);
}

// REDIS_URL set: holds in Redis, shared by every seatd instance; otherwise in-process.
// Events go to the viewers (hub) and then to `also` (the waiting lists).
std::unique_ptr<hold_engine> make_hold_engine(const config& cfg, asio::any_io_executor ex,
                                              const clock& clk, realtime::seat_hub& hub,
                                              server_metrics& metrics, event_sink also) {
  hold_policy policy{std::chrono::seconds(cfg.hold_ttl_seconds), cfg.max_holds_per_user};
  policy.max_per_account = cfg.max_holds_per_account;
  policy.max_lifetime = std::chrono::seconds(cfg.hold_max_lifetime_seconds);
  policy.cooldown = std::chrono::seconds(cfg.hold_cooldown_seconds);
  event_sink sink = [&hub, also = std::move(also)](const seat_event& e) {
    hub.publish(e);
    also(e);
  };
  if (cfg.redis_url.empty())
    return std::make_unique<memory_engine>(ex, clk, policy, sink, &metrics.expiry_lag);
  redis_engine::options opts;
  opts.redis = metrics.instrumented(redis_engine::redis_engine_config(cfg.redis_url));
  opts.expiry_lag = &metrics.expiry_lag;
  auto engine =
      std::make_unique<redis_engine>(ex, clk, policy, opts, sink, [&hub] { hub.resync_all(); });
  metrics.watch_redis(*engine);
  return engine;
}

// SEATD_MAX_CONNECTIONS, or what the descriptor limit leaves after a reserve.
std::size_t max_connections_for(const config& cfg) {
  if (cfg.max_connections > 0) return cfg.max_connections;
  rlimit lim{};
  if (::getrlimit(RLIMIT_NOFILE, &lim) != 0 || lim.rlim_cur == RLIM_INFINITY)
    return net::default_max_connections(1u << 20);
  return net::default_max_connections(lim.rlim_cur);
}

// SEATD_MAX_INFLIGHT_BODY_BYTES. Below the upload limit, a full-size upload never fits (503
// every time): allowed (a deployment may want small uploads only), but said at startup.
std::size_t body_budget_for(const config& cfg) {
  if (cfg.max_inflight_body_bytes < cfg.max_upload_bytes)
    spdlog::warn("SEATD_MAX_INFLIGHT_BODY_BYTES {} is below the upload limit {}: uploads larger "
                 "than the budget are refused with 503",
                 cfg.max_inflight_body_bytes, cfg.max_upload_bytes);
  return cfg.max_inflight_body_bytes;
}

// SMTP_URL set: an SMTP server; otherwise .eml files in SEATD_MAIL_DIR (the embedded default).
std::unique_ptr<tickets::mail_sender> make_mail_sender(const config& cfg, const clock& clk) {
  if (cfg.smtp_url.empty()) {
    spdlog::info("tickets: e-mails are written to {} (no SMTP_URL)", cfg.mail_dir);
    return std::make_unique<tickets::mail_dir_sender>(cfg.mail_dir, clk);
  }
  tickets::smtp_settings s;
  s.url = cfg.smtp_url;
  s.require_tls = cfg.smtp_require_tls;
  s.total_timeout = std::chrono::seconds(cfg.smtp_timeout_seconds);
  s.connect_timeout = std::min<std::chrono::milliseconds>(std::chrono::seconds(10), s.total_timeout);
  auto sender = tickets::smtp_sender::create(std::move(s));
  if (!sender) throw config_error("SMTP_URL: not a usable smtp:// or smtps:// URL");
  spdlog::info("tickets: e-mails go to {}{}", sender->redacted_url(),
               cfg.smtp_require_tls ? " (TLS required)" : "");
  return std::make_unique<tickets::smtp_sender>(std::move(*sender));
}

service::ticket_documents_options documents_options(const config& cfg) {
  service::ticket_documents_options o;
  o.server_secret = cfg.secret_key;
  auto from = service::parse_mailbox(cfg.mail_from);
  if (!from) throw config_error("MAIL_FROM: '" + cfg.mail_from + "' is not a usable address");
  o.from = std::move(*from);
  return o;
}

// Unique among the instances sharing an outbox, and across restarts of one: a restarted
// instance must not believe it still holds the leases of the one that crashed.
std::string instance_id() {
  char host[256] = {};
  if (::gethostname(host, sizeof host - 1) != 0) host[0] = '\0';
  return fmt::format("{}:{}:{}", host[0] ? host : "seatd", ::getpid(), random_secret(4));
}

service::outbox_delivery_options outbox_options(const config& cfg) {
  service::outbox_delivery_options o;
  o.owner = instance_id();
  o.poll_interval = std::chrono::milliseconds(cfg.outbox_poll_ms);
  o.lease = std::chrono::seconds(cfg.outbox_lease_seconds);
  o.max_in_flight = cfg.outbox_batch;
  o.policy.retry_base = std::chrono::milliseconds(cfg.outbox_retry_base_ms);
  o.policy.retry_cap = std::chrono::seconds(cfg.outbox_retry_max_seconds);
  o.policy.max_attempts = cfg.outbox_max_attempts;
  return o;
}

}  // namespace

struct application::impl {
  config cfg;
  system_clock clk;
  // First: components register into it as they are built, and it outlives them all.
  server_metrics metrics;
  // Before the io_context: a session still queued there when it is destroyed at exit gives its
  // body lease and its connection place back to these.
  net::body_budget body_budget{body_budget_for(cfg)};
  inflight_limiter connections_per_client{cfg.max_connections_per_client};
  inflight_limiter viewer_admission{std::size_t(cfg.max_viewers_per_client)};  // open viewers per client
  // The metrics listener's per-client cap: a Prometheus keeps one connection per target (an
  // HA pair, two clients); one client holding every place would blind the others.
  inflight_limiter metrics_per_client{4};
  asio::io_context ioc;
  std::unique_ptr<store> db;
  worker_pool pool;
  auth::jwt_codec jwt;
  auth::revocation_list revoked;
  auth::token_verifier tokens{jwt, revoked};
  // Login attempts: a hard limit per (client, account), so guessing one account's password
  // from one client stops after 10 while its owner, elsewhere, still logs in; and progressive
  // delays per client (after 30 attempts: 1 s, 2 s, ... 60 s), so one client spraying many
  // accounts slows to a crawl. No limit per account across clients: it would let anyone lock
  // the owner out (and many clients guessing one account are each held to 10 per window).
  redis_login_failures::limits login_limits;  // per account, per client, window (shared)
  login_throttle throttle{{.max_attempts = login_limits.per_account,
                           .window = login_limits.window,
                           .free_attempts = login_limits.per_account}};
  login_throttle address_throttle{{.max_attempts = login_limits.per_client,
                                   .window = login_limits.window,
                                   .free_attempts = 30}};
  login_throttle signup_throttle{{.max_attempts = std::max(cfg.signups_per_client, 1),
                                  .window = std::chrono::hours(1),
                                  .free_attempts = std::max(cfg.signups_per_client, 1)}};
  worker_pool hash_lane{cfg.hash_threads, std::size_t(cfg.hash_threads) + cfg.hash_queue};
  inflight_limiter hash_share{std::size_t(cfg.hash_per_client)};
  realtime::trip_catalog catalog;
  realtime::seat_hub hub;
  // The waiting lists: declared before the engine (whose events it reads through a pointer
  // that is null until the ctor's body makes it) and so destroyed after it.
  std::unique_ptr<service::waitlist_service> waitlist;
  std::unique_ptr<hold_engine> engine;
  // GET /readyz; and, once SIGTERM starts the drain, what makes every response close its
  // connection (http_options::closing).
  api::readiness ready{*db, pool, *engine, !cfg.redis_url.empty()};
  std::atomic<bool> closing{false};
  rate_limiter hold_rate{{cfg.hold_rate_per_minute, cfg.hold_rate_per_minute}};
  std::unique_ptr<revocation_feed> revocations;       // several instances (Redis) only
  std::unique_ptr<redis_login_failures> login_counts;  // several instances (Redis) only
  service::booking_service bookings;
  // Tickets by e-mail: the documents (boarding pass, messages), where mail goes, the mail lane
  // (sends block for as long as the SMTP server takes: their own threads, bounded) and the
  // outbox's delivery loop. Declared in this order so the loop goes first at destruction.
  service::ticket_documents documents;
  std::unique_ptr<tickets::mail_sender> mailer;
  worker_pool mail_lane{cfg.mail_threads, std::size_t(cfg.outbox_batch) + 4};
  // Boarding passes downloaded over HTTP: one thread and a short queue of their own (503 when
  // full), so a client fetching PDFs in a loop neither slows bookings nor delays e-mails.
  worker_pool render_lane{1, 16};
  std::unique_ptr<service::outbox_delivery> outbox;
  // GET /metrics is answered here: one thread, a short queue (app/metrics_endpoint.hpp).
  worker_pool metrics_lane{1, 4};
  api::services svc;
  net::router routes;
  net::http_options http_opts;
  net::static_files web;
  net::dispatcher dispatch{routes, http_opts, web};
  net::session_registry registry;
  exec::task_group tasks;  // background coroutines (the accept loop)
  realtime::viewer_options viewer_opts;
  realtime::identify_fn identify_viewer;  // AUTH on /ws/seats (api::authenticate_token)
  net::upgrade_handler upgrade;
  std::unique_ptr<net::listener> listen;
  std::unique_ptr<net::http_metrics> http_metrics;
  // SEATD_METRICS_LISTEN: /metrics alone on a listener of its own.
  net::router metrics_routes;
  net::http_options metrics_http_opts;
  net::static_files no_files{""};
  net::dispatcher metrics_dispatch{metrics_routes, metrics_http_opts, no_files};
  net::upgrade_handler no_upgrade;
  // Its own connections and cap: scrapes still get in when the public port is full.
  net::session_registry metrics_sessions;
  std::unique_ptr<net::listener> metrics_listen;

  std::mutex stop_mutex;
  std::condition_variable stop_cv;
  bool stop_requested = false;

  explicit impl(config c)
      : cfg(std::move(c)),
        ioc(io_thread_count(cfg)),
        db(open_store(cfg.database_url)),
        pool(cfg.worker_threads, cfg.worker_queue_limit),
        jwt(cfg.secret_key),
        catalog(*db, pool),
        hub(ioc.get_executor(), catalog, std::size_t(io_thread_count(cfg))),
        engine(make_hold_engine(cfg, ioc.get_executor(), clk, hub, metrics,
                                [this](const seat_event& e) {
                                  // Events flow once the engine starts, after the ctor.
                                  if (waitlist) waitlist->on_event(e);
                                })),
        bookings(*db, pool, *engine, clk),
        documents(documents_options(cfg)),
        mailer(make_mail_sender(cfg, clk)),
        svc{api::settings{std::chrono::minutes(cfg.access_token_expire_minutes),
                          hash_cost_for(cfg)},
            *db, pool, jwt, revoked, tokens, throttle, address_throttle, clk, *engine, catalog,
            bookings},
        web(cfg.web_root) {
    http_opts.max_header_bytes = cfg.max_header_bytes;
    http_opts.max_body_bytes = cfg.max_body_bytes;
    http_opts.max_upload_bytes = cfg.max_upload_bytes;
    http_opts.request_timeout = cfg.request_timeout;
    http_opts.idle_timeout = cfg.idle_timeout;
    http_opts.first_byte_timeout = cfg.first_byte_timeout;
    http_opts.max_connections = max_connections_for(cfg);
    http_opts.proxies = net::trusted_proxies::parse(cfg.trusted_proxies);
    http_opts.cors_origins = cfg.cors_origins;
    http_opts.access_log = cfg.access_log;
    http_opts.closing = &closing;
    viewer_opts.max_queue_bytes = cfg.ws_queue_bytes;
    viewer_opts.idle_timeout = std::chrono::seconds(cfg.ws_idle_seconds);
    svc.cfg.booking_cutoff = std::chrono::minutes(cfg.booking_cutoff_minutes);
    svc.cfg.ladies_seat_rule = cfg.ladies_seat_rule;
    outbox = std::make_unique<service::outbox_delivery>(ioc.get_executor(), *db, pool, mail_lane,
                                                        documents, *mailer, clk,
                                                        outbox_options(cfg));
    svc.mail_due = [this] { outbox->poke(); };  // after a booking, a cancellation, a resend
    {
      service::waitlist_options w;
      w.offer_window = std::chrono::seconds(cfg.hold_ttl_seconds);
      w.max_per_trip = cfg.waitlist_max_per_trip;
      w.max_per_user = cfg.waitlist_max_per_user;
      w.sweep_every = std::chrono::seconds(cfg.waitlist_sweep_seconds);
      w.booking_cutoff = std::chrono::minutes(cfg.booking_cutoff_minutes);
      w.ladies_seat_rule = cfg.ladies_seat_rule;
      waitlist = std::make_unique<service::waitlist_service>(ioc.get_executor(), *db, pool,
                                                             *engine, clk, w,
                                                             [this] { outbox->poke(); });
      svc.waitlist = waitlist.get();
    }
    svc.hold_rate = &hold_rate;
    svc.boarding = &documents.codec();
    svc.documents = &documents;
    svc.rendering = &render_lane;
    svc.ready = &ready;

    for (auto& r : db->prune_and_list_revocations(clk.now()))
      revoked.add(std::move(r.token_id), revocation_expiry_seconds(r));
    svc.hashing = &hash_lane;
    if (cfg.hash_per_client > 0) svc.hash_share = &hash_share;
    if (cfg.signups_per_client > 0) svc.signup_throttle = &signup_throttle;
    if (!cfg.redis_url.empty()) {
      revocations = std::make_unique<revocation_feed>(
          ioc.get_executor(), redis_engine::redis_engine_config(cfg.redis_url), *db, pool,
          revoked, clk);
      svc.announce_revocation = [this](std::string_view jti, std::int64_t exp) {
        revocations->announce(jti, exp);
      };
      login_counts = std::make_unique<redis_login_failures>(
          ioc.get_executor(), redis_engine::redis_engine_config(cfg.redis_url), login_limits);
      svc.shared_failures = login_counts.get();
    }

    api::install_routes(routes, dispatch, svc);
    install_metrics();

    // /ws/seats/{trip_id}: the live seat map. Other upgrade targets are not WebSocket endpoints.
    // A viewer's AUTH (docs/protocol.md): the HTTP API's bearer check, the user row read on
    // the worker pool (a full pool throws pool_busy: the viewer answers "temporarily
    // unavailable"), so the viewer's strand never waits on the database.
    identify_viewer = [this](std::string token) -> asio::awaitable<std::optional<row_id>> {
      auto claims = co_await api::authenticate_token(std::move(token), svc);
      co_return claims ? std::optional<row_id>(claims->id) : std::nullopt;
    };
    upgrade = [this](boost::beast::tcp_stream& stream, net::request&& req,
                     std::string_view client) {
      if (!req.target().starts_with("/ws/seats/")) return false;
      std::make_shared<realtime::viewer_session>(
          std::move(stream), std::move(req),
          realtime::viewer_session::deps{hub, catalog, *engine, clk, registry, viewer_opts,
                                         viewer_admission, identify_viewer},
          std::string(client))
          ->start();
      return true;
    };
  }

  // Every instrument handed out, every reading registered, and /metrics routed; the HTTP
  // metrics last, once every route is in the table.
  void install_metrics() {
    hub.set_instruments(metrics.hub_instruments());
    viewer_opts.slow_consumer_closes = &metrics.slow_consumer_closes;
    metrics.watch_pool("worker", pool);
    metrics.watch_pool("hashing", hash_lane);
    metrics.watch_pool("mail", mail_lane);
    metrics.watch_pool("render", render_lane);
    metrics.watch_hub(hub);
    metrics.watch_engine(*engine);
    metrics.watch_store(*db);
    if (cfg.metrics_listen.empty()) {
      add_metrics_route(routes, metrics.registry(), metrics_lane,
                        net::trusted_proxies::parse(cfg.metrics_allow));
    } else {
      add_metrics_route(metrics_routes, metrics.registry(), metrics_lane, std::nullopt);
      metrics_http_opts.access_log = false;
      metrics_http_opts.max_connections = 64;
      metrics_http_opts.connection_limit_name = "the metrics listener's 64";
      // Scrapers come back every 15-60 s; an idle connection is not kept longer than that.
      metrics_http_opts.idle_timeout = std::chrono::seconds(20);
      metrics_http_opts.first_byte_timeout = std::chrono::seconds(5);
      if (cfg.metrics_allow != config{}.metrics_allow)
        spdlog::warn("SEATD_METRICS_ALLOW is ignored: with SEATD_METRICS_LISTEN, /metrics is "
                     "served to whoever reaches {} (bind it where only monitoring reaches)",
                     cfg.metrics_listen);
    }
    http_metrics = std::make_unique<net::http_metrics>(metrics.registry(), routes);
    http_opts.metrics = http_metrics.get();
  }

  // Load balancers see /readyz fail and stop sending; clients' kept-alive connections end with
  // their next response. The listener keeps serving.
  void start_drain() {
    ready.start_draining();
    closing.store(true);
  }

  void request_stop() {
    std::lock_guard lock(stop_mutex);
    stop_requested = true;
    stop_cv.notify_all();
  }
};

application::application(config cfg) : impl_(std::make_unique<impl>(std::move(cfg))) {}
application::~application() = default;

void application::stop() { impl_->request_stop(); }

int application::run() {
  auto& m = *impl_;
  auto started = std::chrono::steady_clock::now();
  if (m.cfg.demo) prepare_demo(m.cfg, *m.db);

  auto address = asio::ip::make_address(m.cfg.host);
  m.listen = std::make_unique<net::listener>(m.ioc, asio::ip::tcp::endpoint{address, m.cfg.port},
                                             m.dispatch, m.http_opts, m.registry, m.body_budget,
                                             m.connections_per_client, m.upgrade, m.tasks);
  if (!m.cfg.metrics_listen.empty())
    m.metrics_listen = std::make_unique<net::listener>(
        m.ioc, net::parse_listen_address(m.cfg.metrics_listen), m.metrics_dispatch,
        m.metrics_http_opts, m.metrics_sessions, m.body_budget, m.metrics_per_client,
        m.no_upgrade, m.tasks);
  // SIGTERM (systemd, an orchestrator, a deploy script): drain for drain_seconds, then the
  // graceful stop. SIGINT (Ctrl-C at a terminal, where nobody balances load): stop at once. A
  // second signal during the drain stops at once. Signals and the drain timer share a strand.
  auto signal_strand = asio::make_strand(m.ioc);
  asio::signal_set signals(signal_strand, SIGINT, SIGTERM);
  asio::steady_timer drain_timer(signal_strand);
  const auto drain = std::chrono::seconds(m.cfg.drain_seconds);
  signals.async_wait([&m, &signals, &drain_timer, drain](const boost::system::error_code& ec,
                                                          int sig) {
    if (ec) return;
    if (sig != SIGTERM || drain.count() == 0) {
      spdlog::info("signal {} received: shutting down", sig);
      m.request_stop();
      return;
    }
    spdlog::info("signal {} received: draining for {} s (/readyz answers 503), then shutting "
                 "down; a second signal stops at once",
                 sig, drain.count());
    m.start_drain();
    drain_timer.expires_after(drain);
    drain_timer.async_wait([&m](const boost::system::error_code& e) {
      if (e) return;
      spdlog::info("drain over: shutting down");
      m.request_stop();
    });
    signals.async_wait([&m](const boost::system::error_code& e, int again) {
      if (e) return;
      spdlog::info("signal {} received during the drain: shutting down now", again);
      m.request_stop();
    });
  });

  int n = io_thread_count(m.cfg);
  if (n < 1) n = 1;
  std::vector<std::thread> threads;
  for (int i = 0; i < n; ++i)
    threads.emplace_back([&m] {
      // An exception escaping a handler must not take an I/O thread (and its share of every
      // connection) with it: log it and keep running.
      for (;;) {
        try {
          m.ioc.run();
          break;
        } catch (const std::exception& e) {
          spdlog::error("I/O thread: exception escaped a handler: {}", e.what());
        } catch (...) {
          spdlog::error("I/O thread: unknown exception escaped a handler");
        }
      }
    });
  // The engine may wait for its backend (Redis) on the running I/O threads; requests come once
  // it is ready (or gave up waiting: holds then answer 503 until Redis is back).
  m.engine->start();
  if (m.revocations) m.revocations->start();
  if (m.login_counts) m.login_counts->start();
  m.outbox->start();
  m.waitlist->start();
  m.listen->start();
  if (m.metrics_listen) m.metrics_listen->start();

  auto port = m.listen->port();
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                std::chrono::steady_clock::now() - started)
                .count();
  spdlog::info("{} listening on http://{}:{} ({} I/O threads, {} workers, at most {} "
               "connections, ready in {} ms)",
               version_line(), m.cfg.host, port, n, m.cfg.worker_threads, m.http_opts.max_connections,
               ms);
  // Machine-readable readiness line on stdout (tests and scripts wait for it).
  if (m.metrics_listen) {
    spdlog::info("metrics on port {} (SEATD_METRICS_LISTEN {})", m.metrics_listen->port(),
                 m.cfg.metrics_listen);
    std::printf("seatd metrics port=%u\n", unsigned(m.metrics_listen->port()));
  }
  std::printf("seatd ready port=%u\n", unsigned(port));
  std::fflush(stdout);

  {
    std::unique_lock lock(m.stop_mutex);
    m.stop_cv.wait(lock, [&m] { return m.stop_requested; });
  }

  // Shutdown, in order: stop accepting; ask every session to stop (idle ones close now,
  // busy ones after their response); wait for them with a deadline; then stop the threads.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(3);
  m.listen->stop();
  if (m.metrics_listen) m.metrics_listen->stop();
  asio::post(signal_strand, [&signals, &drain_timer] {
    signals.cancel();
    drain_timer.cancel();
  });
  // The accept loop has ended once this returns (so no connection can arrive after stop_all;
  // the registry stops any that still does).
  m.tasks.stop();
  if (!m.tasks.wait(deadline)) spdlog::warn("shutdown: {} tasks still running", m.tasks.running());
  m.registry.stop_all();
  m.metrics_sessions.stop_all();
  if (!m.registry.wait_empty(deadline))
    spdlog::warn("shutdown: {} connections did not finish in time; closing them",
                 m.registry.size());
  (void)m.metrics_sessions.wait_empty(deadline);
  // The outbox: no new claims; the messages being sent get what is left of the deadline (they
  // need the I/O threads and the pools, still running), the rest are abandoned to their lease.
  if (!m.waitlist->stop(deadline)) spdlog::warn("shutdown: waiting-list matches still running");
  if (!m.outbox->stop(deadline))
    spdlog::warn("shutdown: e-mails still being sent; they are sent again when their lease ends");
  m.engine->stop();
  if (m.revocations) m.revocations->stop();
  if (m.login_counts) m.login_counts->stop();
  m.ioc.stop();
  for (auto& t : threads) t.join();
  m.pool.stop();
  m.hash_lane.stop();
  m.render_lane.stop();
  m.metrics_lane.stop();
  m.mail_lane.stop();  // waits for a send in progress (at most SEATD_SMTP_TIMEOUT_SECONDS)
  m.listen.reset();
  m.metrics_listen.reset();
  m.db.reset();
  spdlog::info("seatd stopped");
  return 0;
}

int print_routes(config cfg) {
  cfg.database_url = "sqlite://:memory:";
  cfg.redis_url.clear();  // no route depends on it; a listing must not wait for Redis
  cfg.demo = false;
  const auto level = spdlog::get_level();
  spdlog::set_level(spdlog::level::warn);  // the components' startup notes are not the listing
  application::impl m(std::move(cfg));
  spdlog::set_level(level);
  for (const auto& r : m.routes.list()) {
    const char* who = r.policy.who == net::access::admin  ? "admin"
                      : r.policy.who == net::access::user ? "user"
                                                          : "anyone";
    std::printf("%-7s %-50s %s%s\n", std::string(net::http::to_string(r.method)).c_str(),
                r.pattern.c_str(), who, r.policy.body == net::body_size::upload ? " upload" : "");
  }
  std::fflush(stdout);
  return 0;
}

int create_admin(const config& cfg, const std::string& email, const std::string& username,
                 const std::string& password) {
  if (!auth::valid_email(email)) {
    std::fprintf(stderr, "error: '%s' is not a valid email address\n", email.c_str());
    return 2;
  }
  if (password.size() < 8) {
    std::fprintf(stderr, "error: an admin password needs at least 8 characters\n");
    return 2;
  }
  auto db = open_store(cfg.database_url);
  auto hash = auth::hash_password(password, hash_cost_for(cfg));
  auto created = db->create_user({username, email, hash, true});
  if (!created) {
    if (created.error() != errc::email_taken) throw std::runtime_error(created.error().message());
    auto promoted = db->promote_admin(email, hash);
    if (!promoted) throw std::runtime_error(promoted.error().message());
    std::printf("existing user %s is now an admin (password updated)\n", email.c_str());
    return 0;
  }
  std::printf("admin %s created (id %lld)\n", email.c_str(), static_cast<long long>(created->id));
  return 0;
}

int import_schedule_file(const config& cfg, const std::string& path,
                         std::optional<local_date> week_of, import_options options) {
  auto bytes = read_file(path);
  if (!bytes) {
    std::fprintf(stderr, "error: cannot read %s\n", path.c_str());
    return 2;
  }
  auto db = open_store(cfg.database_url);
  auto out = service::load_schedule(*db, path, *bytes, today_local(), week_of, options);
  if (!out.ok) {
    std::fprintf(stderr, "error: %s\n", out.message.c_str());
    return 1;
  }
  std::printf("%s\n", out.message.c_str());
  return 0;
}

}  // namespace seatd
