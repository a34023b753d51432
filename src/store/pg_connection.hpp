#pragma once
// Thin RAII layer over libpq: a connection with a per-connection prepared-statement cache,
// query results, a transaction guard and a bounded connection pool. Every failure surfaces as
// pg_error (a store_error) carrying the server's SQLSTATE, so the store decides which codes
// are business outcomes (unique violations, CHECK failures), which are worth a retry
// (serialization failures, deadlocks, a connection lost before COMMIT) and which are real
// failures (everything else: the HTTP layer answers 503).
//
// Values travel as text-format parameters ($1, $2, ...): SQL text never contains data.
#include <libpq-fe.h>

#include <chrono>
#include <concepts>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_map>
#include <utility>
#include <vector>

#include "store/store.hpp"

#include "store/connection_pool.hpp"

namespace seatd::pg {

// A failed libpq call or SQL statement.
class pg_error : public store_error {
 public:
  pg_error(const std::string& what, std::string sqlstate, std::string constraint,
           bool connection_lost)
      : store_error(what),
        sqlstate_(std::move(sqlstate)),
        constraint_(std::move(constraint)),
        connection_lost_(connection_lost) {}

  // Five-character SQLSTATE ("23505"); empty when the failure happened on the client side.
  const std::string& sqlstate() const noexcept { return sqlstate_; }
  // The violated constraint or index, for integrity violations.
  const std::string& constraint() const noexcept { return constraint_; }
  // The connection broke: the server has rolled back whatever transaction was open on it.
  bool connection_lost() const noexcept { return connection_lost_; }

  bool is_unique_violation() const noexcept { return sqlstate_ == "23505"; }
  // Class 23: NOT NULL, CHECK, UNIQUE, FOREIGN KEY ...
  bool is_integrity_violation() const noexcept { return sqlstate_.starts_with("23"); }
  // Class 22: a value the column type cannot hold (out of range, invalid encoding ...).
  bool is_data_exception() const noexcept { return sqlstate_.starts_with("22"); }
  // Outcomes where running the whole transaction again is the documented remedy.
  bool is_serialization_conflict() const noexcept {
    return sqlstate_ == "40001" || sqlstate_ == "40P01";
  }

 private:
  std::string sqlstate_;
  std::string constraint_;
  bool connection_lost_;
};

// One text-format parameter; nullopt is SQL NULL.
using param = std::optional<std::string>;

param to_param(std::string_view v);
inline param to_param(const std::string& v) { return to_param(std::string_view{v}); }
inline param to_param(const char* v) { return to_param(std::string_view{v}); }
inline param to_param(bool v) { return std::string(v ? "true" : "false"); }
inline param to_param(std::nullopt_t) { return std::nullopt; }
template <std::integral T>
requires(!std::same_as<T, bool>) param to_param(T v) { return std::to_string(v); }
template <class T>
param to_param(const std::optional<T>& v) {
  return v ? to_param(*v) : param{};
}

// A query result: rows of text values. Rows and columns are 0-based.
class result_set {
 public:
  explicit result_set(PGresult* res) noexcept : res_(res) {}
  result_set(result_set&& other) noexcept : res_(std::exchange(other.res_, nullptr)) {}
  result_set& operator=(result_set&& other) noexcept;
  result_set(const result_set&) = delete;
  result_set& operator=(const result_set&) = delete;
  ~result_set();

  int rows() const noexcept;

  bool is_null(int row, int col) const;
  std::string_view text(int row, int col) const;
  std::int64_t int64(int row, int col) const;
  int int32(int row, int col) const;
  double float64(int row, int col) const;
  bool boolean(int row, int col) const;
  std::optional<std::string> optional_text(int row, int col) const;
  std::optional<int> optional_int32(int row, int col) const;

 private:
  [[noreturn]] void bad_value(int row, int col, std::string_view wanted) const;
  PGresult* res_;
};

struct connect_options {
  // A libpq connection string or postgresql:// URI.
  std::string conninfo;
  // Applied unless the conninfo sets its own: an unreachable server fails fast.
  std::chrono::seconds connect_timeout{3};
};

class connection {
 public:
  // Connects and sets the session up (DateStyle ISO, so timestamps read back as
  // "YYYY-MM-DD HH:MM:SS"). Throws pg_error when the server cannot be reached.
  explicit connection(const connect_options& options);
  connection(const connection&) = delete;
  connection& operator=(const connection&) = delete;
  ~connection();

  // Runs constant SQL without parameters: BEGIN/COMMIT and migration scripts (which may hold
  // several statements, something only the simple-query protocol accepts).
  void exec(const char* sql);

  // Runs `sql` with the arguments as $1..$N. Each distinct SQL text is prepared once per
  // connection and reused.
  template <class... Args>
  result_set query(std::string_view sql, const Args&... args) {
    const std::vector<param> params{to_param(args)...};
    return query_params(sql, params);
  }
  result_set query_params(std::string_view sql, const std::vector<param>& params);

  // True when the connection still works as far as can be told without a round trip: libpq
  // says it is fine and the server has not closed it (a terminated backend or a server shut
  // down sends a goodbye and closes the socket, which this reads).
  bool usable();
  // True while a transaction is open (or failed and not yet rolled back).
  bool in_transaction() const;
  PGconn* handle() const noexcept { return conn_; }

 private:
  // Throws the error `res` (or, without a result, the connection) reports.
  [[noreturn]] void fail(const PGresult* res, std::string_view context) const;
  // Checks a result: returns it when the statement succeeded, throws otherwise.
  result_set checked(PGresult* res, std::string_view context) const;

  PGconn* conn_ = nullptr;
  std::unordered_map<std::string, std::string> prepared_;  // SQL text -> statement name
};

// BEGIN (with an optional isolation clause, e.g. "ISOLATION LEVEL REPEATABLE READ READ ONLY").
// Rolls back on destruction unless commit() ran.
class transaction {
 public:
  explicit transaction(connection& conn, const char* begin_sql = "BEGIN");
  transaction(const transaction&) = delete;
  transaction& operator=(const transaction&) = delete;
  ~transaction();
  // COMMIT. When the connection breaks during COMMIT the outcome is unknown: that is thrown as
  // a plain store_error, never as a retryable pg_error, so nobody runs the work twice.
  void commit();

 private:
  connection& conn_;
  bool done_ = false;
};

struct pool_options {
  connect_options connect;
  std::size_t max_size = 8;
  // How long acquire() waits for a busy pool before giving up with store_error.
  std::chrono::milliseconds acquire_timeout{5000};
};

// PostgreSQL connections, one caller at a time (see store/connection_pool.hpp). An idle
// connection that broke is replaced; one that comes back inside a transaction it cannot roll
// back, or broken, is closed, so the next caller gets a fresh one.
class connection_pool : public seatd::connection_pool<connection> {
 public:
  explicit connection_pool(pool_options options);
};


}  // namespace seatd::pg
