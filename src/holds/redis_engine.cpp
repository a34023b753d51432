#include "holds/redis_engine.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <charconv>
#include <deque>
#include <future>
#include <map>
#include <mutex>
#include <unordered_map>
#include <unordered_set>

#include "util/random_secret.hpp"
#include "holds/coalesced_job.hpp"
#include "holds/expiry_scheduler.hpp"
#include "holds/recent_seqs.hpp"
#include "holds/redis_event_wire.hpp"
#include "holds/redis_layout.hpp"
#include "holds/redis_scripts.hpp"
#include "holds/single_flight.hpp"
#include "redis/connection.hpp"
#include "redis/endpoint.hpp"
#include "redis/subscriber.hpp"

namespace seatd {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using boost::system::error_code;
using replies = std::vector<redis::result<redis::reply>>;

namespace {

std::int64_t ms(sys_ms t) { return t.time_since_epoch().count(); }
sys_ms at_ms(std::int64_t v) { return sys_ms{std::chrono::milliseconds{v}}; }

int db_of(const std::string& url) {
  auto ep = redis::parse_url(url);
  return ep ? ep->db : 0;
}

// What every script reply starts with (see redis_scripts.hpp).
struct reply_head {
  std::uint64_t last_seq = 0;
  int next_seat = 0;
  std::int64_t next_due_ms = 0;
};

// "seat, expires ms, seat, expires ms, ..." of the group scripts, as holds of `user`.
std::vector<hold> holds_of_pairs(const redis::reply& flat, row_id user) {
  std::vector<hold> out;
  const auto& e = flat.elements();
  for (std::size_t i = 0; i + 1 < e.size(); i += 2) {
    hold h;
    h.seat = int(e[i].integer());
    h.user = user;
    h.expires_at = at_ms(e[i + 1].integer());
    out.push_back(h);
  }
  return out;
}

std::string member_of(row_id trip, int seat) {
  return std::to_string(trip) + ":" + std::to_string(seat);
}

std::optional<reply_head> head_of(const redis::reply& r) {
  if (!r.is_array() || r.size() < 3 || !r[0].is_integer() || !r[1].is_integer() ||
      !r[2].is_integer())
    return std::nullopt;
  return reply_head{std::uint64_t(r[0].integer()), int(r[1].integer()), r[2].integer()};
}

// Completes with every reply of n commands issued at once on the pipelined connection (one
// round trip for all), in order. launch(i, callback) issues command i; its callbacks run on the
// connection's strand, so they are serialised.
template <class Handler>
struct gather_state {
  Handler handler;
  replies out;
  std::size_t left;
  void finish(const std::shared_ptr<gather_state>& self) {
    auto ex = asio::get_associated_executor(handler);
    asio::post(ex, [self]() mutable { std::move(self->handler)(std::move(self->out)); });
  }
};

template <class Launch>
asio::awaitable<replies> gather(std::size_t n, Launch& launch) {
  return asio::async_initiate<decltype(asio::use_awaitable), void(replies)>(
      [n, &launch](auto handler) {
        using state = gather_state<std::decay_t<decltype(handler)>>;
        auto st = std::make_shared<state>(state{std::move(handler), replies(n), n});
        if (n == 0) return st->finish(st);
        for (std::size_t i = 0; i < n; ++i) {
          launch(i, [st, i](redis::result<redis::reply> r) {
            st->out[i] = std::move(r);
            if (--st->left == 0) st->finish(st);
          });
        }
      },
      asio::use_awaitable);
}

}  // namespace

class redis_engine::core : public std::enable_shared_from_this<core> {
 public:
  core(asio::any_io_executor ex, const clock& clk, hold_policy policy, options opts,
       event_sink sink, std::function<void()> on_resync)
      : clock_(clk),
        policy_(policy),
        opts_(std::move(opts)),
        sink_(std::move(sink)),
        on_resync_(std::move(on_resync)),
        channel_(redis_layout::event_channel(db_of(opts_.redis.url))),
        expired_channel_(redis_layout::expired_channel(db_of(opts_.redis.url))),
        conn_(ex, named(opts_.redis, "seatd")),
        sub_(ex, named(opts_.redis, "seatd-events")),
        strand_(sub_.get_executor()),
        epoch_(random_secret(8)),
        epoch_timer_(strand_) {}

  // The expiry scheduler and the reconcile call back into the core through a weak pointer,
  // which exists only once the core is owned.
  static std::shared_ptr<core> create(asio::any_io_executor ex, const clock& clk,
                                      hold_policy policy, options opts, event_sink sink,
                                      std::function<void()> on_resync) {
    auto c = std::make_shared<core>(std::move(ex), clk, policy, std::move(opts), std::move(sink),
                                    std::move(on_resync));
    std::weak_ptr<core> weak = c;
    c->expiry_ = std::make_shared<expiry_scheduler>(
        c->strand_, clk, c->opts_.expiry_concurrency,
        [weak](row_id trip) { return sweep_for(weak, trip); }, c->opts_.expiry_lag);
    c->reconcile_ = std::make_shared<coalesced_job>(
        c->strand_, 500ms, "redis: reconcile",
        [weak] {
          auto self = weak.lock();
          return self && self->conn_.connected() && self->sub_.connected();
        },
        [weak] { return reconcile_for(weak); });
    return c;
  }

  void start();
  void stop();
  bool reachable() const noexcept { return conn_.connected() && sub_.connected(); }
  std::string epoch() const {
    std::lock_guard lock(epoch_mutex_);
    return epoch_;
  }
  std::size_t live_holds() const noexcept { return expiry_->known_now(); }

