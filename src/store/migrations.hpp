#pragma once
// The numbered schema migrations. Version numbers are shared by every backend: the SQLite
// store applies `sqlite_sql`, the PostgreSQL store `postgres_sql` under the same version, so
// one number means the same logical schema everywhere. Applied versions are recorded in
// schema_migrations(version, applied_at). SQLite runs each step in its own transaction
// together with its record; PostgreSQL (whose DDL is transactional) runs all pending steps in
// one, so a failed step leaves the database as it was.
#include <span>
#include <string_view>

namespace seatd::sqlite {
class connection;
}
namespace seatd::pg {
class connection;
}

namespace seatd {

struct migration {
  int version;                    // 1, 2, ... in order, never reused or edited once released
  std::string_view name;          // short description for logs
  std::string_view sqlite_sql;    // one or more statements
  std::string_view postgres_sql;  // the same schema change for PostgreSQL
};

// All migrations, ascending by version.
std::span<const migration> migrations();

// Brings an SQLite database up to the latest version. Safe to run concurrently from several
// processes (each step re-checks its version under BEGIN IMMEDIATE) and on every start.
// Throws store_error when a step fails or the database is newer than this build knows.
void apply_sqlite_migrations(sqlite::connection& conn);

// Brings a PostgreSQL database up to the latest version, in one transaction that holds an
// advisory lock: instances starting at once against one database take turns, and the later
// ones find every step applied. Throws store_error when a step fails or the database is newer
// than this build knows.
void apply_postgres_migrations(pg::connection& conn);

}  // namespace seatd
