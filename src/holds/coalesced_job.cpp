#include "holds/coalesced_job.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <exception>

namespace seatd {

namespace asio = boost::asio;

coalesced_job::coalesced_job(asio::any_io_executor strand, std::chrono::milliseconds retry_pause,
                             std::string name, std::function<bool()> ready, job_fn job)
    : strand_(std::move(strand)),
      retry_pause_(retry_pause),
      name_(std::move(name)),
      ready_(std::move(ready)),
      job_(std::move(job)),
      pause_(strand_) {}

void coalesced_job::request() {
  if (stopped_) return;
  wanted_ = true;
  if (running_) return;
  running_ = true;
  asio::co_spawn(strand_, loop(), [self = shared_from_this()](std::exception_ptr e) {
    if (!e) return;
    self->running_ = false;
    try {
      std::rethrow_exception(e);
    } catch (const std::exception& ex) {
      spdlog::error("{} failed: {}", self->name_, ex.what());
    }
  });
}

asio::awaitable<void> coalesced_job::loop() {
  // running_ is cleared here, on the strand, with no suspension between the last check of
  // wanted_ and the clearing, so no request is lost.
  for (;;) {
    if (!wanted_ || stopped_ || !ready_()) {
      running_ = false;
      co_return;
    }
    wanted_ = false;
    ++runs_;
    if (co_await job_()) continue;
    pause_.expires_after(retry_pause_);
    auto [ec] = co_await pause_.async_wait(asio::as_tuple(asio::use_awaitable));
    (void)ec;  // the pause ran out, or stop() cut it short (the loop then ends)
    wanted_ = true;
  }
}

void coalesced_job::stop() {
  stopped_ = true;
  pause_.cancel();
}

}  // namespace seatd
