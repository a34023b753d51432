#include "realtime/room.hpp"

namespace seatd::realtime {

void room::append(std::uint64_t seq, frame f) {
  std::unique_lock lock(history_mutex_);
  if (seq <= last_seq_ && !history_.empty()) return;  // a duplicate delivery
  if (history_.empty() || seq != last_seq_ + 1) {
    history_.clear();
    first_seq_ = seq;
  }
  history_.push_back(std::move(f));
  last_seq_ = seq;
  if (history_.size() > keep_) {
    history_.pop_front();
    ++first_seq_;
  }
}

bool room::read(std::uint64_t from, std::vector<frame>& out, std::size_t max) const {
  std::shared_lock lock(history_mutex_);
  if (from > last_seq_) return true;  // nothing new
  if (from < first_seq_ || history_.empty()) return false;
  for (auto seq = from; seq <= last_seq_ && out.size() < max; ++seq)
    out.push_back(history_[seq - first_seq_]);
  return true;
}

std::uint64_t room::last_seq() const {
  std::shared_lock lock(history_mutex_);
  return last_seq_;
}

void room::reset() {
  std::unique_lock lock(history_mutex_);
  history_.clear();
  ++generation_;
}

std::uint64_t room::generation() const {
  std::shared_lock lock(history_mutex_);
  return generation_;
}

void room::join(const std::shared_ptr<viewer>& v) {
  std::lock_guard lock(viewers_mutex_);
  viewers_[v.get()] = v;
}

void room::leave(const viewer* v) {
  std::lock_guard lock(viewers_mutex_);
  viewers_.erase(v);
}

std::size_t room::viewer_count() const {
  std::lock_guard lock(viewers_mutex_);
  return viewers_.size();
}

void room::wake_all() const {
  std::vector<std::shared_ptr<viewer>> live;
  {
    std::lock_guard lock(viewers_mutex_);
    live.reserve(viewers_.size());
    for (auto& [p, w] : viewers_)
      if (auto v = w.lock()) live.push_back(std::move(v));
  }
  for (auto& v : live) v->wake();
}

}  // namespace seatd::realtime
