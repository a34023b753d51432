#include "realtime/room.hpp"

#include <boost/asio/post.hpp>

#include <algorithm>
#include <stdexcept>

namespace seatd::realtime {

room::room(std::vector<boost::asio::any_io_executor> shards, std::size_t keep,
           metrics::histogram* fanout)
    : shards_(std::move(shards)),
      pass_pending_(std::make_unique<std::atomic<bool>[]>(shards_.size())),
      keep_(keep),
      fanout_(fanout),
      viewers_(shards_.size()) {
  if (shards_.empty()) throw std::invalid_argument("room: no shard executor");
}

void room::append(std::uint64_t seq, frame f, frame v2, frame offer, row_id offer_to) {
  touched_ = true;
  std::unique_lock lock(history_mutex_);
  if (seq == last_seq_ && !history_.empty()) return;  // a duplicate delivery
  if (seq < last_seq_) {
    // The seq space restarted: what the viewers hold belongs to the old one.
    ++generation_;
    history_.clear();
  }
  if (history_.empty() || seq != last_seq_ + 1) {
    history_.clear();
    first_seq_ = seq;
  }
  history_.push_back(entry{std::move(f), std::move(v2), std::move(offer), offer_to});
  last_seq_ = seq;
  if (history_.size() > keep_) {
    history_.pop_front();
    ++first_seq_;
  }
}

bool room::read(std::uint64_t from, std::vector<frame>& out, std::size_t max, protocol p,
                row_id me, std::uint64_t* next) const {
  if (next) *next = from;
  std::shared_lock lock(history_mutex_);
  if (from > last_seq_) return true;  // nothing new
  if (from < first_seq_ || history_.empty()) return false;
  auto seq = from;
  for (; seq <= last_seq_ && out.size() < max; ++seq) {
    const auto& e = history_[seq - first_seq_];
    out.push_back(p == protocol::v2 && e.v2 ? e.v2 : e.v1);
    if (e.offer && me != 0 && e.offer_to == me) out.push_back(e.offer);
  }
  if (next) *next = seq;
  return true;
}

void room::offers(std::uint64_t from, std::uint64_t to, row_id user,
                  std::vector<frame>& out) const {
  if (user == 0) return;
  std::shared_lock lock(history_mutex_);
  if (history_.empty()) return;
  for (auto seq = std::max(from, first_seq_); seq <= std::min(to, last_seq_); ++seq) {
    const auto& e = history_[seq - first_seq_];
    if (e.offer && e.offer_to == user) out.push_back(e.offer);
  }
}

std::uint64_t room::last_seq() const {
  std::shared_lock lock(history_mutex_);
  return last_seq_;
}

void room::reset() {
  std::unique_lock lock(history_mutex_);
  history_.clear();
  // The next append starts the history wherever its seq is, and until then a viewer synced at
  // any seq has nothing to read: keeping the old last seq made every read after a snapshot of a
  // restarted seq space fail, so the viewer resynced again and again (thousands of
  // INITIAL_STATEs a second) until the trip's next event.
  first_seq_ = 1;
  last_seq_ = 0;
  ++generation_;
}

std::uint64_t room::generation() const {
  std::shared_lock lock(history_mutex_);
  return generation_;
}

void room::join(const std::shared_ptr<viewer>& v, std::size_t shard) {
  touched_ = true;
  std::lock_guard lock(viewers_mutex_);
  viewers_.at(shard)[v.get()] = v;
}

void room::leave(const viewer* v, std::size_t shard) {
  std::lock_guard lock(viewers_mutex_);
  viewers_.at(shard).erase(v);
}

std::size_t room::viewer_count() const {
  std::lock_guard lock(viewers_mutex_);
  std::size_t n = 0;
  for (const auto& m : viewers_) n += m.size();
  return n;
}

void room::wake_all() {
  std::vector<bool> occupied(shards_.size());
  {
    std::lock_guard lock(viewers_mutex_);
    for (std::size_t k = 0; k < shards_.size(); ++k) occupied[k] = !viewers_[k].empty();
  }
  // The clock is read only when the fan-out is measured.
  using steady = std::chrono::steady_clock;
  const auto woken = fanout_ ? steady::now() : steady::time_point{};
  for (std::size_t k = 0; k < shards_.size(); ++k) {
    if (!occupied[k] || pass_pending_[k].exchange(true)) continue;
    boost::asio::post(shards_[k],
                      [self = shared_from_this(), k, woken] { self->drain_shard(k, woken); });
  }
}

void room::drain_shard(std::size_t shard, std::chrono::steady_clock::time_point woken) {
  // Cleared before the viewers are read: an event appended from now on posts another pass.
  pass_pending_[shard] = false;
  std::vector<std::shared_ptr<viewer>> live;
  {
    std::lock_guard lock(viewers_mutex_);
    live.reserve(viewers_[shard].size());
    for (auto& [p, w] : viewers_[shard])
      if (auto v = w.lock()) live.push_back(std::move(v));
  }
  // Outside the lock: a drain may close its viewer, and leaving takes the lock.
  for (auto& v : live) v->drain();
  if (fanout_)
    fanout_->observe(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - woken).count());
}

}  // namespace seatd::realtime
