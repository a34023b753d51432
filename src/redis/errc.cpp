#include "redis/errc.hpp"

#include <string>

namespace seatd::redis {
namespace {
class category final : public boost::system::error_category {
 public:
  const char* name() const noexcept override { return "redis"; }
  std::string message(int ev) const override {
    switch (static_cast<errc>(ev)) {
      case errc::ok: return "ok";
      case errc::unavailable: return "Redis is unavailable";
      case errc::timeout: return "Redis command timed out";
      case errc::connection_lost: return "Redis connection lost";
      case errc::protocol: return "Redis protocol error";
      case errc::server_error: return "Redis refused the command";
      case errc::overloaded: return "too many Redis commands pending";
      case errc::stopped: return "Redis client stopped";
      case errc::bad_url: return "invalid Redis URL";
      case errc::bad_command: return "command not allowed on this Redis connection";
    }
    return "unknown Redis error";
  }
};
}  // namespace

const boost::system::error_category& redis_category() noexcept {
  static const category instance;
  return instance;
}

bool is_unavailable(const boost::system::error_code& ec) noexcept {
  if (ec.category() != redis_category()) return false;
  switch (static_cast<errc>(ec.value())) {
    case errc::unavailable:
    case errc::timeout:
    case errc::connection_lost:
    case errc::overloaded:
    case errc::stopped: return true;
    default: return false;
  }
}

}  // namespace seatd::redis
