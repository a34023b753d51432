#pragma once
// The PostgreSQL implementation of seatd::store: for several seatd instances sharing one
// database. It behaves like sqlite_store in every method (same error codes, ordering,
// rounding and choices; see sqlite_store.hpp) and passes the same conformance suite.
//
// Concurrency: transactions run at READ COMMITTED and take explicit locks where sqlite_store
// relies on its single writer:
//  - create_booking and cancel_booking lock the trip's row first, so the seat pre-check is
//    exact and names the first taken seat in request order; the partial unique index on
//    confirmed (trip, seat) stays the final guard.
//  - a booking number is checked under an advisory lock on that number, because several rows
//    share a number and the column cannot be UNIQUE.
//  - import_schedule holds an advisory lock, so two imports cannot choose the same week.
//  - compute_analytics reads one REPEATABLE READ snapshot.
//  - the waiting list: join_waitlist and offer_waitlist_seats lock the trip's row like a
//    booking (join also the user's row, for the per-user bound), so the matching step runs once
//    at a time per trip across instances; leave_waitlist and confirm_waitlist_offer lock the
//    entry's row, so a withdrawal or a lapse comes wholly before or after them.
// A transaction the server aborts with a serialization failure (40001) or deadlock (40P01), or
// whose connection breaks before COMMIT, is run again from the start, a bounded number of
// times: in each case the server rolled the attempt back. A connection lost during COMMIT is
// a store_error (outcome unknown), never a retry.
//
// Failures: an unreachable server, a broken connection that cannot be replaced or an
// exhausted pool raise store_error within seconds (connect_timeout, pool acquire timeout), so
// the HTTP layer answers 503 rather than hanging.
#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <type_traits>

#include "store/pg_connection.hpp"
#include "store/store.hpp"

namespace seatd {

struct pg_options {
  // What libpq connects to: a postgresql:// URL or key=value string, without seatd's own
  // parameters.
  std::string conninfo;
  std::size_t pool_size = 8;
  std::chrono::seconds connect_timeout{3};
  std::chrono::milliseconds acquire_timeout{5000};
};

class pg_store final : public store {
 public:
  // Connects and applies the migrations. Throws store_error.
  explicit pg_store(pg_options options);
  ~pg_store() override;

  result<user> create_user(const new_user& u) override;
  std::optional<user> find_user_by_email(std::string_view email) override;
  std::optional<user> find_user_by_id(row_id id) override;
  result<user> promote_admin(std::string_view email, std::string_view password_hash) override;
  std::int64_t count_users() override;
  pool_stats connection_pool_stats() const override { return pool_->stats(); }
  int schema_version() override;

  std::vector<trip_summary> search_trips(std::string_view source, std::string_view destination,
                                         local_date day) override;
  std::optional<trip> find_trip(row_id id) override;
  std::vector<seat> list_seats(row_id trip_id) override;
  std::vector<std::string> list_cities() override;
  std::int64_t count_trips() override;
  std::vector<calendar_day> trip_calendar(std::string_view source, std::string_view destination,
                                          local_date from, int days, local_time now) override;
  std::vector<route_summary> list_routes(std::optional<std::string_view> source, local_time now,
                                         int limit) override;

  result<import_summary> import_schedule(const std::vector<schedule_row>& rows,
                                         local_date today, std::optional<local_date> week_of,
                                         import_options options) override;
  std::vector<schedule_week> list_schedule_weeks(local_time now, int limit) override;
  std::vector<trip_sales> list_trips_between(local_time from, local_time to, int limit) override;

  booking_outcome create_booking(const booking_request& req,
                                 const std::function<std::string()>& next_booking_number) override;
  std::vector<ticket> list_tickets(row_id user_id) override;
  std::optional<ticket> find_ticket(std::string_view booking_number) override;
  result<ticket> cancel_booking(std::string_view booking_number, sys_ms now) override;
  std::vector<ticket> list_trip_tickets(row_id trip_id) override;
  booking_page list_bookings(const booking_filter& filter) override;
  result<checkin_outcome> check_in(std::string_view booking_number, row_id trip_id,
                                   sys_ms now) override;
  std::vector<outbox_message> claim_outbox(std::string_view owner, sys_ms now,
                                           std::chrono::milliseconds lease, int limit) override;
  bool outbox_sent(row_id id, std::string_view owner, sys_ms now) override;
  bool outbox_failed(row_id id, std::string_view owner, std::string_view error,
                     std::optional<sys_ms> retry_at) override;
  std::vector<outbox_message> list_outbox(std::optional<outbox_status> status,
                                          int limit) override;
  outbox_counts count_outbox() override;
  result<outbox_message> resend_outbox(row_id id, sys_ms now) override;

  result<waitlist_entry> join_waitlist(row_id trip_id, row_id user_id, int count, sys_ms now,
                                       local_time now_local, int max_per_trip,
                                       int max_per_user) override;
  std::optional<waitlist_entry> find_waitlist_entry(row_id trip_id, row_id user_id) override;
  std::optional<waitlist_entry> find_waitlist_entry_by_id(row_id entry_id) override;
  std::optional<waitlist_entry> leave_waitlist(row_id trip_id, row_id user_id) override;
  std::vector<waitlist_offer> offer_waitlist_seats(row_id trip_id, const std::vector<int>& held,
                                                   sys_ms now, local_time now_local,
                                                   std::chrono::milliseconds window,
                                                   const seat_chooser& choose) override;
  bool withdraw_waitlist_offer(row_id entry_id, sys_ms offer_expires_at) override;
  bool confirm_waitlist_offer(row_id entry_id, sys_ms offer_expires_at, sys_ms now) override;
  std::vector<row_id> trips_to_match(sys_ms now, local_time now_local, int limit) override;
  std::optional<waitlist_offer_mail> waitlist_offer_details(row_id entry_id) override;

  analytics compute_analytics(local_date today) override;

  void revoke_token(std::string_view token_id, sys_ms expires_at) override;
  std::vector<revoked_token> prune_and_list_revocations(sys_ms now) override;
  bool end_sessions(row_id user_id, sys_ms at) override;
  bool set_trip_ladies_rule(row_id trip_id, bool enabled) override;

 private:
  // Writes a booking's e-mail to the outbox inside the caller's transaction.
  static void enqueue_mail(pg::connection& conn, mail_kind kind, std::string_view booking_number,
                           sys_ms now);
  // Runs `work(connection&)` on a pooled connection, again when the attempt failed in a way
  // that rolled it back (see above).
  template <class F>
  std::invoke_result_t<F&, pg::connection&> run(F&& work);

  std::unique_ptr<pg::connection_pool> pool_;
};

}  // namespace seatd
