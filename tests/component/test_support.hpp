#pragma once
// Shared steps of the component tests: accounts, tokens, uploads.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>

#include "component/http_client.hpp"
#include "component/seatd_process.hpp"
#include "component/test_paths.hpp"
#include "domain/clock.hpp"
#include "domain/local_time.hpp"
#include "domain/schedule_rules.hpp"

namespace seatd::testing {

// Two trips (ids 1 and 2), 40 seats each, next week (upload places them there).
inline constexpr const char* two_trips_csv =
    "Operator,Day,Bus Name,Source,Destination,Departure Time,Arrival Time,Fare (INR),Service "
    "Type,Bus Type\n"
    "ABC,Monday,Bus X,Chennai,Madurai,09:00 PM,06:00 AM,900,Sleeper,AC\n"
    "ABC,Tuesday,Bus Y,Chennai,Madurai,10:00 PM,07:00 AM,800,Sleeper,AC\n";

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

inline std::string schedule_path() { return test::source_dir() + "/data/abctravels_schedule.xlsx"; }

// Today and the Mondays around it in the server's local time (seatd runs in the test's zone).
inline local_date today_local() {
  return std::chrono::floor<std::chrono::days>(to_local(system_clock{}.now()));
}
inline std::string this_monday() { return format_date(week_monday(today_local())); }
inline std::string next_monday() {
  return format_date(week_monday(today_local()) + std::chrono::days{7});
}

// POST /setup/seed-schedule. By default the trips go into next week, so every one of them
// departs in the future whatever the day (the current week's first days have left on most
// days, and seatd sells nothing that has departed). week_of = std::nullopt sends no week: the
// contract's placement (current week first, then the week after the latest trip), for the
// tests of that rule and of departed trips.
// POST /setup/seed-schedule: the file and any other form fields (week_of, weeks, dry_run).
inline http_reply upload_form(http_client& c, const std::string& token, const std::string& filename,
                              const std::string& content,
                              const std::vector<std::pair<std::string, std::string>>& fields) {
  const std::string boundary = "----seatdTestBoundary7MA4YWxkTrZu0gW";
  std::string body = "--" + boundary +
                     "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + filename +
                     "\"\r\nContent-Type: application/octet-stream\r\n\r\n" + content + "\r\n--" +
                     boundary;
  for (const auto& [name, value] : fields)
    body += "\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" + value +
            "\r\n--" + boundary;
  body += "--\r\n";
  std::map<std::string, std::string> h{
      {"Content-Type", "multipart/form-data; boundary=" + boundary}};
  if (!token.empty()) h["Authorization"] = "Bearer " + token;
  return c.request(http::verb::post, "/setup/seed-schedule", body, h);
}

inline http_reply upload(http_client& c, const std::string& token, const std::string& filename,
                         const std::string& content,
                         std::optional<std::string> week_of = next_monday()) {
  std::vector<std::pair<std::string, std::string>> fields;
  if (week_of) fields.emplace_back("week_of", *week_of);
  return upload_form(c, token, filename, content, fields);
}

// A JSON string value as a std::string (the tests compare them a lot).
inline std::string str(const boost::json::value& v) { return std::string(v.as_string()); }

}  // namespace seatd::testing
