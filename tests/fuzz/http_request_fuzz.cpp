// libFuzzer target: the HTTP request path, bytes in -> responses out. The input is what a
// client writes on one connection (several pipelined requests allowed). It goes through
// Beast's request parser with http_session's limits, the real route table (every
// api::add_*_routes) and the real net::dispatcher, whose coroutine runs on an io_context here,
// over the services seatd wires in application.cpp: an in-memory SQLite store holding a small
// imported schedule and two accounts, the in-process hold engine, a fixed clock.
//
// A 500 is a finding (a handler threw something that is not a business outcome), as is any
// crash, sanitizer report, leak or hang. "@ADMIN@" and "@USER@" in the input become valid
// bearer tokens, so the fuzzer reaches past authentication (see http_request.dict).
//
// The world is built afresh for every input, so a finding replays alone.
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/serializer.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <spdlog/spdlog.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <sstream>
#include <string>

#include "api/route_policies.hpp"
#include "api/routes.hpp"
#include "service/booking_service.hpp"
#include "service/schedule_loader.hpp"
#include "api/services.hpp"
#include "exec/worker_pool.hpp"
#include "auth/init.hpp"
#include "auth/password.hpp"
#include "auth/jwt_codec.hpp"
#include "auth/revocation_list.hpp"
#include "auth/token_verifier.hpp"
#include "domain/clock.hpp"
#include "domain/local_time.hpp"
#include "domain/login_throttle.hpp"
#include "holds/memory_engine.hpp"
#include "net/dispatcher.hpp"
#include "net/http_options.hpp"
#include "net/message_framing.hpp"
#include "net/router.hpp"
#include "net/static_files.hpp"
#include "realtime/seat_hub.hpp"
#include "realtime/trip_catalog.hpp"
#include "store/store.hpp"

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using namespace seatd;

// Monday 2026-12-07 04:30 UTC: the schedule's week has trips departed and still to come.
constexpr std::int64_t fixed_now_ms = 1'796'617'800'000;
constexpr std::size_t max_requests_per_input = 8;

const std::string schedule_csv =
    "Operator,Day,Bus Name,Source,Destination,Departure Time,Arrival Time,Fare (INR),"
    "Service Type,Bus Type\n"
    "ABC TRAVELS,Monday,Bus 1,Bangalore,Chennai,06:00 AM,02:00 PM,750,Day,AC\n"
    "ABC TRAVELS,Monday,Bus 2,Chennai,Madurai,09:00 PM,07:00 AM,850,Night,Non-AC\n"
    "ABC TRAVELS,Wednesday,Bus 1,Madurai,Bangalore,10:30 AM,06:00 PM,900,Day,AC\n";

[[noreturn]] void finding(const std::string& what) {
  std::fprintf(stderr, "http_request finding: %s\n", what.c_str());
  std::abort();
}

// Built once: immutable across inputs.
struct process_state {
  std::string password_hash;  // of "fuzz-password", at the test cost
  net::static_files web{SEATD_SOURCE_DIR "/web"};
  process_state() {
    auth::init();
    spdlog::set_level(spdlog::level::off);  // 4xx/5xx log lines would drown libFuzzer's output
    password_hash = auth::hash_password("fuzz-password", auth::test_cost());
  }
};

process_state& process() {
  static process_state p;
  return p;
}

// What application::impl wires, with the in-process engine, SQLite in memory and a fixed clock.
struct world {
  manual_clock clk{sys_ms{std::chrono::milliseconds{fixed_now_ms}}};
  asio::io_context ioc{1};
  std::unique_ptr<store> db = open_store("sqlite://:memory:");
  worker_pool pool{1, 64};
  auth::jwt_codec jwt{std::string(32, 'k')};
  auth::revocation_list revoked;
  auth::token_verifier tokens{jwt, revoked};
  // The application's limits (app/application.cpp): per (client, account) and per client.
  login_throttle throttle{{.max_attempts = 10, .window = std::chrono::minutes(5), .free_attempts = 10}};
  login_throttle address_throttle{
      {.max_attempts = 200, .window = std::chrono::minutes(5), .free_attempts = 30}};
  realtime::trip_catalog catalog{*db, pool};
  realtime::seat_hub hub{ioc.get_executor(), catalog, 1};
  memory_engine engine{ioc.get_executor(), clk, hold_policy{},
                       [this](const seat_event& e) { hub.publish(e); }};
  service::booking_service bookings{*db, pool, engine, clk};
  api::services svc{.cfg = api::settings{std::chrono::minutes(60), auth::test_cost()},
                    .db = *db,
                    .pool = pool,
                    .jwt = jwt,
                    .revoked = revoked,
                    .tokens = tokens,
                    .throttle = throttle,
                    .address_throttle = address_throttle,
                    .clk = clk,
                    .holds = engine,
                    .catalog = catalog,
                    .bookings = bookings};
  net::router routes;
  net::http_options opts;
  net::dispatcher dispatch{routes, opts, process().web};
  std::string admin_token, user_token;

