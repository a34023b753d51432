#include "app/redis_login_failures.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <spdlog/spdlog.h>

#include <charconv>

#include "redis/connection.hpp"

namespace seatd {

namespace asio = boost::asio;

namespace {

std::string email_key(const std::string& email) { return "seatd:login:email:" + email; }
std::string address_key(const std::string& address) { return "seatd:login:addr:" + address; }

// A counter's value from MGET: nil (no failures in the window) is 0.
long long count_of(const redis::reply& r) {
  if (!r.is_string()) return 0;
  long long n = 0;
  const std::string& s = r.str();
  std::from_chars(s.data(), s.data() + s.size(), n);
  return n;
}

}  // namespace

struct redis_login_failures::core : std::enable_shared_from_this<core> {
  core(asio::any_io_executor ex, redis::config cfg, limits lim) : conn(ex, cfg), lim(lim) {}

  asio::awaitable<void> count(std::string key) {
    auto self = shared_from_this();
    auto window = std::to_string(lim.window.count());
    // The first failure of a window creates the counter with the window as its TTL; INCR
    // keeps a key's TTL, so the window is fixed from its first failure, as locally.
    auto created = co_await conn.exec("SET", key, "0", "PX", window, "NX");
    bool counted = false;
    if (created && !created->is_error()) {
      auto r = co_await conn.exec("INCR", key);
      counted = r && !r->is_error();
    }
    if (!counted)
      spdlog::debug("login throttle: could not count a failure in Redis; the local limit applies");
  }

  asio::awaitable<void> forget(std::string key) {
    auto self = shared_from_this();
    auto r = co_await conn.exec("DEL", key);
    (void)r;  // a count left behind lapses with its window
  }

  redis::connection conn;
  limits lim;
};

redis_login_failures::redis_login_failures(asio::any_io_executor ex, redis::config cfg,
                                           limits lim)
    : core_(std::make_shared<core>(std::move(ex), std::move(cfg), lim)) {}

redis_login_failures::~redis_login_failures() { stop(); }

void redis_login_failures::start() { core_->conn.start(); }
void redis_login_failures::stop() { core_->conn.stop(); }

asio::awaitable<bool> redis_login_failures::allowed(std::string email, std::string address) {
  auto self = core_;
  auto ke = email_key(email);
  auto ka = address_key(address);
  auto r = co_await self->conn.exec("MGET", ke, ka);
  if (!r || !r->is_array() || r->elements().size() != 2) co_return true;
  co_return count_of(r->elements()[0]) < self->lim.per_email &&
      count_of(r->elements()[1]) < self->lim.per_address;
}

void redis_login_failures::record_failure(std::string email, std::string address) {
  auto ex = core_->conn.get_executor();
  asio::co_spawn(ex, core_->count(email_key(email)), asio::detached);
  asio::co_spawn(ex, core_->count(address_key(address)), asio::detached);
}

void redis_login_failures::record_success(std::string email) {
  asio::co_spawn(core_->conn.get_executor(), core_->forget(email_key(email)), asio::detached);
}

}  // namespace seatd
