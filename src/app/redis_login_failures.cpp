#include "app/redis_login_failures.hpp"

#include <boost/asio/co_spawn.hpp>
#include <spdlog/spdlog.h>

#include <chrono>
#include <utility>

#include <array>

#include "redis/connection.hpp"

namespace seatd {

namespace asio = boost::asio;

namespace {

std::string account_key(const std::string& client, const std::string& account) {
  return "seatd:login:{" + client + "}:acct:" + account;
}
std::string client_key_of(const std::string& client) { return "seatd:login:{" + client + "}:all"; }

// KEYS: account counter, client counter. ARGV: account limit, client limit, window ms.
// Checks both and counts both in one step, so concurrent attempts on any instance cannot all
// pass a check made before the others were counted.
constexpr std::string_view reserve_script = R"lua(
local a = tonumber(redis.call('GET', KEYS[1]) or '0')
local c = tonumber(redis.call('GET', KEYS[2]) or '0')
if a >= tonumber(ARGV[1]) or c >= tonumber(ARGV[2]) then return 0 end
for i = 1, 2 do
  if redis.call('INCR', KEYS[i]) == 1 then redis.call('PEXPIRE', KEYS[i], ARGV[3]) end
end
return 1
)lua";

// KEYS: account counter, client counter. ARGV[1] '1': the password was right (clear the
// account's count on this client). Never below zero, never creates a key.
constexpr std::string_view refund_script = R"lua(
if ARGV[1] == '1' then
  redis.call('DEL', KEYS[1])
elseif tonumber(redis.call('GET', KEYS[1]) or '0') > 0 then
  redis.call('DECR', KEYS[1])
end
if tonumber(redis.call('GET', KEYS[2]) or '0') > 0 then redis.call('DECR', KEYS[2]) end
return 1
)lua";

}  // namespace

struct redis_login_failures::core : std::enable_shared_from_this<core> {
  core(asio::any_io_executor ex, redis::config cfg, limits lim) : conn(ex, cfg), lim(lim) {}

  asio::awaitable<void> give_back(std::string client, std::string account, bool succeeded) {
    auto self = shared_from_this();
    const std::array<std::string, 2> keys{account_key(client, account), client_key_of(client)};
    const std::array<std::string, 1> args{succeeded ? "1" : "0"};
    auto r = co_await conn.eval_script(refund_script, keys, args);
    // A count left behind lapses with its window.
    if (!r || r->is_error())
      spdlog::debug("login throttle: could not give back an attempt in Redis");
  }

  redis::connection conn;
  limits lim;
};

redis_login_failures::redis_login_failures(asio::any_io_executor ex, redis::config cfg,
                                           limits lim)
    : core_(std::make_shared<core>(std::move(ex), std::move(cfg), lim)) {}

redis_login_failures::~redis_login_failures() { stop(); }

void redis_login_failures::start() { core_->conn.start(); }
void redis_login_failures::stop() {
  if (std::exchange(stopped_, true)) return;
  tasks_.stop();
  core_->conn.stop();
  if (!tasks_.wait(std::chrono::steady_clock::now() + std::chrono::seconds(1)))
    spdlog::warn("login counts: {} background tasks still running at stop", tasks_.running());
}

asio::awaitable<bool> redis_login_failures::reserve(std::string client, std::string account) {
  auto self = core_;
  const std::array<std::string, 2> keys{account_key(client, account), client_key_of(client)};
  const std::array<std::string, 3> args{std::to_string(self->lim.per_account),
                                        std::to_string(self->lim.per_client),
                                        std::to_string(self->lim.window.count())};
  auto r = co_await self->conn.eval_script(reserve_script, keys, args);
  // Redis away or confused: the local limits still apply.
  if (!r || !r->is_integer()) co_return true;
  co_return r->integer() == 1;
}

void redis_login_failures::refund(std::string client, std::string account, bool succeeded) {
  if (stopped_) return;
  tasks_.spawn(core_->conn.get_executor(),
               core_->give_back(std::move(client), std::move(account), succeeded),
               "login count refund");
}

}  // namespace seatd
