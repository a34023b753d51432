#pragma once
// Reconnect pacing: exponential backoff with jitter, as a pure function so it is testable and
// so many seatd instances that lost Redis together do not reconnect in lockstep.
#include <chrono>

namespace seatd::redis {

struct backoff_policy {
  std::chrono::milliseconds initial{50};
  std::chrono::milliseconds max{2000};
  // Fraction of the delay that is random: 0.5 draws each delay from (d/2, d].
  double jitter = 0.5;
};

// Delay before reconnect attempt `attempt` (0 for the first after a failure):
// min(max, initial * 2^attempt), reduced by jitter * unit of itself. `unit` is a random
// number in [0, 1); values outside are clamped.
std::chrono::milliseconds backoff_delay(const backoff_policy& policy, unsigned attempt,
                                        double unit) noexcept;

}  // namespace seatd::redis
