#pragma once
// seatd as it scales out: a real redis-server and several seatd processes that share it and one
// database — an SQLite file (WAL works across processes on one machine) or a PostgreSQL
// database the test provides — as identical instances behind a load balancer. An admin account and a schedule are set up; travellers sign up on demand.
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "component/http_client.hpp"
#include "component/test_support.hpp"  // two_trips_csv
#include "component/seatd_process.hpp"
#include "integration/redis_test_server.hpp"

namespace seatd::testing {

class seatd_cluster {
 public:
  struct options {
    int instances = 3;
    std::vector<std::string> seatd_args;  // e.g. {"--hold-ttl", "1"}
    test::redis_test_server::options redis;
    std::string schedule_csv = two_trips_csv;
    // Empty: a fresh SQLite file in the cluster's directory; else e.g. a postgresql:// URL.
    std::string database_url;
    std::map<std::string, std::string> env;  // extra environment of every instance
  };
  struct traveller {
    std::string token;
    std::int64_t id = 0;
  };

  explicit seatd_cluster(options opts);
  ~seatd_cluster();
  seatd_cluster(const seatd_cluster&) = delete;
  seatd_cluster& operator=(const seatd_cluster&) = delete;

  test::redis_test_server& redis() { return *redis_; }
  int size() const { return int(instances_.size()); }
  seatd_process& instance(int i) { return *instances_.at(std::size_t(i)); }
  unsigned short port(int i) const { return instances_.at(std::size_t(i))->port(); }
  std::string database_url() const;
  const std::string& admin_token() const { return admin_; }

  // Signs up and logs in a new traveller through `c` (any instance: one database).
  traveller signup(http_client& c);

 private:
  std::string dir_;
  std::string database_url_;
  std::unique_ptr<test::redis_test_server> redis_;
  std::vector<std::unique_ptr<seatd_process>> instances_;
  std::string admin_;
};

// POST /bookings/lock-seat/{trip}/{seat} (and unlock-seat), POST /bookings/.
http_reply lock_seat(http_client& c, const std::string& token, int trip, int seat);
http_reply unlock_seat(http_client& c, const std::string& token, int trip, int seat);
http_reply book_seats(http_client& c, const std::string& token, int trip,
                      const std::vector<int>& seats);

// A 400 for losing a race for a seat (held or sold by someone else, or no longer held): an
// answer within the contract, not a failure.
bool is_booking_refusal(const http_reply& r);

// Milliseconds since the Unix epoch, the unit of expires_at.
std::int64_t now_ms();

}  // namespace seatd::testing
