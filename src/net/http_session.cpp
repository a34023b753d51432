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

#include <algorithm>

namespace seatd::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
using asio::use_awaitable;
constexpr auto tuple_awaitable = asio::as_tuple(asio::use_awaitable);

http_session::http_session(beast::tcp_stream stream, const dispatcher& d,
                           const http_options& opts, session_registry& registry,
                           const upgrade_handler& upgrade)
    : stream_(std::move(stream)),
      dispatcher_(d),
      opts_(opts),
      registry_(registry),
      upgrade_(upgrade) {
  beast::error_code ec;
  auto ep = stream_.socket().remote_endpoint(ec);
  if (!ec) remote_ = ep.address().to_string();
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
  if (stopping_) res.keep_alive(false);
  stream_.expires_after(opts_.request_timeout);
  auto [ec, n] = co_await http::async_write(stream_, res, tuple_awaitable);
  if (opts_.access_log) {
    auto us = std::chrono::duration_cast<std::chrono::microseconds>(
                  std::chrono::steady_clock::now() - started)
                  .count();
    spdlog::info("{} \"{} {}\" {} {}B {}us{}", remote_,
                 req ? std::string(req->method_string()) : std::string("-"),
                 req ? std::string(req->target()) : std::string("-"), res.result_int(),
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

asio::awaitable<void> http_session::run() {
  while (!stopping_) {
    http::request_parser<http::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(opts_.max_header_bytes));
    // The header read already checks Content-Length against the body limit, so start from the
    // largest limit any route allows and apply the route's own limit once the target is known.
    parser.body_limit(std::max(opts_.max_body_bytes, opts_.max_upload_bytes));

    idle_ = true;
    stream_.expires_after(opts_.idle_timeout);
    auto [hec, hn] = co_await http::async_read_header(stream_, buffer_, parser, tuple_awaitable);
    idle_ = false;
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

    // Uploads get a larger body limit; everything else stays small.
    std::size_t limit = parser.get().target().starts_with(opts_.upload_path_prefix)
                            ? opts_.max_upload_bytes
                            : opts_.max_body_bytes;
    if (auto length = parser.content_length(); length && *length > limit) {
      auto res = error_response(http::status::payload_too_large, "Request body too large");
      res.keep_alive(false);
      co_await write(std::move(res), nullptr, started);
      break;
    }
    parser.body_limit(limit);  // a chunked body is checked against it as it arrives

    if (parser.get()[http::field::expect] == "100-continue") {
      http::response<http::empty_body> cont{http::status::continue_, 11};
      co_await http::async_write(stream_, cont, tuple_awaitable);
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

    request req = parser.release();
    if (beast::websocket::is_upgrade(req)) {
      stream_.expires_never();
      if (upgrade_ && upgrade_(stream_, std::move(req))) co_return;  // the stream moved on
      auto res = error_response(http::status::not_found, "Not Found");
      res.keep_alive(false);
      co_await write(std::move(res), nullptr, started);
      break;
    }

    response res = co_await dispatcher_.dispatch(req, remote_);
    res.keep_alive(req.keep_alive());
    co_await write(std::move(res), &req, started);
  }
}

}  // namespace seatd::net
