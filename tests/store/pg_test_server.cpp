#include "store/pg_test_server.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <pwd.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <memory>
#include <mutex>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <system_error>

namespace seatd::test {
namespace {

namespace fs = std::filesystem;

constexpr const char* default_bin_dir = "/usr/lib/postgresql/15/bin";
constexpr const char* superuser = "seatd";

fs::path bin_dir() {
  const char* env = std::getenv("SEATD_PG_BINDIR");
  return env && *env ? fs::path(env) : fs::path(default_bin_dir);
}

bool running_as_root() { return geteuid() == 0; }

fs::path runuser_path() {
  for (const char* p : {"/usr/sbin/runuser", "/sbin/runuser", "/usr/bin/runuser"})
    if (fs::exists(p)) return p;
  throw std::runtime_error(
      "running as root needs runuser (util-linux) to start PostgreSQL as"
      " the postgres user, and it was not found");
}

// A port nobody listens on right now. Another process may take it before the server binds;
// start_on() is retried with a new port when that happens.
int free_port() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) throw std::system_error(errno, std::generic_category(), "socket");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof addr;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    int err = errno;
    close(fd);
    throw std::system_error(err, std::generic_category(), "bind to a free port");
  }
  close(fd);
  return ntohs(addr.sin_port);
}

std::string tail_of(const fs::path& file, std::size_t max_chars) {
  std::ifstream in(file);
  if (!in) return {};
  std::stringstream ss;
  ss << in.rdbuf();
  std::string text = ss.str();
  return text.size() > max_chars ? "..." + text.substr(text.size() - max_chars) : text;
}

std::mutex shared_mutex;
std::unique_ptr<pg_test_server> shared_server;
std::optional<std::string> shared_failure;

// Stops the shared server after the last test, even when a test failed.
class pg_environment final : public testing::Environment {
 public:
  void TearDown() override { pg_test_server::release_shared(); }
};
[[maybe_unused]] testing::Environment* const pg_env =
    testing::AddGlobalTestEnvironment(new pg_environment);

}  // namespace

// ---- pg_test_server

// The fixture's pointer file: the server's directory on the first line, its port on the second.
static std::optional<std::pair<fs::path, int>> read_pointer(const fs::path& pointer) {
  std::ifstream in(pointer);
  std::string dir, port;
  if (!in || !std::getline(in, dir) || !std::getline(in, port) || dir.empty()) return std::nullopt;
  return std::pair{fs::path(dir), std::stoi(port)};
}

pg_test_server& pg_test_server::shared() {
  std::lock_guard lock(shared_mutex);
  if (shared_server) return *shared_server;
  if (shared_failure) throw std::runtime_error(*shared_failure);
  try {
    const char* fixture = std::getenv("SEATD_TEST_PG_FIXTURE");
    if (fixture && *fixture) {
      // Under ctest: the run's server. Its absence is the fixture's failure, said as such.
      auto found = read_pointer(fixture);
      if (!found)
        throw std::runtime_error(std::string("SEATD_TEST_PG_FIXTURE names ") + fixture +
                                 ", which does not say where the run's server is (did the"
                                 " pg_fixture.start test fail?)");
      shared_server.reset(new pg_test_server(found->first, found->second));
    } else {
      shared_server.reset(new pg_test_server());
    }
  } catch (const std::exception& e) {
    shared_failure = std::string("cannot start the PostgreSQL test server: ") + e.what();
    throw std::runtime_error(*shared_failure);
  }
  return *shared_server;
}

void pg_test_server::release_shared() {
  std::lock_guard lock(shared_mutex);
  shared_server.reset();
}

std::unique_ptr<pg_test_server> pg_test_server::launch() {
  return std::unique_ptr<pg_test_server>(new pg_test_server());
}

