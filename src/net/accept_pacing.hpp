#pragma once
// How the accept loop behaves near the descriptor limit, as pure functions of their inputs:
// the default connection cap, the back-off after a failed accept, and the rate of the warning.
#include <chrono>
#include <cstddef>
#include <cstdint>

namespace seatd::net {

// The connection cap for a process allowed `fd_limit` descriptors (RLIMIT_NOFILE): what is
// left after a reserve for the database, Redis, the log, the web root and the runtime
// (epoll, eventfds, pipes), so a flood of clients cannot starve them.
std::size_t default_max_connections(std::uint64_t fd_limit);

// The pause after an accept fails (EMFILE, ENFILE, ENOBUFS): doubles from 10 ms up to 1 s, so
// a full descriptor table neither spins the loop nor stalls it longer than a second once
// descriptors free up. `previous`: the last pause, zero after a successful accept.
std::chrono::milliseconds accept_backoff(std::chrono::milliseconds previous);

// At most one log line per `period` for a repeating event, carrying how many happened.
class log_throttle {
 public:
  explicit log_throttle(std::chrono::steady_clock::duration period) : period_(period) {}
  // Counts one event at `now`; returns the number of events to report when a line is due
  // (this one included), 0 when the line is suppressed.
  std::size_t note(std::chrono::steady_clock::time_point now);

 private:
  std::chrono::steady_clock::duration period_;
  std::chrono::steady_clock::time_point last_{};
  bool logged_ = false;
  std::size_t pending_ = 0;
};

}  // namespace seatd::net
