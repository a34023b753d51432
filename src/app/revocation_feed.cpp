#include "app/revocation_feed.hpp"

#include <boost/asio/co_spawn.hpp>
#include <spdlog/spdlog.h>

#include <chrono>
#include <utility>

#include <charconv>

#include "redis/connection.hpp"
#include "redis/endpoint.hpp"
#include "redis/subscriber.hpp"

namespace seatd {

namespace asio = boost::asio;

namespace {

// Random token ids are short; anything longer is not one of ours.
constexpr std::size_t max_jti = 128;

std::string channel_for(const std::string& url) {
  auto ep = redis::parse_url(url);
  return "seatd:revoked:" + std::to_string(ep ? ep->db : 0);
}

}  // namespace

std::int64_t revocation_expiry_seconds(const revoked_token& r) {
  // The database keeps milliseconds; the list and the tokens count whole seconds. Rounded
  // up, so a revocation never ends before its token does.
  const auto ms = r.expires_at.time_since_epoch().count();
  return ms / 1000 + (ms % 1000 > 0 ? 1 : 0);
}

std::string encode_revocation(std::string_view jti, std::int64_t exp) {
  return std::to_string(exp) + ' ' + std::string(jti);
}

std::optional<revocation> decode_revocation(std::string_view payload) {
  auto space = payload.find(' ');
  if (space == std::string_view::npos) return std::nullopt;
  std::int64_t exp = 0;
  auto digits = payload.substr(0, space);
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), exp);
  if (ec != std::errc{} || end != digits.data() + digits.size() || exp <= 0) return std::nullopt;
  auto jti = payload.substr(space + 1);
  if (jti.empty() || jti.size() > max_jti) return std::nullopt;
  for (char c : jti)
    if (c <= ' ' || c > '~') return std::nullopt;
  return revocation{std::string(jti), exp};
}

struct revocation_feed::core : std::enable_shared_from_this<core> {
  core(asio::any_io_executor ex, redis::config cfg, store& db, worker_pool& pool,
       auth::revocation_list& list, const clock& clk)
      : channel(channel_for(cfg.url)),
        conn(ex, cfg),
        sub(ex, cfg),
        db(db),
        pool(pool),
        list(list),
        clk(clk) {}

  asio::awaitable<void> reload() {
    auto self = shared_from_this();
    try {
      auto now = clk.now();
      auto live = co_await pool.run([this, now] { return db.prune_and_list_revocations(now); });
      // Each with its token's own expiry, so the list lets it go when the token lapses.
      for (auto& r : live) list.add(std::move(r.token_id), revocation_expiry_seconds(r));
    } catch (const std::exception& e) {
      spdlog::warn("revocations: could not re-read them from the database: {}", e.what());
    }
  }

  asio::awaitable<void> publish(std::string payload) {
    auto self = shared_from_this();
    auto r = co_await conn.exec("PUBLISH", channel, payload);
    if (!r)
      spdlog::warn("revocations: could not publish one ({}); the other instances read it from "
                   "the database when their Redis subscription returns",
                   r.error().message());
  }

  std::string channel;
  redis::connection conn;
  redis::subscriber sub;
  store& db;
  worker_pool& pool;
  auth::revocation_list& list;
  const clock& clk;
};

revocation_feed::revocation_feed(asio::any_io_executor ex, redis::config cfg, store& db,
                                 worker_pool& pool, auth::revocation_list& list,
                                 const clock& clk)
    : core_(std::make_shared<core>(std::move(ex), std::move(cfg), db, pool, list, clk)) {}

revocation_feed::~revocation_feed() { stop(); }

void revocation_feed::start() {
  std::weak_ptr<core> weak = core_;
  core_->sub.on_message([weak](const redis::message& m) {
    auto c = weak.lock();
    if (!c) return;
    if (auto r = decode_revocation(m.payload))
      c->list.add(std::move(r->jti), r->exp);
    else
      spdlog::warn("revocations: ignored a malformed message on {}", m.channel);
  });
  core_->sub.on_connected([this, weak] {
    if (auto c = weak.lock()) tasks_.spawn(c->sub.get_executor(), c->reload(), "revocation re-read");
  });
  core_->sub.async_subscribe(std::array<std::string_view, 1>{core_->channel},
                             [](redis::result<void>) {});
  core_->conn.start();
  core_->sub.start();
}

void revocation_feed::stop() {
  if (std::exchange(stopped_, true)) return;
  tasks_.stop();
  core_->sub.stop();
  core_->conn.stop();
  // A re-read waits on the worker pool, a publish on Redis: both end promptly once cancelled.
  if (!tasks_.wait(std::chrono::steady_clock::now() + std::chrono::seconds(1)))
    spdlog::warn("revocations: {} background tasks still running at stop", tasks_.running());
}

void revocation_feed::announce(std::string_view jti, std::int64_t exp) {
  if (stopped_) return;
  tasks_.spawn(core_->conn.get_executor(), core_->publish(encode_revocation(jti, exp)),
               "revocation publish");
}

}  // namespace seatd
