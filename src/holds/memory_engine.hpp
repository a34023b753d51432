#pragma once
// The in-process hold engine: one hold_book behind a mutex, and one timer armed at the earliest
// deadline so each expiry happens at its deadline (not at the next sweep), also with 100,000
// live holds (the deadline index is an ordered set: O(log n) per change).
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include <memory>
#include <mutex>

#include "domain/clock.hpp"
#include "holds/hold_engine.hpp"
#include "metrics/histogram.hpp"

namespace seatd {

class memory_engine final : public hold_engine {
 public:
  // expiry_lag: when set, each expiry pass observes how late it ran after the deadline it was
  // armed for.
  memory_engine(boost::asio::any_io_executor ex, const clock& clk, hold_policy policy,
                event_sink sink, metrics::histogram* expiry_lag = nullptr);
  ~memory_engine() override;

  void start() override;
  void stop() override;
  boost::asio::awaitable<result<hold>> take(row_id trip, int seat, row_id user) override;
  boost::asio::awaitable<result<bool>> release(row_id trip, int seat, row_id user) override;
  boost::asio::awaitable<group_outcome> take_group(row_id trip, std::vector<int> seats,
                                                   row_id user) override;
  boost::asio::awaitable<group_outcome> take_offer(row_id trip, std::vector<int> seats,
                                                   row_id user) override;
  boost::asio::awaitable<result<std::vector<hold>>> extend(row_id trip, row_id user) override;
  boost::asio::awaitable<result<std::vector<int>>> release_all(row_id trip,
                                                               row_id user) override;
  boost::asio::awaitable<pin_outcome> pin(row_id trip, std::vector<int> seats,
                                          row_id user) override;
  boost::asio::awaitable<void> unpin(row_id trip, std::vector<int> seats, row_id user,
                                     bool booked) override;
  boost::asio::awaitable<void> announce_freed(row_id trip, std::vector<int> seats) override;
  boost::asio::awaitable<result<hold_snapshot>> snapshot(row_id trip) override;
  boost::asio::awaitable<result<std::vector<std::size_t>>> held_counts(
      std::vector<row_id> trips) override;
  std::string epoch() const override { return epoch_; }
  std::size_t live_holds() override { return size(); }

  std::size_t size();

 private:
  // Runs f(book, now, events) under the lock, hands the events to the sink in order (still
  // under the lock, so two changes of one trip never reach viewers out of seq order), and
  // re-arms the timer when the earliest deadline moved.
  template <class F>
  auto locked(F&& f);
  void arm(std::optional<sys_ms> deadline);
  // take_group and take_offer: hold_book's step of that name, as a group_outcome.
  group_outcome take_seats(row_id trip, std::vector<int> seats, row_id user, bool offer);
  void on_timer();

  // What a timer handler may still reach after the engine is gone: a handler can be queued
  // (its timer fired) when the engine is destroyed, so it must not hold a raw `this`. It takes
  // the mutex and finds `owner` null once the destructor ran; the destructor takes the same
  // mutex, so it waits for a handler that is already inside. Every operation locks this mutex.
  struct lifeline {
    std::mutex mutex;
    memory_engine* owner = nullptr;  // under mutex; null once destroyed
  };

  const clock& clock_;
  event_sink sink_;
  std::string epoch_;
  std::shared_ptr<lifeline> life_;
  hold_book book_;
  std::optional<sys_ms> armed_;  // deadline the timer is set for (under life_->mutex)
  boost::asio::strand<boost::asio::any_io_executor> strand_;
  // Shared with the handlers posted to the strand: one may still be queued when the engine is
  // destroyed (tests replace engines while the I/O threads run), and it only touches the timer.
  std::shared_ptr<boost::asio::steady_timer> timer_;
  bool stopped_ = false;
  metrics::histogram* expiry_lag_;
};

}  // namespace seatd
