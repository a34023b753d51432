#include "component/ws_client.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/buffers_to_string.hpp>

#include <algorithm>

namespace seatd::testing {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;

ws_client::ws_client(unsigned short port, const std::string& target, int receive_buffer)
    : ws_(ioc_) {
  if (receive_buffer > 0) {
    auto& socket = beast::get_lowest_layer(ws_).socket();
    socket.open(asio::ip::tcp::v4());
    socket.set_option(asio::socket_base::receive_buffer_size(receive_buffer));
  }
  beast::get_lowest_layer(ws_).connect(
      asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  ws_.handshake("127.0.0.1:" + std::to_string(port), target);
}

std::optional<std::string> ws_client::read(std::chrono::milliseconds timeout) {
  if (closed_) return std::nullopt;
  // One asynchronous read stays outstanding across calls, so a timeout only means "nothing
  // yet" and the next call keeps waiting for the same message.
  if (!pending_) {
    buffer_.clear();
    done_ = false;
    pending_ = true;
    ws_.async_read(buffer_, [this](beast::error_code ec, std::size_t) {
      result_ = ec;
      done_ = true;
    });
  }
  ioc_.restart();
  ioc_.run_for(std::max(timeout, std::chrono::milliseconds(1)));
  if (!done_) return std::nullopt;
  pending_ = false;
  if (result_) {
    closed_ = true;
    return std::nullopt;
  }
  return beast::buffers_to_string(buffer_.data());
}

std::optional<boost::json::object> ws_client::read_json(std::chrono::milliseconds timeout) {
  auto text = read(timeout);
  if (!text) return std::nullopt;
  boost::system::error_code ec;
  auto v = boost::json::parse(*text, ec);
  if (ec || !v.is_object()) return std::nullopt;
  return v.as_object();
}

std::optional<boost::json::object> ws_client::wait_for(const std::string& type,
                                                       std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    auto m = read_json(left);
    if (!m) return std::nullopt;
    if (m->contains("type") && m->at("type") == type.c_str()) return m;
  }
  return std::nullopt;
}

ws_client::~ws_client() {
  // Leave no handler referring to this object behind.
  beast::error_code ignored;
  beast::get_lowest_layer(ws_).socket().close(ignored);
  ioc_.restart();
  ioc_.run_for(std::chrono::milliseconds(100));
}

void ws_client::send_text(const std::string& text) {
  ws_.text(true);
  ws_.write(asio::buffer(text));
}

void ws_client::send_binary(const std::string& bytes) {
  ws_.binary(true);
  ws_.write(asio::buffer(bytes));
  ws_.text(true);
}

}  // namespace seatd::testing
