#include <algorithm>
#include <utility>

#include "auth/revocation_list.hpp"

namespace seatd::auth {

revocation_list::revocation_list(std::size_t capacity)
    : capacity_(std::max<std::size_t>(capacity, 1)) {}

bool revocation_list::add(std::string jti, std::int64_t exp) {
  const std::lock_guard lock(mutex_);
  auto it = entries_.find(jti);
  if (it != entries_.end()) {
    // Revoking the same id twice keeps the later expiry, so a revocation never gets shorter.
    if (it->second >= exp) return true;
    by_expiry_.erase({it->second, it->first});
    it->second = exp;
    by_expiry_.emplace(exp, it->first);
    return true;
  }
  bool room = true;
  if (entries_.size() >= capacity_) {
    // Full: drop the revocation that lapses soonest (its token is the closest to being
    // refused for expiry anyway). Reached only if logouts outrun the capacity within one
    // token lifetime; the caller logs it.
    auto first = by_expiry_.begin();
    entries_.erase(first->second);
    by_expiry_.erase(first);
    room = false;
  }
  by_expiry_.emplace(exp, jti);
  entries_.emplace(std::move(jti), exp);
  return room;
}

void revocation_list::prune(std::int64_t now) {
  // An entry whose token has expired is useless: the JWT check refuses the token anyway. In
  // expiry order, so only the lapsed ones are visited.
  while (!by_expiry_.empty() && by_expiry_.begin()->first <= now) {
    entries_.erase(by_expiry_.begin()->second);
    by_expiry_.erase(by_expiry_.begin());
  }
}

bool revocation_list::contains(std::string_view jti, std::int64_t now) {
  const std::lock_guard lock(mutex_);
  prune(now);
  const auto it = entries_.find(std::string(jti));
  return it != entries_.end() && it->second > now;
}

std::size_t revocation_list::size() const {
  const std::lock_guard lock(mutex_);
  return entries_.size();
}

}  // namespace seatd::auth
