#include "store/pg_connection.hpp"

#include <charconv>
#include <limits>

namespace seatd::pg {
namespace {

// libpq messages end in a newline (and may hold several lines); one line reads better in logs.
std::string one_line(std::string_view msg) {
  while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.remove_suffix(1);
  std::string out(msg);
  for (char& c : out)
    if (c == '\n') c = ' ';
  return out;
}

std::string field(const PGresult* res, int code) {
  const char* v = res ? PQresultErrorField(res, code) : nullptr;
  return v ? std::string(v) : std::string();
}

}  // namespace

param to_param(std::string_view v) {
  // Text-format parameters are C strings: a NUL would silently cut the value short, and
  // PostgreSQL text cannot hold one anyway. 22021 is what the server reports for it.
  if (v.find('\0') != std::string_view::npos)
    throw pg_error("text value contains a NUL byte", "22021", "", false);
  return std::string(v);
}

// ---- result

result_set& result_set::operator=(result_set&& other) noexcept {
  if (this != &other) {
    PQclear(res_);
    res_ = std::exchange(other.res_, nullptr);
  }
  return *this;
}

result_set::~result_set() { PQclear(res_); }

int result_set::rows() const noexcept { return PQntuples(res_); }

bool result_set::is_null(int row, int col) const { return PQgetisnull(res_, row, col) != 0; }

std::string_view result_set::text(int row, int col) const {
  return {PQgetvalue(res_, row, col), static_cast<std::size_t>(PQgetlength(res_, row, col))};
}

void result_set::bad_value(int row, int col, std::string_view wanted) const {
  throw store_error("column " + std::string(PQfname(res_, col)) + " holds '" +
                    std::string(text(row, col)) + "', expected " + std::string(wanted));
}

std::int64_t result_set::int64(int row, int col) const {
  std::string_view s = text(row, col);
  std::int64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (is_null(row, col) || ec != std::errc{} || end != s.data() + s.size())
    bad_value(row, col, "an integer");
  return v;
}

int result_set::int32(int row, int col) const {
  std::int64_t v = int64(row, col);
  if (v < std::numeric_limits<int>::min() || v > std::numeric_limits<int>::max())
    bad_value(row, col, "a 32-bit integer");
  return static_cast<int>(v);
}

double result_set::float64(int row, int col) const {
  // numeric (what sum(bigint) returns) arrives as decimal text, which from_chars reads.
  std::string_view s = text(row, col);
  double v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (is_null(row, col) || ec != std::errc{} || end != s.data() + s.size())
    bad_value(row, col, "a number");
  return v;
}

bool result_set::boolean(int row, int col) const {
  std::string_view s = text(row, col);
  if (s == "t") return true;
  if (s == "f") return false;
  bad_value(row, col, "a boolean");
}

std::optional<std::string> result_set::optional_text(int row, int col) const {
  if (is_null(row, col)) return std::nullopt;
  return std::string(text(row, col));
}

std::optional<int> result_set::optional_int32(int row, int col) const {
  if (is_null(row, col)) return std::nullopt;
  return int32(row, col);
}

// ---- connection

connection::connection(const connect_options& options) {
  const std::string timeout = std::to_string(options.connect_timeout.count());
  // Keywords are applied in order and the expanded dbname (the URL) comes last, so anything
  // the URL sets itself wins over these defaults.
  // The keepalive and TCP timeouts turn a server that vanished from the network (no RST, no
  // FIN) into an error within seconds instead of a request that hangs until the kernel gives
  // up; they do not apply to Unix sockets.
  const char* keys[] = {"connect_timeout",
                        "client_encoding",
                        "fallback_application_name",
                        "keepalives_idle",
                        "keepalives_interval",
                        "keepalives_count",
                        "tcp_user_timeout",
                        "dbname",
                        nullptr};
  const char* values[] = {timeout.c_str(),          "UTF8", "seatd", "5", "2", "3", "10000",
                          options.conninfo.c_str(), nullptr};
  conn_ = PQconnectdbParams(keys, values, /*expand_dbname=*/1);
  if (!conn_) throw pg_error("cannot connect to PostgreSQL: out of memory", "08001", "", false);
  if (PQstatus(conn_) != CONNECTION_OK) {
    std::string msg = "cannot connect to PostgreSQL: " + one_line(PQerrorMessage(conn_));
    PQfinish(conn_);
    // Not `connection_lost`: nothing was running on it, and retrying a refused connection at
    // once would only delay the 503 an outage has to produce.
    throw pg_error(msg, "08001", "", false);
  }
  // Notices ("relation already exists, skipping", a terminated session's goodbye read while
  // idle) are not errors; libpq would print them to stderr.
  PQsetNoticeProcessor(
      conn_, [](void*, const char*) {}, nullptr);
  try {
    // The store reads timestamps back as text and parses "YYYY-MM-DD HH:MM:SS"; a server or
    // role configured for another DateStyle must not change that.
    exec("SET DateStyle = 'ISO, YMD'");
  } catch (...) {
    PQfinish(conn_);
    throw;
  }
}

connection::~connection() { PQfinish(conn_); }

void connection::fail(const PGresult* res, std::string_view context) const {
  std::string msg(context.substr(0, 120));
  msg += ": ";
  const char* detail = res ? PQresultErrorMessage(res) : nullptr;
  msg += one_line(detail && *detail ? detail : PQerrorMessage(conn_));
  throw pg_error(msg, field(res, PG_DIAG_SQLSTATE), field(res, PG_DIAG_CONSTRAINT_NAME),
                 PQstatus(conn_) == CONNECTION_BAD);
}

result_set connection::checked(PGresult* res, std::string_view context) const {
  result_set owned(res);  // cleared on every path, including the throw below
  ExecStatusType status = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) fail(res, context);
  return owned;
}

