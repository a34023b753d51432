#include "net/listener.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <spdlog/spdlog.h>

#include "domain/client_key.hpp"
#include "net/client_address.hpp"

namespace seatd::net {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

namespace {

template <class Socket>
void refuse(Socket& socket) {
  // The client hears "busy" at once instead of waiting for a timeout. Non-blocking: a canned
  // answer into a new socket's empty send buffer; what the client already sent is drained first
  // so the close does not turn into a reset that could destroy the answer in flight.
  static const std::string busy = [] {
    std::string body = R"({"detail":"Too many connections, please retry later"})";
    return "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\n"
           "Retry-After: 1\r\nConnection: close\r\nContent-Length: " +
           std::to_string(body.size()) + "\r\n\r\n" + body;
  }();
  boost::system::error_code ec;
  socket.non_blocking(true, ec);
  char sink[4096];
  for (int i = 0; i < 16 && !ec; ++i) socket.read_some(asio::buffer(sink), ec);
  ec = {};
  socket.write_some(asio::buffer(busy.data(), busy.size()), ec);
  socket.shutdown(tcp::socket::shutdown_both, ec);
  socket.close(ec);
}

}  // namespace

listener::listener(asio::io_context& ioc, const tcp::endpoint& ep, const dispatcher& d,
                   const http_options& opts, session_registry& registry, body_budget& budget,
                   inflight_limiter& per_client, const upgrade_handler& upgrade,
                   exec::task_group& tasks)
    : ioc_(ioc),
      acceptor_(asio::make_strand(ioc)),
      dispatcher_(d),
      opts_(opts),
      registry_(registry),
      budget_(budget),
      per_client_(per_client),
      upgrade_(upgrade),
      tasks_(tasks) {
  acceptor_.open(ep.protocol());
  acceptor_.set_option(asio::socket_base::reuse_address(true));
  acceptor_.bind(ep);
  acceptor_.listen(asio::socket_base::max_listen_connections);
}

void listener::start() { spawn_loop(false); }

void listener::spawn_loop(bool after_failure) {
  tasks_.spawn(acceptor_.get_executor(), accept_loop(after_failure), "accept loop",
               [this](std::exception_ptr) {
                 // Logged by the task group; a server that stops accepting is down, so start
                 // the loop again (after a pause) unless shutdown closed the acceptor.
                 if (!stopped_.load()) spawn_loop(true);
               });
}

void listener::stop() {
  stopped_.store(true);
  asio::post(acceptor_.get_executor(), [this] {
    boost::system::error_code ignored;
    acceptor_.close(ignored);
  });
}

asio::awaitable<void> listener::accept_loop(bool after_failure) {
  constexpr auto tuple_awaitable = asio::as_tuple(asio::use_awaitable);
  if (after_failure) {
    asio::steady_timer t(acceptor_.get_executor(), std::chrono::seconds(1));
    co_await t.async_wait(tuple_awaitable);
  }
  std::chrono::milliseconds backoff{0};
  while (acceptor_.is_open()) {
    auto [ec, socket] = co_await acceptor_.async_accept(asio::make_strand(ioc_), tuple_awaitable);
    if (ec) {
      if (ec == asio::error::operation_aborted || !acceptor_.is_open()) break;
      // Out of descriptors and the like: the connection waits in the kernel's queue; pause,
      // longer each time, instead of spinning on the same failure.
      backoff = accept_backoff(backoff);
      if (auto n = accept_warnings_.note(std::chrono::steady_clock::now()))
        spdlog::warn("accept failed ({} times since the last warning): {}; {} connections open",
                     n, ec.message(), registry_.size());
      asio::steady_timer t(acceptor_.get_executor(), backoff);
      auto [tec] = co_await t.async_wait(tuple_awaitable);
      if (tec == asio::error::operation_aborted) break;
      continue;
    }
    backoff = std::chrono::milliseconds(0);
    if (registry_.size() >= opts_.max_connections) {
      refuse(socket);
      if (auto n = refusal_warnings_.note(std::chrono::steady_clock::now()))
        spdlog::warn("refused {} connections since the last warning: at the limit of {} ({})",
                     n, opts_.max_connections, opts_.connection_limit_name);
      continue;
    }
    inflight_limiter::ticket place;
    boost::system::error_code pec;
    auto peer = socket.remote_endpoint(pec);
    if (!pec && !opts_.proxies.contains(unmapped(peer.address()))) {
      place = per_client_.try_enter(client_key(unmapped(peer.address()).to_string()));
      if (!place) {
        refuse(socket);
        if (auto n = client_refusal_warnings_.note(std::chrono::steady_clock::now()))
          spdlog::warn("refused {} connections since the last warning: a client at its limit "
                       "(SEATD_MAX_CONNECTIONS_PER_CLIENT)",
                       n);
        continue;
      }
    }
    boost::system::error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);
    std::make_shared<http_session>(boost::beast::tcp_stream(std::move(socket)), dispatcher_,
                                   opts_, registry_, budget_, upgrade_, std::move(place))
        ->start();
  }
}

}  // namespace seatd::net
