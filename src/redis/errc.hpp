#pragma once
// Failures of the Redis client itself, as error codes. A Redis `-ERR ...` answer is not one of
// these: it is a normal reply of type error (see reply.hpp), because the command did run and
// the server answered.
#include <boost/system/error_code.hpp>
#include <boost/system/result.hpp>

#include <type_traits>

namespace seatd::redis {

enum class errc {
  ok = 0,
  unavailable,      // not connected right now (connecting, backing off, not started): fail fast
  timeout,          // no reply within the command timeout; the connection is reset
  connection_lost,  // the connection broke while the command was in flight: it may have run
  protocol,         // malformed, oversized or unexpected reply; the connection is reset
  server_error,     // Redis refused a command the client needs (AUTH, SELECT, SUBSCRIBE...)
  overloaded,       // too many commands outstanding on this connection (config::max_pending)
  stopped,          // stop() was called
  bad_url,          // not redis://[[user]:password@]host[:port][/db]
  bad_command,      // empty command, or one that breaks request/reply pairing (SUBSCRIBE...)
};

// What every asynchronous operation of this layer completes with: a value or an error_code.
template <class T>
using result = boost::system::result<T>;

const boost::system::error_category& redis_category() noexcept;

inline boost::system::error_code make_error_code(errc e) noexcept {
  return {static_cast<int>(e), redis_category()};
}

// True for the failures that mean "Redis cannot serve right now" (answer 503 and retry
// later) rather than a bug: unavailable, timeout, connection_lost, overloaded, stopped.
bool is_unavailable(const boost::system::error_code& ec) noexcept;

}  // namespace seatd::redis

namespace boost::system {
template <>
struct is_error_code_enum<seatd::redis::errc> : std::true_type {};
}  // namespace boost::system
