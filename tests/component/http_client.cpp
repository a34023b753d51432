#include "component/http_client.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>

#include <utility>

namespace seatd::testing {

namespace asio = boost::asio;
namespace beast = boost::beast;

namespace {

// Runs `ioc` until the operations started on it complete. tcp_stream applies its expiry to
// asynchronous operations only (its synchronous ones would wait forever), so every operation
// here is asynchronous and this is how a test waits for one.
void run(asio::io_context& ioc) {
  ioc.restart();
  ioc.run();
}

asio::ip::tcp::endpoint local(unsigned short port) {
  return {asio::ip::make_address("127.0.0.1"), port};
}

beast::error_code connect(asio::io_context& ioc, beast::tcp_stream& s, unsigned short port,
                          std::chrono::milliseconds timeout) {
  beast::error_code ec;
  s.expires_after(timeout);
  s.async_connect(local(port), [&](beast::error_code e) { ec = e; });
  run(ioc);
  return ec;
}

beast::error_code write_all(asio::io_context& ioc, beast::tcp_stream& s, std::string_view bytes,
                            std::chrono::milliseconds timeout) {
  beast::error_code ec;
  s.expires_after(timeout);
  asio::async_write(s, asio::buffer(bytes.data(), bytes.size()),
                    [&](beast::error_code e, std::size_t) { ec = e; });
  run(ioc);
  return ec;
}

// One read; n == 0 with an error when the connection ended or the deadline passed.
std::size_t read_some(asio::io_context& ioc, beast::tcp_stream& s, char* buf, std::size_t size,
                      std::chrono::milliseconds timeout, beast::error_code& ec) {
  std::size_t n = 0;
  s.expires_after(timeout);
  s.async_read_some(asio::buffer(buf, size), [&](beast::error_code e, std::size_t k) {
    ec = e;
    n = k;
  });
  run(ioc);
  return n;
}

}  // namespace

boost::json::value http_reply::json() const {
  boost::system::error_code ec;
  auto v = boost::json::parse(body, ec);
  return ec ? boost::json::value(nullptr) : v;
}

http_client::http_client(unsigned short port, std::chrono::milliseconds timeout)
    : port_(port), timeout_(timeout) {}

void http_client::connect() {
  stream_.emplace(ioc_);
  buffer_.clear();
  if (auto ec = seatd::testing::connect(ioc_, *stream_, port_, timeout_)) {
    stream_.reset();
    throw beast::system_error(ec);
  }
}

http_reply http_client::request(http::verb method, const std::string& target,
                                const std::string& body,
                                const std::map<std::string, std::string>& headers) {
  for (int attempt = 0; attempt < 2; ++attempt) {
    if (!stream_) connect();
    http::request<http::string_body> req{method, target, 11};
    req.set(http::field::host, "127.0.0.1");
    for (auto& [k, v] : headers) req.set(k, v);
    if (!body.empty() || method == http::verb::post) {
      req.body() = body;
      req.prepare_payload();
    }
    beast::error_code ec;
    stream_->expires_after(timeout_);
    http::async_write(*stream_, req, [&](beast::error_code e, std::size_t) { ec = e; });
    run(ioc_);
    http::response_parser<http::string_body> parser;
    parser.body_limit(64u << 20);
    if (!ec) {
      stream_->expires_after(timeout_);
      http::async_read(*stream_, buffer_, parser, [&](beast::error_code e, std::size_t) { ec = e; });
      run(ioc_);
    }
    if (ec) {
      stream_.reset();
      // The server closed a kept-alive connection: retry once on a new one. A timeout is the
      // server's failure, never retried.
      if (attempt == 0 && ec != beast::error::timeout) continue;
      throw beast::system_error(ec);
    }
    auto res = parser.release();
    http_reply out{int(res.result_int()), res.body(), {}};
    for (auto& f : res) out.headers.insert(f.name_string(), f.value());
    if (!res.keep_alive()) stream_.reset();
    return out;
  }
  throw std::logic_error("unreachable");
}

http_reply http_client::get(const std::string& target, const std::string& token) {
  std::map<std::string, std::string> h;
  if (!token.empty()) h["Authorization"] = "Bearer " + token;
  return request(http::verb::get, target, "", h);
}

http_reply http_client::post_json(const std::string& target, const boost::json::value& body,
                                  const std::string& token) {
  std::map<std::string, std::string> h{{"Content-Type", "application/json"}};
  if (!token.empty()) h["Authorization"] = "Bearer " + token;
  return request(http::verb::post, target, boost::json::serialize(body), h);
}

std::string http_client::raw(const std::string& bytes, std::chrono::milliseconds timeout) {
  beast::tcp_stream s(ioc_);
  if (auto ec = seatd::testing::connect(ioc_, s, port_, timeout)) throw beast::system_error(ec);
  (void)write_all(ioc_, s, bytes, timeout);  // the server may answer (and close) early
  std::string out;
  char buf[4096];
  for (;;) {
    beast::error_code ec;
    auto n = read_some(ioc_, s, buf, sizeof buf, timeout, ec);
    out.append(buf, n);
    if (ec) break;
  }
  return out;
}

raw_connection::raw_connection(unsigned short port, std::chrono::milliseconds timeout)
    : timeout_(timeout), stream_(ioc_) {
  if (auto ec = connect(ioc_, stream_, port, timeout_)) throw beast::system_error(ec);
}

bool raw_connection::send(std::string_view bytes) {
  return !write_all(ioc_, stream_, bytes, timeout_);
}

bool raw_connection::read_more() {
  if (closed_ || timed_out_) return false;
  char buf[4096];
  beast::error_code ec;
  auto n = read_some(ioc_, stream_, buf, sizeof buf, timeout_, ec);
  received_.append(buf, n);
  if (ec == beast::error::timeout)
    timed_out_ = true;
  else if (ec)
    closed_ = true;
  return !ec;
}

std::string raw_connection::read_until(std::string_view marker) {
  std::size_t at;
  while ((at = received_.find(marker)) == std::string::npos)
    if (!read_more()) break;
  std::size_t take = at == std::string::npos ? received_.size() : at + marker.size();
  std::string out = received_.substr(0, take);
  received_.erase(0, take);
  return out;
}

std::string raw_connection::read_until_closed() {
  while (read_more()) {
  }
  return std::exchange(received_, {});
}

void raw_connection::shutdown_send() {
  beast::error_code ignored;
  stream_.socket().shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
}

}  // namespace seatd::testing
