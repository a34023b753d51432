#pragma once
// Failed-login counts shared by every instance. Each instance's own login_throttles allow so
// many attempts per window; behind a load balancer that would multiply by the number of
// instances, so with Redis the counts are also kept there and a login is refused when either
// the local or the shared count is used up. When the shared store cannot answer, the local
// throttles still apply: logging in never depends on it.
//
// Like the local throttles, an attempt is reserved (counted) before the password is checked
// and given back if it did not fail, so concurrent attempts cannot all slip under the limit.
#include <boost/asio/awaitable.hpp>

#include <string>

namespace seatd::api {

class shared_login_failures {
 public:
  virtual ~shared_login_failures() = default;
  // Counts one attempt against the account on this client (`account`: the lower-case e-mail)
  // and against the client, unless either is used up: then false and nothing is counted.
  // True when the shared store cannot answer.
  virtual boost::asio::awaitable<bool> reserve(std::string client, std::string account) = 0;
  // Fire and forget: gives back a reserved attempt that did not fail; `succeeded`: the
  // password was right, so the account's count on this client is cleared.
  virtual void refund(std::string client, std::string account, bool succeeded) = 0;
};

}  // namespace seatd::api
