#pragma once
// api::shared_login_failures kept in Redis: one counter per (client, account) and one per
// client, each created with the window as its TTL by its first attempt (INCR, then PEXPIRE on
// the first): fixed windows, across all instances. Both keys carry the client as a hash tag,
// so the reserve script touches one hash slot (valid on Redis Cluster).
//
//   seatd:login:{<client>}:acct:<lower-case e-mail>   attempts in the current window
//   seatd:login:{<client>}:all                        attempts in the current window
//
// Attempts are reserved by one script (check both, then count both) before the password is
// checked, and given back (DECR) when they did not fail.
#include <boost/asio/any_io_executor.hpp>

#include <chrono>
#include <memory>

#include "exec/task_group.hpp"
#include "api/shared_login_failures.hpp"
#include "redis/config.hpp"

namespace seatd {

class redis_login_failures final : public api::shared_login_failures {
 public:
  struct limits {
    int per_account = 10;   // per (client, account)
    int per_client = 200;   // per client, whatever the account
    std::chrono::milliseconds window = std::chrono::minutes(5);
  };
  redis_login_failures(boost::asio::any_io_executor ex, redis::config cfg, limits lim);
  ~redis_login_failures() override;

  void start();
  void stop();

  boost::asio::awaitable<bool> reserve(std::string client, std::string account) override;
  void refund(std::string client, std::string account, bool succeeded) override;

 private:
  struct core;
  std::shared_ptr<core> core_;
  // Owns the short-lived coroutines (publish, re-read, count refunds): stop() ends and waits
  // for them, and an exception that escapes one is logged rather than lost.
  exec::task_group tasks_;
  bool stopped_ = false;
};

}  // namespace seatd
