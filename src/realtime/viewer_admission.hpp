#pragma once
// How many live seat map viewers one client may hold open at once. A viewer is cheap but not
// free (a socket, a file descriptor, a place in its room's drain passes): without a cap, one
// address can open viewers until the process runs out of descriptors and every other client
// is refused. A browser tab opens one; 64 leaves room for a household or an office behind one
// NAT address. The count is by client key (client_key: the address, an IPv6 client by its /64,
// which one host is usually given whole).
#include <boost/asio/ip/address.hpp>

#include <cstddef>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace seatd::realtime {

// The address a viewer is counted under: IPv4 (also when mapped into IPv6) as it is, IPv6 by
// its /64 prefix.
std::string client_key(const boost::asio::ip::address& a);

class viewer_admission {
 public:
  // per_client: open viewers per client key; 0: no cap.
  explicit viewer_admission(std::size_t per_client) : per_client_(per_client) {}

  // One admitted viewer; gives its place back when destroyed.
  class ticket {
   public:
    ticket(ticket&& o) noexcept : owner_(o.owner_), key_(std::move(o.key_)) { o.owner_ = nullptr; }
    ticket& operator=(ticket&& o) noexcept {
      if (this != &o) {
        if (owner_) owner_->release(key_);
        owner_ = o.owner_;
        key_ = std::move(o.key_);
        o.owner_ = nullptr;
      }
      return *this;
    }
    ticket(const ticket&) = delete;
    ~ticket();

   private:
    friend class viewer_admission;
    ticket(viewer_admission* owner, std::string key) : owner_(owner), key_(std::move(key)) {}
    viewer_admission* owner_;
    std::string key_;
  };

  // nullopt: the client already has per_client viewers open.
  std::optional<ticket> admit(const std::string& key);
  std::size_t open(const std::string& key) const;
  // Clients with a viewer open (the map holds no others, so it is bounded by open viewers).
  std::size_t clients() const;

 private:
  void release(const std::string& key);

  std::size_t per_client_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, std::size_t> open_;
};

}  // namespace seatd::realtime