  world() {
    opts.access_log = false;
    opts.cors_origins = {"http://localhost:5173"};
    auto today = std::chrono::floor<std::chrono::days>(to_local(clk.now()));
    auto loaded = service::load_schedule(*db, "fuzz.csv", schedule_csv, today);
    if (!loaded.ok) finding("setup: schedule: " + loaded.message);
    admin_token = token_for(new_user{"Fuzz Admin", "admin@fuzz.test", process().password_hash, true});
    user_token = token_for(new_user{"Fuzz User", "user@fuzz.test", process().password_hash, false});
    api::install_routes(routes, dispatch, svc);
    engine.start();
  }
  ~world() {
    engine.stop();
    ioc.restart();
    ioc.poll();
    pool.stop();
  }

  std::string token_for(const new_user& nu) {
    auto u = db->create_user(nu);
    if (!u) finding("setup: create_user");
    auto now_s = fixed_now_ms / 1000;
    return jwt.sign(auth::claims{nu.email, u->id, now_s + 3600, now_s, "fuzz-" + nu.email});
  }

  // Runs one of the dispatcher's coroutines to completion on this thread (the worker pool's
  // jobs resume it here), as http_session does on its strand.
  template <class T>
  T run_to_end(asio::awaitable<T> task) {
    std::optional<T> out;
    std::exception_ptr error;
    ioc.restart();  // run_one() stopped it when it last ran out of work
    auto work = asio::make_work_guard(ioc);
    asio::co_spawn(ioc, std::move(task), [&](std::exception_ptr e, T r) {
      error = e;
      out = std::move(r);
      work.reset();
    });
    while (!out && !error) ioc.run_one();
    if (error) {
      try {
        std::rethrow_exception(error);
      } catch (const std::exception& e) {
        finding(std::string("the front door threw: ") + e.what());
      }
    }
    return std::move(*out);
  }
};

void replace_all(std::string& s, std::string_view from, const std::string& to) {
  for (auto at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size()))
    s.replace(at, from.size(), to);
}

// Feeds `in` to the parser until `done()` or the bytes run out; false on a parse error (ec set)
// or when more bytes would be needed (a real client would leave the server waiting: no answer).
template <class Done>
bool feed(http::request_parser<http::string_body>& p, std::string_view& in, beast::error_code& ec,
          Done done) {
  while (!done()) {
    if (in.empty()) return false;
    auto used = p.put(asio::buffer(in.data(), in.size()), ec);
    in.remove_prefix(used);
    if (ec == http::error::need_more) {
      ec = {};
      if (used == 0) return false;
      continue;
    }
    if (ec) return false;
  }
  return true;
}

void check(const net::response& res, const net::request* req) {
  // SEATD_FUZZ_TRACE=1: one line per answer, to see what a seed reaches.
  static const bool trace = std::getenv("SEATD_FUZZ_TRACE") != nullptr;
  if (trace && req)
    std::fprintf(stderr, "%s %s -> %d\n", std::string(req->method_string()).c_str(),
                 std::string(req->target()).c_str(), res.result_int());
  if (res.result_int() == 500) {
    std::string what = "status " + std::to_string(res.result_int());
    if (req) what += " for " + std::string(req->method_string()) + " " + std::string(req->target());
    finding(what + ": " + res.body());
  }
  // The session writes it: it must serialise.
  std::ostringstream wire;
  wire << res;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  world w;
  std::string bytes(reinterpret_cast<const char*>(data), size);
  replace_all(bytes, "@ADMIN@", w.admin_token);
  replace_all(bytes, "@USER@", w.user_token);
  std::string_view in = bytes;

  // One connection's requests, as net/http_session.cpp reads them.
  for (std::size_t n = 0; n < max_requests_per_input && !in.empty(); ++n) {
    http::request_parser<http::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(w.opts.max_header_bytes));
    parser.body_limit(std::max(w.opts.max_body_bytes, w.opts.max_upload_bytes));
    beast::error_code ec;
    if (!feed(parser, in, ec, [&] { return parser.is_header_done(); })) {
      if (ec == http::error::body_limit) {
        check(net::error_response(http::status::payload_too_large, "Request body too large"), nullptr);
      }
      return 0;  // 431, 400 or waiting for more bytes: the connection ends either way
    }
    // What http_session decides on the header: framing (RFC 9112), then route and access.
    const net::request& head = parser.get();
    std::string te;
    for (auto [it, end] = head.equal_range(http::field::transfer_encoding); it != end; ++it)
      te += (te.empty() ? "" : ",") + std::string(it->value());
    if (net::check_framing(head.count(http::field::transfer_encoding) > 0, te,
                           head.count(http::field::content_length) > 0) != net::framing::ok)
      return 0;  // 400 / 501, connection closed
    auto admitted = w.run_to_end(w.dispatch.admit(head));
    if (admitted.refusal) {
      check(*admitted.refusal, &head);
      if (!parser.is_done()) return 0;  // a refused body is never read: the connection closes
      if (!head.keep_alive()) return 0;
      continue;
    }
    std::size_t limit = admitted.body_limit;
    if (auto length = parser.content_length(); length && *length > limit) return 0;  // 413
    parser.body_limit(limit);
    if (!feed(parser, in, ec, [&] { return parser.is_done(); })) return 0;  // 413, 400, waiting

    net::request req = parser.release();
    if (beast::websocket::is_upgrade(req)) return 0;  // handed to the viewer session
    net::response res = w.run_to_end(w.dispatch.dispatch(req, "203.0.113.7"));
    check(res, &req);
    if (!req.keep_alive()) return 0;
  }
  return 0;
}