  asio::awaitable<result<hold>> take(row_id trip, int seat, row_id user);
  asio::awaitable<result<bool>> release(row_id trip, int seat, row_id user);
  // take_group and take_offer (offer: no caps, no cool-down, the events flagged).
  asio::awaitable<group_outcome> take_group(row_id trip, std::vector<int> seats, row_id user,
                                            bool offer);
  asio::awaitable<result<std::vector<hold>>> extend(row_id trip, row_id user);
  asio::awaitable<result<std::vector<int>>> release_all(row_id trip, row_id user);
  asio::awaitable<pin_outcome> pin(row_id trip, std::vector<int> seats, row_id user);
  asio::awaitable<void> unpin(row_id trip, std::vector<int> seats, row_id user, bool booked);
  asio::awaitable<void> announce_freed(row_id trip, std::vector<int> seats);
  asio::awaitable<result<hold_snapshot>> snapshot(row_id trip);
  asio::awaitable<result<std::vector<std::size_t>>> held_counts(std::vector<row_id> trips);

 private:
  struct waiter {
    std::uint64_t seq;
    asio::steady_timer* timer;
  };

  asio::awaitable<result<hold_snapshot>> snapshot_once(row_id trip);
  // The per-account step beside the take/release/unpin scripts (redis_scripts::account):
  // returns the script's answer, or "" when Redis could not run it.
  asio::awaitable<std::string> account(row_id user, std::string op, sys_ms score,
                                       std::vector<std::string> members);
  // The group's step (reserve_all): the members it added, "LIMIT" alone when over the cap,
  // nullopt when Redis could not run it.
  asio::awaitable<std::optional<std::vector<std::string>>> account_group(
      row_id user, sys_ms score, std::vector<std::string> members);
  // Follows the deadlines of `held` (of one user, one trip) in the account's key: one set per
  // distinct deadline.
  asio::awaitable<void> account_follow(row_id trip, row_id user, std::vector<hold> held);

  static redis::config named(redis::config c, const char* name) {
    c.client_name = name;
    return c;
  }

  // ARGV[1..3] of every script.
  std::vector<std::string> script_args(row_id trip) const {
    return {std::to_string(trip), std::to_string(ms(clock_.now())), channel_};
  }

  // Runs a script of `trip`; learns the trip's next deadline; with await_events, returns only
  // once the events it published reached the sink. Any failure is errc::unavailable.
  asio::awaitable<result<redis::reply>> run(row_id trip, const std::string& script,
                                            const std::vector<std::string>& keys,
                                            const std::vector<std::string>& args,
                                            bool await_events);
  // The common head of a script reply: learns the next deadline. nullopt: unusable reply.
  std::optional<reply_head> absorb(row_id trip, const redis::result<redis::reply>& r);
  asio::awaitable<void> await_delivery(row_id trip, std::uint64_t seq);
  asio::awaitable<void> wait_delivered(row_id trip, std::uint64_t seq);

  // --- on strand_ ---
  void on_message(const redis::message& m);
  void deliver(const seat_event& e);
  void learn(row_id trip, int seat, sys_ms when);
  static asio::awaitable<void> sweep_for(std::weak_ptr<core> weak, row_id trip);
  asio::awaitable<void> sweep(row_id trip);
  void request_reconcile();
  static asio::awaitable<bool> reconcile_for(std::weak_ptr<core> weak);
  asio::awaitable<bool> reconcile_once();
  asio::awaitable<void> ensure_keyspace_events();
  asio::awaitable<bool> refresh_epoch();
  asio::awaitable<std::optional<std::vector<row_id>>> trips_with_holds();
  void release_waiters();
  void schedule_epoch_check();
  void check_epoch();

  const clock& clock_;
  hold_policy policy_;
  options opts_;
  event_sink sink_;
  std::function<void()> on_resync_;
  std::string channel_;
  std::string expired_channel_;
  redis::connection conn_;
  redis::subscriber sub_;
  // The subscriber's strand: messages arrive on it, so the engine's own state lives there too
  // and an event needs no extra hop to reach the sink.
  asio::any_io_executor strand_;

  std::atomic<bool> stopped_{false};
  std::atomic<bool> outage_logged_{false};
  std::mutex sink_mutex_;  // stop() closes the sink under it: no call after stop() returns
  bool sink_closed_ = false;
  mutable std::mutex epoch_mutex_;
  std::string epoch_;
  std::promise<void> first_reconcile_;

  // Strand-only state.
  std::shared_ptr<expiry_scheduler> expiry_;
  std::shared_ptr<coalesced_job> reconcile_;
  recent_seqs delivered_;  // last seq handed to the sink, per trip with recent events
  asio::steady_timer epoch_timer_;
  bool epoch_checking_ = false;

