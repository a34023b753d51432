#include "component/http_client.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>

namespace seatd::testing {

namespace asio = boost::asio;
namespace beast = boost::beast;

boost::json::value http_reply::json() const {
  boost::system::error_code ec;
  auto v = boost::json::parse(body, ec);
  return ec ? boost::json::value(nullptr) : v;
}

http_client::http_client(unsigned short port) : port_(port) {}

void http_client::connect() {
  stream_.emplace(ioc_);
  stream_->connect(asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), port_));
  buffer_.clear();
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
    stream_->expires_after(std::chrono::seconds(30));
    beast::error_code ec;
    http::write(*stream_, req, ec);
    http::response_parser<http::string_body> parser;
    parser.body_limit(64u << 20);
    if (!ec) http::read(*stream_, buffer_, parser, ec);
    if (ec) {
      stream_.reset();  // the server closed a kept-alive connection: retry once on a new one
      if (attempt == 0) continue;
      throw beast::system_error(ec);
    }
    auto res = parser.release();
    http_reply out{int(res.result_int()), res.body(), {}};
    for (auto& f : res) out.headers.set(f.name_string(), f.value());
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
  s.connect(asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), port_));
  s.expires_after(timeout);
  beast::error_code ec;
  asio::write(s, asio::buffer(bytes), ec);
  std::string out;
  char buf[4096];
  for (;;) {
    s.expires_after(timeout);
    auto n = s.read_some(asio::buffer(buf), ec);
    if (ec) break;
    out.append(buf, n);
  }
  return out;
}

}  // namespace seatd::testing
