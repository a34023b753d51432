#include "net/http_session.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <spdlog/spdlog.h>

#include <boost/beast/core/string.hpp>

#ifdef __GLIBC__
#include <malloc.h>
#endif

#include <algorithm>

#include "net/http_metrics.hpp"
#include "net/log_fields.hpp"
#include "net/message_framing.hpp"
#include "net/request_id.hpp"

namespace seatd::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
using asio::use_awaitable;
constexpr auto tuple_awaitable = asio::as_tuple(asio::use_awaitable);

http_session::http_session(beast::tcp_stream stream, const dispatcher& d,
                           const http_options& opts, session_registry& registry,
                           body_budget& budget, const upgrade_handler& upgrade,
                           inflight_limiter::ticket place)
    : stream_(std::move(stream)),
      dispatcher_(d),
      opts_(opts),
      registry_(registry),
      budget_(budget),
      upgrade_(upgrade),
      place_(std::move(place)) {
  beast::error_code ec;
  auto ep = stream_.socket().remote_endpoint(ec);
  if (!ec) {
    peer_ = unmapped(ep.address());
    remote_ = peer_.to_string();
  }
}

std::string http_session::client_of(const request& req) const {
  if (opts_.proxies.empty()) return peer_.to_string();
  std::string forwarded;
  for (auto [it, end] = req.equal_range("X-Forwarded-For"); it != end; ++it) {
    if (!forwarded.empty()) forwarded += ',';
    forwarded += it->value();
  }
  return client_address(opts_.proxies, peer_, forwarded);
}

void http_session::start() {
  registry_id_ = registry_.add(weak_from_this());
  asio::co_spawn(stream_.get_executor(), run(),
                 [self = shared_from_this()](std::exception_ptr e) {
                   if (e) {
                     try {
                       std::rethrow_exception(e);
                     } catch (const std::exception& ex) {
                       spdlog::error("http session ended by exception: {}", ex.what());
                     }
                   }
                   self->registry_.remove(self->registry_id_);
                 });
}

void http_session::stop() {
  asio::post(stream_.get_executor(), [self = shared_from_this()] {
    self->stopping_ = true;
    // An idle connection closes now; one mid-request finishes its response first.
    if (self->idle_) self->stream_.socket().cancel();
  });
}

asio::awaitable<void> http_session::write(response res, const request* req,
                                          std::chrono::steady_clock::time_point started) {
  if (stopping_ || (opts_.closing && opts_.closing->load())) res.keep_alive(false);
  // HEAD: the GET answer's header, Content-Length included, without its body (static files
  // already leave the body out).
  if (req && req->method() == http::verb::head && !res.body().empty()) {
    const auto length = res.body().size();
    res.body().clear();
    res.content_length(length);
  }
  // Every answer: browsers must not guess a type (a JSON body sniffed as HTML is an XSS), and
  // API answers (per user, often personal) must not be stored by a browser or a proxy. Static
  // files set their own Cache-Control (revalidation with an ETag).
  if (res.find("X-Content-Type-Options") == res.end()) res.set("X-Content-Type-Options", "nosniff");
  if (res.find(http::field::cache_control) == res.end())
    res.set(http::field::cache_control, "no-store");
  // Every answer names its request, refusals and errors included (one that came before a
  // request could be read gets an id of its own).
  if (request_id_.empty()) request_id_ = new_request_id();
  res.set("X-Request-Id", request_id_);
  stream_.expires_after(opts_.request_timeout);
  auto [ec, n] = co_await http::async_write(stream_, res, tuple_awaitable);
  if (opts_.metrics)
    opts_.metrics->record(route_, req, res.result_int(),
                          std::chrono::steady_clock::now() - started);
  if (opts_.access_log) {
    auto us = std::chrono::duration_cast<std::chrono::microseconds>(
                  std::chrono::steady_clock::now() - started)
                  .count();
    const std::string method = req ? std::string(req->method_string()) : std::string("-");
    const std::string target = req ? std::string(req->target()) : std::string("-");
    scoped_log_fields fields({text_field("request_id", request_id_), text_field("remote", remote_),
                              text_field("method", method),
                              text_field("path", std::string_view(target).substr(0, target.find('?'))),
                              number_field("status", res.result_int()),
                              number_field("bytes", std::int64_t(res.body().size())),
                              number_field("duration_us", us),
                              text_field("error", ec ? "write-failed" : "")});
    spdlog::info("{} \"{} {}\" {} {}B {}us{}", remote_, method, target, res.result_int(),
                 res.body().size(), us, ec ? " write-failed" : "");
  }
  if (ec) res.keep_alive(false);
  if (!res.keep_alive()) {
    beast::error_code ignored;
    stream_.socket().shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
    stopping_ = true;
    if (!ec) co_await linger();
  }
}

