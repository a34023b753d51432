#pragma once
// Thin RAII layer over the SQLite C API: a connection, its prepared statements, a transaction
// guard and a small connection pool. Every failure surfaces as sqlite_error (a store_error) so
// the store decides which SQLite codes are business outcomes (constraint violations) and which
// are real failures (I/O, corruption, SQLITE_BUSY after the timeout).
#include <sqlite3.h>

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "store/connection_pool.hpp"
#include "store/store.hpp"

namespace seatd::sqlite {

// A failed SQLite call. `code` is the extended result code (SQLITE_CONSTRAINT_UNIQUE, ...).
class sqlite_error : public store_error {
 public:
  sqlite_error(int code, const std::string& what) : store_error(what), code_(code) {}
  int code() const noexcept { return code_; }
  int primary_code() const noexcept { return code_ & 0xff; }
  bool is_constraint() const noexcept { return primary_code() == SQLITE_CONSTRAINT; }
  // UNIQUE or PRIMARY KEY: "this value exists already".
  bool is_unique_violation() const noexcept {
    return code_ == SQLITE_CONSTRAINT_UNIQUE || code_ == SQLITE_CONSTRAINT_PRIMARYKEY;
  }

 private:
  int code_;
};

// Binds NULL for an empty optional.
struct null_t {};
inline constexpr null_t null{};

class connection;

// A connection's cached compiled statement; `in_use` while a `statement` borrows it.
struct statement_slot {
  sqlite3_stmt* stmt = nullptr;
  bool in_use = false;
};

// A prepared statement borrowed from its connection's cache. Destroying it resets the
// statement and clears its bindings, so the next user of the same SQL starts clean.
// Parameters are 1-based (as in SQLite), columns 0-based.
class statement {
 public:
  statement(const statement&) = delete;
  statement& operator=(const statement&) = delete;
  statement(statement&& other) noexcept;
  statement& operator=(statement&&) = delete;
  ~statement();

  statement& bind(int index, std::int64_t v);
  statement& bind(int index, int v) { return bind(index, static_cast<std::int64_t>(v)); }
  statement& bind(int index, double v);
  statement& bind(int index, std::string_view v);
  statement& bind(int index, const std::string& v) { return bind(index, std::string_view{v}); }
  statement& bind(int index, const char* v) { return bind(index, std::string_view{v}); }
  statement& bind(int index, null_t);
  template <class T>
  statement& bind(int index, const std::optional<T>& v) {
    return v ? bind(index, *v) : bind(index, null);
  }

  // Binds the arguments to parameters 1..N in order.
  template <class... Args>
  statement& bind_all(const Args&... args) {
    int index = 0;
    (bind(++index, args), ...);
    return *this;
  }

  // Advances: true when a row is available, false when done. Throws sqlite_error.
  // Call reset() before binding new values for another run.
  bool step();
  // Runs a statement whose rows do not matter to completion, then resets it so it can be
  // bound and run again (a loop of inserts reuses one compiled statement).
  void run();
  // Makes the statement ready to run again; the old bindings are cleared.
  void reset();

  bool column_is_null(int col) const;
  std::int64_t column_int64(int col) const;
  int column_int(int col) const;
  double column_double(int col) const;
  std::string column_text(int col) const;
  std::optional<std::string> column_optional_text(int col) const;
  std::optional<int> column_optional_int(int col) const;

 private:
  friend class connection;
  statement(const connection& conn, sqlite3_stmt* stmt, statement_slot* slot) noexcept
      : conn_(&conn), stmt_(stmt), slot_(slot) {}
  void check_bind(int rc) const;

  const connection* conn_;
  sqlite3_stmt* stmt_;
  // The cache slot to hand back; null when the statement was compiled just for this use
  // (the cached one was busy), in which case it is finalized instead.
  statement_slot* slot_;
};

class connection {
 public:
  // Opens `name` with sqlite3_open_v2 `flags`, enables extended result codes and applies the
  // per-connection settings (busy_timeout, foreign_keys, synchronous, and WAL when `wal`).
  connection(const std::string& name, int flags, bool wal);
  connection(const connection&) = delete;
  connection& operator=(const connection&) = delete;
  ~connection();

  // Runs one or more SQL statements without parameters (DDL, pragmas, BEGIN/COMMIT).
  void exec(const char* sql);
  // A prepared statement for a fixed SQL text (compiled once per connection, then reused).
  statement prepare(std::string_view sql);

  std::int64_t last_insert_rowid() const;
  int changes() const;
  // False while a transaction is open.
  bool autocommit() const;
  sqlite3* handle() const noexcept { return db_; }

  // "<context>: <sqlite message>" as a sqlite_error.
  [[noreturn]] void fail(int rc, std::string_view context) const;

 private:
  sqlite3* db_ = nullptr;
  // Node-based map: a slot's address stays valid while statements point at it.
  std::unordered_map<std::string, statement_slot> cache_;
};

// BEGIN IMMEDIATE (writers: takes the write lock up front, so the busy timeout applies and
// a read never has to be upgraded mid-transaction) or BEGIN DEFERRED (consistent multi-query
// reads). Rolls back on destruction unless commit() ran.
class transaction {
 public:
  enum class mode { immediate, deferred };
  transaction(connection& conn, mode m);
  transaction(const transaction&) = delete;
  transaction& operator=(const transaction&) = delete;
  ~transaction();
  void commit();

 private:
  connection& conn_;
  bool done_ = false;
};

// SQLite connections, one caller at a time (see store/connection_pool.hpp).
using connection_pool = seatd::connection_pool<connection>;


}  // namespace seatd::sqlite
