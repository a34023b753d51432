// The outbox's delivery against a real SMTP server (tests/ticket/smtp_sink.py, Debian's
// python3-aiosmtpd) and real seatd processes:
//   - the SMTP server is down during 50 bookings: every booking still succeeds at once; when
//     the server comes up, every message arrives exactly once;
//   - seatd is killed (SIGKILL) while the server holds back its reply to a message it already
//     has: after a restart the message is delivered again, once, with the same Message-ID;
//   - three seatd instances share one PostgreSQL database (and Redis) and one SMTP sink: each
//     booking's and each cancellation's message arrives exactly once.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>
#include <thread>

#include "component/test_support.hpp"
#include "integration/seatd_cluster.hpp"
#include "store/pg_test_server.hpp"
#include "ticket/ticket_test_support.hpp"

namespace seatd::testing {
namespace {

namespace t = seatd::tickets::testing;
using namespace std::chrono_literals;

// Two 40-seat trips, as in the cluster tests.
struct booked {
  std::string number;
  std::string email;
};

// An admin in the database at `url` (the CLI), logged in through `c`.
std::string admin_on(const std::string& url, http_client& c) {
  const std::string email = unique_email("admin");
  auto made = run_seatd({"--database", url, "--fast-password-hash", "--env-file",
                         "/nonexistent.env", "admin", "create", "--email", email, "--password",
                         "admin-password"});
  EXPECT_EQ(made.code, 0) << made.output;
  auto login = c.post_json("/auth/login", {{"email", email}, {"password", "admin-password"}});
  EXPECT_EQ(login.status, 200) << login.body;
  return login.status == 200 ? std::string(login.json().at("access_token").as_string()) : "";
}

std::string smtp_url(std::uint16_t port) { return "smtp://127.0.0.1:" + std::to_string(port); }

// Message-ID -> how many copies arrived, over every .eml in dir.
std::map<std::string, int> message_ids(const std::filesystem::path& dir) {
  std::map<std::string, int> out;
  for (const auto& f : t::eml_files(dir)) ++out[t::header_value(t::read_file(f), "Message-ID")];
  return out;
}

// The booking number a Message-ID names: <seatd.outbox.{id}.{number}@domain>.
std::string number_of(const std::string& message_id) {
  const auto at = message_id.find('@');
  const auto dot = message_id.rfind('.', at);
  return message_id.substr(dot + 1, at - dot - 1);
}

class outbox_delivery_it : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!t::executable(t::system_python)) GTEST_SKIP() << "python3 missing";
  }
};

