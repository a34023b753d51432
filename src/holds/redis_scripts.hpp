#pragma once
// The Lua scripts of the Redis hold engine: one per operation, each atomic on the server.
//
// Every script gets the same keys and leading arguments:
//   KEYS[1] holds  KEYS[2] seq  KEYS[3] deadlines  KEYS[4] users  KEYS[5] shard index
//   KEYS[6] sold   KEYS[7] cooldown (lapsed holds, "seat:user" scored by when)
//   KEYS[8..]      the TTL keys of the seats the operation names, in argument order
//   ARGV[1] trip   ARGV[2] now (ms since the epoch, the caller's clock)  ARGV[3] event channel
// then its own arguments from ARGV[4]. Every script first expires the trip's due holds
// (expiry on access), and every change increments the trip's seq and PUBLISHes the event in
// the same script, so the channel carries each trip's events in seq order, exactly once.
//
// Every reply is an array that starts with
//   [1] the seq of the last event the script published (0: none)
//   [2] [3] the trip's next due seat and when it falls due (0 0: nothing due later)
// followed by the operation's own results (documented per script below).
#include <string>

namespace seatd::redis_scripts {

// ARGV[4] seat, [5] user, [6] ttl ms, [7] holds allowed per user per trip, [8] a hold's
// maximum lifetime ms (renewals stop at first take + this), [9] cool-down ms (a user whose
// hold on the seat lapsed less long ago is refused); KEYS[8] the seat's TTL key.
// -> ..., "OK" | "OCCUPIED" | "LIMIT" | "SOLD" | "COOLDOWN", expires ms (0 unless OK)
const std::string& take();
// A group, all or nothing: ARGV[4] user, [5] ttl ms, [6] holds allowed per user per trip, [7]
// maximum lifetime ms, [8] cool-down ms, [9] "1" for a waiting-list offer (no per-trip cap, no
// cool-down, new holds start a fresh life, events flagged "O") | "0", [10..] the seats
// (distinct, ascending); KEYS[8..] their TTL keys, in the same order. Each seat as take() would
// (a renewal for the user's own hold), the per-trip cap counting the group's new seats
// together; one SEAT_LOCKED event listing the seats per distinct deadline (one for the whole
// group unless renewals were capped).
// -> ..., "OK" | "OCCUPIED" | "LIMIT" | "SOLD" | "COOLDOWN", the seat refused (0: none, or a
//    limit), [seat, expires ms, ...] (empty unless OK)
const std::string& take_group();
// ARGV[4] user, [5] ttl ms, [6] maximum lifetime ms, [7] the trip's TTL key prefix (+ seat =
// a seat's TTL key: the user's seats are known only inside the script; the keys carry the
// trip's hash tag, so they are in its slot). Every unpinned hold of the user moves to
// min(now + ttl, taken + lifetime) when that is later; one SEAT_LOCKED per distinct new
// deadline. -> ..., [seat, expires ms, ...] of every unpinned hold of the user, by seat
const std::string& extend();
// ARGV[4] user, [5] cool-down ms, [6] the trip's TTL key prefix (as extend). Releases every
// unpinned hold of the user, as release() each (one SEAT_UNLOCKED per seat, ascending).
// -> ..., [seat, ...] released, ascending
const std::string& release_all();
// ARGV[4] seat, [5] user; KEYS[8] the seat's TTL key. -> ..., 1 released | 0 not the holder's
const std::string& release();
// ARGV[4] user, [5] pin lease ms, [6..] seats; KEYS[8..] their TTL keys.
// -> ..., "OK" | "NOT_HOLDER", the first seat not held by the user (0 when OK)
const std::string& pin();
// ARGV[4] user, [5] "1" booked | "0" not, [6..] seats; KEYS[8..] their TTL keys. -> ...
const std::string& unpin();
// ARGV[4..] seats freed by a cancellation. -> ...
const std::string& announce_freed();
// -> ..., seq, [seat, "user:expires:pin_until", ...]
const std::string& snapshot();
// -> ..., number of holds
const std::string& count();
// Only the expiry of due holds. -> ...
const std::string& expire();
// Not a trip script (no prelude, no reply head): one account's holds across trips.
// KEYS[1] the account's key; ARGV[1] "reserve" | "reserve_all" | "set" | "add" | "drop", [2] now ms,
// [3] max holds, [4] score (when the hold ends), [5..] members "trip:seat".
// reserve (one member) -> "ADDED" | "HAVE" (already counted) | "LIMIT"; reserve_all (a group,
// all or nothing) -> ["LIMIT"] | ["OK", the members added...]; set (members already counted:
// a new deadline), add (uncapped: a waiting-list offer's holds), drop -> "OK"
const std::string& account();

}  // namespace seatd::redis_scripts
