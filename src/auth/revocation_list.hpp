#pragma once
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

namespace seatd::auth {

// Revoked token ids until their expiry. Thread-safe. Times are seconds since the epoch,
// like claims::exp. Lapsed entries are dropped as time passes (kept in expiry order, so each
// call only looks at the ones due), and the list holds at most `capacity` ids: beyond that the
// one that lapses soonest is dropped first (with a warning from the caller's side: add()
// returns false). Every revocation carries its token's real expiry; none is kept forever.
class revocation_list {
 public:
  explicit revocation_list(std::size_t capacity = 1'000'000);
  // Re-adding an id keeps the later expiry. False when the list was full and an entry had to
  // be dropped to make room.
  bool add(std::string jti, std::int64_t exp);
  // True only while exp > now.
  bool contains(std::string_view jti, std::int64_t now);
  std::size_t size() const;
  std::size_t capacity() const { return capacity_; }

 private:
  void prune(std::int64_t now);  // under mutex_

  std::size_t capacity_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, std::int64_t> entries_;
  std::set<std::pair<std::int64_t, std::string>> by_expiry_;
};

}  // namespace seatd::auth