  single_flight<row_id, result<hold_snapshot>> snapshots_;
  std::multimap<row_id, waiter> waiters_;
  bool first_reconcile_done_ = false;
  bool config_warned_ = false;
};

// ---------------------------------------------------------------- lifecycle

void redis_engine::core::start() {
  std::weak_ptr<core> weak = weak_from_this();
  auto reconnected = [weak] {
    if (auto self = weak.lock()) asio::post(self->strand_, [self] { self->request_reconcile(); });
  };
  auto lost = [weak](const error_code& ec, std::string_view detail) {
    auto self = weak.lock();
    if (!self || self->outage_logged_.exchange(true)) return;
    spdlog::warn("redis: connection lost ({}{}{}): hold requests answer 503 until it is back",
                 ec.message(), detail.empty() ? "" : ": ", detail);
  };
  auto failed = [weak](const error_code& ec, std::string_view detail) {
    auto self = weak.lock();
    if (!self || self->outage_logged_.exchange(true)) return;
    spdlog::warn("redis: cannot connect ({}{}{}): hold requests answer 503 until it answers",
                 ec.message(), detail.empty() ? "" : ": ", detail);
  };
  conn_.on_connected(reconnected);
  conn_.on_disconnected(lost);
  conn_.on_connect_failed(failed);
  sub_.on_connected(reconnected);
  sub_.on_disconnected([weak, lost](const error_code& ec, std::string_view detail) {
    lost(ec, detail);
    // Events will not come back for this connection: nobody should wait for them.
    if (auto self = weak.lock()) asio::post(self->strand_, [self] { self->release_waiters(); });
  });
  sub_.on_connect_failed(failed);
  sub_.on_message([weak](const redis::message& m) {
    if (auto self = weak.lock()) self->on_message(m);
  });
  // Remembered at once and (re)applied on every connect, before on_connected fires.
  std::vector<std::string> channels{channel_, expired_channel_};
  sub_.async_subscribe(channels, [](redis::result<void>) {});
  sub_.start();
  conn_.start();
  asio::post(strand_, [self = shared_from_this()] { self->schedule_epoch_check(); });

  auto ready = first_reconcile_.get_future();
  if (ready.wait_for(opts_.startup_wait) != std::future_status::ready) {
    auto ep = redis::parse_url(opts_.redis.url);
    spdlog::warn(
        "redis: {} not ready after {} ms; seatd starts anyway, hold requests answer 503 "
        "until it is",
        ep ? ep->redacted() : std::string("Redis"), opts_.startup_wait.count());
  }
}

void redis_engine::core::stop() {
  if (stopped_.exchange(true)) return;
  {
    std::lock_guard lock(sink_mutex_);
    sink_closed_ = true;
  }
  sub_.stop();
  conn_.stop();
  asio::post(strand_, [self = shared_from_this()] {
    self->expiry_->stop();
    self->reconcile_->stop();
    self->epoch_timer_.cancel();
    self->release_waiters();
  });
}

// ---------------------------------------------------------------- operations

asio::awaitable<result<redis::reply>> redis_engine::core::run(row_id trip, const std::string& script,
                                                              const std::vector<std::string>& keys,
                                                              const std::vector<std::string>& args,
                                                              bool await_events) {
  auto r = co_await conn_.eval_script(script, keys, args);
  auto head = absorb(trip, r);
  if (!head) co_return make_error_code(errc::unavailable);
  if (await_events && head->last_seq > 0) co_await await_delivery(trip, head->last_seq);
  co_return std::move(*r);
}

std::optional<reply_head> redis_engine::core::absorb(row_id trip,
                                                     const redis::result<redis::reply>& r) {
  if (!r) {
    spdlog::debug("redis: hold script for trip {} failed: {}", trip, r.error().message());
    return std::nullopt;
  }
  if (r->is_error()) {
    // The script ran and Redis refused it: out of memory (maxmemory), a read-only replica, or
    // a bug in the script. Not the client's fault: 503, and loudly in the log.
    spdlog::error("redis: hold script for trip {} answered {}", trip, r->str());
    return std::nullopt;
  }
  auto head = head_of(*r);
  if (!head) {
    spdlog::error("redis: hold script for trip {}: unexpected reply {}", trip, r->debug_string());
    return std::nullopt;
  }
  if (head->next_seat != 0) {
    asio::post(strand_, [self = shared_from_this(), trip, seat = head->next_seat,
                         when = at_ms(head->next_due_ms)] { self->learn(trip, seat, when); });
  }
  return head;
}

asio::awaitable<void> redis_engine::core::await_delivery(row_id trip, std::uint64_t seq) {
  auto wait = asio::co_spawn(strand_, wait_delivered(trip, seq), asio::use_awaitable);
  co_await std::move(wait);
}

asio::awaitable<void> redis_engine::core::wait_delivered(row_id trip, std::uint64_t seq) {
  if (stopped_ || !sub_.connected()) co_return;
  if (auto last = delivered_.get(trip); last && *last >= seq) co_return;
  asio::steady_timer timer(strand_, opts_.delivery_wait);
  auto it = waiters_.emplace(trip, waiter{seq, &timer});
  auto [ec] = co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
  (void)ec;  // woken by the delivery (cancelled) or the wait ran out: either way, done
  waiters_.erase(it);
}

// One account's holds across trips live in the account's own slot (redis_layout::account_key),
// not in the trip's: a step beside the trip script. It reserves before the take (so instances
// racing for one account's last slot cannot both pass), gives the slot back when the take is
// refused, and follows a renewal's deadline; a release or a sale drops it, a lapse lets it age
// out at its deadline. If a step after the take fails (Redis gone between two commands) the
// account's count errs high, and only until that deadline.
// Named, so no literal becomes a temporary inside a co_await expression.
const std::string op_reserve = "reserve", op_drop = "drop", op_set = "set", op_add = "add";

asio::awaitable<std::string> redis_engine::core::account(row_id user, std::string op,
                                                         sys_ms score,
                                                         std::vector<std::string> members) {
  std::vector<std::string> keys{redis_layout::account_key(user)};
  std::vector<std::string> args{std::move(op), std::to_string(ms(clock_.now())),
                                std::to_string(policy_.max_per_account),
                                std::to_string(ms(score))};
  for (auto& m : members) args.push_back(std::move(m));
  auto r = co_await conn_.eval_script(redis_scripts::account(), keys, args);
  if (!r || r->is_error()) {
    spdlog::debug("redis: account script for user {} failed", user);
    co_return std::string();
  }
  co_return r->str();
}

const std::string op_reserve_all = "reserve_all";

asio::awaitable<std::optional<std::vector<std::string>>> redis_engine::core::account_group(
    row_id user, sys_ms score, std::vector<std::string> members) {
  std::vector<std::string> keys{redis_layout::account_key(user)};
  std::vector<std::string> args{op_reserve_all, std::to_string(ms(clock_.now())),
                                std::to_string(policy_.max_per_account),
                                std::to_string(ms(score))};
  for (auto& m : members) args.push_back(std::move(m));
  auto r = co_await conn_.eval_script(redis_scripts::account(), keys, args);
  if (!r || r->is_error() || !r->is_array() || r->size() == 0) {
    spdlog::debug("redis: account script (group) for user {} failed", user);
    co_return std::nullopt;
  }
  std::vector<std::string> out;
  for (const auto& e : r->elements()) out.push_back(e.str());
  co_return out;
}

asio::awaitable<void> redis_engine::core::account_follow(row_id trip, row_id user,
                                                         std::vector<hold> held) {
  if (policy_.max_per_account <= 0) co_return;
  std::map<sys_ms, std::vector<std::string>> by_deadline;
  for (const auto& h : held) by_deadline[h.expires_at].push_back(member_of(trip, h.seat));
  for (auto& entry : by_deadline) co_await account(user, op_set, entry.first, entry.second);
}

asio::awaitable<group_outcome> redis_engine::core::take_group(row_id trip, std::vector<int> seats,
                                                              row_id user, bool offer) {
  auto self = shared_from_this();
  group_outcome out;
  auto wanted = group_seats(std::move(seats));
  if (!wanted) {
    out.code = wanted.error();
    co_return out;
  }
  std::vector<std::string> members;
  for (int s : *wanted) members.push_back(member_of(trip, s));
  // One "now" for both steps, as take: a new hold's deadline is exactly the reserved one.
  const auto now = clock_.now();
  const auto provisional = now + std::min(policy_.ttl, policy_.max_lifetime);
  std::vector<std::string> reserved;
  // An offer is not capped per account: its holds are only recorded there once taken (below),
  // so that they count against the user's later takes.
  if (policy_.max_per_account > 0 && !offer) {
    auto a = co_await account_group(user, provisional, members);
    if (!a) {
      out.code = make_error_code(errc::unavailable);
      co_return out;
    }
    if (a->front() != "OK") {
      out.code = make_error_code(errc::account_hold_limit);
      co_return out;
    }
    reserved.assign(a->begin() + 1, a->end());
  }
  auto k = redis_layout::keys_for(trip);
  auto keys = k.script_keys();
  auto args = script_args(trip);
  args[1] = std::to_string(ms(now));
  args.push_back(std::to_string(user));
  args.push_back(std::to_string(policy_.ttl.count()));
  args.push_back(std::to_string(policy_.max_per_user));
  args.push_back(std::to_string(policy_.max_lifetime.count()));
  args.push_back(std::to_string(policy_.cooldown.count()));
  args.push_back(offer ? "1" : "0");
  for (int s : *wanted) {
    keys.push_back(k.ttl(s));
    args.push_back(std::to_string(s));
  }
  auto r = co_await run(trip, redis_scripts::take_group(), keys, args, true);
  const std::string status = r ? (*r)[3].str() : std::string();
  if (status != "OK") {
    // The seats this group reserved go back; those the account had before stay counted.
    if (!reserved.empty()) co_await account(user, op_drop, provisional, reserved);
    if (!r) {
      out.code = r.error();
      co_return out;
    }
    out.seat = int((*r)[4].integer());
    if (status == "OCCUPIED")
      out.code = make_error_code(errc::seat_occupied);
    else if (status == "LIMIT")
      out.code = make_error_code(errc::hold_limit);
    else if (status == "SOLD")
      out.code = make_error_code(errc::seat_booked);
    else if (status == "COOLDOWN")
      out.code = make_error_code(errc::hold_cooldown);
    else
      out.code = make_error_code(errc::unavailable);
    co_return out;
  }
  out.holds = holds_of_pairs((*r)[5], user);
  if (offer) {
    // Nothing was reserved: the account learns every hold of the offer, uncapped ("add"), so
    // they count against the user's own takes.
    if (policy_.max_per_account > 0) {
      std::map<sys_ms, std::vector<std::string>> by_deadline;
      for (const auto& h : out.holds) by_deadline[h.expires_at].push_back(member_of(trip, h.seat));
      for (auto& entry : by_deadline) co_await account(user, op_add, entry.first, entry.second);
    }
    co_return out;
  }
  // Renewals capped by their lifetime end earlier than reserved: the account follows them.
  std::vector<hold> moved;
  for (const auto& h : out.holds)
    if (h.expires_at != provisional) moved.push_back(h);
  if (!moved.empty()) co_await account_follow(trip, user, std::move(moved));
  co_return out;
}

asio::awaitable<result<std::vector<hold>>> redis_engine::core::extend(row_id trip, row_id user) {
  auto self = shared_from_this();
  auto k = redis_layout::keys_for(trip);
  auto keys = k.script_keys();
  auto args = script_args(trip);
  args.push_back(std::to_string(user));
  args.push_back(std::to_string(policy_.ttl.count()));
  args.push_back(std::to_string(policy_.max_lifetime.count()));
  args.push_back(k.ttl_prefix);
  auto r = co_await run(trip, redis_scripts::extend(), keys, args, true);
  if (!r) co_return r.error();
  auto held = holds_of_pairs((*r)[3], user);
  if (!held.empty()) co_await account_follow(trip, user, held);
  co_return held;
}

asio::awaitable<result<std::vector<int>>> redis_engine::core::release_all(row_id trip,
                                                                          row_id user) {
  auto self = shared_from_this();
  auto k = redis_layout::keys_for(trip);
  auto keys = k.script_keys();
  auto args = script_args(trip);
  args.push_back(std::to_string(user));
  args.push_back(std::to_string(policy_.cooldown.count()));
  args.push_back(k.ttl_prefix);
  auto r = co_await run(trip, redis_scripts::release_all(), keys, args, true);
  if (!r) co_return r.error();
  std::vector<int> seats;
  std::vector<std::string> members;
  for (const auto& e : (*r)[3].elements()) {
    seats.push_back(int(e.integer()));
    members.push_back(member_of(trip, seats.back()));
  }
  if (!members.empty() && policy_.max_per_account > 0)
    co_await account(user, op_drop, clock_.now(), std::move(members));
  co_return seats;
}

asio::awaitable<result<hold>> redis_engine::core::take(row_id trip, int seat, row_id user) {
  auto self = shared_from_this();
  // Named, not braced lists inside co_await expressions (GCC 12 mis-compiles the
  // initializer_list's array in a coroutine frame: "array used as initializer").
  const std::vector<std::string> member{std::to_string(trip) + ":" + std::to_string(seat)};
  // One "now" for both steps, so a new hold's deadline is exactly the reserved one.
  const auto now = clock_.now();
  auto provisional = now + std::min(policy_.ttl, policy_.max_lifetime);
  bool reserved = false;
  if (policy_.max_per_account > 0) {
    auto a = co_await account(user, op_reserve, provisional, member);
    if (a.empty()) co_return make_error_code(errc::unavailable);
    if (a == "LIMIT") co_return make_error_code(errc::account_hold_limit);
    reserved = a == "ADDED";
  }
  auto k = redis_layout::keys_for(trip);
  auto keys = k.script_keys();
  keys.push_back(k.ttl(seat));
  auto args = script_args(trip);
  args[1] = std::to_string(ms(now));
  args.push_back(std::to_string(seat));
  args.push_back(std::to_string(user));
  args.push_back(std::to_string(policy_.ttl.count()));
  args.push_back(std::to_string(policy_.max_per_user));
  args.push_back(std::to_string(policy_.max_lifetime.count()));
  args.push_back(std::to_string(policy_.cooldown.count()));
  auto r = co_await run(trip, redis_scripts::take(), keys, args, true);
  const std::string status = r ? (*r)[3].str() : std::string();
  if (status != "OK") {
    if (reserved) co_await account(user, op_drop, provisional, member);
    if (!r) co_return r.error();
    if (status == "OCCUPIED") co_return make_error_code(errc::seat_occupied);
    if (status == "LIMIT") co_return make_error_code(errc::hold_limit);
    if (status == "SOLD") co_return make_error_code(errc::seat_booked);
    if (status == "COOLDOWN") co_return make_error_code(errc::hold_cooldown);
    co_return make_error_code(errc::unavailable);
  }
  auto expires = at_ms((*r)[4].integer());
  if (policy_.max_per_account > 0 && expires != provisional)
    co_await account(user, op_set, expires, member);
  hold h{seat, user, expires, false};
  co_return h;
}

asio::awaitable<result<bool>> redis_engine::core::release(row_id trip, int seat, row_id user) {
  auto self = shared_from_this();
  auto k = redis_layout::keys_for(trip);
  auto keys = k.script_keys();
  keys.push_back(k.ttl(seat));
  auto args = script_args(trip);
  args.push_back(std::to_string(seat));
  args.push_back(std::to_string(user));
  args.push_back(std::to_string(policy_.cooldown.count()));  // how long the hold's life is kept
  auto r = co_await run(trip, redis_scripts::release(), keys, args, true);
  // In place: an error_code converts to bool, so result<bool> cannot tell them apart.
  if (!r) co_return result<bool>(boost::system::in_place_error, r.error());
  if ((*r)[3].integer() == 1 && policy_.max_per_account > 0) {
    std::vector<std::string> member(1, std::to_string(trip) + ":" + std::to_string(seat));
    co_await account(user, op_drop, clock_.now(), std::move(member));
  }
  co_return result<bool>(boost::system::in_place_value, (*r)[3].integer() == 1);
}

asio::awaitable<pin_outcome> redis_engine::core::pin(row_id trip, std::vector<int> seats,
                                                     row_id user) {
  auto self = shared_from_this();
  auto k = redis_layout::keys_for(trip);
  auto keys = k.script_keys();
  auto args = script_args(trip);
  args.push_back(std::to_string(user));
  args.push_back(std::to_string(opts_.pin_lease.count()));
  for (int s : seats) {
    keys.push_back(k.ttl(s));
    args.push_back(std::to_string(s));
  }
  auto r = co_await run(trip, redis_scripts::pin(), keys, args, true);
  if (!r) co_return pin_outcome{r.error()};
  if ((*r)[3].str() == "OK") co_return pin_outcome{};
  co_return pin_outcome{make_error_code(errc::not_holder), int((*r)[4].integer())};
}

asio::awaitable<void> redis_engine::core::unpin(row_id trip, std::vector<int> seats, row_id user,
                                                bool booked) {
  auto self = shared_from_this();
  auto k = redis_layout::keys_for(trip);
  auto keys = k.script_keys();
  auto args = script_args(trip);
  args.push_back(std::to_string(user));
  args.push_back(booked ? "1" : "0");
  for (int s : seats) {
    keys.push_back(k.ttl(s));
    args.push_back(std::to_string(s));
  }
  auto r = co_await run(trip, redis_scripts::unpin(), keys, args, true);
  if (r && booked && policy_.max_per_account > 0) {
    std::vector<std::string> members;
    for (int s : seats) members.push_back(std::to_string(trip) + ":" + std::to_string(s));
    co_await account(user, op_drop, clock_.now(), std::move(members));
  }
  if (!r)
    spdlog::warn("redis: could not end the pin of {} seat(s) of trip {} ({}): {}", seats.size(),
                 trip, booked ? "booked" : "not booked",
                 booked ? "viewers learn the sale when Redis is back (resync)"
                        : "the holds return when the pin's lease ends");
}

asio::awaitable<void> redis_engine::core::announce_freed(row_id trip, std::vector<int> seats) {
  auto self = shared_from_this();
  auto keys = redis_layout::keys_for(trip).script_keys();
  auto args = script_args(trip);
  for (int s : seats) args.push_back(std::to_string(s));
  auto r = co_await run(trip, redis_scripts::announce_freed(), keys, args, true);
  if (!r)
    spdlog::warn(
        "redis: could not announce {} freed seat(s) of trip {}: viewers learn it when "
        "Redis is back (resync)",
        seats.size(), trip);
}

asio::awaitable<result<hold_snapshot>> redis_engine::core::snapshot(row_id trip) {
  auto self = shared_from_this();
  // Named: GCC 12 mishandles temporaries (a lambda, a result) inside a co_await expression.
  auto work = [self, trip] { return self->snapshot_once(trip); };
  result<hold_snapshot> failed = make_error_code(errc::unavailable);
  auto flight = snapshots_.run(trip, std::move(work), std::move(failed));
  co_return co_await std::move(flight);
}

asio::awaitable<result<hold_snapshot>> redis_engine::core::snapshot_once(row_id trip) {
  auto self = shared_from_this();
  auto keys = redis_layout::keys_for(trip).script_keys();
  auto args = script_args(trip);
  auto r = co_await run(trip, redis_scripts::snapshot(), keys, args, true);
  if (!r) co_return r.error();
  hold_snapshot s;
  s.seq = std::uint64_t((*r)[3].integer());
  const auto& flat = (*r)[4].elements();
  for (std::size_t i = 0; i + 1 < flat.size(); i += 2) {
    // "user:expires_ms:pin_until_ms:taken_ms" (taken_ms missing in holds written before it)
    std::string_view v = flat[i + 1].str();
    hold h;
    std::int64_t expires = 0, pinned_until = 0, taken = 0;
    if (auto c3 = v.find(':', v.find(':', v.find(':') + 1) + 1); c3 != std::string_view::npos) {
      if (auto [p, ec] = std::from_chars(v.data() + c3 + 1, v.data() + v.size(), taken);
          ec == std::errc{})
        h.taken_at = at_ms(taken);
      v = v.substr(0, c3);
    }
    auto c1 = v.find(':'), c2 = v.rfind(':');
    auto num = [](std::string_view t, auto& out) {
      auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), out);
      return ec == std::errc{} && p == t.data() + t.size();
    };
    std::string_view text = v;
    if (c1 == std::string_view::npos || c1 == c2 || !num(flat[i].str(), h.seat) ||
        !num(text.substr(0, c1), h.user) || !num(text.substr(c1 + 1, c2 - c1 - 1), expires) ||
        !num(text.substr(c2 + 1), pinned_until)) {
      spdlog::error("redis: malformed hold of trip {}: seat {} = {}", trip, flat[i].str(), v);
      continue;
    }
    h.expires_at = at_ms(expires);
    h.pinned = pinned_until != 0;
    s.holds.push_back(h);
  }
  std::sort(s.holds.begin(), s.holds.end(),
            [](const hold& a, const hold& b) { return a.seat < b.seat; });
  co_return s;
}

