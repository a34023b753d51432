#pragma once
// A real nginx (Debian's /usr/sbin/nginx; SEATD_NGINX overrides) in front of seatd instances,
// running the repository's own configuration, deploy/nginx/seatd.conf: its three upstream
// servers rewritten to the instances' ports and its listen to a free port on 127.0.0.1.
// Started in the foreground (one process, no daemon) with a temporary prefix holding the
// generated nginx.conf, the logs and the temp directories; stopped and removed at the end.
// nginx missing: the constructor throws (the test fails with that message, never skips).
#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace seatd::test {

class nginx_test_server {
 public:
  explicit nginx_test_server(const std::vector<unsigned short>& upstream_ports);
  ~nginx_test_server();  // SIGTERM (SIGKILL after 5 s), reap, remove the prefix
  nginx_test_server(const nginx_test_server&) = delete;
  nginx_test_server& operator=(const nginx_test_server&) = delete;

  std::uint16_t port() const noexcept { return port_; }
  std::string error_log() const;
  std::string access_log() const;

  // deploy/nginx/seatd.conf with its upstream servers and listen address replaced. Throws when
  // the file no longer has the shape this rewrite expects (three 127.0.0.1:800N servers, one
  // `listen 80;`), so the test and the shipped file cannot drift apart silently.
  static std::string site_config(const std::string& shipped,
                                 const std::vector<unsigned short>& upstream_ports,
                                 std::uint16_t listen_port);

 private:
  void start();
  void stop();
  std::filesystem::path dir_;
  std::uint16_t port_ = 0;
  pid_t pid_ = -1;
};

}  // namespace seatd::test
