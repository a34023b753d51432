#include "holds/expiry_scheduler.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <exception>

namespace seatd {

namespace asio = boost::asio;

expiry_scheduler::expiry_scheduler(asio::any_io_executor strand, const clock& clk,
                                   std::size_t concurrency, sweep_fn sweep,
                                   metrics::histogram* lag)
    : strand_(std::move(strand)),
      clock_(clk),
      concurrency_(std::max<std::size_t>(1, concurrency)),
      sweep_(std::move(sweep)),
      timer_(strand_),
      lag_(lag) {}

void expiry_scheduler::learn(row_id trip, int seat, sys_ms when) {
  if (stopped_) return;
  index_.set(trip, seat, when);
  count_known();
  arm();
}

void expiry_scheduler::forget(row_id trip, int seat) {
  index_.erase(trip, seat);
  count_known();
}

void expiry_scheduler::arm() {
  if (stopped_) return;
  auto next = index_.earliest();
  if (!next) return;
  // Only an earlier deadline moves the timer; when it fires it re-arms for the then earliest.
  // But the timer counts steady time and deadlines are wall-clock: if the clock has passed the
  // armed deadline without the timer firing (the clock was stepped forward), fire now.
  const auto now = clock_.now();
  if (armed_ && *armed_ <= *next && *armed_ > now) return;
  armed_ = next;
  auto wait = std::max(std::chrono::milliseconds(0), *next - now);
  timer_.expires_after(wait);
  timer_.async_wait([weak = weak_from_this()](boost::system::error_code ec) {
    if (ec) return;  // re-armed for an earlier deadline, or stopped
    if (auto self = weak.lock()) self->on_timer();
  });
}

void expiry_scheduler::on_timer() {
  const auto now = clock_.now();
  if (lag_ && armed_)
    lag_->observe(std::max(0.0, std::chrono::duration<double>(now - *armed_).count()));
  armed_.reset();
  for (row_id trip : index_.take_due(now)) enqueue(trip);
  count_known();
  arm();
}

void expiry_scheduler::enqueue(row_id trip) {
  if (stopped_) return;
  if (queued_.insert(trip).second) queue_.push_back(trip);
  pump();
}

void expiry_scheduler::pump() {
  while (!stopped_ && sweeping_ < concurrency_ && !queue_.empty()) {
    row_id trip = queue_.front();
    queue_.pop_front();
    queued_.erase(trip);
    ++sweeping_;
    asio::co_spawn(strand_, sweep_(trip), [self = shared_from_this()](std::exception_ptr e) {
      --self->sweeping_;
      if (e) {
        try {
          std::rethrow_exception(e);
        } catch (const std::exception& ex) {
          spdlog::error("expiry sweep failed: {}", ex.what());
        }
      }
      self->pump();
    });
  }
}

void expiry_scheduler::stop() {
  stopped_ = true;
  armed_.reset();
  timer_.cancel();
  queue_.clear();
  queued_.clear();
}

}  // namespace seatd
