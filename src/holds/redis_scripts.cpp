#include "holds/redis_scripts.hpp"

#include <string_view>

namespace seatd::redis_scripts {

namespace {

// Shared by every script: the key/argument names and the helpers. Times are milliseconds held
// as Lua numbers (doubles: exact far beyond any date), formatted with %.0f so they never turn
// into exponent notation.
constexpr std::string_view prelude = R"lua(
local holds, seq_key, deadlines, users, index, sold_key, cooldown_key =
  KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6], KEYS[7]
-- KEYS[8...]: the TTL keys of the seats the script is about, in the order of their seats.
local trip, now, channel = ARGV[1], tonumber(ARGV[2]), ARGV[3]
local last = 0
-- How long after a sale the take script itself refuses the seat. Only the moment until every
-- instance's trip catalog has the SEAT_BOOKED needs this guard (a fraction of a millisecond;
-- an instance whose subscription broke resyncs its catalog on return); keeping it short bounds
-- the harm of a cancellation whose ZREM never reached Redis: its seats look sold for a minute.
local sold_guard_ms = 60000
-- Lapsed holds are remembered ("seat:user" scored by when it lapsed) for the take script's
-- cool-down, and released ones ("seat:user:r:taken_ms" scored by when it was released) so that
-- a re-take by the same user goes on with the old hold's life; the key lives at most this long
-- after the last lapse or release (the longest cool-down the configuration allows), so an idle
-- trip keeps nothing.
local cooldown_keep_ms = 3600000

local function num(x) return string.format('%.0f', x) end

local function remember(member, at)
  redis.call('ZADD', cooldown_key, num(at), member)
  redis.call('ZREMRANGEBYSCORE', cooldown_key, '-inf', num(now - cooldown_keep_ms))
  redis.call('PEXPIRE', cooldown_key, cooldown_keep_ms)
end

-- A hold is "user:expires_ms:pin_until_ms:taken_ms"; pin_until 0 means not pinned; taken is
-- when the holder first took it (renewals stop at taken + the maximum lifetime). A hold written
-- before taken_ms existed counts as taken now.
local function decode(v)
  local u, e, p, t = string.match(v, '^(%d+):(%d+):(%d+):?(%d*)$')
  return u, tonumber(e), tonumber(p), tonumber(t) or now
end

local function encode(u, e, p, t) return u .. ':' .. num(e) .. ':' .. num(p) .. ':' .. num(t) end

-- One change of the trip: the next seq, announced by this same script, so the channel's order
-- is the seq order and the event exists exactly when the change does.
-- offer: a lock that is a waiting-list offer, told by a trailing flags field ("O"); other
-- events keep the six fields every instance reads (redis_event_wire.hpp).
local function publish(kind, seats, user, expires, offer)
  last = redis.call('INCR', seq_key)
  local event = kind .. '|' .. trip .. '|' .. num(last) .. '|' .. seats .. '|' .. user .. '|' ..
    expires
  if offer then event = event .. '|O' end
  redis.call('PUBLISH', channel, event)
end

local function forget(seat, user)
  redis.call('HDEL', holds, seat)
  redis.call('ZREM', deadlines, seat)
  if redis.call('HINCRBY', users, user, -1) <= 0 then redis.call('HDEL', users, user) end
end

-- The shard index lists only trips that have holds, so a reconcile visits no idle trip.
local function tidy()
  if redis.call('EXISTS', holds) == 0 then redis.call('SREM', index, trip) end
end

-- Removes the holds that are due (unpinned, deadline <= now) and announces each expiry. A pin
-- whose lease ran out (its booking never finished: the instance died mid-booking) ends: the
-- hold expires if its own deadline passed, otherwise it is an ordinary hold again. The TTL
-- keys of expired holds are left alone: they lapse by themselves at the same deadline, and
-- touching one would make Redis report its expiry as caused by us.
local function expire_due()
  local due = redis.call('ZRANGEBYSCORE', deadlines, '-inf', now)
  for _, seat in ipairs(due) do
    local v = redis.call('HGET', holds, seat)
    if not v then
      redis.call('ZREM', deadlines, seat)
    else
      local u, e, p, t = decode(v)
      if p > 0 and e > now then
        redis.call('HSET', holds, seat, encode(u, e, 0, t))
        redis.call('ZADD', deadlines, num(e), seat)
      else
        forget(seat, u)
        -- Lapsed: its holder waits out the cool-down before taking this seat again.
        remember(seat .. ':' .. u, e)
        publish('E', seat, '0', '0')
      end
    end
  end
  if #due > 0 then tidy() end