TEST_F(outbox_delivery_it, smtp_down_during_50_bookings_then_every_message_arrives_once) {
  t::scratch_dir sink_dir;
  const std::uint16_t port = t::unused_port();  // nothing listens there yet
  seatd_process server({}, {{"SMTP_URL", smtp_url(port)},
                            {"MAIL_FROM", "seatd <tickets@seatd.test>"},
                            {"SEATD_SMTP_TIMEOUT_SECONDS", "5"},
                            {"SEATD_OUTBOX_RETRY_BASE_MS", "200"},
                            {"SEATD_OUTBOX_RETRY_MAX_SECONDS", "2"},
                            {"SEATD_OUTBOX_MAX_ATTEMPTS", "1000"}});
  http_client c(server.port());
  const std::string admin = make_admin(server, c);
  ASSERT_EQ(upload(c, admin, "schedule.csv", two_trips_csv).status, 200);
  const std::string token = signup_and_login(c, unique_email("rider"));

  // 50 bookings of one seat each, timed: the mail server being away must not slow them.
  std::set<std::string> numbers;
  auto slowest = 0ms;
  for (int i = 0; i < 50; ++i) {
    const int trip = 1 + i / 25, seat = 1 + i % 25;
    ASSERT_EQ(lock_seat(c, token, trip, seat).status, 200);
    const auto start = std::chrono::steady_clock::now();
    auto r = book_seats(c, token, trip, {seat});
    slowest = std::max(slowest, std::chrono::duration_cast<std::chrono::milliseconds>(
                                    std::chrono::steady_clock::now() - start));
    ASSERT_EQ(r.status, 201) << r.body;
    numbers.insert(std::string(r.json().at("booking_number").as_string()));
  }
  std::printf("[ bookings ] 50 made while SMTP was down, slowest %lld ms\n",
              static_cast<long long>(slowest.count()));
  EXPECT_LT(slowest, 1000ms) << "a booking waited for the mail server";
  ASSERT_EQ(numbers.size(), 50u);

  // Let the delivery loop fail a few rounds, then bring the server up on that port.
  std::this_thread::sleep_for(1500ms);
  EXPECT_NE(server.log_text().find("retry in"), std::string::npos) << "no failed attempt logged";
  t::smtp_sink sink(sink_dir.path(), {.port = port});

  ASSERT_TRUE(t::wait_until([&] { return t::eml_files(sink_dir.path()).size() >= 50; }, 30s))
      << t::eml_files(sink_dir.path()).size() << " of 50 arrived\n" << server.log_text();
  std::this_thread::sleep_for(3s);  // a duplicate would have time to arrive
  const auto ids = message_ids(sink_dir.path());
  EXPECT_EQ(t::eml_files(sink_dir.path()).size(), 50u);
  std::set<std::string> mailed;
  for (const auto& [id, copies] : ids) {
    EXPECT_EQ(copies, 1) << id;
    mailed.insert(number_of(id));
  }
  EXPECT_EQ(mailed, numbers) << "every booking's confirmation, and nothing else";
  EXPECT_EQ(server.stop(), 0);
}

TEST_F(outbox_delivery_it, killed_mid_delivery_the_message_is_sent_again_with_the_same_id) {
  t::scratch_dir sink_dir, db_dir;
  // The sink keeps the first message and holds its "250" back for 20 s: seatd is killed while
  // it waits, so the row stays claimed and unmarked.
  t::smtp_sink sink(sink_dir.path(), {.delay_first = 20});
  const std::string database = "sqlite:///" + (db_dir.path() / "seatd.db").string();
  const std::map<std::string, std::string> env{{"SMTP_URL", smtp_url(sink.port())},
                                               {"SEATD_SMTP_TIMEOUT_SECONDS", "2"},
                                               {"SEATD_OUTBOX_LEASE_SECONDS", "3"}};
  auto first = std::make_unique<seatd_process>(std::vector<std::string>{"--database", database}, env);
  http_client c(first->port());
  const std::string admin = admin_on(database, c);
  ASSERT_EQ(upload(c, admin, "schedule.csv", two_trips_csv).status, 200);
  const std::string token = signup_and_login(c, unique_email("rider"));
  ASSERT_EQ(lock_seat(c, token, 1, 5).status, 200);
  auto r = book_seats(c, token, 1, {5});
  ASSERT_EQ(r.status, 201) << r.body;
  const std::string number(r.json().at("booking_number").as_string());

  ASSERT_TRUE(t::wait_until([&] { return !t::eml_files(sink_dir.path()).empty(); }, 10s))
      << first->log_text();
  first->kill();  // SIGKILL while the SMTP reply is held back
  first.reset();
  ASSERT_EQ(t::eml_files(sink_dir.path()).size(), 1u);

  // The restart finds the row claimed by a dead instance; once the lease runs out it sends it.
  seatd_process second({"--database", database}, env);
  ASSERT_TRUE(t::wait_until([&] { return t::eml_files(sink_dir.path()).size() >= 2; }, 15s))
      << "the message was not sent again after the restart\n" << second.log_text();
  std::this_thread::sleep_for(5s);  // longer than a lease: no third copy
  const auto ids = message_ids(sink_dir.path());
  ASSERT_EQ(ids.size(), 1u) << "every copy carries the same Message-ID";
  EXPECT_EQ(ids.begin()->second, 2) << "the original and at most one resend";
  EXPECT_EQ(number_of(ids.begin()->first), number);
  EXPECT_EQ(second.stop(), 0);
}

