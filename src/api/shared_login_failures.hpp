#pragma once
// Failed-login counts shared by every instance. Each instance's own login_throttles allow so
// many failures per window; behind a load balancer that would multiply by the number of
// instances, so with Redis the counts are also kept there and a login is refused when either
// the local or the shared count is used up. When the shared store cannot answer, the local
// throttles still apply: logging in never depends on it.
#include <boost/asio/awaitable.hpp>

#include <string>

namespace seatd::api {

class shared_login_failures {
 public:
  virtual ~shared_login_failures() = default;
  // False when the e-mail's or the address's failures in the current window reached the
  // limit; true when they did not or cannot be read.
  virtual boost::asio::awaitable<bool> allowed(std::string email, std::string address) = 0;
  // Fire and forget: a lost count only makes the shared limit less strict.
  virtual void record_failure(std::string email, std::string address) = 0;
  virtual void record_success(std::string email) = 0;
};

}  // namespace seatd::api
