#pragma once
// Where the Redis hold engine keeps what, by name.
//
// Every key of a trip carries the hash tag of the trip's shard, `{shard:N}` with
// N = trip % shard_count, and so does that shard's index of trips with holds. A script touches
// only the keys of one trip plus its shard's index: one hash slot, so every script is valid on
// Redis Cluster. (A single global "trips with holds" set would put a second slot into every
// script.) Shards spread trips over shard_count slots; the reconcile after a reconnect reads
// the shard_count index sets instead of scanning the keyspace.
//
//   seatd:{shard:17}:trips                 SET   ids of the shard's trips that have holds
//   seatd:{shard:17}:trip:42:holds         HASH  seat -> "user:expires_ms:pin_until_ms:taken_ms"
//   seatd:{shard:17}:trip:42:seq           STRING the trip's event counter (never deleted)
//   seatd:{shard:17}:trip:42:deadlines     ZSET  seat scored by when it is next due: the hold's
//                                                deadline, or the end of its pin's lease
//   seatd:{shard:17}:trip:42:users         HASH  user -> holds of the trip
//   seatd:{shard:17}:trip:42:sold          ZSET  seats the database sold in the last minute,
//                                                scored by when (the booking's last script adds
//                                                them, a cancellation removes them)
//   seatd:{shard:17}:trip:42:cooldown      ZSET  "seat:user" of lapsed holds, scored by when
//                                                they lapsed (the take script's cool-down), and
//                                                "seat:user:r:taken_ms" of released ones, scored
//                                                by when (a re-take within the cool-down keeps
//                                                taken_ms); PEXPIRE an hour after the last one
//   seatd:{user:9}:holds                   ZSET  one account's holds across trips ("trip:seat"
//                                                scored by when each ends): the per-account
//                                                cap, in the account's own slot (see
//                                                redis_scripts::account)
//   seatd:{shard:17}:trip:42:ttl:7         STRING with PX = the hold's time left: its
//                                                `expired` keyspace event is one expiry trigger
//   seatd:epoch                            STRING random id of this Redis's seq space
//   channel seatd:events:<db>              every seat event of every trip (see redis_engine)
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/model.hpp"

namespace seatd::redis_layout {

inline constexpr int shard_count = 256;
inline constexpr std::string_view epoch_key = "seatd:epoch";

int shard_of(row_id trip);
// seatd:{shard:N}:trips
std::string shard_index_key(int shard);

// The keys one script of a trip is given, in the order the scripts expect (KEYS[1..7]).
struct trip_keys {
  std::string holds, seq, deadlines, users, index, sold, cooldown;
  std::string ttl_prefix;  // + seat number = the seat's TTL key
  std::string ttl(int seat) const { return ttl_prefix + std::to_string(seat); }
  std::vector<std::string> script_keys() const {
    return {holds, seq, deadlines, users, index, sold, cooldown};
  }
};
trip_keys keys_for(row_id trip);
// seatd:{user:U}:holds — an account's holds across trips, in the account's own hash slot.
std::string account_key(row_id user);

// The pub/sub channel of seat events for a database (channels are server-wide, databases are
// not: the db number keeps two deployments on one server apart).
std::string event_channel(int db);
// The keyspace channel on which Redis announces expired keys of a database.
std::string expired_channel(int db);

// The trip of a TTL key named in an `expired` notification; nullopt for any other key.
std::optional<row_id> trip_of_ttl_key(std::string_view key);

}  // namespace seatd::redis_layout
