#include "integration/seatd_cluster.hpp"

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <stdexcept>

#include "component/test_support.hpp"

namespace seatd::testing {

namespace {

std::string fresh_dir() {
  static std::atomic<int> counter{0};
  auto dir = std::filesystem::temp_directory_path() /
             ("seatd-cluster-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir.string();
}

}  // namespace

seatd_cluster::seatd_cluster(options opts)
    : dir_(fresh_dir()),
      database_url_(opts.database_url.empty() ? "sqlite:///" + dir_ + "/shared.db"
                                              : opts.database_url),
      redis_(std::make_unique<test::redis_test_server>(opts.redis)) {
  // The admin first: it creates the database and runs the migrations, so the instances that
  // start next find the schema in place.
  auto email = unique_email("admin");
  auto created = run_seatd({"--database", database_url(), "--fast-password-hash", "--env-file",
                            "/nonexistent.env", "admin", "create", "--email", email, "--password",
                            "admin-password"});
  if (created.code != 0) throw std::runtime_error("admin create failed: " + created.output);
  for (int i = 0; i < opts.instances; ++i) {
    std::vector<std::string> args{"--database", database_url(), "--redis", redis_->url()};
    args.insert(args.end(), opts.seatd_args.begin(), opts.seatd_args.end());
    instances_.push_back(std::make_unique<seatd_process>(args, opts.env));
  }
  http_client c(port(0));
  auto login = c.post_json("/auth/login", {{"email", email}, {"password", "admin-password"}});
  if (login.status != 200) throw std::runtime_error("admin login failed: " + login.body);
  admin_ = std::string(login.json().at("access_token").as_string());
  auto up = upload(c, admin_, "schedule.csv", opts.schedule_csv);
  if (up.status != 200) throw std::runtime_error("schedule upload failed: " + up.body);
}

seatd_cluster::~seatd_cluster() {
  instances_.clear();  // each stops with SIGTERM (and prints its log if it did not exit 0)
  redis_.reset();
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

std::string seatd_cluster::database_url() const { return database_url_; }

seatd_cluster::traveller seatd_cluster::signup(http_client& c) {
  traveller t;
  t.token = signup_and_login(c, unique_email("traveller"));
  t.id = c.get("/user/me", t.token).json().at("id").as_int64();
  return t;
}

bool is_booking_refusal(const http_reply& r) {
  if (r.status != 400) return false;
  auto body = r.json();
  if (!body.is_object() || !body.as_object().contains("detail")) return false;
  std::string_view detail = body.at("detail").as_string();
  return detail.ends_with("already booked") || detail == "Seat occupied" ||
         detail.find("is not held by you") != std::string_view::npos;
}

http_reply lock_seat(http_client& c, const std::string& token, int trip, int seat) {
  return c.post_json("/bookings/lock-seat/" + std::to_string(trip) + "/" + std::to_string(seat),
                     boost::json::object{}, token);
}

http_reply unlock_seat(http_client& c, const std::string& token, int trip, int seat) {
  return c.post_json("/bookings/unlock-seat/" + std::to_string(trip) + "/" + std::to_string(seat),
                     boost::json::object{}, token);
}

http_reply book_seats(http_client& c, const std::string& token, int trip,
                      const std::vector<int>& seats) {
  boost::json::array list;
  for (int s : seats) list.push_back(s);
  return c.post_json("/bookings/",
                     {{"trip_id", trip},
                      {"seat_numbers", list},
                      {"gender", "F"},
                      {"age", 30},
                      {"phone_number", "+91 98765 43210"}},
                     token);
}

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace seatd::testing
