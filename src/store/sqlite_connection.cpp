#include "store/sqlite_connection.hpp"

#include <limits>
#include <utility>

namespace seatd::sqlite {

// ---- statement

statement::statement(statement&& other) noexcept
    : conn_(other.conn_), stmt_(std::exchange(other.stmt_, nullptr)), slot_(other.slot_) {}

statement::~statement() {
  if (!stmt_) return;
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
  if (slot_)
    slot_->in_use = false;
  else
    sqlite3_finalize(stmt_);
}

void statement::check_bind(int rc) const {
  if (rc != SQLITE_OK) conn_->fail(rc, "bind");
}

statement& statement::bind(int index, std::int64_t v) {
  check_bind(sqlite3_bind_int64(stmt_, index, v));
  return *this;
}

statement& statement::bind(int index, double v) {
  check_bind(sqlite3_bind_double(stmt_, index, v));
  return *this;
}

statement& statement::bind(int index, std::string_view v) {
  // SQLITE_TRANSIENT: SQLite copies the text, so the caller's buffer may go away before step().
  check_bind(sqlite3_bind_text64(stmt_, index, v.data(), v.size(), SQLITE_TRANSIENT, SQLITE_UTF8));
  return *this;
}

statement& statement::bind(int index, null_t) {
  check_bind(sqlite3_bind_null(stmt_, index));
  return *this;
}

bool statement::step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  // Reset now so the statement releases its locks even if the caller keeps the handle.
  sqlite3_reset(stmt_);
  conn_->fail(rc, sqlite3_sql(stmt_));
}

void statement::run() {
  while (step()) {
  }
  sqlite3_reset(stmt_);
}

void statement::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

bool statement::column_is_null(int col) const {
  return sqlite3_column_type(stmt_, col) == SQLITE_NULL;
}

std::int64_t statement::column_int64(int col) const { return sqlite3_column_int64(stmt_, col); }

int statement::column_int(int col) const {
  std::int64_t v = sqlite3_column_int64(stmt_, col);
  if (v < std::numeric_limits<int>::min() || v > std::numeric_limits<int>::max())
    throw store_error("integer column out of range in " + std::string(sqlite3_sql(stmt_)));
  return static_cast<int>(v);
}

double statement::column_double(int col) const { return sqlite3_column_double(stmt_, col); }

std::string statement::column_text(int col) const {
  const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, col));
  if (!p) return {};
  return std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, col)));
}

std::optional<std::string> statement::column_optional_text(int col) const {
  if (column_is_null(col)) return std::nullopt;
  return column_text(col);
}

std::optional<int> statement::column_optional_int(int col) const {
  if (column_is_null(col)) return std::nullopt;
  return column_int(col);
}

// ---- connection

connection::connection(const std::string& name, int flags, bool wal) {
  int rc = sqlite3_open_v2(name.c_str(), &db_, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = "cannot open SQLite database '" + name +
                      "': " + (db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc));
    sqlite3_close(db_);  // open_v2 allocates a handle even on failure
    throw sqlite_error(rc, msg);
  }
  sqlite3_extended_result_codes(db_, 1);
  try {
    sqlite3_busy_timeout(db_, 5000);
    // WAL lets readers run while one writer commits; NORMAL sync is durable across
    // application crashes in WAL mode and much cheaper than FULL.
    if (wal) exec("PRAGMA journal_mode=WAL");
    exec("PRAGMA foreign_keys=ON; PRAGMA synchronous=NORMAL");
  } catch (...) {
    sqlite3_close(db_);
    throw;
  }
}

connection::~connection() {
  for (auto& [sql, slot] : cache_) sqlite3_finalize(slot.stmt);
  sqlite3_close(db_);
}

void connection::fail(int rc, std::string_view context) const {
  std::string msg(context);
  msg += ": ";
  msg += sqlite3_errmsg(db_);
  // errmsg may describe a later call on this handle; the code passed in is authoritative.
  if (sqlite3_extended_errcode(db_) != rc) {
    msg += " (";
    msg += sqlite3_errstr(rc);
    msg += ')';
  }
  throw sqlite_error(rc, msg);
}

void connection::exec(const char* sql) {
  char* err = nullptr;
  int rc = sqlite3_exec(db_, sql, nullptr, nullptr, &err);
  if (rc != SQLITE_OK) {
    std::string msg = std::string(sql).substr(0, 80) + ": " + (err ? err : sqlite3_errstr(rc));
    sqlite3_free(err);
    throw sqlite_error(sqlite3_extended_errcode(db_), msg);
  }
}

statement connection::prepare(std::string_view sql) {
  auto [it, inserted] = cache_.try_emplace(std::string(sql));
  statement_slot& slot = it->second;
  if (!inserted && !slot.in_use) {
    slot.in_use = true;
    return statement(*this, slot.stmt, &slot);
  }
  sqlite3_stmt* stmt = nullptr;
  // PERSISTENT hints SQLite that the cached statement lives long (different allocator).
  unsigned flags = inserted ? SQLITE_PREPARE_PERSISTENT : 0;
  int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()), flags, &stmt, nullptr);
  if (rc != SQLITE_OK) {
    if (inserted) cache_.erase(it);
    fail(rc, sql);
  }
  if (!inserted) return statement(*this, stmt, nullptr);  // nested use of the same SQL
  slot.stmt = stmt;
  slot.in_use = true;
  return statement(*this, stmt, &slot);
}

std::int64_t connection::last_insert_rowid() const { return sqlite3_last_insert_rowid(db_); }

int connection::changes() const { return sqlite3_changes(db_); }

bool connection::autocommit() const { return sqlite3_get_autocommit(db_) != 0; }

// ---- transaction

transaction::transaction(connection& conn, mode m) : conn_(conn) {
  conn_.exec(m == mode::immediate ? "BEGIN IMMEDIATE" : "BEGIN DEFERRED");
}

transaction::~transaction() {
  if (done_) return;
  // A failed statement may already have rolled SQLite back (e.g. SQLITE_FULL); only roll
  // back what is still open. Errors here cannot be reported from a destructor: the pool
  // discards a connection that is left inside a transaction.
  if (!conn_.autocommit()) sqlite3_exec(conn_.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
}

void transaction::commit() {
  conn_.exec("COMMIT");
  done_ = true;
}

}  // namespace seatd::sqlite
