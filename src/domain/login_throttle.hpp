#pragma once
// Slows password guessing without handing an attacker a way to lock others out.
//
// One throttle counts attempts per key (seatd keeps one keyed by client, one keyed by
// (client, account), one for signups by client). An attempt is *reserved* before the password
// is checked and counts as a failure until it is refunded: so many concurrent attempts cannot
// all pass the check before the first failure is recorded (they used to: 60 concurrent wrong
// passwords were all verified against a limit of 10).
//
// Per key and fixed window (from the first attempt): the first `free_attempts` go through at
// once; each later one must wait a delay that doubles from `first_delay` up to `max_delay`
// after the previous one (progressive delays, as PostgreSQL's auth_delay or fail2ban-style
// back-off); after `max_attempts` every attempt is refused until the window ends. A refused
// attempt is not counted and says how long to wait.
//
// Memory is bounded: at most `max_keys` keys; beyond that the least recently used key is
// forgotten (as nginx's limit_req zones do). Pure logic with injected time; thread-safe.
#include <chrono>
#include <cstddef>
#include <list>
#include <mutex>
#include <string>
#include <unordered_map>

#include "domain/clock.hpp"

namespace seatd {

struct throttle_policy {
  int max_attempts = 10;                        // per window; more are refused
  std::chrono::milliseconds window = std::chrono::minutes(5);
  int free_attempts = 10;                       // before delays start (>= max: no delays)
  std::chrono::milliseconds first_delay = std::chrono::seconds(1);
  std::chrono::milliseconds max_delay = std::chrono::seconds(60);
  std::size_t max_keys = 100'000;
};

struct admission {
  bool allowed = true;
  std::chrono::milliseconds retry_after{0};  // when refused: how long until one may be allowed
  explicit operator bool() const { return allowed; }
};

class login_throttle {
 public:
  explicit login_throttle(throttle_policy policy);
  // Reserves one attempt for `key`, counted as a failure until refund(); or refuses it.
  admission acquire(const std::string& key, sys_ms now);
  // The reserved attempt did not fail (it succeeded, or was never checked): gives its count
  // back. Delays already imposed stay.
  void refund(const std::string& key);
  // Forgets the key (a correct password for this account from this client).
  void reset(const std::string& key);

  std::size_t size() const;
  const throttle_policy& policy() const { return policy_; }

 private:
  struct entry {
    int attempts = 0;
    sys_ms window_start{};
    sys_ms next_allowed{};
    std::list<std::string>::iterator lru;
  };
  void prune(sys_ms now);

  throttle_policy policy_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, entry> entries_;
  std::list<std::string> lru_;  // least recently used first
  sys_ms next_prune_{};
};

}  // namespace seatd
