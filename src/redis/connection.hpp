#pragma once
// redis::connection: one pipelined connection to one Redis server, shared by any number of
// coroutines. Commands issued concurrently are written together and their replies matched
// first-in first-out; all state lives on the connection's strand.
//
//   redis::connection conn(io.get_executor(), {.url = "redis://127.0.0.1:6379/0"});
//   conn.on_connected([&] { /* reconcile after an outage */ });
//   conn.start();
//   ...
//   redis::result<redis::reply> r = co_await conn.exec("SET", key, value, "PX", 30000);
//   if (!r) { /* r.error(): errc::unavailable / timeout / connection_lost... -> 503 */ }
//   else if (r->is_error()) { /* Redis answered -ERR: a bug or a WRONGTYPE, not an outage */ }
//
// Failures never throw; see errc.hpp. While disconnected, exec fails at once with
// errc::unavailable (no queueing), so callers can answer 503 quickly; the connection
// reconnects by itself (jittered exponential backoff) until stop().
//
// GCC 12 note: braced lists cannot appear inside a co_await expression (the compiler rejects
// them), and a lambda with an init-capture there is destroyed twice. Pass arguments to
// exec() directly, or build a redis::command (or the key/arg containers) as a local first.
//
// Blocking commands (BLPOP, WAIT...) stall every caller of the shared connection and trip
// the command timeout: do not use them here.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/associated_cancellation_slot.hpp>
#include <boost/asio/cancellation_type.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/system/result.hpp>

#include <cstdint>
#include <functional>
#include <iterator>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "redis/command.hpp"
#include "redis/completion.hpp"
#include "redis/config.hpp"
#include "redis/errc.hpp"
#include "redis/reply.hpp"

namespace seatd::redis {

class connection {
 public:
  using connected_handler = std::function<void()>;
  using error_handler = std::function<void(const boost::system::error_code&, std::string_view)>;

  // `executor`: typically the io_context's; the connection makes its own strand on it.
  // Throws std::invalid_argument when cfg.url does not parse.
  connection(boost::asio::any_io_executor executor, config cfg);
  // Calls stop().
  ~connection();
  connection(connection&&) noexcept;
  connection& operator=(connection&&) noexcept;

  // Callbacks run on the connection's strand and must not throw. Set them before start().
  // on_connected: after every successful (re)connect (AUTH/SELECT done, PING answered).
  void on_connected(connected_handler h);
  // on_disconnected: an established connection was lost (why, detail).
  void on_disconnected(error_handler h);
  // on_connect_failed: a connect attempt failed (every attempt while Redis is down: rate
  // limit any logging). errc::server_error means Redis refused AUTH/SELECT (see detail).
  void on_connect_failed(error_handler h);

  // Begins connecting (asynchronously). Thread-safe.
  void start();
  // Closes the socket and stops reconnecting; everything pending completes with
  // errc::stopped (through its own executor, possibly after stop() returns) and later
  // commands fail with errc::stopped. Once stop() returns, none of the callbacks above runs
  // or will run: one running on another thread is waited for, so a callback must never wait
  // for a thread that may be inside stop(). Calling stop() from inside a callback is fine.
  // Thread-safe, idempotent; the socket, timers and coroutine are released on the strand
  // shortly after, without blocking the caller. Destroy (or stop) the connection before its
  // io_context.
  void stop();
  // Thread-safe snapshot: connected and ready for commands.
  bool connected() const noexcept;
  // The strand everything runs on; also where plain callbacks passed as completion tokens
  // run.
  const boost::asio::any_io_executor& get_executor() const noexcept { return executor_; }

  // ---- commands ----
  // Sends one command. Completion signature void(result<reply>): the reply (possibly of type
  // error), or an errc (unavailable, timeout, connection_lost, overloaded, stopped,
  // bad_command), or asio::error::operation_aborted when the caller cancelled through the
  // token's cancellation slot. Cancelling completes the operation at once but does not
  // retract the command: it may still run on the server, and its reply is discarded.
  // Commands issued one after another from one thread or strand are sent, and run, in that
  // order.
  template <class CompletionToken>
  auto async_exec(const command& cmd, CompletionToken&& token) {
    return boost::asio::async_initiate<CompletionToken, void(result<reply>)>(
        initiate_exec{impl_, executor_}, token, cmd.encode(), check(cmd));
  }

