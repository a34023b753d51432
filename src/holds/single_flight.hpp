#pragma once
// One run of an expensive read answering every caller of a key that asked while it was
// queued. The Redis engine uses it for a trip's snapshot: a crowd of viewers opening a trip,
// or every viewer after a reconnect's resync, would otherwise run one script each.
//
// A caller never joins a run already in progress (it may predate the caller's own last
// change): it queues for the next run, which starts when the current one ends. So at most two
// runs exist per key (one running, one queued) and every answer is at least as new as the
// call. Callers may come from any thread; the bookkeeping is under one mutex and the waiting is
// on each caller's own executor.
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/experimental/concurrent_channel.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <cstddef>
#include <memory>
#include <mutex>
#include <optional>
#include <unordered_map>
#include <utility>
#include <vector>

namespace seatd {

template <class Key, class Value>
class single_flight {
 public:
  // Runs `work()` (a callable returning asio::awaitable<Value>) or waits for the run that
  // answers this call. `failed` is what callers get when the run throws (the thrower sees the
  // exception; the others see `failed`).
  template <class Work>
  boost::asio::awaitable<Value> run(Key key, Work work, Value failed) {
    std::shared_ptr<flight> mine, before;
    bool lead = false;
    {
      std::lock_guard lock(mutex_);
      auto& kf = flights_[key];
      if (!kf.running) {
        kf.running = mine = std::make_shared<flight>();
        lead = true;
      } else if (!kf.queued) {
        kf.queued = mine = std::make_shared<flight>();
        before = kf.running;
        lead = true;
      } else {
        mine = kf.queued;
      }
    }
    if (!lead) co_return co_await wait_for(mine, failed);
    // Queued: start once the running one has ended (finish() then makes this one running).
    if (before) (void)co_await wait_for(before, failed);
    std::optional<Value> v;
    try {
      v.emplace(co_await work());
    } catch (...) {
      finish(key, mine, failed);
      throw;
    }
    finish(key, mine, *v);
    co_return std::move(*v);
  }

  // Keys with a run in progress or queued (bounded by the callers in flight).
  std::size_t size() const {
    std::lock_guard lock(mutex_);
    return flights_.size();
  }

 private:
  using wakeup = boost::asio::experimental::concurrent_channel<void(boost::system::error_code)>;
  struct flight {
    std::optional<Value> value;  // set once, under mutex_
    std::vector<std::shared_ptr<wakeup>> waiters;
  };
  struct key_flights {
    std::shared_ptr<flight> running, queued;
  };

  boost::asio::awaitable<Value> wait_for(std::shared_ptr<flight> f, Value failed) {
    namespace asio = boost::asio;
    auto w = std::make_shared<wakeup>(co_await asio::this_coro::executor, 1);
    {
      std::lock_guard lock(mutex_);
      if (f->value) co_return *f->value;
      f->waiters.push_back(w);
    }
    auto [ec] = co_await w->async_receive(asio::as_tuple(asio::use_awaitable));
    (void)ec;
    std::lock_guard lock(mutex_);
    co_return f->value ? *f->value : failed;
  }

  void finish(const Key& key, const std::shared_ptr<flight>& f, Value v) {
    std::vector<std::shared_ptr<wakeup>> waiters;
    {
      std::lock_guard lock(mutex_);
      f->value = std::move(v);
      waiters.swap(f->waiters);
      auto it = flights_.find(key);
      if (it != flights_.end() && it->second.running == f) {
        it->second.running = std::move(it->second.queued);
        it->second.queued = nullptr;
        if (!it->second.running) flights_.erase(it);
      }
    }
    // Capacity 1 and one send each: never blocks, never fails while the waiter lives.
    for (auto& w : waiters) w->try_send(boost::system::error_code{});
  }

  mutable std::mutex mutex_;
  std::unordered_map<Key, key_flights> flights_;
};

}  // namespace seatd