asio::awaitable<void> http_session::linger() {
  // After refusing a request whose body is still arriving (413, 400), closing at once would
  // make the kernel reset the connection and the client could lose our answer. Read and
  // discard for a bounded time and amount, until the peer closes its side.
  idle_ = true;  // shutdown may cut this short
  std::size_t discarded = 0;
  char sink[16 * 1024];
  stream_.expires_after(std::chrono::seconds(2));
  while (discarded < (16u << 20)) {
    auto [ec, n] = co_await stream_.async_read_some(asio::buffer(sink), tuple_awaitable);
    if (ec) break;
    discarded += n;
  }
}

asio::awaitable<void> http_session::refuse(response res, const request& header,
                                           std::chrono::steady_clock::time_point started) {
  // The body stays unread: closing is the only way to be sure it is not taken for the next
  // request. write() then discards what is still arriving, for a bounded time.
  res.keep_alive(false);
  co_await write(std::move(res), &header, started);
}

namespace {

std::string joined(const request& req, http::field f) {
  std::string out;
  for (auto [it, end] = req.equal_range(f); it != end; ++it) {
    if (!out.empty()) out += ',';
    out += it->value();
  }
  return out;
}

// Gives freed memory back to the system after a large body: glibc keeps freed large blocks in
// its heap (its mmap threshold rises with each large free), so an 8 MiB upload would stay in
// the process's RSS for good. Only after bodies above the small limit (admin uploads).
void release_free_memory() {
#ifdef __GLIBC__
  ::malloc_trim(0);
#endif
}

}  // namespace