asio::awaitable<result<std::vector<std::size_t>>> redis_engine::core::held_counts(
    std::vector<row_id> trips) {
  auto self = shared_from_this();
  std::vector<std::vector<std::string>> keys, args;
  for (row_id t : trips) {
    keys.push_back(redis_layout::keys_for(t).script_keys());
    args.push_back(script_args(t));
  }
  auto launch = [this, &keys, &args](std::size_t i, auto done) {
    conn_.async_eval_script(redis_scripts::count(), keys[i], args[i], std::move(done));
  };
  auto all = gather(trips.size(), launch);
  auto out = co_await std::move(all);
  std::vector<std::size_t> counts;
  counts.reserve(trips.size());
  for (std::size_t i = 0; i < trips.size(); ++i) {
    if (!absorb(trips[i], out[i])) co_return make_error_code(errc::unavailable);
    counts.push_back(std::size_t(out[i].value()[3].integer()));
  }
  co_return counts;
}

// ---------------------------------------------------------------- events (strand_)

void redis_engine::core::on_message(const redis::message& m) {
  if (m.channel == expired_channel_) {
    // Redis deleted a TTL key: the hold it shadows is due (or was already expired by us).
    if (auto trip = redis_layout::trip_of_ttl_key(m.payload)) expiry_->enqueue(*trip);
    return;
  }
  if (m.channel != channel_) return;
  auto e = redis_event_wire::decode(m.payload);
  if (!e) {
    spdlog::error("redis: malformed seat event on {}: {}", channel_, m.payload);
    return;
  }
  deliver(*e);
}

