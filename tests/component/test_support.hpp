#pragma once
// Shared steps of the component tests: accounts, tokens, uploads.
#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <sstream>
#include <string>

#include "component/http_client.hpp"
#include "component/seatd_process.hpp"

namespace seatd::testing {

inline std::string unique_email(const std::string& tag) {
  static std::atomic<int> n{0};
  return tag + std::to_string(::getpid()) + "x" + std::to_string(n++) + "@example.com";
}

// Signs up and logs in; returns the bearer token.
inline std::string signup_and_login(http_client& c, const std::string& email,
                                    const std::string& password = "secret-pass") {
  auto s = c.post_json("/auth/signup",
                       {{"username", "User"}, {"email", email}, {"password", password}});
  EXPECT_EQ(s.status, 201) << s.body;
  auto l = c.post_json("/auth/login", {{"email", email}, {"password", password}});
  EXPECT_EQ(l.status, 200) << l.body;
  auto j = l.json();
  EXPECT_TRUE(j.is_object() && j.as_object().contains("access_token")) << l.body;
  return j.is_object() && j.as_object().contains("access_token")
             ? std::string(j.at("access_token").as_string())
             : std::string{};
}

// Creates an admin through the CLI against the running server's database; returns a token.
inline std::string make_admin(seatd_process& p, http_client& c) {
  auto email = unique_email("admin");
  auto r = run_seatd({"--database", p.database_url(), "--fast-password-hash", "--env-file",
                      "/nonexistent.env", "admin", "create", "--email", email, "--password",
                      "admin-password"});
  EXPECT_EQ(r.code, 0) << r.output;
  auto l = c.post_json("/auth/login", {{"email", email}, {"password", "admin-password"}});
  auto j = l.json();
  EXPECT_TRUE(j.as_object().contains("access_token")) << l.body;
  return std::string(j.at("access_token").as_string());
}

inline std::string read_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

inline std::string schedule_path() { return SEATD_SOURCE_DIR "/data/abctravels_schedule.xlsx"; }

inline http_reply upload(http_client& c, const std::string& token, const std::string& filename,
                         const std::string& content) {
  const std::string boundary = "----seatdTestBoundary7MA4YWxkTrZu0gW";
  std::string body = "--" + boundary +
                     "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + filename +
                     "\"\r\nContent-Type: application/octet-stream\r\n\r\n" + content + "\r\n--" +
                     boundary + "--\r\n";
  std::map<std::string, std::string> h{
      {"Content-Type", "multipart/form-data; boundary=" + boundary}};
  if (!token.empty()) h["Authorization"] = "Bearer " + token;
  return c.request(http::verb::post, "/setup/seed-schedule", body, h);
}

}  // namespace seatd::testing
