#pragma once
// A job that runs on a strand whenever asked and never twice at once: asks that arrive while
// it runs fold into one more run after it. The Redis engine's reconcile is one (a reconnect of
// either connection, a seq going back and the epoch watch all ask for it, often together).
//
// A run that fails (the job answers false) is tried again after `retry_pause`. When `ready()`
// is false the loop ends without running: whoever makes it ready asks again (for the
// reconcile, each connection's on_connected).
//
// Lives on one strand: request(), stop() and running() are called on it. Owned by a
// shared_ptr (the loop keeps it alive while it runs).
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace seatd {

class coalesced_job : public std::enable_shared_from_this<coalesced_job> {
 public:
  using job_fn = std::function<boost::asio::awaitable<bool>()>;

  // `name` prefixes the log line of a run that throws (a bug: a failure answers false).
  coalesced_job(boost::asio::any_io_executor strand, std::chrono::milliseconds retry_pause,
                std::string name, std::function<bool()> ready, job_fn job);

  void request();
  void stop();
  bool running() const { return running_; }
  std::uint64_t runs() const { return runs_; }

 private:
  boost::asio::awaitable<void> loop();

  boost::asio::any_io_executor strand_;
  std::chrono::milliseconds retry_pause_;
  std::string name_;
  std::function<bool()> ready_;
  job_fn job_;
  boost::asio::steady_timer pause_;
  bool wanted_ = false;
  bool running_ = false;
  bool stopped_ = false;
  std::uint64_t runs_ = 0;
};

}  // namespace seatd
