#pragma once
// HTTP/1.1 clients over real sockets, for component tests. Every operation has a deadline that
// really applies (asynchronous operations run to completion on the client's own io_context):
// a server that hangs fails the test with a timeout instead of hanging it.
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>

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
  explicit http_client(unsigned short port, std::chrono::milliseconds timeout = std::chrono::seconds(30));
  // One request on a persistent connection (reconnects if the server closed it). Throws
  // beast::system_error on failure, including beast::error::timeout.
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
  std::chrono::milliseconds timeout_;
  boost::asio::io_context ioc_;
  std::optional<boost::beast::tcp_stream> stream_;
  boost::beast::flat_buffer buffer_;
};

// One raw connection, for tests that need to control what is sent when (a header without its
// body, a connection that sends nothing) and to tell "the server closed" from "we gave up".
class raw_connection {
 public:
  explicit raw_connection(unsigned short port,
                          std::chrono::milliseconds timeout = std::chrono::seconds(10));
  // Sends all of `bytes`; false when the connection failed (or the deadline passed).
  bool send(std::string_view bytes);
  // Reads until what arrived contains `marker`, the server closes, or the deadline passes;
  // returns (and consumes) what arrived, up to and including the marker when it came.
  std::string read_until(std::string_view marker);
  // Reads until the server closes or the deadline passes; returns what arrived.
  std::string read_until_closed();
  void shutdown_send();
  bool closed() const { return closed_; }        // the server ended the connection
  bool timed_out() const { return timed_out_; }  // our deadline passed first

 private:
  bool read_more();
  std::chrono::milliseconds timeout_;
  boost::asio::io_context ioc_;
  boost::beast::tcp_stream stream_;
  std::string received_;
  bool closed_ = false;
  bool timed_out_ = false;
};

}  // namespace seatd::testing