void redis_engine::core::deliver(const seat_event& e) {
  if (auto last = delivered_.get(e.trip); last && e.seq <= *last) {
    // Redis delivers each seq once and in order: a trip's seq going backwards means Redis lost
    // its data (FLUSHALL, eviction, a restart that kept the connection's subscription out of
    // it). The room restarts on this seq by itself; the reconcile takes the new epoch and
    // makes every room start over, and the catalog reload its sold seats.
    spdlog::warn("redis: trip {} seq went back from {} to {} (Redis lost its data): viewers resync",
                 e.trip, *last, e.seq);
    request_reconcile();
  }
  switch (e.kind) {
    case seat_event_kind::locked:
      for (int s : e.seats) learn(e.trip, s, e.expires_at);  // a group: every seat of it
      break;
    case seat_event_kind::unlocked:
    case seat_event_kind::expired:
    case seat_event_kind::booked:
      for (int s : e.seats) expiry_->forget(e.trip, s);
      break;
    case seat_event_kind::released:
      break;
  }
  {
    std::lock_guard lock(sink_mutex_);
    if (!sink_closed_) sink_(e);
  }
  // Assigned, not maxed: after Redis lost its data a trip's seq starts again from 1.
  delivered_.set(e.trip, e.seq);
  auto [from, to] = waiters_.equal_range(e.trip);
  for (auto it = from; it != to; ++it)
    if (it->second.seq <= e.seq) it->second.timer->cancel();
}

