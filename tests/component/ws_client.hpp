#pragma once
// A blocking WebSocket client over a real socket, for component tests.
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/json.hpp>

#include <chrono>
#include <optional>
#include <string>

namespace seatd::testing {

class ws_client {
 public:
  // Connects and performs the handshake to `target` (e.g. "/ws/seats/1").
  // receive_buffer > 0 sets SO_RCVBUF before connecting (a reader that cannot keep up).
  ws_client(unsigned short port, const std::string& target, int receive_buffer = 0);
  ~ws_client();
  ws_client(const ws_client&) = delete;
  ws_client& operator=(const ws_client&) = delete;
  // The next text message, or nullopt on timeout (try again) or close (closed() is true).
  std::optional<std::string> read(std::chrono::milliseconds timeout = std::chrono::seconds(5));
  std::optional<boost::json::object> read_json(
      std::chrono::milliseconds timeout = std::chrono::seconds(5));
  // Reads until a JSON message of `type` arrives (skipping others); nullopt on timeout.
  std::optional<boost::json::object> wait_for(const std::string& type,
                                              std::chrono::milliseconds timeout = std::chrono::seconds(5));
  void send_text(const std::string& text);
  void send_binary(const std::string& bytes);
  // After the server closed: its close code and reason.
  boost::beast::websocket::close_reason close_reason() const { return ws_.reason(); }
  bool closed() const { return closed_; }
  boost::beast::websocket::stream<boost::beast::tcp_stream>& stream() { return ws_; }

 private:
  boost::asio::io_context ioc_;
  boost::beast::websocket::stream<boost::beast::tcp_stream> ws_;
  boost::beast::flat_buffer buffer_;
  bool closed_ = false;
  bool pending_ = false;
  bool done_ = false;
  boost::beast::error_code result_;
};

}  // namespace seatd::testing
