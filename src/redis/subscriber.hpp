#pragma once
// redis::subscriber: a dedicated connection in pub/sub mode (RESP2: a subscribed connection
// can run nothing but (P)(UN)SUBSCRIBE and PING, hence separate from redis::connection).
//
// It remembers what it is subscribed to and, after every reconnect, subscribes to all of it
// again; on_connected fires once that resubscription is confirmed. Messages published while
// it was disconnected are lost (that is Redis pub/sub), so on_connected is where users
// resynchronise their state.
//
//   redis::subscriber sub(io.get_executor(), cfg);
//   sub.on_message([](const redis::message& m) { ... });   // on the subscriber's strand
//   sub.on_connected([] { /* resync */ });
//   sub.start();
//   co_await sub.subscribe("__keyevent@0__:expired");
//   co_await sub.psubscribe("trip:*");
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/system/result.hpp>

#include <array>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "redis/command.hpp"
#include "redis/completion.hpp"
#include "redis/config.hpp"
#include "redis/errc.hpp"

namespace seatd::redis {

struct message {
  std::string channel;
  std::string pattern;  // the PSUBSCRIBE pattern that matched; empty for SUBSCRIBE
  std::string payload;
};

class subscriber {
 public:
  using message_handler = std::function<void(const message&)>;
  using connected_handler = std::function<void()>;
  using error_handler = std::function<void(const boost::system::error_code&, std::string_view)>;

  // Throws std::invalid_argument when cfg.url does not parse. cfg.max_pending bounds the
  // subscription requests awaiting confirmation.
  subscriber(boost::asio::any_io_executor executor, config cfg);
  ~subscriber();  // stop()
  subscriber(subscriber&&) noexcept;
  subscriber& operator=(subscriber&&) noexcept;

  // All callbacks run on the subscriber's strand and must not throw; set them before
  // start(). A message is delivered only while its channel (or pattern) is subscribed: after
  // unsubscribe() is issued, none arrives for it.
  void on_message(message_handler h);
  // After every (re)connect, once every remembered channel and pattern is confirmed.
  void on_connected(connected_handler h);
  void on_disconnected(error_handler h);
  void on_connect_failed(error_handler h);

  void start();
  // Same contract as connection::stop(): afterwards no callback runs; requests awaiting
  // confirmation complete with errc::stopped.
  void stop();
  bool connected() const noexcept;
  const boost::asio::any_io_executor& get_executor() const noexcept { return executor_; }

  // Each request is remembered at once (and re-applied after every reconnect), then sent
  // if connected. Completion void(result<void>): success once Redis confirmed every name on
  // the current connection; errc::unavailable when not connected (a subscription is still
  // remembered and becomes active before the next on_connected); errc::timeout,
  // connection_lost, overloaded, stopped, server_error as for commands. Unsubscribing while
  // disconnected succeeds at once. `names`: a range of string-like values, or one name.
  template <command_arg_range Names, class CompletionToken>
  auto async_subscribe(const Names& names, CompletionToken&& token) {
    return initiate(op::subscribe, to_vector(names), token);
  }
  template <command_arg_range Names, class CompletionToken>
  auto async_psubscribe(const Names& names, CompletionToken&& token) {
    return initiate(op::psubscribe, to_vector(names), token);
  }
  template <command_arg_range Names, class CompletionToken>
  auto async_unsubscribe(const Names& names, CompletionToken&& token) {
    return initiate(op::unsubscribe, to_vector(names), token);
  }
  template <command_arg_range Names, class CompletionToken>
  auto async_punsubscribe(const Names& names, CompletionToken&& token) {
    return initiate(op::punsubscribe, to_vector(names), token);
  }

  template <command_arg_range Names>
  boost::asio::awaitable<result<void>> subscribe(const Names& names) {
    return async_subscribe(names, boost::asio::use_awaitable);
  }
  template <command_arg_range Names>
  boost::asio::awaitable<result<void>> psubscribe(const Names& names) {
    return async_psubscribe(names, boost::asio::use_awaitable);
  }
  template <command_arg_range Names>
  boost::asio::awaitable<result<void>> unsubscribe(const Names& names) {
    return async_unsubscribe(names, boost::asio::use_awaitable);
  }
  template <command_arg_range Names>
  boost::asio::awaitable<result<void>> punsubscribe(const Names& names) {
    return async_punsubscribe(names, boost::asio::use_awaitable);
  }
  boost::asio::awaitable<result<void>> subscribe(std::string_view name) {
    return subscribe(std::array<std::string_view, 1>{name});
  }
  boost::asio::awaitable<result<void>> psubscribe(std::string_view name) {
    return psubscribe(std::array<std::string_view, 1>{name});
  }
  boost::asio::awaitable<result<void>> unsubscribe(std::string_view name) {
    return unsubscribe(std::array<std::string_view, 1>{name});
  }
  boost::asio::awaitable<result<void>> punsubscribe(std::string_view name) {
    return punsubscribe(std::array<std::string_view, 1>{name});
  }

 private:
  class impl;
  enum class op { subscribe, psubscribe, unsubscribe, punsubscribe };
  using completion_type = detail::completion<result<void>>;

  template <class Names>
  static std::vector<std::string> to_vector(const Names& names) {
    std::vector<std::string> v;
    for (const auto& n : names) v.emplace_back(std::string_view(n));
    return v;
  }

  template <class CompletionToken>
  auto initiate(op kind, std::vector<std::string> names, CompletionToken& token) {
    return boost::asio::async_initiate<CompletionToken, void(result<void>)>(
        [self = impl_, fallback = executor_](auto handler, op k, std::vector<std::string> n) {
          submit(self, k, std::move(n),
                 detail::make_completion<result<void>>(std::move(handler), fallback));
        },
        token, kind, std::move(names));
  }

  static void submit(const std::shared_ptr<impl>& self, op kind, std::vector<std::string> names,
                     std::unique_ptr<completion_type> done);

  std::shared_ptr<impl> impl_;
  boost::asio::any_io_executor executor_;
};

}  // namespace seatd::redis
