// service/outbox_delivery against an in-memory SQLite store and a scripted mail_sender, on an
// io_context of its own thread, time from a manual clock: a poke sends at once; a retryable
// failure is retried after its backoff and given up after max_attempts; a permanent one is
// given up at once; no more than max_in_flight sends run at once; stop() ends the claims.
#include <gtest/gtest.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include <condition_variable>
#include <mutex>
#include <thread>

#include "service/outbox_delivery.hpp"
#include "service/schedule_loader.hpp"
#include "ticket/errc.hpp"

namespace seatd::service {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

const std::string schedule_csv =
    "Operator,Day,Bus Name,Source,Destination,Departure Time,Arrival Time,Fare (INR),"
    "Service Type,Bus Type\n"
    "ABC TRAVELS,Monday,Bus 1,Bangalore,Chennai,06:00 AM,02:00 PM,750,Day,AC\n";

// Records every send; answers with `outcome` (success when empty); with the gate closed, each
// send waits until it opens (a slow SMTP server).
class scripted_sender final : public tickets::mail_sender {
 public:
  tickets::send_result send(const tickets::outgoing_mail& mail) const override {
    std::unique_lock lock(mutex_);
    ids_.push_back(mail.message_id);
    ++busy_;
    most_busy_ = std::max(most_busy_, busy_);
    changed_.notify_all();
    changed_.wait(lock, [&] { return open_; });
    --busy_;
    if (outcome_) return tickets::send_error{make_error_code(*outcome_), "scripted failure"};
    return {};
  }
  void fail_with(tickets::errc e) {
    std::lock_guard lock(mutex_);
    outcome_ = e;
  }
  void close_gate() {
    std::lock_guard lock(mutex_);
    open_ = false;
  }
  void open_gate() {
    std::lock_guard lock(mutex_);
    open_ = true;
    changed_.notify_all();
  }
  std::vector<std::string> ids() const {
    std::lock_guard lock(mutex_);
    return ids_;
  }
  int busy() const {
    std::lock_guard lock(mutex_);
    return busy_;
  }
  int most_busy() const {
    std::lock_guard lock(mutex_);
    return most_busy_;
  }

 private:
  mutable std::mutex mutex_;
  mutable std::condition_variable changed_;
  mutable std::vector<std::string> ids_;
  mutable int busy_ = 0;
  mutable int most_busy_ = 0;
  bool open_ = true;
  std::optional<tickets::errc> outcome_;
};

bool eventually(const std::function<bool()>& done, std::chrono::milliseconds timeout = 5s) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(5ms);
  }
  return true;
}

ticket_documents_options documents_options() {
  ticket_documents_options o;
  o.server_secret = "unit-test-secret-0123456789abcdef0123";
  o.from = parse_mailbox("seatd <tickets@seatd.test>").value();
  o.pdf.unicode_font.clear();
  return o;
}

class outbox_delivery_test : public ::testing::Test {
 protected:
  void SetUp() override {
    auto today = std::chrono::floor<std::chrono::days>(to_local(clk_.now()));
    auto loaded = load_schedule(*db_, "t.csv", schedule_csv, today);
    ASSERT_TRUE(loaded.ok) << loaded.message;
    user_ = db_->create_user({"asha", "asha@example.com", "h", false})->id;
    io_ = std::thread([this] { ioc_.run(); });
  }
  void TearDown() override {
    sender_.open_gate();
    if (delivery_) {
      EXPECT_TRUE(delivery_->stop(std::chrono::steady_clock::now() + 5s));
    }
    work_.reset();
    ioc_.stop();
    io_.join();
    db_pool_.stop();
    mail_lane_.stop();
  }

  void start(outbox_delivery_options o = {}) {
    o.owner = "unit-test";
    if (o.poll_interval == 1s) o.poll_interval = 1h;  // only pokes wake it, unless a test says
    delivery_ = std::make_unique<outbox_delivery>(ioc_.get_executor(), *db_, db_pool_, mail_lane_,
                                                  documents_, sender_, clk_, o,
                                                  [] { return 0.999999; });
    delivery_->start();
  }

  std::string book(int seat) {
    booking_request r;
    r.user_id = user_;
    r.trip_id = 1;
    r.seat_numbers = {seat};
    r.created_at = to_local(clk_.now());
    r.now = clk_.now();
    auto out = db_->create_booking(r, [seat] { return "ABC-00000" + std::to_string(seat); });
    EXPECT_FALSE(out.code) << out.code.message();
    return out.booking_number;
  }

  outbox_message only_row() {
    auto rows = db_->list_outbox(std::nullopt, 10);
    EXPECT_EQ(rows.size(), 1u);
    return rows.empty() ? outbox_message{} : rows.front();
  }

  manual_clock clk_;
  asio::io_context ioc_;
  asio::executor_work_guard<asio::io_context::executor_type> work_ = asio::make_work_guard(ioc_);
  std::thread io_;
  std::unique_ptr<store> db_ = open_store("sqlite://:memory:");
  worker_pool db_pool_{2, 64};
  worker_pool mail_lane_{4, 64};
  scripted_sender sender_;
  ticket_documents documents_{documents_options()};
  std::unique_ptr<outbox_delivery> delivery_;
  row_id user_ = 0;
};

