#include "redis_test_server.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <hiredis/hiredis.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cctype>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <functional>
#include <sstream>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace seatd::test {

std::uint16_t free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) throw std::runtime_error("socket() failed");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof addr;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    ::close(fd);
    throw std::runtime_error("could not find a free port");
  }
  ::close(fd);
  return ntohs(addr.sin_port);
}

pid_t spawn_server(std::vector<std::string> args, const std::string& output) {
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  // posix_spawn rather than fork: the test process has I/O threads running.
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, output.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
  // Nothing else of the test process: a restart happens while the test holds sockets (say, a
  // WebSocket client's), and a copy kept open by the server would keep them from closing.
  posix_spawn_file_actions_addclosefrom_np(&actions, STDERR_FILENO + 1);
  pid_t pid = -1;
  const int rc = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) throw std::runtime_error("cannot start " + args.front());
  return pid;
}

void start_on_a_free_port(const std::filesystem::path& dir,
                          const std::function<void(std::uint16_t)>& start) {
  for (int attempt = 1;; ++attempt) {
    try {
      start(free_port());
      return;
    } catch (const std::runtime_error&) {
      if (attempt == 5) {
        std::error_code ignored;
        std::filesystem::remove_all(dir, ignored);  // the caller's destructor will not run
        throw;
      }
    }
  }
}

namespace {

constexpr const char* redis_binary = "/usr/bin/redis-server";

struct context_deleter {
  void operator()(redisContext* c) const { redisFree(c); }
};
using context_ptr = std::unique_ptr<redisContext, context_deleter>;
struct reply_deleter {
  void operator()(redisReply* r) const { freeReplyObject(r); }
};
using reply_ptr = std::unique_ptr<redisReply, reply_deleter>;

redis::reply convert(const redisReply* r) {
  switch (r->type) {
    case REDIS_REPLY_STATUS: return redis::reply::make_status(std::string(r->str, r->len));
    case REDIS_REPLY_ERROR: return redis::reply::make_error(std::string(r->str, r->len));
    case REDIS_REPLY_STRING: return redis::reply::make_string(std::string(r->str, r->len));
    case REDIS_REPLY_INTEGER: return redis::reply::make_integer(r->integer);
    case REDIS_REPLY_ARRAY: {
      std::vector<redis::reply> elements;
      for (std::size_t i = 0; i < r->elements; ++i) elements.push_back(convert(r->element[i]));
      return redis::reply::make_array(std::move(elements));
    }
    default: return redis::reply::make_nil();
  }
}

context_ptr connect_blocking(std::uint16_t port, std::chrono::milliseconds timeout) {
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(timeout.count() / 1000);
  tv.tv_usec = static_cast<suseconds_t>((timeout.count() % 1000) * 1000);
  context_ptr c(redisConnectWithTimeout("127.0.0.1", port, tv));
  if (!c || c->err) return nullptr;
  redisSetTimeout(c.get(), tv);
  return c;
}

reply_ptr run(redisContext* c, const std::vector<std::string>& args) {
  std::vector<const char*> argv;
  std::vector<size_t> lens;
  for (const auto& a : args) {
    argv.push_back(a.data());
    lens.push_back(a.size());
  }
  return reply_ptr(static_cast<redisReply*>(
      redisCommandArgv(c, static_cast<int>(argv.size()), argv.data(), lens.data())));
}

}  // namespace

redis_test_server::redis_test_server() : redis_test_server(options{}) {}

redis_test_server::redis_test_server(options opts) : opts_(std::move(opts)) {
  char tmpl[] = "/tmp/seatd-redis-XXXXXX";
  if (::mkdtemp(tmpl) == nullptr) throw std::runtime_error("mkdtemp failed");
  dir_ = tmpl;
  // Restarts keep the port they have.
  start_on_a_free_port(dir_, [this](std::uint16_t port) {
    port_ = port;
    start();
  });
}

redis_test_server::~redis_test_server() {
  kill();
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

std::string redis_test_server::url(int db) const {
  std::string u = "redis://";
  if (!opts_.password.empty()) {
    static constexpr char hex[] = "0123456789ABCDEF";
    u += ':';
    for (unsigned char c : opts_.password) {
      if (std::isalnum(c)) {
        u += static_cast<char>(c);
      } else {
        u += '%';
        u += hex[c >> 4];
        u += hex[c & 0xf];
      }
    }
    u += '@';
  }
  u += "127.0.0.1:" + std::to_string(port_);
  if (db != 0) u += "/" + std::to_string(db);
  return u;
}

void redis_test_server::start() {
  if (running()) return;
  std::vector<std::string> args = {redis_binary,
                                   "--port", std::to_string(port_),
                                   "--bind", "127.0.0.1",
                                   "--save", "",
                                   "--appendonly", "no",
                                   "--daemonize", "no",
                                   "--dir", dir_,
                                   "--logfile", dir_ + "/redis.log"};
  if (!opts_.password.empty()) {
    args.push_back("--requirepass");
    args.push_back(opts_.password);
  }
  args.insert(args.end(), opts_.extra_args.begin(), opts_.extra_args.end());
  pid_ = spawn_server(args, "/dev/null");
  wait_until_ready();
}

void redis_test_server::wait_until_ready() {
  using namespace std::chrono;
  const auto deadline = steady_clock::now() + seconds(10);
  while (steady_clock::now() < deadline) {
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      throw std::runtime_error("redis-server exited at startup: " + log_tail());
    }
    if (auto c = connect_blocking(port_, milliseconds(200))) {
      if (!opts_.password.empty()) run(c.get(), {"AUTH", opts_.password});
      auto r = run(c.get(), {"PING"});
      if (r && r->type == REDIS_REPLY_STATUS && std::string_view(r->str, r->len) == "PONG") {
        return;
      }
    }
    std::this_thread::sleep_for(milliseconds(10));
  }
  kill();
  throw std::runtime_error("redis-server did not answer PING within 10 s: " + log_tail());
}

void redis_test_server::kill() {
  if (!running()) return;
  ::kill(pid_, SIGKILL);
  int status = 0;
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
}

void redis_test_server::restart() {
  kill();
  start();
}

void redis_test_server::pause() {
  if (running()) ::kill(pid_, SIGSTOP);
}

void redis_test_server::resume() {
  if (running()) ::kill(pid_, SIGCONT);
}

redis::reply redis_test_server::command(std::initializer_list<std::string_view> args,
                                        int db) const {
  return command(std::vector<std::string>(args.begin(), args.end()), db);
}

redis::reply redis_test_server::command(const std::vector<std::string>& args, int db) const {
  auto c = connect_blocking(port_, std::chrono::milliseconds(5000));
  if (!c) throw std::runtime_error("cannot connect to the test redis-server");
  if (!opts_.password.empty()) run(c.get(), {"AUTH", opts_.password});
  if (db != 0) run(c.get(), {"SELECT", std::to_string(db)});
  auto r = run(c.get(), args);
  if (!r) throw std::runtime_error(std::string("test redis command failed: ") + c->errstr);
  return convert(r.get());
}

std::string redis_test_server::log_tail() const {
  std::ifstream in(dir_ + "/redis.log");
  std::stringstream ss;
  ss << in.rdbuf();
  std::string all = ss.str();
  return all.size() > 2000 ? all.substr(all.size() - 2000) : all;
}

}  // namespace seatd::test