void connection::exec(const char* sql) { checked(PQexec(conn_, sql), sql); }

result_set connection::query_params(std::string_view sql, const std::vector<param>& params) {
  auto it = prepared_.find(std::string(sql));
  if (it == prepared_.end()) {
    std::string name = "seatd_" + std::to_string(prepared_.size() + 1);
    std::string text(sql);
    // Parameter types are inferred by the server from how each $n is used.
    checked(PQprepare(conn_, name.c_str(), text.c_str(), 0, nullptr), sql);
    it = prepared_.emplace(std::move(text), std::move(name)).first;
  }
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const param& p : params) values.push_back(p ? p->c_str() : nullptr);
  return checked(PQexecPrepared(conn_, it->second.c_str(), static_cast<int>(values.size()),
                                values.data(), nullptr, nullptr, 0),
                 sql);
}

bool connection::usable() {
  if (PQstatus(conn_) != CONNECTION_OK) return false;
  // The socket is non-blocking inside libpq, so these reads never wait. The first may only
  // pick up the server's goodbye message; the second then sees the end of the stream, which
  // marks the connection bad.
  for (int i = 0; i < 2; ++i)
    if (!PQconsumeInput(conn_)) return false;
  return PQstatus(conn_) == CONNECTION_OK && PQtransactionStatus(conn_) == PQTRANS_IDLE;
}

bool connection::in_transaction() const { return PQtransactionStatus(conn_) != PQTRANS_IDLE; }

// ---- transaction

transaction::transaction(connection& conn, const char* begin_sql) : conn_(conn) {
  conn_.exec(begin_sql);
}

transaction::~transaction() {
  if (done_) return;
  // Errors cannot be reported from a destructor: a connection left inside a transaction (or
  // broken) is dropped by the pool instead of being reused.
  if (PQstatus(conn_.handle()) == CONNECTION_OK && conn_.in_transaction())
    PQclear(PQexec(conn_.handle(), "ROLLBACK"));
}

void transaction::commit() {
  // COMMIT of a transaction that already failed answers "ROLLBACK" without an error; refuse
  // it rather than report success.
  if (PQtransactionStatus(conn_.handle()) == PQTRANS_INERROR)
    throw pg_error("COMMIT of a failed transaction", "25P02", "", false);
  try {
    conn_.exec("COMMIT");
  } catch (const pg_error& e) {
    if (e.connection_lost())
      throw store_error(std::string("connection lost during COMMIT, outcome unknown: ") + e.what());
    throw;
  }
  done_ = true;
}

// ---- connection_pool

namespace {
seatd::connection_pool<connection>::hooks pg_hooks(const connect_options& connect) {
  seatd::connection_pool<connection>::hooks h;
  h.open = [connect] { return std::make_unique<connection>(connect); };
  h.usable = [](connection& c) { return c.usable(); };
  h.recycle = [](connection& c) {
    // A connection still inside a transaction would poison its next user: roll back, and drop
    // it if that does not work (or if it broke).
    if (PQstatus(c.handle()) == CONNECTION_OK && c.in_transaction())
      PQclear(PQexec(c.handle(), "ROLLBACK"));
    return PQstatus(c.handle()) == CONNECTION_OK && !c.in_transaction();
  };
  return h;
}
}  // namespace

connection_pool::connection_pool(pool_options options)
    : seatd::connection_pool<connection>(pg_hooks(options.connect), options.max_size,
                                         options.acquire_timeout, "PostgreSQL") {}

}  // namespace seatd::pg