  // co_await conn.exec("HSET", key, field, value) / co_await conn.exec(cmd).
  // Not coroutines themselves: the command is encoded before exec() returns, so nothing the
  // caller passes needs to outlive the call.
  template <command_arg... Args>
  boost::asio::awaitable<result<reply>> exec(const Args&... args) {
    command cmd;
    cmd.push_all(args...);
    return async_exec(cmd, boost::asio::use_awaitable);
  }
  boost::asio::awaitable<result<reply>> exec(const command& cmd) {
    return async_exec(cmd, boost::asio::use_awaitable);
  }

  // Runs a Lua script by EVALSHA. The SHA1 is learned from a SCRIPT LOAD pipelined after
  // the first EVAL of the script and cached per connection; when Redis answers NOSCRIPT
  // (it restarted, or SCRIPT FLUSH) the command is re-sent as EVAL, which also re-caches
  // the script server-side. `keys` and `args`: ranges of string-like values.
  template <command_arg_range Keys, command_arg_range Args, class CompletionToken>
  auto async_eval_script(std::string_view script, const Keys& keys, const Args& args,
                         CompletionToken&& token) {
    std::vector<std::string> tail;
    tail.push_back(std::to_string(std::distance(std::begin(keys), std::end(keys))));
    for (const auto& k : keys) tail.emplace_back(std::string_view(k));
    for (const auto& a : args) tail.emplace_back(std::string_view(a));
    return boost::asio::async_initiate<CompletionToken, void(result<reply>)>(
        initiate_eval{impl_, executor_}, token, std::string(script), std::move(tail));
  }
  template <command_arg_range Keys, command_arg_range Args>
  boost::asio::awaitable<result<reply>> eval_script(std::string_view script, const Keys& keys,
                                                    const Args& args) {
    return async_eval_script(script, keys, args, boost::asio::use_awaitable);
  }

 private:
  class impl;
  using completion_type = detail::completion<result<reply>>;

  static errc check(const command& cmd);
  static std::uint64_t next_id(impl& self);
  static void submit(const std::shared_ptr<impl>& self, std::uint64_t id, std::string payload,
                     errc precheck, std::unique_ptr<completion_type> done);
  static void submit_eval(const std::shared_ptr<impl>& self, std::uint64_t id,
                          std::string script, std::vector<std::string> tail,
                          std::unique_ptr<completion_type> done);
  static void cancel(const std::weak_ptr<impl>& self, std::uint64_t id);

  // Installed in the caller's cancellation slot: abandons request `id`.
  struct canceller {
    canceller(std::weak_ptr<impl> s, std::uint64_t i) : self(std::move(s)), id(i) {}
    void operator()(boost::asio::cancellation_type_t) const { cancel(self, id); }
    std::weak_ptr<impl> self;
    std::uint64_t id;
  };

  template <class Handler>
  static std::uint64_t prepare(const std::shared_ptr<impl>& self, Handler& handler) {
    std::uint64_t id = next_id(*self);
    // Installed before the request is posted, so a cancellation is always ordered after
    // the request on the strand.
    auto slot = boost::asio::get_associated_cancellation_slot(handler);
    if (slot.is_connected()) slot.template emplace<canceller>(self, id);
    return id;
  }

  struct initiate_exec {
    std::shared_ptr<impl> self;
    boost::asio::any_io_executor fallback;
    template <class Handler>
    void operator()(Handler&& handler, std::string payload, errc precheck) const {
      std::uint64_t id = prepare(self, handler);
      submit(self, id, std::move(payload), precheck,
             detail::make_completion<result<reply>>(std::move(handler), fallback));
    }
  };

  struct initiate_eval {
    std::shared_ptr<impl> self;
    boost::asio::any_io_executor fallback;
    template <class Handler>
    void operator()(Handler&& handler, std::string script, std::vector<std::string> tail) const {
      std::uint64_t id = prepare(self, handler);
      submit_eval(self, id, std::move(script), std::move(tail),
                  detail::make_completion<result<reply>>(std::move(handler), fallback));
    }
  };

  std::shared_ptr<impl> impl_;
  boost::asio::any_io_executor executor_;
};

}  // namespace seatd::redis
