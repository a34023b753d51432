#include "holds/redis_layout.hpp"

#include <charconv>

namespace seatd::redis_layout {

namespace {

std::string shard_tag(int shard) { return "seatd:{shard:" + std::to_string(shard) + "}:"; }

bool read_number(std::string_view& s, std::int64_t& out) {
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  if (ec != std::errc{} || p == s.data()) return false;
  s.remove_prefix(std::size_t(p - s.data()));
  return true;
}

bool eat(std::string_view& s, std::string_view prefix) {
  if (!s.starts_with(prefix)) return false;
  s.remove_prefix(prefix.size());
  return true;
}

}  // namespace

int shard_of(row_id trip) {
  auto m = trip % shard_count;
  return int(m < 0 ? m + shard_count : m);
}

std::string shard_index_key(int shard) { return shard_tag(shard) + "trips"; }

trip_keys keys_for(row_id trip) {
  int shard = shard_of(trip);
  std::string base = shard_tag(shard) + "trip:" + std::to_string(trip) + ":";
  return {base + "holds", base + "seq",           base + "deadlines", base + "users",
          shard_index_key(shard), base + "sold", base + "cooldown", base + "ttl:"};
}

std::string account_key(row_id user) { return "seatd:{user:" + std::to_string(user) + "}:holds"; }

std::string event_channel(int db) { return "seatd:events:" + std::to_string(db); }

std::string expired_channel(int db) { return "__keyevent@" + std::to_string(db) + "__:expired"; }

std::optional<row_id> trip_of_ttl_key(std::string_view key) {
  // seatd:{shard:N}:trip:T:ttl:S
  std::int64_t shard = 0, trip = 0, seat = 0;
  if (!eat(key, "seatd:{shard:") || !read_number(key, shard) || !eat(key, "}:trip:") ||
      !read_number(key, trip) || !eat(key, ":ttl:") || !read_number(key, seat) || !key.empty())
    return std::nullopt;
  if (shard != shard_of(trip)) return std::nullopt;
  return trip;
}

}  // namespace seatd::redis_layout
