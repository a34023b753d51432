#include "integration/nginx_test_server.hpp"

#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <arpa/inet.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "component/test_paths.hpp"
#include "integration/redis_test_server.hpp"

namespace seatd::test {
namespace {

std::string slurp(const std::filesystem::path& p) {
  std::ifstream f(p, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

std::string nginx_binary() {
  if (const char* b = std::getenv("SEATD_NGINX"); b && *b) return b;
  return "/usr/sbin/nginx";
}

void replace_once(std::string& text, const std::string& from, const std::string& to) {
  auto pos = text.find(from);
  if (pos == std::string::npos || text.find(from, pos + from.size()) != std::string::npos)
    throw std::runtime_error("deploy/nginx/seatd.conf: expected exactly one '" + from + "'");
  text.replace(pos, from.size(), to);
}

bool accepts(std::uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return false;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(port);
  bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  ::close(fd);
  return ok;
}

}  // namespace

std::string nginx_test_server::site_config(const std::string& shipped,
                                           const std::vector<unsigned short>& upstream_ports,
                                           std::uint16_t listen_port) {
  if (upstream_ports.size() != 3)
    throw std::runtime_error("deploy/nginx/seatd.conf balances three instances");
  std::string conf = shipped;
  for (std::size_t i = 0; i < 3; ++i)
    replace_once(conf, "server 127.0.0.1:800" + std::to_string(i + 1) + " ",
                 "server 127.0.0.1:" + std::to_string(upstream_ports[i]) + " ");
  replace_once(conf, "listen 80;", "listen 127.0.0.1:" + std::to_string(listen_port) + ";");
  return conf;
}

nginx_test_server::nginx_test_server(const std::vector<unsigned short>& upstream_ports) {
  if (::access(nginx_binary().c_str(), X_OK) != 0)
    throw std::runtime_error(nginx_binary() + " not found: install Debian's nginx "
                             "(scripts/install-deps.sh)");
  char tmpl[] = "/tmp/seatd-nginx-XXXXXX";
  if (::mkdtemp(tmpl) == nullptr) throw std::runtime_error("mkdtemp failed");
  dir_ = tmpl;
  const auto shipped = slurp(std::filesystem::path(source_dir()) / "deploy/nginx/seatd.conf");
  start_on_a_free_port(dir_, [&](std::uint16_t port) {
    port_ = port;
    std::ofstream site(dir_ / "seatd.conf");
    site << site_config(shipped, upstream_ports, port_);
    site.close();
    std::ofstream top(dir_ / "nginx.conf");
    // Debian's nginx.conf, reduced to what the site needs; the site file is included as
    // /etc/nginx/conf.d/*.conf would be. One process (no master and workers): it runs as
    // whoever runs the test, so the temporary prefix is always writable to it.
    top << "daemon off;\n"
         << "master_process off;\n"
         << "pid " << (dir_ / "nginx.pid").string() << ";\n"
         << "error_log " << (dir_ / "error.log").string() << " info;\n"
         << "events { worker_connections 1024; }\n"
         << "http {\n"
         << "  log_format with_id '$remote_addr \"$request\" $status $request_id "
            "upstream=$upstream_addr/$upstream_status';\n"
         << "  access_log " << (dir_ / "access.log").string() << " with_id;\n"
         << "  client_body_temp_path " << (dir_ / "body").string() << ";\n"
         << "  proxy_temp_path " << (dir_ / "proxy").string() << ";\n"
         << "  fastcgi_temp_path " << (dir_ / "fastcgi").string() << ";\n"
         << "  uwsgi_temp_path " << (dir_ / "uwsgi").string() << ";\n"
         << "  scgi_temp_path " << (dir_ / "scgi").string() << ";\n"
         << "  include " << (dir_ / "seatd.conf").string() << ";\n"
         << "}\n";
    top.close();
    start();
  });
}

void nginx_test_server::start() {
  const auto out = (dir_ / "nginx.out").string();
  const std::vector<std::string> args{nginx_binary(), "-p", dir_.string(), "-e",
                                      (dir_ / "error.log").string(), "-c",
                                      (dir_ / "nginx.conf").string()};
  pid_ = ::fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    int fd = ::open(out.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (fd >= 0) {
      ::dup2(fd, 1);
      ::dup2(fd, 2);
    }
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    ::execv(argv[0], argv.data());
    _exit(127);
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (std::chrono::steady_clock::now() < deadline) {
    if (accepts(port_)) return;
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      throw std::runtime_error("nginx exited at startup:\n" + slurp(out) + error_log());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  stop();
  throw std::runtime_error("nginx did not listen within 10 s:\n" + error_log());
}

void nginx_test_server::stop() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGTERM);
  int status = 0;
  for (int i = 0; i < 500; ++i) {
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ::kill(pid_, SIGKILL);
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
}

nginx_test_server::~nginx_test_server() {
  stop();
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

std::string nginx_test_server::error_log() const { return slurp(dir_ / "error.log"); }
std::string nginx_test_server::access_log() const { return slurp(dir_ / "access.log"); }

}  // namespace seatd::test
