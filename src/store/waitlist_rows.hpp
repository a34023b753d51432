#pragma once
// What sqlite_store and pg_store share of the waiting list (issue 16): its SQL, written once
// with `@N` parameters that waitlist_sql() spells in the store's dialect (?N, $N); how a row
// becomes a waitlist_entry; and the matching step's choice of offers, which does not touch the
// database. Each store runs the statements under its own lock (SQLite's write lock, the trip
// row FOR UPDATE on PostgreSQL).
#include <string>
#include <string_view>
#include <vector>

#include "domain/model.hpp"
#include "store/store.hpp"
#include "store/ticket_rows.hpp"

namespace seatd::rows {

// `sql` with every '@' replaced by `mark` ('?' for SQLite, '$' for PostgreSQL).
std::string waitlist_sql(std::string_view sql, char mark);

// The seats of an offer as stored in waitlist.offered_seats: "3,4" (ascending), and back.
std::string format_seat_list(const std::vector<int>& seats);
std::vector<int> parse_seat_list(std::string_view text);

// ---- entries: read_waitlist_entry matches waitlist_select (no parameters)

// The position counts the trip's active entries ahead in queue order (joined_at, then id) and
// the entry itself; an entry no longer active has none.
inline constexpr std::string_view waitlist_select = R"sql(
SELECT w.id, w.trip_id, w.user_id, w.seat_count, w.status, w.joined_at, w.offered_seats,
       w.offer_expires_at, w.offers,
       CASE WHEN w.status IN ('waiting', 'offered') THEN
         (SELECT count(*) FROM waitlist q
          WHERE q.trip_id = w.trip_id AND q.status IN ('waiting', 'offered')
            AND (q.joined_at < w.joined_at OR (q.joined_at = w.joined_at AND q.id <= w.id)))
       ELSE 0 END
FROM waitlist w
)sql";

waitlist_status parse_waitlist_status(std::string_view s);

template <class Row>
waitlist_entry read_waitlist_entry(const Row& r) {
  waitlist_entry e;
  e.id = r.int64(0);
  e.trip_id = r.int64(1);
  e.user_id = r.int64(2);
  e.count = r.int32(3);
  e.status = parse_waitlist_status(r.text(4));
  e.joined_at = sys_ms{std::chrono::milliseconds{r.int64(5)}};
  e.offered_seats = parse_seat_list(r.text(6));
  if (auto expires = r.optional_text(7)) e.offer_expires_at = parse_ms(*expires);
  e.offers = r.int32(8);
  e.position = r.int32(9);
  return e;
}

// ---- statements (`@N` parameters: spell them with waitlist_sql)

// join_waitlist: @1 trip, @2 user.
inline constexpr std::string_view waitlist_active_of_user =
    "w.trip_id = @1 AND w.user_id = @2 AND w.status IN ('waiting', 'offered')";
// @1 trip: its active entries.
inline constexpr std::string_view waitlist_count_on_trip =
    "SELECT count(*) FROM waitlist WHERE trip_id = @1 AND status IN ('waiting', 'offered')";
// @1 user, @2 now_local (ISO): the user's active entries on trips that have not departed.
inline constexpr std::string_view waitlist_count_of_user = R"sql(
SELECT count(*) FROM waitlist w JOIN trips t ON t.id = w.trip_id
WHERE w.user_id = @1 AND w.status IN ('waiting', 'offered') AND t.departure_time > @2)sql";
// @1 trip, @2 user, @3 seat count, @4 joined_at (ms).
inline constexpr std::string_view waitlist_insert =
    "INSERT INTO waitlist(trip_id, user_id, seat_count, joined_at) VALUES (@1, @2, @3, @4)";
// @1 entry.
inline constexpr std::string_view waitlist_leave =
    "UPDATE waitlist SET status = 'left' WHERE id = @1";

// The matching step, in this order. @1 trip, @2 now (ms): offers that ran out.
inline constexpr std::string_view waitlist_lapse_expired = R"sql(
UPDATE waitlist SET status = 'lapsed'
WHERE trip_id = @1 AND status = 'offered' AND offer_expires_at <= @2)sql";
// @1 trip: its seats not in a confirmed booking (as list_seats and create_booking see them).
inline constexpr std::string_view waitlist_unsold_seats = R"sql(
SELECT s.seat_number FROM seats s
WHERE s.trip_id = @1
  AND NOT EXISTS (SELECT 1 FROM bookings bk WHERE bk.trip_id = s.trip_id
                  AND bk.seat_number = s.seat_number AND bk.status = 'confirmed')
