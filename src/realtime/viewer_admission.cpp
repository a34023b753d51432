#include "realtime/viewer_admission.hpp"

namespace seatd::realtime {

std::string client_key(const boost::asio::ip::address& a) {
  if (a.is_v4()) return a.to_string();
  auto v6 = a.to_v6();
  if (v6.is_v4_mapped())
    return boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, v6).to_string();
  auto bytes = v6.to_bytes();
  for (std::size_t i = 8; i < bytes.size(); ++i) bytes[i] = 0;
  return boost::asio::ip::address_v6(bytes).to_string() + "/64";
}

viewer_admission::ticket::~ticket() {
  if (owner_) owner_->release(key_);
}

std::optional<viewer_admission::ticket> viewer_admission::admit(const std::string& key) {
  std::lock_guard lock(mutex_);
  auto& n = open_[key];
  if (per_client_ != 0 && n >= per_client_) return std::nullopt;
  ++n;
  return ticket(this, key);
}

void viewer_admission::release(const std::string& key) {
  std::lock_guard lock(mutex_);
  auto it = open_.find(key);
  if (it == open_.end()) return;
  if (--it->second == 0) open_.erase(it);
}

std::size_t viewer_admission::open(const std::string& key) const {
  std::lock_guard lock(mutex_);
  auto it = open_.find(key);
  return it == open_.end() ? 0 : it->second;
}

std::size_t viewer_admission::clients() const {
  std::lock_guard lock(mutex_);
  return open_.size();
}

}  // namespace seatd::realtime
