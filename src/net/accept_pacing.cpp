#include "net/accept_pacing.hpp"

#include <algorithm>
#include <utility>

namespace seatd::net {

std::size_t default_max_connections(std::uint64_t fd_limit) {
  // 64 for the runtime, the database pool, Redis and the log, plus 5 % for what grows with
  // load (files read by imports, short-lived pipes).
  std::uint64_t reserve = 64 + fd_limit / 20;
  if (fd_limit <= reserve + 16) return 16;  // a tiny limit: still serve a few
  return std::size_t(std::min<std::uint64_t>(fd_limit - reserve, 1'000'000));
}

std::chrono::milliseconds accept_backoff(std::chrono::milliseconds previous) {
  using std::chrono::milliseconds;
  if (previous < milliseconds(10)) return milliseconds(10);
  return std::min(previous * 2, milliseconds(1000));
}

std::size_t log_throttle::note(std::chrono::steady_clock::time_point now) {
  ++pending_;
  if (logged_ && now - last_ < period_) return 0;
  logged_ = true;
  last_ = now;
  return std::exchange(pending_, 0);
}

}  // namespace seatd::net