void pg_test_server::start_fixture(const fs::path& pointer) {
  stop_fixture(pointer);  // a server an interrupted run left behind
  pg_test_server server(false);
  std::ofstream out(pointer, std::ios::trunc);
  out << server.root_.string() << "\n" << server.port_ << "\n";
  out.close();
  if (!out) throw std::runtime_error("cannot write " + pointer.string());
  server.owned_ = false;  // it keeps running after this process: stop_fixture() ends it
}

void pg_test_server::stop_fixture(const fs::path& pointer) {
  auto found = read_pointer(pointer);
  if (!found) return;
  pg_test_server server(found->first, found->second);
  server.owned_ = true;  // this one stops it and removes the directory
  std::error_code ec;
  fs::remove(pointer, ec);
}

pg_test_server::pg_test_server(fs::path root, int port)
    : bin_dir_(bin_dir()), root_(std::move(root)), port_(port), running_(true), owned_(false) {}

pg_test_server::pg_test_server(bool watchdog) : bin_dir_(bin_dir()) {
  for (const char* tool : {"initdb", "pg_ctl", "postgres"})
    if (!fs::exists(bin_dir_ / tool))
      throw std::runtime_error(
          (bin_dir_ / tool).string() +
          " not found: the PostgreSQL tests need a PostgreSQL 15 server (Debian: apt-get install"
          " postgresql-15; SEATD_PG_BINDIR names another bin directory)");

  std::string tmpl = (fs::temp_directory_path() / "seatd-pg-XXXXXX").string();
  if (!mkdtemp(tmpl.data()))
    throw std::system_error(errno, std::generic_category(), "mkdtemp " + tmpl);
  root_ = tmpl;
  try {
    fs::create_directory(root_ / "sock");
    if (running_as_root()) {
      // PostgreSQL refuses to run as root: the cluster belongs to the postgres user.
      const passwd* pw = getpwnam("postgres");
      if (!pw)
        throw std::runtime_error(
            "running as root, and there is no 'postgres' user to run the server as (Debian's"
            " postgresql package creates it)");
      for (const fs::path& p : {root_, root_ / "sock"})
        if (chown(p.c_str(), pw->pw_uid, pw->pw_gid) != 0)
          throw std::system_error(errno, std::generic_category(), "chown " + p.string());
    }
    if (watchdog) start_watchdog();
    init_cluster();
    // A few tries: the free port may be taken by someone else before the server binds it.
    for (int attempt = 1;; ++attempt) {
      try {
        start_on(free_port());
        break;
      } catch (const std::exception&) {
        if (attempt == 5) throw;
      }
    }
  } catch (...) {
    std::error_code ec;
    fs::remove_all(root_, ec);
    if (watchdog_pipe_ >= 0) close(watchdog_pipe_);
    throw;
  }
}

