#pragma once
// The SQLite implementation of seatd::store: embedded, the default backend.
//
// Threads: each call leases its own connection from a pool, so calls from many threads run
// at once (WAL: readers never wait for the writer). Every write runs in a BEGIN IMMEDIATE
// transaction, so writers queue on SQLite's write lock (busy_timeout 5 s) instead of failing
// when a read transaction would need upgrading; SQLITE_BUSY after the timeout is a
// store_error.
//
// Choices the interface leaves open:
//  - cancel_booking returns the ticket as it was before cancelling (status confirmed).
//  - create_booking reports errc::not_found for an unknown user as well as an unknown trip;
//    when several requested seats are taken, `seat` names the first in request order.
//  - import_schedule reports errc::invalid_input when a row breaks a database constraint
//    (e.g. a negative fare); nothing of the import is kept.
//  - compute_analytics lists only buses that have confirmed bookings.
//  - join_waitlist checks the count before the trip and the user (errc::invalid_input first).
//  - confirm_waitlist_offer writes one e-mail per call: the caller confirms an offer once.
//  - offer_waitlist_seats passes over an entry whose chooser's answer is not `count` distinct
//    free seats, as if it did not fit.
#include <cstddef>
#include <memory>
#include <string>

#include "store/sqlite_connection.hpp"
#include "store/store.hpp"

namespace seatd {

struct sqlite_options {
  // What sqlite3_open_v2 opens: a file path, or a "file:" URI when `uri` is set.
  std::string name;
  bool uri = false;
  // A shared-cache in-memory database. It exists while one connection is open, so the store
  // keeps one for its whole life; and shared-cache table locks fail at once with
  // SQLITE_LOCKED rather than waiting out busy_timeout, so such a store runs one pooled
  // connection at a time.
  bool in_memory = false;
  std::size_t max_connections = 16;
};

class sqlite_store final : public store {
 public:
  // Opens (creating if needed) the database and applies the migrations. Throws store_error.
  explicit sqlite_store(sqlite_options options);
  ~sqlite_store() override;

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
  std::unique_ptr<sqlite::connection> open_connection() const;
  // Writes a booking's e-mail to the outbox inside the caller's transaction.
  static void enqueue_mail(sqlite::connection& conn, mail_kind kind,
                           std::string_view booking_number, sys_ms now);

  sqlite_options options_;
  std::unique_ptr<sqlite::connection> keeper_;  // in-memory only: keeps the database alive
  std::unique_ptr<sqlite::connection_pool> pool_;
};

}  // namespace seatd
