#pragma once
// A token bucket per key (a client address): `rate` tokens per minute, at most `burst` saved
// up. Used for new seat holds, so one client cannot sweep a bus's seats in a second.
// Per instance (behind a load balancer each instance allows its own rate), thread-safe, pure
// logic over an injected "now".
//
// Bounded: at most max_keys buckets, least recently used first out. A client evicted that way
// starts again with a full bucket, which an attacker cycling through more addresses than
// max_keys could use — the per-account caps still bind them.
#include <chrono>
#include <cstddef>
#include <list>
#include <mutex>
#include <string>
#include <unordered_map>

#include "domain/clock.hpp"

namespace seatd {

class rate_limiter {
 public:
  struct options {
    int per_minute = 60;           // 0: no limit
    int burst = 60;                // bucket size
    std::size_t max_keys = 100'000;
  };
  explicit rate_limiter(options o) : opts_(o) {}

  // Takes one token for `key`; when none is left returns false and sets *retry_after to when
  // the next token arrives (whole seconds, at least 1).
  bool try_take(const std::string& key, sys_ms now, std::chrono::seconds* retry_after = nullptr);

  std::size_t size() const;

 private:
  struct bucket {
    std::string key;
    double tokens = 0;
    sys_ms last{};
  };
  options opts_;
  mutable std::mutex mutex_;
  std::list<bucket> lru_;  // most recently used first
  std::unordered_map<std::string, std::list<bucket>::iterator> index_;
};

}  // namespace seatd
