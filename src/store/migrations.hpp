#pragma once
// The numbered schema migrations. Version numbers are shared by every backend: the SQLite
// store applies `sqlite_sql`, and a PostgreSQL store applies its own SQL under the same
// version, so one number means the same logical schema everywhere. Applied versions are
// recorded in schema_migrations(version, applied_at); each step runs in its own transaction
// together with its record, so a failed step leaves the database at the previous version.
#include <span>
#include <string_view>

namespace seatd::sqlite {
class connection;
}

namespace seatd {

struct migration {
  int version;                  // 1, 2, ... in order, never reused or edited once released
  std::string_view name;        // short description for logs
  std::string_view sqlite_sql;  // one or more statements
};

// All migrations, ascending by version.
std::span<const migration> migrations();

// Brings an SQLite database up to the latest version. Safe to run concurrently from several
// processes (each step re-checks its version under BEGIN IMMEDIATE) and on every start.
// Throws store_error when a step fails or the database is newer than this build knows.
void apply_sqlite_migrations(sqlite::connection& conn);

}  // namespace seatd
