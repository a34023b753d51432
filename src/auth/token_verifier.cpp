#include "auth/token_verifier.hpp"

#include <algorithm>
#include <chrono>

namespace seatd::auth {

namespace {

// The codec's own rounding: a token is valid while now < exp, to the millisecond.
std::int64_t whole_seconds(sys_ms now) {
  return std::chrono::floor<std::chrono::seconds>(now.time_since_epoch()).count();
}

}  // namespace

token_verifier::token_verifier(const jwt_codec& codec, revocation_list& revoked,
                               std::size_t capacity)
    : codec_(codec), revoked_(revoked), capacity_(std::max<std::size_t>(capacity, 1)) {
  entries_.reserve(capacity_);
}

result<claims> token_verifier::verify(std::string_view token, sys_ms now) {
  const boost::system::error_code deny = make_error_code(errc::forbidden);
  const std::int64_t now_s = whole_seconds(now);
  // The lookup key: what follows the last dot. A malformed token has no usable key and simply
  // goes through the full check, which refuses it.
  const std::size_t last_dot = token.rfind('.');
  const std::string_view signature =
      last_dot == std::string_view::npos ? std::string_view{} : token.substr(last_dot + 1);

  if (!signature.empty()) {
    std::unique_lock lock(mutex_);
    // C++20's heterogeneous lookup needs a transparent hash; a 43-byte key copy is cheaper
    // than the parse it saves and keeps the map simple.
    if (auto it = entries_.find(std::string(signature)); it != entries_.end()) {
      if (it->second.token == token) {
        if (it->second.c.exp <= now_s) {
          entries_.erase(it);  // lapsed: the full check would refuse it too
          return deny;
        }
        claims c = it->second.c;
        lock.unlock();
        if (revoked_.contains(c.jti, now_s)) return deny;
        return c;
      }
    }
  }

  auto checked = codec_.verify(token, now);
  if (!checked) return deny;
  if (revoked_.contains(checked->jti, now_s)) return deny;
  if (!signature.empty()) remember(signature, token, *checked);
  return checked;
}

void token_verifier::remember(std::string_view signature, std::string_view token,
                              const claims& c) {
  std::lock_guard lock(mutex_);
  std::string key(signature);
  if (auto it = entries_.find(key); it != entries_.end()) {
    // Another thread verified the same token meanwhile (or the bytes before the signature
    // differ, which a valid MAC makes impossible): keep the latest, no new ring slot.
    it->second = entry{std::string(token), c};
    return;
  }
  if (order_.size() < capacity_) {
    order_.push_back(key);
  } else {
    entries_.erase(order_[next_]);
    order_[next_] = key;
    next_ = (next_ + 1) % capacity_;
  }
  entries_.emplace(std::move(key), entry{std::string(token), c});
}

std::size_t token_verifier::size() const {
  std::lock_guard lock(mutex_);
  return entries_.size();
}

}  // namespace seatd::auth
