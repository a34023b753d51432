// The booking sequence (service/booking_service): only held seats are sold, the holds end as
// sold on success and as held again when the database refuses, a cancellation frees the seats
// and tells the viewers. Against the in-process hold engine and an in-memory SQLite store, on an
// io_context driven by the test.
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include <optional>

#include "holds/memory_engine.hpp"
#include "service/booking_service.hpp"
#include "service/schedule_loader.hpp"

namespace seatd::service {
namespace {

namespace asio = boost::asio;

const std::string schedule_csv =
    "Operator,Day,Bus Name,Source,Destination,Departure Time,Arrival Time,Fare (INR),"
    "Service Type,Bus Type\n"
    "ABC TRAVELS,Monday,Bus 1,Bangalore,Chennai,06:00 AM,02:00 PM,750,Day,AC\n";

class booking_service_test : public ::testing::Test {
 protected:
  void SetUp() override {
    auto today = std::chrono::floor<std::chrono::days>(to_local(clk_.now()));
    auto loaded = load_schedule(*db_, "t.csv", schedule_csv, today);
    ASSERT_TRUE(loaded.ok) << loaded.message;
    ASSERT_TRUE(db_->find_trip(1));  // the schedule's only trip
    trip_ = 1;
    alice_ = db_->create_user({"alice", "alice@example.com", "h", false})->id;
    bob_ = db_->create_user({"bob", "bob@example.com", "h", false})->id;
  }
  void TearDown() override { pool_.stop(); }

  // Runs one coroutine to its end on the test's io_context.
  template <class T>
  T run(asio::awaitable<T> task) {
    std::optional<T> out;
    std::exception_ptr failure;
    auto guard = asio::make_work_guard(ioc_);
    asio::co_spawn(ioc_, std::move(task), [&](std::exception_ptr e, T v) {
      failure = e;
      out.emplace(std::move(v));
    });
    while (!out) ioc_.run_one();
    if (failure) std::rethrow_exception(failure);
    return std::move(*out);
  }
  booking_request request(row_id user, std::vector<int> seats) {
    booking_request r;
    r.user_id = user;
    r.trip_id = trip_;
    r.seat_numbers = std::move(seats);
    return r;
  }
  std::vector<hold> holds() { return run(engine_.snapshot(trip_))->holds; }

  manual_clock clk_;
  asio::io_context ioc_;
  std::unique_ptr<store> db_ = open_store("sqlite://:memory:");
  worker_pool pool_{1, 16};
  std::vector<seat_event> events_;
  memory_engine engine_{ioc_.get_executor(), clk_, hold_policy{},
                        [this](const seat_event& e) { events_.push_back(e); }};
  booking_service service_{*db_, pool_, engine_, clk_};
  row_id trip_ = 0, alice_ = 0, bob_ = 0;
};

TEST_F(booking_service_test, sells_only_seats_the_buyer_holds) {
  ASSERT_TRUE(run(engine_.take(trip_, 1, alice_)));
  auto outcome = run(service_.book(request(alice_, {1, 2})));
  EXPECT_EQ(outcome.code, errc::not_holder);
  EXPECT_EQ(outcome.seat, 2);
  EXPECT_TRUE(db_->list_tickets(alice_).empty());
  // Still Alice's, and no longer pinned: the refusal changed nothing.
  auto h = holds();
  ASSERT_EQ(h.size(), 1u);
  EXPECT_EQ(h[0].user, alice_);
  EXPECT_FALSE(h[0].pinned);
}

TEST_F(booking_service_test, a_booking_turns_the_holds_into_sold_seats) {
  ASSERT_TRUE(run(engine_.take(trip_, 3, alice_)));
  ASSERT_TRUE(run(engine_.take(trip_, 4, alice_)));
  auto outcome = run(service_.book(request(alice_, {3, 4})));
  ASSERT_FALSE(outcome.code) << outcome.code.message();
  EXPECT_EQ(outcome.booking_number.rfind("ABC-", 0), 0u);
  auto tickets = db_->list_tickets(alice_);
  ASSERT_EQ(tickets.size(), 1u);
  EXPECT_EQ(tickets[0].seats, (std::vector<int>{3, 4}));
  EXPECT_TRUE(holds().empty());
  ASSERT_FALSE(events_.empty());
  EXPECT_EQ(events_.back().kind, seat_event_kind::booked);
  EXPECT_EQ(events_.back().seats, (std::vector<int>{3, 4}));
  // Sold: nobody can hold them again.
  EXPECT_FALSE(run(engine_.take(trip_, 3, bob_)));
}

TEST_F(booking_service_test, when_the_database_refuses_the_seats_are_held_again) {
  // Seat 5 was sold behind the engine's back (another instance, an operator's tool).
  booking_request direct = request(bob_, {5});
  ASSERT_FALSE(db_->create_booking(direct, [] { return std::string("ABC-000001"); }).code);
  ASSERT_TRUE(run(engine_.take(trip_, 5, alice_)));
  ASSERT_TRUE(run(engine_.take(trip_, 6, alice_)));
  auto outcome = run(service_.book(request(alice_, {5, 6})));
  EXPECT_EQ(outcome.code, errc::seat_booked);
  EXPECT_EQ(outcome.seat, 5);
  auto h = holds();
  ASSERT_EQ(h.size(), 2u);  // both still Alice's, unpinned, so she can drop 5 and book 6
  for (const auto& x : h) {
    EXPECT_EQ(x.user, alice_);
    EXPECT_FALSE(x.pinned);
  }
  EXPECT_FALSE(run(service_.book(request(alice_, {6}))).code);
}

TEST_F(booking_service_test, a_cancellation_frees_the_seats_and_tells_the_viewers) {
  ASSERT_TRUE(run(engine_.take(trip_, 7, alice_)));
  auto booked = run(service_.book(request(alice_, {7})));
  ASSERT_FALSE(booked.code);
  auto cancelled = run(service_.cancel(booked.booking_number));
  ASSERT_TRUE(cancelled);
  EXPECT_EQ(cancelled->seats, (std::vector<int>{7}));
  EXPECT_EQ(events_.back().kind, seat_event_kind::released);
  EXPECT_EQ(events_.back().seats, (std::vector<int>{7}));
  EXPECT_TRUE(run(engine_.take(trip_, 7, bob_)));  // free again
  // Twice: refused, and nobody is told anything.
  const auto before = events_.size();
  auto again = run(service_.cancel(booked.booking_number));
  EXPECT_EQ(again.error(), errc::already_cancelled);
  EXPECT_EQ(events_.size(), before);
  EXPECT_EQ(run(service_.cancel("ABC-FFFFFF")).error(), errc::not_found);
}

}  // namespace
}  // namespace seatd::service