pg_test_server::~pg_test_server() {
  if (!owned_) {
    // The fixture's server: leave it running, without this process's databases.
    if (!running_) return;
    try {
      pg_admin_session admin(*this, "postgres");
      for (const auto& name : databases_) admin.query("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    } catch (const std::exception& e) {
      std::fprintf(stderr, "dropping the test databases failed: %s\n", e.what());
    }
    return;
  }
  try {
    stop();
  } catch (const std::exception& e) {
    // Keep going: the directory is removed below, and a postmaster whose data directory
    // vanished shuts itself down within a minute.
    std::fprintf(stderr, "stopping the PostgreSQL test server failed: %s\n", e.what());
  }
  std::error_code ec;
  fs::remove_all(root_, ec);
  // Nothing left for the watchdog to do: closing the pipe lets it exit.
  if (watchdog_pipe_ >= 0) close(watchdog_pipe_);
}

void pg_test_server::start_watchdog() {
  // pg_ctl daemonizes the server, so it would outlive a test binary that crashed or was
  // killed on a timeout. The watchdog is a shell detached from this process (its own session,
  // reparented to init) that waits for the end of a pipe only this process writes to; that
  // end closes however the process ends. It then stops the server and removes the directory
  // (both no-ops after a normal teardown).
  const std::string dir = root_.string();
  if (dir.find('\'') != std::string::npos)
    throw std::runtime_error("temporary directory path holds a quote: " + dir);
  std::string stop;
  if (running_as_root()) stop = "'" + runuser_path().string() + "' -u postgres -- ";
  stop += "'" + (bin_dir_ / "pg_ctl").string() + "' -D '" + dir + "/data' -m immediate stop";
  std::string script =
      "read -r _; [ -d '" + dir + "/data' ] && " + stop + " >/dev/null 2>&1; rm -rf '" + dir + "'";
  const char* argv[] = {"/bin/sh", "-c", script.c_str(), nullptr};

  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) throw std::system_error(errno, std::generic_category(), "pipe");
  pid_t pid = fork();
  if (pid < 0) {
    int err = errno;
    close(fds[0]);
    close(fds[1]);
    throw std::system_error(err, std::generic_category(), "fork");
  }
  if (pid == 0) {
    // Only async-signal-safe calls until exec (the test process has threads).
    if (fork() != 0) _exit(0);  // the grandchild is reparented to init
    setsid();                   // and no longer gets the terminal's or ctest's group signals
    int null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
    if (null_fd < 0 || dup2(fds[0], 0) < 0 || dup2(null_fd, 1) < 0 || dup2(null_fd, 2) < 0 ||
        chdir("/") != 0)
      _exit(126);
    execv(argv[0], const_cast<char* const*>(argv));
    _exit(127);
  }
  close(fds[0]);
  watchdog_pipe_ = fds[1];
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
}

void pg_test_server::init_cluster() {
  // trust: the server listens on loopback and a private socket directory only, for a
  // superuser that exists for the tests alone. C.UTF-8 gives a UTF8 database, as production
  // uses, without depending on which locales the machine has generated.
  run_tool("initdb", {"-D", (root_ / "data").string(), "-U", superuser, "-A", "trust", "-E", "UTF8",
                      "--locale=C.UTF-8", "--no-sync", "--no-instructions"});
  std::ofstream conf(root_ / "data" / "postgresql.conf", std::ios::app);
  conf << "\n# seatd tests\n"
       << "listen_addresses = '127.0.0.1'\n"
       << "unix_socket_directories = '" << (root_ / "sock").string()
       << "'\n"
       // Durability is not under test and the data is thrown away: skip the disk flushes.
       << "fsync = off\n"
       << "synchronous_commit = off\n"
       << "full_page_writes = off\n"
       << "max_connections = 400\n";
  if (!conf) throw std::runtime_error("cannot write postgresql.conf in " + root_.string());
}

void pg_test_server::start_on(int port) {
  port_ = port;
  start();
}

void pg_test_server::start() {
  if (!owned_) throw std::logic_error("the fixture's PostgreSQL server is shared: use launch()");
  run_tool("pg_ctl", {"-D", (root_ / "data").string(), "-l", (root_ / "server.log").string(), "-o",
                      "-p " + std::to_string(port_), "-w", "-t", "60", "start"});
  running_ = true;
}

void pg_test_server::stop() {
  if (!running_) return;
  if (!owned_) throw std::logic_error("the fixture's PostgreSQL server is shared: use launch()");
  run_tool("pg_ctl", {"-D", (root_ / "data").string(), "-m", "fast", "-w", "-t", "60", "stop"});
  running_ = false;
}

