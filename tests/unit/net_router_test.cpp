#include <gtest/gtest.h>

#include <boost/asio/awaitable.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "net/http.hpp"
#include "net/request_context.hpp"
#include "net/router.hpp"

namespace {

namespace net = seatd::net;
namespace json = boost::json;
using net::http::verb;

// A handler that carries an id, so a test can tell which route `find` chose without running
// the coroutine: std::function::target<tagged>() gives the stored object back.
struct tagged {
  int id;
  boost::asio::awaitable<net::response> operator()(net::request_context&) const {
    co_return net::response{};
  }
};

int id_of(const net::router::match& m) {
  if (!m.h) return -1;
  auto* t = m.h->target<tagged>();
  return t ? t->id : -2;
}

json::value body_json(const net::response& r) { return json::parse(r.body()); }

class net_router : public ::testing::Test {
 protected:
  net::router r;
};

// ---- literal routes ------------------------------------------------------------------------

TEST_F(net_router, literal_match) {
  r.add(verb::get, "/health", tagged{1});
  r.add(verb::get, "/version", tagged{2});
  auto m = r.find(verb::get, "/health");
  EXPECT_EQ(id_of(m), 1);
  EXPECT_FALSE(m.error.has_value());
  EXPECT_TRUE(m.params.values.empty());
  EXPECT_EQ(id_of(r.find(verb::get, "/version")), 2);
}

TEST_F(net_router, multi_segment_literal_match) {
  r.add(verb::post, "/auth/login", tagged{1});
  r.add(verb::post, "/auth/register", tagged{2});
  EXPECT_EQ(id_of(r.find(verb::post, "/auth/register")), 2);
  EXPECT_EQ(id_of(r.find(verb::post, "/auth/login")), 1);
}

TEST_F(net_router, literal_match_is_case_sensitive) {
  r.add(verb::get, "/health", tagged{1});
  auto m = r.find(verb::get, "/Health");
  EXPECT_EQ(m.h, nullptr);
  ASSERT_TRUE(m.error.has_value());
  EXPECT_EQ(m.error->result_int(), 404);
}

TEST_F(net_router, root_path) {
  r.add(verb::get, "/", tagged{1});
  r.add(verb::get, "/health", tagged{2});
  EXPECT_EQ(id_of(r.find(verb::get, "/")), 1);
  EXPECT_EQ(id_of(r.find(verb::get, "/health")), 2);
}

TEST_F(net_router, segment_count_must_match) {
  r.add(verb::get, "/trips/{trip_id:int}", tagged{1});
  EXPECT_EQ(r.find(verb::get, "/trips").h, nullptr);
  EXPECT_EQ(r.find(verb::get, "/trips/1/extra").h, nullptr);
  EXPECT_EQ(r.find(verb::get, "/trips/1/extra").error->result_int(), 404);
}

// ---- integer parameters --------------------------------------------------------------------

TEST_F(net_router, int_param_valid) {
  r.add(verb::get, "/trips/{trip_id:int}", tagged{1});
  auto m = r.find(verb::get, "/trips/42");
  EXPECT_EQ(id_of(m), 1);
  EXPECT_FALSE(m.error.has_value());
  EXPECT_EQ(m.params.get("trip_id"), "42");
  EXPECT_EQ(m.params.get_int("trip_id"), 42);
}

TEST_F(net_router, int_param_negative_and_zero) {
  r.add(verb::get, "/trips/{trip_id:int}", tagged{1});
  auto m = r.find(verb::get, "/trips/-7");
  EXPECT_EQ(id_of(m), 1);
  EXPECT_EQ(m.params.get_int("trip_id"), -7);
  auto z = r.find(verb::get, "/trips/0");
  EXPECT_EQ(id_of(z), 1);
  EXPECT_EQ(z.params.get_int("trip_id"), 0);
}

TEST_F(net_router, int_param_at_the_int64_limits) {
  r.add(verb::get, "/trips/{trip_id:int}", tagged{1});
  auto hi = r.find(verb::get, "/trips/9223372036854775807");
  EXPECT_EQ(id_of(hi), 1);
  EXPECT_EQ(hi.params.get_int("trip_id"), INT64_MAX);
  auto lo = r.find(verb::get, "/trips/-9223372036854775808");
  EXPECT_EQ(id_of(lo), 1);
  EXPECT_EQ(lo.params.get_int("trip_id"), INT64_MIN);
}

void expect_int_error(const net::router::match& m, std::string_view name) {
  EXPECT_EQ(m.h, nullptr);
  ASSERT_TRUE(m.error.has_value());
  EXPECT_EQ(m.error->result_int(), 422);
  auto body = body_json(*m.error);
  ASSERT_TRUE(body.is_object()) << m.error->body();
  const auto& detail = body.as_object().at("detail");
  ASSERT_TRUE(detail.is_array()) << m.error->body();
  ASSERT_EQ(detail.as_array().size(), 1U);
  const auto& item = detail.as_array()[0].as_object();
  EXPECT_EQ(json::serialize(item.at("loc")), json::serialize(json::array{"path", name}));
  EXPECT_EQ(json::serialize(item.at("type")), R"("type_error.integer")");
  EXPECT_EQ(json::serialize(item.at("msg")), R"("value is not a valid integer")");
}

TEST_F(net_router, int_param_non_integer_is_422) {
  r.add(verb::get, "/trips/{trip_id:int}", tagged{1});
  for (std::string_view bad : {"abc", "12abc", "1.5", "0x10", "+5", "-", " 1", "1e3"}) {
    SCOPED_TRACE(bad);
    expect_int_error(r.find(verb::get, "/trips/" + std::string(bad)), "trip_id");
  }
}

TEST_F(net_router, int_param_overflow_is_422) {
  r.add(verb::get, "/trips/{trip_id:int}", tagged{1});
  expect_int_error(r.find(verb::get, "/trips/99999999999999999999"), "trip_id");
  expect_int_error(r.find(verb::get, "/trips/9223372036854775808"), "trip_id");
  expect_int_error(r.find(verb::get, "/trips/-9223372036854775809"), "trip_id");
}

TEST_F(net_router, int_error_names_the_first_bad_parameter) {
  r.add(verb::get, "/trips/{trip_id:int}/seats/{seat:int}", tagged{1});
  expect_int_error(r.find(verb::get, "/trips/1/seats/x"), "seat");
  expect_int_error(r.find(verb::get, "/trips/x/seats/y"), "trip_id");
  auto ok = r.find(verb::get, "/trips/3/seats/12");
  EXPECT_EQ(id_of(ok), 1);
  EXPECT_EQ(ok.params.get_int("trip_id"), 3);
  EXPECT_EQ(ok.params.get_int("seat"), 12);
}

TEST_F(net_router, int_error_response_is_json) {
  r.add(verb::get, "/trips/{trip_id:int}", tagged{1});
  auto m = r.find(verb::get, "/trips/abc");
  ASSERT_TRUE(m.error.has_value());
  EXPECT_EQ((*m.error)[net::http::field::content_type], "application/json");
}

TEST_F(net_router, int_mismatch_on_another_method_is_405_not_422) {
  r.add(verb::delete_, "/trips/{trip_id:int}", tagged{1});
  auto m = r.find(verb::get, "/trips/abc");
  ASSERT_TRUE(m.error.has_value());
  EXPECT_EQ(m.error->result_int(), 405);
}

TEST_F(net_router, literal_registered_after_an_int_route_still_matches) {
  // The int route sees "search" as a bad integer, but the search keeps looking.
  r.add(verb::get, "/trips/{trip_id:int}", tagged{1});
  r.add(verb::get, "/trips/search", tagged{2});
  auto m = r.find(verb::get, "/trips/search");
  EXPECT_EQ(id_of(m), 2);
  EXPECT_FALSE(m.error.has_value());
  EXPECT_EQ(id_of(r.find(verb::get, "/trips/5")), 1);
}

TEST_F(net_router, unknown_param_type_is_refused_at_registration) {
  EXPECT_THROW(r.add(verb::get, "/x/{id:uuid}", tagged{1}), std::logic_error);
}

// ---- string parameters ---------------------------------------------------------------------

TEST_F(net_router, string_param) {
  r.add(verb::get, "/bookings/{booking_number}", tagged{1});
  auto m = r.find(verb::get, "/bookings/ABC-1F2E3D");
  EXPECT_EQ(id_of(m), 1);
  EXPECT_FALSE(m.error.has_value());
  ASSERT_EQ(m.params.values.size(), 1U);
  EXPECT_EQ(m.params.values[0].first, "booking_number");
  EXPECT_EQ(m.params.get("booking_number"), "ABC-1F2E3D");
  EXPECT_EQ(m.params.get("absent"), "");
}

TEST_F(net_router, string_param_accepts_digits_and_any_text) {
  r.add(verb::get, "/bookings/{booking_number}", tagged{1});
  EXPECT_EQ(r.find(verb::get, "/bookings/123").params.get("booking_number"), "123");
  EXPECT_EQ(r.find(verb::get, "/bookings/a%20b").params.get("booking_number"), "a%20b");
}

TEST_F(net_router, mixed_params) {
  r.add(verb::post, "/trips/{trip_id:int}/hold/{code}", tagged{1});
  auto m = r.find(verb::post, "/trips/9/hold/xyz");
  EXPECT_EQ(id_of(m), 1);
  EXPECT_EQ(m.params.get_int("trip_id"), 9);
  EXPECT_EQ(m.params.get("code"), "xyz");
}

// ---- trailing slash ------------------------------------------------------------------------

TEST_F(net_router, trailing_slash_on_the_request_is_ignored) {
  r.add(verb::get, "/bookings", tagged{1});
  EXPECT_EQ(id_of(r.find(verb::get, "/bookings/")), 1);
  EXPECT_EQ(id_of(r.find(verb::get, "/bookings")), 1);
}

TEST_F(net_router, trailing_slash_on_the_pattern_is_ignored) {
  r.add(verb::get, "/bookings/", tagged{1});
  EXPECT_EQ(id_of(r.find(verb::get, "/bookings")), 1);
  EXPECT_EQ(id_of(r.find(verb::get, "/bookings/")), 1);
}

TEST_F(net_router, trailing_slash_after_a_param) {
  r.add(verb::get, "/trips/{trip_id:int}", tagged{1});
  auto m = r.find(verb::get, "/trips/8/");
  EXPECT_EQ(id_of(m), 1);
  EXPECT_EQ(m.params.get_int("trip_id"), 8);
}

// ---- 404 and 405 ---------------------------------------------------------------------------

TEST_F(net_router, unknown_path_is_404_not_found) {
  r.add(verb::get, "/health", tagged{1});
  auto m = r.find(verb::get, "/nope");
  EXPECT_EQ(m.h, nullptr);
  ASSERT_TRUE(m.error.has_value());
  EXPECT_EQ(m.error->result_int(), 404);
  EXPECT_EQ(body_json(*m.error), json::parse(R"({"detail":"Not Found"})"));
}

TEST_F(net_router, empty_router_answers_404) {
  auto m = r.find(verb::get, "/");
  EXPECT_EQ(m.h, nullptr);
  ASSERT_TRUE(m.error.has_value());
  EXPECT_EQ(m.error->result_int(), 404);
}

TEST_F(net_router, known_path_wrong_method_is_405) {
  r.add(verb::get, "/bookings", tagged{1});
  r.add(verb::post, "/bookings", tagged{2});
  auto m = r.find(verb::delete_, "/bookings");
  EXPECT_EQ(m.h, nullptr);
  ASSERT_TRUE(m.error.has_value());
  EXPECT_EQ(m.error->result_int(), 405);
  EXPECT_EQ(body_json(*m.error), json::parse(R"({"detail":"Method Not Allowed"})"));
}

TEST_F(net_router, method_selects_among_routes_on_one_path) {
  r.add(verb::get, "/bookings", tagged{1});
  r.add(verb::post, "/bookings", tagged{2});
  EXPECT_EQ(id_of(r.find(verb::get, "/bookings")), 1);
  EXPECT_EQ(id_of(r.find(verb::post, "/bookings")), 2);
}

TEST_F(net_router, param_route_on_wrong_method_is_405) {
  r.add(verb::get, "/bookings/{booking_number}", tagged{1});
  auto m = r.find(verb::put, "/bookings/ABC-000001");
  ASSERT_TRUE(m.error.has_value());
  EXPECT_EQ(m.error->result_int(), 405);
}

// ---- precedence ----------------------------------------------------------------------------

TEST_F(net_router, literal_registered_before_a_param_route_wins) {
  r.add(verb::get, "/bookings/my-tickets", tagged{1});
  r.add(verb::get, "/bookings/{booking_number}", tagged{2});
  auto lit = r.find(verb::get, "/bookings/my-tickets");
  EXPECT_EQ(id_of(lit), 1);
  EXPECT_TRUE(lit.params.values.empty());
  auto par = r.find(verb::get, "/bookings/ABC-123456");
  EXPECT_EQ(id_of(par), 2);
  EXPECT_EQ(par.params.get("booking_number"), "ABC-123456");
}

TEST_F(net_router, first_registered_route_wins_among_equals) {
  r.add(verb::get, "/a/{x}", tagged{1});
  r.add(verb::get, "/a/{y}", tagged{2});
  auto m = r.find(verb::get, "/a/v");
  EXPECT_EQ(id_of(m), 1);
  EXPECT_EQ(m.params.get("x"), "v");
  EXPECT_EQ(m.params.get("y"), "");
}

TEST_F(net_router, params_of_a_partial_match_do_not_leak) {
  // The first route binds "x" before failing on its last literal segment.
  r.add(verb::get, "/a/{x}/b", tagged{1});
  r.add(verb::get, "/a/{y}/c", tagged{2});
  auto m = r.find(verb::get, "/a/v/c");
  EXPECT_EQ(id_of(m), 2);
  ASSERT_EQ(m.params.values.size(), 1U);
  EXPECT_EQ(m.params.get("y"), "v");
  EXPECT_EQ(m.params.get("x"), "");
}

// ---- methods_for ---------------------------------------------------------------------------

TEST_F(net_router, methods_for_lists_registered_methods_in_order) {
  r.add(verb::get, "/bookings", tagged{1});
  r.add(verb::post, "/bookings", tagged{2});
  r.add(verb::get, "/bookings/{booking_number}", tagged{3});
  r.add(verb::delete_, "/bookings/{booking_number}", tagged{4});
  EXPECT_EQ(r.methods_for("/bookings"), (std::vector<verb>{verb::get, verb::post}));
  EXPECT_EQ(r.methods_for("/bookings/"), (std::vector<verb>{verb::get, verb::post}));
  EXPECT_EQ(r.methods_for("/bookings/ABC-1"), (std::vector<verb>{verb::get, verb::delete_}));
}

TEST_F(net_router, methods_for_unknown_path_is_empty) {
  r.add(verb::get, "/bookings", tagged{1});
  EXPECT_TRUE(r.methods_for("/nope").empty());
  EXPECT_TRUE(r.methods_for("/bookings/x/y").empty());
}

TEST_F(net_router, methods_for_includes_int_routes_with_a_bad_value) {
  // The path shape is known even when the value is not an integer (preflight still answers).
  r.add(verb::get, "/trips/{trip_id:int}", tagged{1});
  EXPECT_EQ(r.methods_for("/trips/abc"), (std::vector<verb>{verb::get}));
  EXPECT_EQ(r.methods_for("/trips/1"), (std::vector<verb>{verb::get}));
}

TEST_F(net_router, methods_for_literal_and_param_overlap) {
  r.add(verb::get, "/bookings/my-tickets", tagged{1});
  r.add(verb::delete_, "/bookings/{booking_number}", tagged{2});
  EXPECT_EQ(r.methods_for("/bookings/my-tickets"), (std::vector<verb>{verb::get, verb::delete_}));
  EXPECT_EQ(r.methods_for("/bookings/ABC-1"), (std::vector<verb>{verb::delete_}));
}

// ---- HEAD and 405 ------------------------------------------------------------------------

TEST_F(net_router, head_is_answered_by_the_get_route) {
  r.add(verb::get, "/readyz", tagged{1});
  r.add(verb::get, "/trips/{id:int}", tagged{2});
  EXPECT_EQ(id_of(r.find(verb::head, "/readyz")), 1);
  EXPECT_EQ(id_of(r.find(verb::head, "/trips/7")), 2);
  auto bad = r.find(verb::head, "/trips/x");
  ASSERT_TRUE(bad.error.has_value());
  EXPECT_EQ(bad.error->result(), net::http::status::unprocessable_entity);
  EXPECT_EQ(r.find(verb::head, "/nothing").error->result(), net::http::status::not_found);
}

TEST_F(net_router, a_head_route_of_its_own_wins) {
  r.add(verb::get, "/x", tagged{1});
  r.add(verb::head, "/x", tagged{2});
  EXPECT_EQ(id_of(r.find(verb::head, "/x")), 2);
}

TEST_F(net_router, method_not_allowed_names_the_methods_the_path_takes) {
  r.add(verb::get, "/bookings/", tagged{1});
  r.add(verb::post, "/bookings/", tagged{2});
  auto m = r.find(verb::delete_, "/bookings/");
  ASSERT_TRUE(m.error.has_value());
  EXPECT_EQ(m.error->result(), net::http::status::method_not_allowed);
  EXPECT_EQ((*m.error)[net::http::field::allow], "GET, POST, HEAD");
  r.add(verb::post, "/only-post", tagged{3});
  auto head = r.find(verb::head, "/only-post");
  ASSERT_TRUE(head.error.has_value());
  EXPECT_EQ((*head.error)[net::http::field::allow], "POST");
}

// ---- route policies (checked on the header, before the body) ----------------------------

TEST_F(net_router, routes_are_open_with_small_bodies_unless_told_otherwise) {
  r.add(verb::post, "/auth/login", tagged{1});
  auto m = r.find(verb::post, "/auth/login");
  ASSERT_NE(m.policy, nullptr);
  EXPECT_EQ(m.policy->who, net::access::anyone);
  EXPECT_EQ(m.policy->body, net::body_size::small);
}

TEST_F(net_router, set_policy_applies_to_exactly_that_method_and_pattern) {
  r.add(verb::post, "/setup/seed-schedule", tagged{1});
  r.add(verb::get, "/setup/seed-schedule", tagged{2});
  r.add(verb::get, "/bookings/{booking_number}", tagged{3});
  r.set_policy(verb::post, "/setup/seed-schedule", {net::access::admin, net::body_size::upload});
  r.set_policy(verb::get, "/bookings/{booking_number}", {net::access::user, net::body_size::small});
  auto up = r.find(verb::post, "/setup/seed-schedule");
  EXPECT_EQ(up.policy->who, net::access::admin);
  EXPECT_EQ(up.policy->body, net::body_size::upload);
  EXPECT_EQ(r.find(verb::get, "/setup/seed-schedule").policy->who, net::access::anyone);
  EXPECT_EQ(r.find(verb::get, "/bookings/ABC-1").policy->who, net::access::user);
  // Other paths under the prefix are not routes at all (404), so they get no upload limit.
  EXPECT_EQ(r.find(verb::post, "/setup/x").policy, nullptr);
}

TEST_F(net_router, set_policy_for_a_missing_route_throws) {
  r.add(verb::get, "/bookings/{booking_number}", tagged{1});
  EXPECT_THROW(r.set_policy(verb::post, "/bookings/{booking_number}", {}), std::logic_error);
  EXPECT_THROW(r.set_policy(verb::get, "/bookings/{id}", {}), std::logic_error);
  EXPECT_THROW(r.set_policy(verb::get, "/bookings/{booking_number:int}", {}), std::logic_error);
}

TEST_F(net_router, list_gives_every_route_as_added_with_its_policy) {
  EXPECT_TRUE(r.list().empty());
  r.add(verb::get, "/trips/{trip_id:int}", tagged{1});
  r.add(verb::post, "/bookings/", tagged{2});
  r.add(verb::get, "/trips/{trip_id:int}", tagged{3});  // a duplicate is listed too
  r.set_policy(verb::post, "/bookings/", {net::access::user, net::body_size::small});
  auto all = r.list();
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].method, verb::get);
  EXPECT_EQ(all[0].pattern, "/trips/{trip_id:int}");  // the pattern as written, types and all
  EXPECT_EQ(all[0].policy.who, net::access::anyone);
  EXPECT_EQ(all[1].method, verb::post);
  EXPECT_EQ(all[1].pattern, "/bookings/");  // the trailing slash kept
  EXPECT_EQ(all[1].policy.who, net::access::user);
  EXPECT_EQ(all[2].pattern, "/trips/{trip_id:int}");
}

}  // namespace
