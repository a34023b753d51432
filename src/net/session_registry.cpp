#include "net/session_registry.hpp"

#include <vector>

namespace seatd::net {

std::uint64_t session_registry::add(std::weak_ptr<stoppable> s) {
  std::shared_ptr<stoppable> late;
  std::uint64_t id;
  {
    std::lock_guard lock(mutex_);
    id = next_id_++;
    if (stopping_) late = s.lock();
    sessions_.emplace(id, std::move(s));
  }
  if (late) late->stop();  // outside the lock: stop() may call remove()
  return id;
}

void session_registry::remove(std::uint64_t id) {
  std::lock_guard lock(mutex_);
  sessions_.erase(id);
  if (sessions_.empty()) empty_.notify_all();
}

void session_registry::stop_all() {
  std::vector<std::shared_ptr<stoppable>> live;
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    for (auto& [id, w] : sessions_)
      if (auto s = w.lock()) live.push_back(std::move(s));
  }
  // Outside the lock: stop() may run synchronously and call remove().
  for (auto& s : live) s->stop();
}

bool session_registry::wait_empty(std::chrono::steady_clock::time_point deadline) {
  std::unique_lock lock(mutex_);
  return empty_.wait_until(lock, deadline, [&] { return sessions_.empty(); });
}

std::size_t session_registry::size() const {
  std::lock_guard lock(mutex_);
  return sessions_.size();
}

}  // namespace seatd::net