TEST_F(outbox_delivery_test, a_poke_sends_the_booking_mail_at_once_and_marks_it_sent) {
  start();
  ASSERT_TRUE(eventually([&] { return delivery_->stats().passes == 1; }));  // found nothing
  const std::string number = book(1);
  // The poll interval is an hour: without a poke nothing moves.
  std::this_thread::sleep_for(300ms);
  EXPECT_TRUE(sender_.ids().empty());
  delivery_->poke();
  // The row is written before the counter moves: wait for both.
  ASSERT_TRUE(eventually([&] { return db_->count_outbox().sent == 1 && delivery_->stats().sent == 1; }));
  const auto row = only_row();
  EXPECT_EQ(row.status, outbox_status::sent);
  EXPECT_EQ(row.booking_number, number);
  EXPECT_EQ(sender_.ids(), std::vector<std::string>{documents_.message_id(row)});
}

TEST_F(outbox_delivery_test, rows_left_from_before_are_claimed_on_start) {
  book(2);
  start();
  ASSERT_TRUE(eventually([&] { return db_->count_outbox().sent == 1; }));
}

TEST_F(outbox_delivery_test, a_retryable_failure_backs_off_and_gives_up_after_max_attempts) {
  outbox_delivery_options o;
  o.policy.retry_base = 2s;
  o.policy.retry_cap = 3s;
  o.policy.max_attempts = 3;
  sender_.fail_with(tickets::errc::mail_retryable);
  book(3);
  const sys_ms t0 = clk_.now();
  start(o);
  // Attempt 1 fails: pending again, due after the whole first window (the draw is ~1).
  ASSERT_TRUE(eventually([&] { return only_row().attempts == 1 && delivery_->stats().retried == 1; }));
  auto row = only_row();
  EXPECT_EQ(row.status, outbox_status::pending);
  EXPECT_EQ(row.next_attempt_at, t0 + 2s);
  EXPECT_NE(row.last_error.find("scripted failure"), std::string::npos) << row.last_error;
  // Not due yet: a poke claims nothing.
  delivery_->poke();
  std::this_thread::sleep_for(200ms);
  EXPECT_EQ(sender_.ids().size(), 1u);
  // Due: attempt 2 fails, the window doubles (capped at 3 s).
  clk_.advance(2s);
  delivery_->poke();
  ASSERT_TRUE(eventually([&] { return delivery_->stats().retried == 2; }));
  EXPECT_EQ(only_row().next_attempt_at, t0 + 2s + 3s);
  // Attempt 3 is the last: failed for good.
  clk_.advance(3s);
  delivery_->poke();
  // The row is written before the counter moves: wait for both.
  ASSERT_TRUE(eventually([&] { return db_->count_outbox().failed == 1 && delivery_->stats().given_up == 1; }));
  EXPECT_EQ(only_row().attempts, 3);
  EXPECT_EQ(sender_.ids().size(), 3u);
}

TEST_F(outbox_delivery_test, a_permanent_failure_gives_up_at_once) {
  sender_.fail_with(tickets::errc::mail_permanent);
  book(4);
  start();
  ASSERT_TRUE(eventually([&] { return db_->count_outbox().failed == 1; }));
  EXPECT_EQ(only_row().attempts, 1);
  EXPECT_EQ(sender_.ids().size(), 1u);
}

TEST_F(outbox_delivery_test, a_confirmation_whose_booking_was_cancelled_first_is_not_sent) {
  const std::string number = book(12);
  ASSERT_TRUE(db_->cancel_booking(number, clk_.now()));  // before any delivery ran
  start();
  ASSERT_TRUE(eventually([&] {
    auto c = db_->count_outbox();
    return c.failed == 1 && c.sent == 1;
  }));
  auto failed = db_->list_outbox(outbox_status::failed, 10);
  ASSERT_EQ(failed.size(), 1u);
  EXPECT_EQ(failed[0].kind, mail_kind::booking_confirmation);
  EXPECT_NE(failed[0].last_error.find("cancelled before its confirmation"), std::string::npos)
      << failed[0].last_error;
  EXPECT_EQ(sender_.ids().size(), 1u) << "only the cancellation went out";
}

TEST_F(outbox_delivery_test, no_more_than_max_in_flight_sends_at_once) {
  outbox_delivery_options o;
  o.max_in_flight = 2;
  sender_.close_gate();
  for (int seat = 5; seat < 10; ++seat) book(seat);
  start(o);
  ASSERT_TRUE(eventually([&] { return sender_.busy() == 2; }));
  delivery_->poke();
  std::this_thread::sleep_for(300ms);
  EXPECT_EQ(sender_.busy(), 2);
  EXPECT_EQ(delivery_->stats().claimed, 2u) << "claimed beyond the room it had";
  sender_.open_gate();
  ASSERT_TRUE(eventually([&] { return db_->count_outbox().sent == 5; }));
  EXPECT_EQ(sender_.most_busy(), 2);
  EXPECT_EQ(sender_.ids().size(), 5u);
}

TEST_F(outbox_delivery_test, stop_waits_for_a_send_in_flight_and_ends_the_claims) {
  sender_.close_gate();
  book(10);
  start();
  ASSERT_TRUE(eventually([&] { return sender_.busy() == 1; }));
  // The send is stuck: stop's deadline passes.
  EXPECT_FALSE(delivery_->stop(std::chrono::steady_clock::now() + 200ms));
  sender_.open_gate();
  EXPECT_TRUE(delivery_->stop(std::chrono::steady_clock::now() + 5s));
  EXPECT_EQ(db_->count_outbox().sent, 1);  // the one in flight was finished and marked
  book(11);
  delivery_->poke();
  std::this_thread::sleep_for(300ms);
  EXPECT_EQ(sender_.ids().size(), 1u) << "claimed after stop()";
}

}  // namespace
}  // namespace seatd::service