void redis_engine::core::release_waiters() {
  for (auto& [trip, w] : waiters_) w.timer->cancel();
}

// ---------------------------------------------------------------- expiry (strand_)

void redis_engine::core::learn(row_id trip, int seat, sys_ms when) {
  if (stopped_) return;
  expiry_->learn(trip, seat, when);
}

asio::awaitable<void> redis_engine::core::sweep_for(std::weak_ptr<core> weak, row_id trip) {
  if (auto self = weak.lock()) co_await self->sweep(trip);
}

asio::awaitable<void> redis_engine::core::sweep(row_id trip) {
  auto keys = redis_layout::keys_for(trip).script_keys();
  auto args = script_args(trip);
  // A failure is not retried here: it means Redis is unreachable, and the reconcile after the
  // reconnect sweeps every trip that has holds.
  auto r = co_await run(trip, redis_scripts::expire(), keys, args, false);
  (void)r;
}

// ---------------------------------------------------------------- epoch watch (strand_)

// Redis can lose its data without a disconnect (FLUSHALL, FLUSHDB, eviction under maxmemory, a
// failover to an empty replica): nothing tells the subscription, and until a trip's next event
// shows its seq going back, viewers would keep the old seq space (a new one got INITIAL_STATE
// seq 0 followed by stale history). The epoch key goes with the data, so checking it now and
// then finds the loss within an interval: the reconcile then sets a new epoch and every room
// resyncs once. One GET per interval per instance.
void redis_engine::core::schedule_epoch_check() {
  if (stopped_ || opts_.epoch_check_interval.count() <= 0) return;
  epoch_timer_.expires_after(opts_.epoch_check_interval);
  epoch_timer_.async_wait([weak = weak_from_this()](error_code ec) {
    if (ec) return;  // stopped
    if (auto self = weak.lock()) self->check_epoch();
  });
}

