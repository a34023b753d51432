#pragma once
// A real, throwaway PostgreSQL 15 server for the store tests.
//
// Under ctest, one server for the whole run: a fixture (tests/store/pg_test_fixture.cpp, the
// ctest tests pg_fixture.start and pg_fixture.stop) starts it before the first test that uses
// PostgreSQL and stops it after the last one, and names it in SEATD_TEST_PG_FIXTURE; every test
// process then attaches to it instead of running initdb itself (an initdb per test process was
// most of the store tier's time). Each process's databases are named after its pid, so
// processes running in parallel never share one, and are dropped when the process ends.
//
// Without the fixture (a test binary run by hand), one server per test binary, started on
// first use: initdb into a fresh temporary directory,
// then pg_ctl start on a free 127.0.0.1 port (Unix socket inside the directory, fsync off).
// PostgreSQL refuses to run as root, so when the tests run as root (CI does) the directory is
// handed to the `postgres` user and every server binary runs through `runuser -u postgres --`.
// A gtest environment stops the server (pg_ctl stop -m fast) and removes the directory when
// the binary finishes. Each test takes its own new database, so tests stay independent.
//
// The binaries come from Debian's postgresql-15 (/usr/lib/postgresql/15/bin; SEATD_PG_BINDIR
// overrides). When they are missing, shared() throws: a PostgreSQL test then fails with that
// message rather than being skipped.
#include <libpq-fe.h>

#include <atomic>
#include <memory>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace seatd::test {

class pg_test_server {
 public:
  // The binary's server, started on first call. Throws std::runtime_error (with the server's
  // log) when it cannot be started; later calls repeat that error without trying again.
  static pg_test_server& shared();
  // Stops and removes the shared server if this process started it, or drops the databases
  // it created on the fixture's server (the gtest environment calls this).
  static void release_shared();
  // A server of the caller's own, never the fixture's: for tests that stop and restart it.
  static std::unique_ptr<pg_test_server> launch();

  // The ctest fixture: start() starts a server that outlives this process and writes its
  // directory and port to `pointer` (a server left by an interrupted run is stopped first);
  // stop() stops it and removes its directory.
  static void start_fixture(const std::filesystem::path& pointer);
  static void stop_fixture(const std::filesystem::path& pointer);

  pg_test_server(const pg_test_server&) = delete;
  pg_test_server& operator=(const pg_test_server&) = delete;
  ~pg_test_server();

  // Creates database test_<n> and returns its postgresql:// URL.
  std::string fresh_database_url();
  std::string url(std::string_view database) const;
  int port() const noexcept { return port_; }

  // pg_ctl stop -m fast / start again on the same port and data: for outage tests, on a server
  // from launch() only (stopping the fixture's would fail every other test of the run).
  void stop();
  void start();

 private:
  // watchdog: stop the server when this process ends, however it ends (not for the fixture).
  explicit pg_test_server(bool watchdog = true);
  // Attaches to the fixture's running server.
  pg_test_server(std::filesystem::path root, int port);
  // Starts a process that stops the server and removes the directory if this process dies
  // without doing so itself.
  void start_watchdog();
  void init_cluster();
  void start_on(int port);
  // Runs a server binary (through runuser when root) with output appended to commands.log;
  // throws with the log's tail when it exits non-zero.
  void run_tool(const std::string& tool, std::vector<std::string> args) const;
  std::string log_tail() const;

  std::filesystem::path bin_dir_;
  std::filesystem::path root_;  // the temporary directory: data/, sock/, logs
  int port_ = 0;
  bool running_ = false;
  bool owned_ = true;  // false: the fixture's server, which this process must not stop
  std::vector<std::string> databases_;  // created on the fixture's server, dropped at the end
  std::atomic<int> next_database_{0};
  int watchdog_pipe_ = -1;  // write end; the watchdog acts when it closes
};

// A superuser session on the test server, for tests that inspect or sabotage the database
// behind the store's back. Statements run as given; $1.. are text parameters.
class pg_admin_session {
 public:
  pg_admin_session(const pg_test_server& server, std::string_view database);
  pg_admin_session(const pg_admin_session&) = delete;
  pg_admin_session& operator=(const pg_admin_session&) = delete;
  ~pg_admin_session();

  // Rows of text values (NULL reads as ""). Throws std::runtime_error on an error.
  std::vector<std::vector<std::string>> query(const std::string& sql,
                                              const std::vector<std::string>& params = {});
  // The first column of the first row.
  std::string scalar(const std::string& sql, const std::vector<std::string>& params = {});
  int backend_pid() const;

 private:
  PGconn* conn_ = nullptr;
};

}  // namespace seatd::test
