#pragma once
// Logouts reach every instance. A token revoked through one seatd must stop working on all of
// them at once, not when they next restart. The database keeps every revocation (each instance
// reads them at startup); this feed carries each new one over Redis pub/sub into the other
// instances' revocation lists, and after every (re)subscription reads the database again, so a
// revocation published while this instance's subscriber was away is not missed.
//
// One instance (no Redis) needs no feed: application makes one only with a Redis URL.
#include <boost/asio/any_io_executor.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "exec/task_group.hpp"
#include "exec/worker_pool.hpp"
#include "auth/revocation_list.hpp"
#include "domain/clock.hpp"
#include "redis/config.hpp"
#include "store/store.hpp"

namespace seatd {

// The wire form of one revocation: "<exp seconds> <jti>". Exposed for the unit tests.
std::string encode_revocation(std::string_view jti, std::int64_t exp);
struct revocation {
  std::string jti;
  std::int64_t exp = 0;
};
// nullopt for anything that is not a well-formed revocation (the channel is not trusted more
// than any other input).
std::optional<revocation> decode_revocation(std::string_view payload);

// A stored revocation's expiry as the revocation list counts it (seconds, rounded up).
std::int64_t revocation_expiry_seconds(const revoked_token& r);

class revocation_feed {
 public:
  revocation_feed(boost::asio::any_io_executor ex, redis::config cfg, store& db, worker_pool& pool,
                  auth::revocation_list& list, const clock& clk);
  ~revocation_feed();
  revocation_feed(const revocation_feed&) = delete;
  revocation_feed& operator=(const revocation_feed&) = delete;

  void start();
  void stop();
  // Publishes a revocation already in the database and in this instance's list. Fire and
  // forget: if Redis is away, the other instances read it from the database on resubscribe.
  void announce(std::string_view jti, std::int64_t exp);

 private:
  struct core;
  std::shared_ptr<core> core_;
  // Owns the short-lived coroutines (publish, re-read, count refunds): stop() ends and waits
  // for them, and an exception that escapes one is logged rather than lost.
  exec::task_group tasks_;
  bool stopped_ = false;
};

}  // namespace seatd