void pg_test_server::run_tool(const std::string& tool, std::vector<std::string> args) const {
  std::vector<std::string> argv;
  if (running_as_root()) argv = {runuser_path().string(), "-u", "postgres", "--"};
  argv.push_back((bin_dir_ / tool).string());
  for (auto& a : args) argv.push_back(std::move(a));
  std::vector<char*> cargv;
  for (auto& a : argv) cargv.push_back(a.data());
  cargv.push_back(nullptr);
  // Everything the child needs is prepared before fork: between fork and exec only
  // async-signal-safe calls are allowed (the test process has threads).
  const std::string log = (root_ / "commands.log").string();
  const std::string dir = root_.string();

  pid_t pid = fork();
  if (pid < 0) throw std::system_error(errno, std::generic_category(), "fork");
  if (pid == 0) {
    // The postgres user may not be allowed into the caller's working directory.
    if (chdir(dir.c_str()) != 0) _exit(126);
    int out = open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    int in = open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (out < 0 || in < 0 || dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(out, 2) < 0) _exit(126);
    execv(cargv[0], cargv.data());
    _exit(127);
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) throw std::system_error(errno, std::generic_category(), "waitpid");
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    std::string cmd;
    for (const auto& a : argv) cmd += (cmd.empty() ? "" : " ") + a;
    throw std::runtime_error("'" + cmd + "' failed (status " + std::to_string(status) + ")\n" +
                             log_tail());
  }
}

std::string pg_test_server::log_tail() const {
  return "--- commands.log:\n" + tail_of(root_ / "commands.log", 3000) + "\n--- server.log:\n" +
         tail_of(root_ / "server.log", 3000);
}

std::string pg_test_server::url(std::string_view database) const {
  return "postgresql://" + std::string(superuser) + "@127.0.0.1:" + std::to_string(port_) + "/" +
         std::string(database);
}

std::string pg_test_server::fresh_database_url() {
  // The pid keeps apart the processes that share the fixture's server.
  const std::string name =
      "test_" + std::to_string(getpid()) + "_" + std::to_string(++next_database_);
  pg_admin_session admin(*this, "postgres");
  // The name is ours (test_<pid>_<n>): CREATE DATABASE takes no parameters.
  admin.query("CREATE DATABASE " + name);
  if (!owned_) {
    std::lock_guard lock(shared_mutex);
    databases_.push_back(name);
  }
  return url(name);
}

// ---- pg_admin_session

pg_admin_session::pg_admin_session(const pg_test_server& server, std::string_view database) {
  const std::string conninfo = server.url(database) + "?connect_timeout=5";
  conn_ = PQconnectdb(conninfo.c_str());
  if (PQstatus(conn_) != CONNECTION_OK) {
    std::string msg = PQerrorMessage(conn_);
    PQfinish(conn_);
    throw std::runtime_error("admin connection to " + conninfo + " failed: " + msg);
  }
  PQsetNoticeProcessor(
      conn_, [](void*, const char*) {}, nullptr);
}

pg_admin_session::~pg_admin_session() { PQfinish(conn_); }

std::vector<std::vector<std::string>> pg_admin_session::query(
    const std::string& sql, const std::vector<std::string>& params) {
  std::vector<const char*> values;
  for (const auto& p : params) values.push_back(p.c_str());
  std::unique_ptr<PGresult, decltype(&PQclear)> res(
      PQexecParams(conn_, sql.c_str(), static_cast<int>(values.size()), nullptr, values.data(),
                   nullptr, nullptr, 0),
      &PQclear);
  ExecStatusType st = PQresultStatus(res.get());
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
    throw std::runtime_error("admin query '" + sql + "' failed: " + PQerrorMessage(conn_));
  std::vector<std::vector<std::string>> rows;
  for (int r = 0; r < PQntuples(res.get()); ++r) {
    auto& row = rows.emplace_back();
    for (int c = 0; c < PQnfields(res.get()); ++c) row.emplace_back(PQgetvalue(res.get(), r, c));
  }
  return rows;
}

std::string pg_admin_session::scalar(const std::string& sql,
                                     const std::vector<std::string>& params) {
  auto rows = query(sql, params);
  if (rows.empty() || rows.front().empty())
    throw std::runtime_error("admin query '" + sql + "' returned no value");
  return rows.front().front();
}

int pg_admin_session::backend_pid() const { return PQbackendPID(conn_); }

}  // namespace seatd::test