end

local function reply(...)
  local first = redis.call('ZRANGE', deadlines, 0, 0, 'WITHSCORES')
  local seat, at = 0, 0
  if #first == 2 then seat, at = tonumber(first[1]), tonumber(first[2]) end
  return {last, seat, at, ...}
end
)lua";

constexpr std::string_view take_body = R"lua(
local seat, user, ttl, max = ARGV[4], ARGV[5], tonumber(ARGV[6]), tonumber(ARGV[7])
local lifetime, cooldown = tonumber(ARGV[8] or '') or ttl, tonumber(ARGV[9] or '') or 0
expire_due()
-- A seat sold moments ago on another instance: that instance's SEAT_BOOKED may not have
-- reached this one's trip catalog yet, so the refusal must come from here, atomically.
local sold_at = redis.call('ZSCORE', sold_key, seat)
if sold_at and now - tonumber(sold_at) < sold_guard_ms then return reply('SOLD', 0) end
local v = redis.call('HGET', holds, seat)
local expires, taken
if v then
  local u, e, p, t = decode(v)
  if u ~= user or p > 0 then return reply('OCCUPIED', 0) end
  -- Renewal: never past the hold's whole-life bound, never shorter than it was.
  taken = t
  expires = math.max(e, math.min(now + ttl, t + lifetime))