void redis_engine::core::check_epoch() {
  if (stopped_) return;
  // While reconnecting or reconciling, the reconcile itself refreshes the epoch.
  if (epoch_checking_ || reconcile_->running() || !first_reconcile_done_ || !conn_.connected()) {
    schedule_epoch_check();
    return;
  }
  epoch_checking_ = true;
  redis::command cmd;
  cmd.push("GET").push(redis_layout::epoch_key);
  conn_.async_exec(cmd, [weak = weak_from_this()](redis::result<redis::reply> r) {
    auto self = weak.lock();
    if (!self) return;
    asio::post(self->strand_, [self, r = std::move(r)] {
      self->epoch_checking_ = false;
      if (self->stopped_) return;
      // A failed GET says nothing about the data: the connection's own handlers deal with it.
      if (r && !r->is_error()) {
        const bool changed = !r->is_string() || r->str() != self->epoch();
        if (changed) {
          spdlog::warn("redis: the epoch key is {} (Redis lost its data): viewers resync",
                       r->is_string() ? "changed" : "gone");
          self->request_reconcile();
        }
      }
      self->schedule_epoch_check();
    });
  });
}

// ---------------------------------------------------------------- reconcile (strand_)

void redis_engine::core::request_reconcile() {
  if (!stopped_) reconcile_->request();
}

asio::awaitable<bool> redis_engine::core::reconcile_for(std::weak_ptr<core> weak) {
  auto self = weak.lock();
  if (!self || self->stopped_) co_return true;  // nothing left to reconcile for
  co_return co_await self->reconcile_once();
}

asio::awaitable<bool> redis_engine::core::reconcile_once() {
  co_await ensure_keyspace_events();
  if (!co_await refresh_epoch()) co_return false;
  auto trips = co_await trips_with_holds();
  if (!trips) co_return false;
  // Holds that fell due while we were away expire now, each published once (by whichever
  // instance's script removes it); the replies teach the index every trip's next deadline.
  for (row_id t : *trips) expiry_->enqueue(t);
  // Events published while the subscription was down are lost: every room starts over.
  if (on_resync_) on_resync_();
  if (outage_logged_.exchange(false)) spdlog::info("redis: connected again; viewers resync");
  if (!first_reconcile_done_) {
    first_reconcile_done_ = true;
    first_reconcile_.set_value();
  }
  co_return true;
}