TEST_F(outbox_delivery_it, three_instances_on_postgres_send_each_message_once) {
  t::scratch_dir sink_dir;
  t::smtp_sink sink(sink_dir.path());
  auto& pg = test::pg_test_server::shared();
  seatd_cluster::options opts;
  opts.instances = 3;
  opts.database_url = pg.fresh_database_url() + "?pool_size=4";
  // Every instance looks for due messages every 50 ms: the claims really race.
  opts.env = {{"SMTP_URL", smtp_url(sink.port())}, {"SEATD_OUTBOX_POLL_MS", "50"},
              {"SEATD_OUTBOX_BATCH", "4"}};
  seatd_cluster cluster(opts);

  std::vector<std::unique_ptr<http_client>> clients;
  for (int i = 0; i < 3; ++i) clients.push_back(std::make_unique<http_client>(cluster.port(i)));
  std::vector<seatd_cluster::traveller> travellers;
  for (int i = 0; i < 3; ++i) travellers.push_back(cluster.signup(*clients[std::size_t(i)]));

  // 60 bookings, each through the instance after the last one's, from three travellers at
  // once; then every fifth one cancelled.
  std::vector<std::vector<std::string>> numbers(3);
  std::vector<std::thread> threads;
  for (int who = 0; who < 3; ++who)
    threads.emplace_back([&, who] {
      std::vector<std::unique_ptr<http_client>> own;  // a client is one connection: one thread
      for (int i = 0; i < 3; ++i) own.push_back(std::make_unique<http_client>(cluster.port(i)));
      for (int k = 0; k < 20; ++k) {
        const int slot = who * 20 + k;  // 0..59
        const int trip = 1 + slot / 30, seat = 1 + slot % 30;
        http_client& c = *own[std::size_t((who + k) % 3)];
        if (lock_seat(c, travellers[std::size_t(who)].token, trip, seat).status != 200) continue;
        auto r = book_seats(c, travellers[std::size_t(who)].token, trip, {seat});
        if (r.status == 201)
          numbers[std::size_t(who)].push_back(std::string(r.json().at("booking_number").as_string()));
      }
    });
  for (auto& th : threads) th.join();
  std::map<std::string, int> expected;  // booking number -> messages it should send
  int cancelled = 0;
  for (int who = 0; who < 3; ++who)
    for (std::size_t k = 0; k < numbers[std::size_t(who)].size(); ++k) {
      const std::string& n = numbers[std::size_t(who)][k];
      expected[n] = 1;
      if (k % 5 == 0) {
        auto r = clients[k % 3]->post_json("/bookings/" + n + "/cancel", boost::json::object{},
                                            travellers[std::size_t(who)].token);
        ASSERT_EQ(r.status, 200) << r.body;
        expected[n] = 2;
        ++cancelled;
      }
    }
  ASSERT_EQ(expected.size(), 60u) << "every booking was made";
  const std::size_t total = 60 + std::size_t(cancelled);

  ASSERT_TRUE(t::wait_until([&] { return t::eml_files(sink_dir.path()).size() >= total; }, 30s))
      << t::eml_files(sink_dir.path()).size() << " of " << total << " arrived";
  std::this_thread::sleep_for(3s);
  EXPECT_EQ(t::eml_files(sink_dir.path()).size(), total);
  std::map<std::string, int> per_booking;
  for (const auto& [id, copies] : message_ids(sink_dir.path())) {
    EXPECT_EQ(copies, 1) << id << " arrived more than once";
    ++per_booking[number_of(id)];
  }
  EXPECT_EQ(per_booking, expected);
}

}  // namespace
}  // namespace seatd::testing
