// open_store(): turns a DATABASE_URL into a store.
//
// Accepted forms:
//   sqlite:///abs/path.db      absolute path /abs/path.db
//   sqlite:////abs/path.db     absolute path too (SQLAlchemy's spelling)
//   sqlite:///rel.db           relative to the working directory (no further '/': a database
//                              file directly under / is implausible, so this reads as relative)
//   sqlite:///./dir/rel.db     relative (also ../)
//   sqlite://:memory:          private in-memory database for this store's life
//   :memory: or a plain path   same as above without the scheme
//   postgresql://..., postgres://...
//                              PostgreSQL: the URL goes to libpq as written, minus seatd's
//                              own query parameters: pool_size=N (connections per store,
//                              default 8)
// SQLite URLs take no percent-decoding or query parameters: the path is used as written.
#include <charconv>
#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <string_view>

#include "store/pg_store.hpp"
#include "store/sqlite_store.hpp"

namespace seatd {
namespace {

// A fresh name per store: two in-memory stores in one process must not share data.
std::string memory_db_uri() {
  std::random_device rd;
  std::uint64_t r = (std::uint64_t{rd()} << 32) ^ rd();
  char hex[17] = {};
  auto res = std::to_chars(hex, hex + 16, r, 16);
  return "file:seatd-" + std::string(hex, res.ptr) + "?mode=memory&cache=shared";
}

std::unique_ptr<store> open_memory() {
  sqlite_options o;
  o.name = memory_db_uri();
  o.uri = true;
  o.in_memory = true;
  return std::make_unique<sqlite_store>(std::move(o));
}

std::unique_ptr<store> open_file(std::string path) {
  sqlite_options o;
  o.name = std::move(path);
  return std::make_unique<sqlite_store>(std::move(o));
}

// `rest` is what follows "sqlite://".
std::string sqlite_url_path(std::string_view url, std::string_view rest) {
  if (rest.empty() || rest.front() != '/')
    throw store_error("invalid SQLite URL '" + std::string(url) +
                      "': expected sqlite:///path or sqlite://:memory:");
  std::string_view path = rest.substr(1);
  if (path.empty())
    throw store_error("invalid SQLite URL '" + std::string(url) + "': no database path");
  if (path.front() == '/') return std::string(path);
  if (path.starts_with("./") || path.starts_with("../") || path.find('/') == std::string_view::npos)
    return std::string(path);
  std::string absolute;  // built in two steps: GCC 12 -O3 misreports "/" + string as -Wrestrict
  absolute.reserve(path.size() + 1);
  absolute += '/';
  absolute += path;
  return absolute;
}

// Splits seatd's own parameters off a PostgreSQL URL; libpq would reject them as unknown.
pg_options postgres_options(std::string_view url) {
  pg_options o;
  const auto query_start = url.find('?');
  if (query_start == std::string_view::npos) {
    o.conninfo = std::string(url);
    return o;
  }
  std::string kept;
  std::string_view query = url.substr(query_start + 1);
  while (!query.empty()) {
    const auto amp = query.find('&');
    std::string_view item = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    if (item.starts_with("pool_size=")) {
      std::string_view value = item.substr(10);
      std::size_t n = 0;
      auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
      if (ec != std::errc{} || end != value.data() + value.size() || n < 1 || n > 1000)
        throw store_error("invalid pool_size '" + std::string(value) +
                          "' in database URL: expected a whole number from 1 to 1000");
      o.pool_size = n;
      continue;
    }
    if (item.empty()) continue;
    kept += kept.empty() ? '?' : '&';
    kept += item;
  }
  o.conninfo = std::string(url.substr(0, query_start)) + kept;
  return o;
}

}  // namespace

std::unique_ptr<store> open_store(std::string_view url) {
  if (url.starts_with("postgresql://") || url.starts_with("postgres://"))
    return std::make_unique<pg_store>(postgres_options(url));
  if (url.empty()) throw store_error("empty database URL");
  if (url.starts_with("sqlite:")) {
    if (!url.starts_with("sqlite://"))
      throw store_error("invalid SQLite URL '" + std::string(url) +
                        "': expected sqlite:///path or sqlite://:memory:");
    std::string_view rest = url.substr(9);
    if (rest == ":memory:" || rest == "/:memory:") return open_memory();
    return open_file(sqlite_url_path(url, rest));
  }
  if (auto scheme_end = url.find("://"); scheme_end != std::string_view::npos)
    throw store_error("unsupported database URL scheme '" + std::string(url.substr(0, scheme_end)) +
                      "': expected sqlite:// (or postgresql://)");
  if (url == ":memory:") return open_memory();
  return open_file(std::string(url));
}

}  // namespace seatd
