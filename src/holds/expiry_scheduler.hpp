#pragma once
// When the Redis engine expires holds: what it knows of their deadlines (a deadline_index),
// one timer armed at the earliest, and a queue of trips to sweep with a bound on the sweeps in
// flight. The sweep itself (the expire script) is the caller's; a trip is queued once however
// many of its seats fall due together or however many expired-key notices name it.
//
// Lives on one strand: every member function is called on it, and the timer and the sweeps run
// on it. Owned by a shared_ptr (the timer and the sweeps keep it alive while they run); stop()
// ends it: the timer is cancelled, the queue dropped, and no sweep starts again.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>

#include <atomic>
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <unordered_set>

#include "domain/clock.hpp"
#include "domain/model.hpp"
#include "holds/deadline_index.hpp"
#include "metrics/histogram.hpp"

namespace seatd {

class expiry_scheduler : public std::enable_shared_from_this<expiry_scheduler> {
 public:
  using sweep_fn = std::function<boost::asio::awaitable<void>(row_id trip)>;

  // `strand` must be a strand (or a single-threaded executor). At most `concurrency` sweeps
  // run at once (at least one).
  // lag: when set, each timer observes how late it fired after the deadline it was armed for.
  expiry_scheduler(boost::asio::any_io_executor strand, const clock& clk,
                   std::size_t concurrency, sweep_fn sweep, metrics::histogram* lag = nullptr);

  // (trip, seat) falls due at `when`, replacing what was known of the seat.
  void learn(row_id trip, int seat, sys_ms when);
  // The seat's hold ended some other way (released, sold, expired elsewhere).
  void forget(row_id trip, int seat);
  // Sweeps the trip as soon as a slot is free; a trip already queued is not queued twice.
  void enqueue(row_id trip);
  void stop();

  std::size_t known() const { return index_.size(); }
  // known(), readable from any thread (a metrics scrape).
  std::size_t known_now() const noexcept { return known_now_.load(std::memory_order_relaxed); }
  std::size_t queued() const { return queue_.size(); }
  std::size_t in_flight() const { return sweeping_; }

 private:
  void arm();
  void on_timer();
  void pump();
  void count_known() noexcept { known_now_.store(index_.size(), std::memory_order_relaxed); }

  boost::asio::any_io_executor strand_;
  const clock& clock_;
  std::size_t concurrency_;
  sweep_fn sweep_;
  bool stopped_ = false;
  deadline_index index_;
  boost::asio::steady_timer timer_;
  std::optional<sys_ms> armed_;
  std::deque<row_id> queue_;
  std::unordered_set<row_id> queued_;
  std::size_t sweeping_ = 0;
  metrics::histogram* lag_;
  std::atomic<std::size_t> known_now_{0};
};

}  // namespace seatd