asio::awaitable<void> redis_engine::core::ensure_keyspace_events() {
  // The seed's `CONFIG SET notify-keyspace-events Ex`, merged into whatever flags are set
  // (other users of the server may rely on theirs). Redis forgets it on restart: every
  // reconnect repeats it.
  auto current = co_await conn_.exec("CONFIG", "GET", "notify-keyspace-events");
  std::string flags;
  bool readable =
      current && current->is_array() && current->size() == 2 && (*current)[1].is_string();
  if (readable) {
    flags = (*current)[1].str();
    bool has_e = flags.find('E') != std::string::npos;
    bool has_x = flags.find('x') != std::string::npos || flags.find('A') != std::string::npos;
    if (has_e && has_x) co_return;
    if (!has_e) flags += 'E';
    if (!has_x) flags += 'x';
    auto set = co_await conn_.exec("CONFIG", "SET", "notify-keyspace-events", flags);
    if (set && set->is_status()) co_return;
    if (!set) co_return;  // the connection failed: the reconcile fails on the next step
    current = std::move(set);
  }
  if (current && current->is_error() && !config_warned_) {
    config_warned_ = true;
    spdlog::warn(
        "redis: CONFIG refused ({}): Redis's expired-key events are off; holds still "
        "expire on time through seatd's deadline timers",
        current->str());
  }
}

asio::awaitable<bool> redis_engine::core::refresh_epoch() {
  auto fresh = random_secret(8);
  auto set = co_await conn_.exec("SET", redis_layout::epoch_key, fresh, "NX");
  if (!set || set->is_error()) co_return false;
  auto got = co_await conn_.exec("GET", redis_layout::epoch_key);
  if (!got || !got->is_string()) co_return false;
  std::lock_guard lock(epoch_mutex_);
  if (epoch_ != got->str()) {
    if (first_reconcile_done_)
      spdlog::warn("redis: new epoch {} (Redis lost its data): seqs start again, viewers resync",
                   got->str());
    // The old seq space's last seqs would make the new space's first events look like seqs
    // going backwards.
    delivered_.clear();
  }
  epoch_ = got->str();
  co_return true;
}

asio::awaitable<std::optional<std::vector<row_id>>> redis_engine::core::trips_with_holds() {
  std::vector<std::string> index_keys;
  for (int shard = 0; shard < redis_layout::shard_count; ++shard)
    index_keys.push_back(redis_layout::shard_index_key(shard));
  auto launch = [this, &index_keys](std::size_t i, auto done) {
    redis::command cmd;
    cmd.push("SMEMBERS").push(index_keys[i]);
    conn_.async_exec(cmd, std::move(done));
  };
  auto all = gather(index_keys.size(), launch);
  auto out = co_await std::move(all);
  std::vector<row_id> trips;
  for (auto& r : out) {
    if (!r || !r->is_array()) co_return std::nullopt;
    for (const auto& member : r->elements()) {
      row_id trip = 0;
      const std::string& s = member.str();
      auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), trip);
      if (ec == std::errc{} && p == s.data() + s.size()) trips.push_back(trip);
    }
  }
  co_return trips;
}

// ---------------------------------------------------------------- redis_engine

redis::config redis_engine::redis_engine_config(std::string url) {
  redis::config c;
  c.url = std::move(url);
  c.command_timeout = 1000ms;
  c.connect_timeout = 1000ms;
  c.health_check_interval = 2000ms;
  c.reconnect = redis::backoff_policy{50ms, 1000ms, 0.5};
  return c;
}

redis_engine::redis_engine(asio::any_io_executor ex, const clock& clk, hold_policy policy,
                           options opts, event_sink sink, std::function<void()> on_resync)
    : core_(core::create(std::move(ex), clk, policy, std::move(opts), std::move(sink),
                         std::move(on_resync))) {}

redis_engine::~redis_engine() { core_->stop(); }

void redis_engine::start() { core_->start(); }
std::size_t redis_engine::live_holds() { return core_->live_holds(); }
void redis_engine::stop() { core_->stop(); }

asio::awaitable<result<hold>> redis_engine::take(row_id trip, int seat, row_id user) {
  return core_->take(trip, seat, user);
}
asio::awaitable<result<bool>> redis_engine::release(row_id trip, int seat, row_id user) {
  return core_->release(trip, seat, user);
}
asio::awaitable<group_outcome> redis_engine::take_group(row_id trip, std::vector<int> seats,
                                                        row_id user) {
  return core_->take_group(trip, std::move(seats), user, false);
}
asio::awaitable<group_outcome> redis_engine::take_offer(row_id trip, std::vector<int> seats,
                                                        row_id user) {
  return core_->take_group(trip, std::move(seats), user, true);
}
asio::awaitable<result<std::vector<hold>>> redis_engine::extend(row_id trip, row_id user) {
  return core_->extend(trip, user);
}
asio::awaitable<result<std::vector<int>>> redis_engine::release_all(row_id trip, row_id user) {
  return core_->release_all(trip, user);
}
asio::awaitable<pin_outcome> redis_engine::pin(row_id trip, std::vector<int> seats, row_id user) {
  return core_->pin(trip, std::move(seats), user);
}
asio::awaitable<void> redis_engine::unpin(row_id trip, std::vector<int> seats, row_id user,
                                          bool booked) {
  return core_->unpin(trip, std::move(seats), user, booked);
}
asio::awaitable<void> redis_engine::announce_freed(row_id trip, std::vector<int> seats) {
  return core_->announce_freed(trip, std::move(seats));
}
asio::awaitable<result<hold_snapshot>> redis_engine::snapshot(row_id trip) {
  return core_->snapshot(trip);
}
asio::awaitable<result<std::vector<std::size_t>>> redis_engine::held_counts(
    std::vector<row_id> trips) {
  return core_->held_counts(std::move(trips));
}
std::string redis_engine::epoch() const { return core_->epoch(); }
bool redis_engine::backend_reachable() const { return core_->reachable(); }

}  // namespace seatd
