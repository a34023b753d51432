#pragma once
// One budget for the request bodies being read or held by all connections together. Each
// connection's own limit bounds one body; without a shared bound, a few hundred connections
// each sending a body just under the limit still take the process's memory. A request whose
// body does not fit now is answered 503 with Retry-After before any of it is read.
// Thread-safe (one atomic counter).
#include <atomic>
#include <cstddef>
#include <optional>
#include <utility>

namespace seatd::net {

class body_budget {
 public:
  explicit body_budget(std::size_t max_bytes) : max_(max_bytes) {}
  body_budget(const body_budget&) = delete;
  body_budget& operator=(const body_budget&) = delete;

  // Holds `bytes` of the budget until destroyed.
  class lease {
   public:
    lease() = default;
    lease(lease&& o) noexcept : owner_(std::exchange(o.owner_, nullptr)), bytes_(o.bytes_) {}
    lease& operator=(lease&& o) noexcept {
      if (this != &o) {
        release();
        owner_ = std::exchange(o.owner_, nullptr);
        bytes_ = o.bytes_;
      }
      return *this;
    }
    ~lease() { release(); }

   private:
    friend class body_budget;
    lease(body_budget* owner, std::size_t bytes) : owner_(owner), bytes_(bytes) {}
    void release() {
      if (owner_) owner_->used_.fetch_sub(bytes_);
      owner_ = nullptr;
    }
    body_budget* owner_ = nullptr;
    std::size_t bytes_ = 0;
  };

  // A lease of `bytes`, or nullopt when the budget cannot hold them now.
  std::optional<lease> try_reserve(std::size_t bytes) {
    auto used = used_.load();
    do {
      if (bytes > max_ || used > max_ - bytes) return std::nullopt;
    } while (!used_.compare_exchange_weak(used, used + bytes));
    return lease(this, bytes);
  }

  std::size_t in_use() const { return used_.load(); }
  std::size_t capacity() const { return max_; }

 private:
  const std::size_t max_;
  std::atomic<std::size_t> used_{0};
};

}  // namespace seatd::net
