#pragma once
// What the outbox's delivery loop does with a message whose attempt failed: try again later
// (exponential backoff with full jitter) or give up and mark it failed for the admin. Pure: the
// caller passes the time and the random draw, so every rule is unit-tested without a clock or
// a mail server (tests/unit/domain_delivery_policy_test.cpp).
//
// Backoff: attempt n (1 = the first) that failed waits a delay drawn uniformly from
// [0, min(cap, base * 2^(n-1))] ("full jitter"): many messages that failed together (the SMTP
// server was down) spread over the window instead of coming back in one burst.
#include <chrono>
#include <optional>

#include "domain/clock.hpp"

namespace seatd {

struct delivery_policy {
  std::chrono::milliseconds retry_base{std::chrono::seconds(5)};
  std::chrono::milliseconds retry_cap{std::chrono::minutes(15)};
  int max_attempts = 8;  // attempts (claims) after which a retryable failure gives up too
};

// min(cap, base * 2^(attempt-1)); attempt < 1 counts as 1. Never overflows.
std::chrono::milliseconds backoff_ceiling(const delivery_policy& p, int attempt);

// A delay in [0, ceiling]: uniform01 in [0, 1) (values outside are clamped).
std::chrono::milliseconds full_jitter(std::chrono::milliseconds ceiling, double uniform01);

// After attempt `attempt` (the message's attempts count once claimed: 1 for the first) failed
// at `now`: when to try again, or nullopt to give up (a permanent failure at once; a
// retryable one once `attempt` reached max_attempts).
std::optional<sys_ms> retry_at(const delivery_policy& p, int attempt, bool retryable, sys_ms now,
                               double uniform01);

}  // namespace seatd
