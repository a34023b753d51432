#pragma once
// How many operations one key (a client) may have in flight at once: nginx's limit_conn for a
// scarce lane. The hashing lane runs a handful of Argon2id hashes at a time; without a share
// per client, one address sending a hundred logins at once fills the lane's queue and every
// honest login waits behind it for seconds. A key's count lives only while it has operations
// in flight, so the map holds at most the operations in flight (and never more than
// `max_keys`: beyond that new keys are refused, as a full lane would refuse them). Thread-safe.
#include <cstddef>
#include <mutex>
#include <string>
#include <unordered_map>

namespace seatd {

class inflight_limiter {
 public:
  inflight_limiter(std::size_t per_key, std::size_t max_keys = 100'000)
      : per_key_(per_key), max_keys_(max_keys) {}
  inflight_limiter(const inflight_limiter&) = delete;
  inflight_limiter& operator=(const inflight_limiter&) = delete;

  // Holds one of the key's places until destroyed (or moved from).
  class ticket {
   public:
    ticket() = default;
    ticket(ticket&& o) noexcept : owner_(o.owner_), key_(std::move(o.key_)) { o.owner_ = nullptr; }
    ticket& operator=(ticket&& o) noexcept {
      if (this != &o) {
        release();
        owner_ = o.owner_;
        key_ = std::move(o.key_);
        o.owner_ = nullptr;
      }
      return *this;
    }
    ~ticket() { release(); }
    explicit operator bool() const { return owner_ != nullptr; }

   private:
    friend class inflight_limiter;
    ticket(inflight_limiter* owner, std::string key) : owner_(owner), key_(std::move(key)) {}
    void release() {
      if (owner_) owner_->leave(key_);
      owner_ = nullptr;
    }
    inflight_limiter* owner_ = nullptr;
    std::string key_;
  };

  // An empty ticket when the key already has per_key operations in flight (or too many keys
  // do). per_key 0: no limit.
  ticket try_enter(const std::string& key);
  std::size_t in_flight(const std::string& key) const;
  std::size_t keys() const;

 private:
  void leave(const std::string& key);

  std::size_t per_key_;
  std::size_t max_keys_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, std::size_t> counts_;
};

}  // namespace seatd
