#pragma once
// A blocking HTTP/1.1 client over a real socket, for component tests.
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>

#include <map>
#include <optional>
#include <string>

namespace seatd::testing {

namespace http = boost::beast::http;

struct http_reply {
  int status = 0;
  std::string body;
  http::fields headers;
  boost::json::value json() const;  // parses body; null value if not JSON
};

class http_client {
 public:
  explicit http_client(unsigned short port);
  // One request on a persistent connection (reconnects if the server closed it).
  http_reply request(http::verb method, const std::string& target, const std::string& body = "",
                     const std::map<std::string, std::string>& headers = {});
  http_reply get(const std::string& target, const std::string& token = "");
  http_reply post_json(const std::string& target, const boost::json::value& body,
                       const std::string& token = "");
  // Sends raw bytes and returns whatever the server answers before closing (or timeout).
  std::string raw(const std::string& bytes, std::chrono::milliseconds timeout = std::chrono::seconds(3));

 private:
  void connect();
  unsigned short port_;
  boost::asio::io_context ioc_;
  std::optional<boost::beast::tcp_stream> stream_;
  boost::beast::flat_buffer buffer_;
};

}  // namespace seatd::testing
