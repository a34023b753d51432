#pragma once
// api::shared_login_failures kept in Redis: one counter per e-mail and one per client address,
// each created with the window as its TTL on the first failure (SET NX PX, then INCR, which
// keeps the TTL): the same fixed windows as the local login_throttle, across all instances.
//
//   seatd:login:email:<lower-case e-mail>   failures in the current window
//   seatd:login:addr:<client address>       failures in the current window
#include <boost/asio/any_io_executor.hpp>

#include <chrono>
#include <memory>

#include "api/shared_login_failures.hpp"
#include "redis/config.hpp"

namespace seatd {

class redis_login_failures final : public api::shared_login_failures {
 public:
  struct limits {
    int per_email = 10;
    int per_address = 200;
    std::chrono::milliseconds window = std::chrono::minutes(5);
  };
  redis_login_failures(boost::asio::any_io_executor ex, redis::config cfg, limits lim);
  ~redis_login_failures() override;

  void start();
  void stop();

  boost::asio::awaitable<bool> allowed(std::string email, std::string address) override;
  void record_failure(std::string email, std::string address) override;
  void record_success(std::string email) override;

 private:
  struct core;
  std::shared_ptr<core> core_;
};

}  // namespace seatd
