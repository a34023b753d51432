#include <utility>

#include "auth/auth.hpp"

namespace seatd::auth {
namespace {
// Pruning walks the whole map, so it is rate-limited; between prunes, lapsed entries are
// merely ignored by contains(). Memory is bounded by tokens revoked within one token
// lifetime plus this interval.
constexpr std::int64_t prune_interval_s = 60;
}  // namespace

void revocation_list::add(std::string jti, std::int64_t exp) {
  const std::lock_guard lock(mutex_);
  auto [it, inserted] = entries_.try_emplace(std::move(jti), exp);
  // Revoking the same id twice keeps the later expiry, so a revocation never gets shorter.
  if (!inserted && it->second < exp) it->second = exp;
}

bool revocation_list::contains(std::string_view jti, std::int64_t now) {
  const std::lock_guard lock(mutex_);
  if (now >= next_prune_) {
    // An entry whose token has expired is useless: the JWT check refuses the token anyway.
    std::erase_if(entries_, [now](const auto& e) { return e.second <= now; });
    next_prune_ = now + prune_interval_s;
  }
  const auto it = entries_.find(std::string(jti));
  return it != entries_.end() && it->second > now;
}

std::size_t revocation_list::size() const {
  const std::lock_guard lock(mutex_);
  return entries_.size();
}

}  // namespace seatd::auth