else
  if tonumber(redis.call('HGET', users, user) or '0') >= max then return reply('LIMIT', 0) end
  local lapsed = redis.call('ZSCORE', cooldown_key, seat .. ':' .. user)
  if lapsed and now - tonumber(lapsed) < cooldown then return reply('COOLDOWN', 0) end
  -- Released by this user within the cool-down: the new hold goes on with the old one's life
  -- (unlock+lock must not restart the lifetime cap); past that cap it is refused like a lapse.
  -- The scan covers only the trip's lapses and releases of the last cool-down.
  taken = now
  local mine, found = seat .. ':' .. user .. ':r:', {}
  if cooldown > 0 then
    local recent = redis.call('ZRANGEBYSCORE', cooldown_key, '(' .. num(now - cooldown), '+inf')
    for _, m in ipairs(recent) do
      if string.sub(m, 1, #mine) == mine then
        found[#found + 1] = m
        taken = math.min(taken, tonumber(string.sub(m, #mine + 1)) or now)
      end
    end
  end
  if #found > 0 and taken + lifetime <= now then return reply('COOLDOWN', 0) end
  for _, m in ipairs(found) do redis.call('ZREM', cooldown_key, m) end
  redis.call('HINCRBY', users, user, 1)
  redis.call('SADD', index, trip)
  expires = math.min(now + ttl, taken + lifetime)
end
redis.call('HSET', holds, seat, encode(user, expires, 0, taken))
redis.call('ZADD', deadlines, num(expires), seat)
redis.call('SET', KEYS[8], '', 'PX', num(math.max(1, expires - now)))
publish('L', seat, user, num(expires))
return reply('OK', expires)
)lua";

// The group take: first decides every seat without changing anything (so a refusal leaves the
// trip as it was), in hold_book::take_group's order: per seat sold, then held by another; then
// the per-trip cap for the new seats together; then each new seat's cool-down. Only then
// writes, and announces one SEAT_LOCKED per distinct deadline (seats ascending).
// Holds set for a user, announced as one change per deadline: a group taken or extended at
// once has one deadline, so viewers see it as one event (take_group, extend).
constexpr std::string_view locks_helper = R"lua(
local function new_locks() return {by = {}, seen = {}} end
local function hold_until(locks, seat, key, user, expires, taken)
  redis.call('HSET', holds, seat, encode(user, expires, 0, taken))
  redis.call('ZADD', deadlines, num(expires), seat)
  redis.call('SET', key, '', 'PX', num(math.max(1, expires - now)))
  local d = num(expires)
  if not locks.by[d] then
    locks.by[d] = {}
    locks.seen[#locks.seen + 1] = expires
  end
  local list = locks.by[d]
  list[#list + 1] = seat
end
local function publish_locks(locks, user, offer)
  table.sort(locks.seen)
  for _, expires in ipairs(locks.seen) do
    publish('L', table.concat(locks.by[num(expires)], ','), user, num(expires), offer)
  end
end
)lua";

constexpr std::string_view take_group_body = R"lua(
local user, ttl, max = ARGV[4], tonumber(ARGV[5]), tonumber(ARGV[6])
local lifetime, cooldown = tonumber(ARGV[7]), tonumber(ARGV[8])
-- A waiting-list offer: no per-trip cap, no cool-down, new holds start a fresh life.
local offer = ARGV[9] == '1'
expire_due()
local plan, fresh = {}, 0
for i = 10, #ARGV do
  local seat = ARGV[i]
  local sold_at = redis.call('ZSCORE', sold_key, seat)
  if sold_at and now - tonumber(sold_at) < sold_guard_ms then
    return reply('SOLD', tonumber(seat), {})
  end
  local v = redis.call('HGET', holds, seat)
  if v then
    local u, e, p, t = decode(v)
    if u ~= user or p > 0 then return reply('OCCUPIED', tonumber(seat), {}) end
    plan[#plan + 1] = {seat = seat, key = KEYS[i - 2], renewal = true, e = e, taken = t}
  else
    plan[#plan + 1] = {seat = seat, key = KEYS[i - 2], renewal = false, taken = now, found = {}}
    fresh = fresh + 1
  end
end
if not offer and fresh > 0 and tonumber(redis.call('HGET', users, user) or '0') + fresh > max then
  return reply('LIMIT', 0, {})
end
local recent = {}
if cooldown > 0 then
  recent = redis.call('ZRANGEBYSCORE', cooldown_key, '(' .. num(now - cooldown), '+inf')
end
for _, p in ipairs(plan) do
  if not p.renewal then
    local lapse = p.seat .. ':' .. user
    local lapsed = redis.call('ZSCORE', cooldown_key, lapse)
    if lapsed and now - tonumber(lapsed) < cooldown and not offer then
      return reply('COOLDOWN', tonumber(p.seat), {})
    end
    -- Released by this user within the cool-down: it goes on with the old hold's life (as take).
    -- An offer forgets the release and the lapse instead: its hold starts afresh.
    local mine = lapse .. ':r:'
    for _, m in ipairs(recent) do
      if string.sub(m, 1, #mine) == mine then
        p.found[#p.found + 1] = m
        if not offer then p.taken = math.min(p.taken, tonumber(string.sub(m, #mine + 1)) or now) end
      end
    end
    if lapsed and offer then p.found[#p.found + 1] = lapse end
    if #p.found > 0 and p.taken + lifetime <= now then
      return reply('COOLDOWN', tonumber(p.seat), {})
    end
  end
end
local locks, out = new_locks(), {}
for _, p in ipairs(plan) do
  local expires
  if p.renewal then
    expires = math.max(p.e, math.min(now + ttl, p.taken + lifetime))
  else
    for _, m in ipairs(p.found) do redis.call('ZREM', cooldown_key, m) end
    redis.call('HINCRBY', users, user, 1)
    expires = math.min(now + ttl, p.taken + lifetime)
  end
  hold_until(locks, p.seat, p.key, user, expires, p.taken)
  out[#out + 1] = tonumber(p.seat)
  out[#out + 1] = expires
end
if fresh > 0 then redis.call('SADD', index, trip) end
publish_locks(locks, user, offer)
return reply('OK', 0, out)
)lua";

// The user's unpinned holds of the trip, ascending by seat: {seat (number), value}.
constexpr std::string_view mine_helper = R"lua(
local function holds_of(user)
  local flat, mine = redis.call('HGETALL', holds), {}
  for i = 1, #flat, 2 do
    local u, e, p, t = decode(flat[i + 1])
    if u == user and p == 0 then
      mine[#mine + 1] = {seat = tonumber(flat[i]), e = e, taken = t}
    end
  end
  table.sort(mine, function(a, b) return a.seat < b.seat end)
  return mine
end
)lua";

// "Extend at checkout": the renewal rule of take, for all the user's holds of the trip at once.
constexpr std::string_view extend_body = R"lua(
local user, ttl, lifetime, ttl_prefix = ARGV[4], tonumber(ARGV[5]), tonumber(ARGV[6]), ARGV[7]
expire_due()
local locks, out = new_locks(), {}
for _, h in ipairs(holds_of(user)) do
  local target = math.min(now + ttl, h.taken + lifetime)
  local expires = h.e
  if target > h.e then
    expires = target
    local seat = tostring(h.seat)
    hold_until(locks, seat, ttl_prefix .. seat, user, expires, h.taken)
  end
  out[#out + 1] = h.seat
  out[#out + 1] = expires
end
publish_locks(locks, user)
return reply(out)
)lua";

// Every hold of the user on the trip, released as the release script releases one.
constexpr std::string_view release_all_body = R"lua(
local user, cooldown, ttl_prefix = ARGV[4], tonumber(ARGV[5] or '') or 0, ARGV[6]
expire_due()
local out = {}
for _, h in ipairs(holds_of(user)) do
  local seat = tostring(h.seat)
  forget(seat, user)
  if cooldown > 0 then remember(seat .. ':' .. user .. ':r:' .. num(h.taken), now) end
  redis.call('DEL', ttl_prefix .. seat)
  publish('U', seat, user, '0')
  out[#out + 1] = h.seat
end
tidy()
return reply(out)
)lua";

constexpr std::string_view release_body = R"lua(
local seat, user, cooldown = ARGV[4], ARGV[5], tonumber(ARGV[6] or '') or 0
expire_due()
local v = redis.call('HGET', holds, seat)
if not v then return reply(0) end
local u, e, p, t = decode(v)
if u ~= user or p > 0 then return reply(0) end
forget(seat, u)
-- Its life is remembered for the cool-down: a re-take by this user continues it (take script).
if cooldown > 0 then remember(seat .. ':' .. user .. ':r:' .. num(t), now) end
redis.call('DEL', KEYS[8])
publish('U', seat, user, '0')
tidy()
return reply(1)
)lua";

constexpr std::string_view pin_body = R"lua(
local user, lease = ARGV[4], tonumber(ARGV[5])
expire_due()
for i = 6, #ARGV do
  local v = redis.call('HGET', holds, ARGV[i])
  local mine = false
  if v then
    local u, e, p = decode(v)
    mine = u == user and p == 0
  end
  if not mine then return reply('NOT_HOLDER', tonumber(ARGV[i])) end
end
-- The pin lasts a lease, not forever: an instance that dies mid-booking must not keep the
-- seat from everyone. The lease's end is the seat's next due time.
local pinned_until = now + lease
for i = 6, #ARGV do
  local seat = ARGV[i]
  local u, e, _, t = decode(redis.call('HGET', holds, seat))
  redis.call('HSET', holds, seat, encode(u, e, pinned_until, t))
  redis.call('ZADD', deadlines, num(pinned_until), seat)
  redis.call('SET', KEYS[i + 2], '', 'PX', num(lease))
end
return reply('OK', 0)
)lua";

constexpr std::string_view unpin_body = R"lua(
local user, booked = ARGV[4], ARGV[5] == '1'
if booked then
  -- The database sold these seats: whatever holds them is moot, and every viewer must learn
  -- it even if the holds were lost meanwhile (a pin that lapsed, a Redis that lost its data).
  expire_due()
  local sold = {}
  for i = 6, #ARGV do
    local seat = ARGV[i]
    local v = redis.call('HGET', holds, seat)
    if v then
      forget(seat, (decode(v)))
      redis.call('DEL', KEYS[i + 2])
    end
    sold[#sold + 1] = seat
    redis.call('ZADD', sold_key, num(now), seat)
  end
  redis.call('PEXPIRE', sold_key, sold_guard_ms)
  publish('B', table.concat(sold, ','), '0', '0')
  tidy()
else
  for i = 6, #ARGV do
    local seat = ARGV[i]
    local v = redis.call('HGET', holds, seat)
    if v then
      local u, e, p, t = decode(v)
      if u == user and p > 0 then
        redis.call('HSET', holds, seat, encode(u, e, 0, t))
        redis.call('ZADD', deadlines, num(e), seat)
        if e > now then redis.call('SET', KEYS[i + 2], '', 'PX', num(e - now)) end
      end
    end
  end
  -- A hold whose deadline passed while it was pinned expires now.
  expire_due()
end
return reply()
)lua";

constexpr std::string_view released_body = R"lua(
expire_due()
local seats = {}
for i = 4, #ARGV do
  seats[#seats + 1] = ARGV[i]
  redis.call('ZREM', sold_key, ARGV[i])
end
publish('R', table.concat(seats, ','), '0', '0')
return reply()
)lua";

constexpr std::string_view snapshot_body = R"lua(
expire_due()
return reply(tonumber(redis.call('GET', seq_key) or '0'), redis.call('HGETALL', holds))
)lua";

constexpr std::string_view count_body = R"lua(
expire_due()
return reply(redis.call('HLEN', holds))
)lua";

constexpr std::string_view expire_body = R"lua(
expire_due()
return reply()
)lua";

// Not a trip script: one account's holds across trips, in the account's own hash slot
// (KEYS[1] = seatd:{user:U}:holds, a ZSET of "trip:seat" scored by when the hold ends). The
// trip scripts cannot touch it (another slot), so the engine calls this beside them:
// reserve before a take, set the real deadline after a renewal, drop after a release or a
// sale. A hold that lapses is not dropped by anyone: its entry ages out at its score.
constexpr std::string_view account_body = R"lua(
local key, op, now = KEYS[1], ARGV[1], tonumber(ARGV[2])
local function keep()
  local last = redis.call('ZRANGE', key, -1, -1, 'WITHSCORES')
  if #last == 2 then
    redis.call('PEXPIRE', key, string.format('%.0f', math.max(1, tonumber(last[2]) - now + 1000)))
  end
end
redis.call('ZREMRANGEBYSCORE', key, '-inf', string.format('%.0f', now))
if op == 'reserve' then
  local max, score, member = tonumber(ARGV[3]), ARGV[4], ARGV[5]
  if redis.call('ZSCORE', key, member) then
    local old = tonumber(redis.call('ZSCORE', key, member))
    if tonumber(score) > old then redis.call('ZADD', key, score, member) end
    keep()
    return 'HAVE'
  end
  if redis.call('ZCARD', key) >= max then return 'LIMIT' end
  redis.call('ZADD', key, score, member)
  keep()
  return 'ADDED'
elseif op == 'reserve_all' then
  -- A group: all its new members fit under the cap, or none is added.
  local max, score, added = tonumber(ARGV[3]), ARGV[4], {}
  for i = 5, #ARGV do
    if not redis.call('ZSCORE', key, ARGV[i]) then added[#added + 1] = ARGV[i] end
  end
  if #added > 0 and redis.call('ZCARD', key) + #added > max then return {'LIMIT'} end
  for i = 5, #ARGV do
    local old = redis.call('ZSCORE', key, ARGV[i])
    if not old or tonumber(score) > tonumber(old) then redis.call('ZADD', key, score, ARGV[i]) end
  end
  keep()
  local answer = {'OK'}
  for _, m in ipairs(added) do answer[#answer + 1] = m end
  return answer
elseif op == 'set' then
  for i = 5, #ARGV do redis.call('ZADD', key, 'XX', ARGV[4], ARGV[i]) end
  keep()
elseif op == 'add' then
  -- Uncapped (a waiting-list offer's holds): counted from now on, whatever the account holds.
  for i = 5, #ARGV do redis.call('ZADD', key, ARGV[4], ARGV[i]) end
  keep()
else
  for i = 5, #ARGV do redis.call('ZREM', key, ARGV[i]) end
end
return 'OK'
)lua";

std::string with_prelude(std::string_view body) {
  std::string s(prelude);
  s += body;
  return s;
}

}  // namespace

const std::string& take() {
  static const std::string s = with_prelude(take_body);
  return s;
}
const std::string& release() {
  static const std::string s = with_prelude(release_body);
  return s;
}
const std::string& take_group() {
  static const std::string s =
      with_prelude(std::string(locks_helper) + std::string(take_group_body));
  return s;
}
const std::string& extend() {
  static const std::string s = with_prelude(std::string(mine_helper) +
                                            std::string(locks_helper) + std::string(extend_body));
  return s;
}
const std::string& release_all() {
  static const std::string s =
      with_prelude(std::string(mine_helper) + std::string(release_all_body));
  return s;
}
const std::string& pin() {
  static const std::string s = with_prelude(pin_body);
  return s;
}
const std::string& unpin() {
  static const std::string s = with_prelude(unpin_body);
  return s;
}
const std::string& announce_freed() {
  static const std::string s = with_prelude(released_body);
  return s;
}
const std::string& snapshot() {
  static const std::string s = with_prelude(snapshot_body);
  return s;
}
const std::string& count() {
  static const std::string s = with_prelude(count_body);
  return s;
}
const std::string& expire() {
  static const std::string s = with_prelude(expire_body);
  return s;
}
const std::string& account() {
  static const std::string s(account_body);
  return s;
}

}  // namespace seatd::redis_scripts