ORDER BY s.seat_number)sql";
// @1 trip: the offers still running (after waitlist_lapse_expired): id, seats, deadline (ms).
inline constexpr std::string_view waitlist_running_offers =
    "SELECT id, offered_seats, offer_expires_at FROM waitlist WHERE trip_id = @1 AND status = 'offered'";
// @1 entry: an offer given up (abandoned_offers) leaves the queue as a lapsed one does.
inline constexpr std::string_view waitlist_lapse_entry =
    "UPDATE waitlist SET status = 'lapsed' WHERE id = @1 AND status = 'offered'";
// @1 trip: id, user and seat count of the waiting entries, in queue order.
inline constexpr std::string_view waitlist_queue = R"sql(
SELECT id, user_id, seat_count FROM waitlist WHERE trip_id = @1 AND status = 'waiting'
ORDER BY joined_at, id)sql";
// @1 entry, @2 seats ("3,4"), @3 offer_expires_at (ms).
inline constexpr std::string_view waitlist_make_offer = R"sql(
UPDATE waitlist SET status = 'offered', offered_seats = @2, offer_expires_at = @3,
                    offers = offers + 1
WHERE id = @1 AND status = 'waiting')sql";

// @1 entry, @2 offer_expires_at (ms): back in the queue, in its old place (joined_at stays).
inline constexpr std::string_view waitlist_withdraw = R"sql(
UPDATE waitlist SET status = 'waiting', offered_seats = '', offer_expires_at = NULL
WHERE id = @1 AND status = 'offered' AND offer_expires_at = @2)sql";
// @1 entry, @2 now (ms): the offer's e-mail, in the caller's transaction.
inline constexpr std::string_view waitlist_enqueue_offer_mail = R"sql(
INSERT INTO outbox(kind, booking_number, waitlist_id, created_at, next_attempt_at)
VALUES ('waitlist_offer', '', @1, @2, @2))sql";
// @1 now (ms), @2 now_local (ISO), @3 limit.
inline constexpr std::string_view waitlist_trips_to_match = R"sql(
SELECT DISTINCT w.trip_id FROM waitlist w JOIN trips t ON t.id = w.trip_id
WHERE (w.status = 'waiting' OR (w.status = 'offered' AND w.offer_expires_at <= @1))
  AND t.departure_time > @2
ORDER BY w.trip_id LIMIT @3)sql";
// @1 trip, @2 user: create_booking, in the booking's transaction.
inline constexpr std::string_view waitlist_accept = R"sql(
UPDATE waitlist SET status = 'accepted'
WHERE trip_id = @1 AND user_id = @2 AND status = 'offered')sql";

// ---- the matching step's choice, apart from the database

struct running_offer {
  row_id id = 0;
  std::string seats;  // "3,4"
  sys_ms expires_at{};
};

// An offer made this long ago has had its seats held (the take follows the matching step by
// milliseconds): when they are not held any more, the traveller released them or the hold
// engine lost them. Younger offers may still be on their way to the engine.
inline constexpr std::chrono::milliseconds offer_hold_grace{std::chrono::seconds(10)};

// Takes out of `running` the offers whose seats are not all in `held` although they were made
// (expires_at - window) at least offer_hold_grace before `now`: the traveller gave them up
// (released the held seats) or the hold engine lost them (Redis restarted empty). Their ids,
// for the caller to lapse: the seats go to the next in line now rather than at the deadline.
std::vector<row_id> abandoned_offers(std::vector<running_offer>& running,
                                     const std::vector<int>& held, sys_ms now,
                                     std::chrono::milliseconds window);

// The seats an offer may use: `unsold` minus `held` minus the seats of `running` offers,
// ascending.
std::vector<int> waitlist_free_seats(const std::vector<int>& unsold, const std::vector<int>& held,
                                     const std::vector<running_offer>& running);

struct queued_entry {
  row_id id = 0;
  row_id user_id = 0;
  int count = 1;
};
struct chosen_offer {
  row_id entry_id = 0;
  row_id user_id = 0;
  std::vector<int> seats;  // ascending
};
// Walks `queue` (queue order): each entry whose count fits in `free` gets choose(free, count)
// and those seats leave `free`; one that does not fit is passed over. Stops when free is empty.
// A chooser's answer that is not `count` distinct seats of `free` counts as not fitting.
std::vector<chosen_offer> choose_waitlist_offers(std::vector<int> free,
                                                 const std::vector<queued_entry>& queue,
                                                 const store::seat_chooser& choose);

}  // namespace seatd::rows