asio::awaitable<void> http_session::run() {
  bool first = true;
  while (!stopping_) {
    http::request_parser<http::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(opts_.max_header_bytes));
    // The header read already checks Content-Length against the body limit, so start from the
    // largest limit any route allows and apply the route's own limit once the route is known.
    parser.body_limit(std::max(opts_.max_body_bytes, opts_.max_upload_bytes));

    idle_ = true;
    route_ = router::no_route;
    request_id_.clear();
    // Until its first request, a connection gets a short time (each idle one holds a
    // descriptor); between requests, the keep-alive idle timeout.
    stream_.expires_after(first ? opts_.first_byte_timeout : opts_.idle_timeout);
    auto [hec, hn] = co_await http::async_read_header(stream_, buffer_, parser, tuple_awaitable);
    idle_ = false;
    first = false;
    auto started = std::chrono::steady_clock::now();
    if (hec) {
      if (hec == http::error::body_limit) {
        auto res = error_response(http::status::payload_too_large, "Request body too large");
        res.keep_alive(false);
        co_await write(std::move(res), nullptr, started);
      } else if (hec == http::error::header_limit) {
        co_await write(error_response(http::status::request_header_fields_too_large,
                                      "Request header too large"),
                       nullptr, started);
      } else if (hec != http::error::end_of_stream && hec != asio::error::operation_aborted &&
                 hec != beast::error::timeout && hec != asio::error::eof &&
                 hec != asio::error::connection_reset && buffer_.size() > 0) {
        // Garbage on the wire: say so once, then close.
        auto res = error_response(http::status::bad_request, "Malformed HTTP request");
        res.keep_alive(false);
        co_await write(std::move(res), nullptr, started);
      }
      break;
    }

    request& head = parser.get();
    remote_ = client_of(head);
    // The request's id goes on the request itself, where the dispatcher, the handlers and the
    // WebSocket upgrade read it; a forged one from an untrusted peer is replaced before any of
    // them sees it.
    const std::string_view offered =
        head.count("X-Request-Id") == 1 ? std::string_view(head["X-Request-Id"]) : std::string_view{};
    request_id_ = request_id_for(offered, opts_.proxies.contains(peer_));
    head.set("X-Request-Id", request_id_);

    switch (check_framing(head.count(http::field::transfer_encoding) > 0,
                          joined(head, http::field::transfer_encoding),
                          head.count(http::field::content_length) > 0)) {
      case framing::ok:
        break;
      case framing::bad_request:
        co_await refuse(error_response(http::status::bad_request,
                                       "Invalid Transfer-Encoding or Content-Length"),
                        head, started);
        co_return;
      case framing::not_implemented:
        co_await refuse(error_response(http::status::not_implemented,
                                       "Transfer-Encoding not supported (only chunked)"),
                        head, started);
        co_return;
    }

    // Route and access, before the body: a refused request costs no body memory.
    auto admitted = co_await dispatcher_.admit(head);
    route_ = admitted.route;
    if (admitted.refusal) {
      if (parser.is_done() && head.keep_alive()) {
        co_await write(std::move(*admitted.refusal), &head, started);  // no body to skip
        continue;
      }
      co_await refuse(std::move(*admitted.refusal), head, started);
      break;
    }
    std::size_t limit = admitted.body_limit;
    if (auto length = parser.content_length(); length && *length > limit) {
      co_await refuse(error_response(http::status::payload_too_large, "Request body too large"),
                      head, started);
      break;
    }
    parser.body_limit(limit);  // a chunked body is checked against it as it arrives

    body_budget::lease lease;
    if (!parser.is_done()) {
      // A chunked body's size is unknown until it ends: it holds the route's whole limit.
      auto reserved = budget_.try_reserve(parser.content_length().value_or(limit));
      if (!reserved) {
        auto res = error_response(http::status::service_unavailable,
                                  "Too many request bodies in flight, please retry shortly");
        res.set(http::field::retry_after, "1");
        co_await refuse(std::move(res), head, started);
        break;
      }
      lease = std::move(*reserved);
      if (beast::iequals(head[http::field::expect], "100-continue")) {
        http::response<http::empty_body> cont{http::status::continue_, 11};
        stream_.expires_after(opts_.request_timeout);
        co_await http::async_write(stream_, cont, tuple_awaitable);
      }
    }

    stream_.expires_after(opts_.request_timeout);
    auto [bec, bn] = co_await http::async_read(stream_, buffer_, parser, tuple_awaitable);
    if (bec) {
      if (bec == http::error::body_limit) {
        auto res = error_response(http::status::payload_too_large, "Request body too large");
        res.keep_alive(false);
        co_await write(std::move(res), nullptr, started);
      } else if (bec != beast::error::timeout && bec != asio::error::operation_aborted &&
                 bec != asio::error::eof && bec != http::error::end_of_stream &&
                 bec != asio::error::connection_reset) {
        auto res = error_response(http::status::bad_request, "Malformed HTTP request body");
        res.keep_alive(false);
        co_await write(std::move(res), nullptr, started);
      }
      break;
    }

    bool large = false;
    {
      request req = parser.release();
      large = req.body().size() > opts_.max_body_bytes;
      if (beast::websocket::is_upgrade(req)) {
        // Draining for a shutdown: a viewer opened now would be closed with 1001 in a moment.
        // 503 lets a load balancer try another instance (nginx: proxy_next_upstream http_503)
        // and tells a client to come back.
        if (opts_.closing && opts_.closing->load()) {
          auto res = error_response(http::status::service_unavailable,
                                    "This instance is shutting down, please reconnect");
          res.set(http::field::retry_after, "1");
          res.keep_alive(false);
          co_await write(std::move(res), &req, started);
          break;
        }
        stream_.expires_never();
        if (upgrade_ && upgrade_(stream_, std::move(req), remote_)) co_return;  // moved on
        auto res = error_response(http::status::not_found, "Not Found");
        res.keep_alive(false);
        co_await write(std::move(res), nullptr, started);
        break;
      }

      response res = co_await dispatcher_.dispatch(req, remote_, peer_);
      res.keep_alive(req.keep_alive());
      co_await write(std::move(res), &req, started);
    }
    // Nothing of one request stays with a kept-alive connection: the body went with `req`,
    // and a read buffer that grew for it shrinks back.
    if (buffer_.capacity() > (64u << 10)) buffer_.shrink_to_fit();
    if (large) release_free_memory();
  }
}

}  // namespace seatd::net
