// libFuzzer target: the JSON body readers (api/json_fields) every POST handler validates with.
// A few leading bytes choose field names and bounds, the rest is the body. Whatever the body,
// a value handed back respects the bounds it was asked for, and the 422 answer renders.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "api/json_fields.hpp"

namespace {

[[noreturn]] void finding(const char* what) {
  std::fprintf(stderr, "json_fields finding: %s\n", what);
  std::abort();
}

// Names the real handlers read, plus whatever the fuzzer makes up.
std::string field_name(FuzzedDataProvider& in) {
  static const char* const known[] = {"username", "email", "password", "trip_id",
                                      "seat_numbers", "passenger_name", "seats", ""};
  auto k = in.ConsumeIntegralInRange<std::size_t>(0, std::size(known));
  return k < std::size(known) ? std::string(known[k]) : in.ConsumeRandomLengthString(12);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider in(data, size);
  const auto s_name = field_name(in);
  const auto i_name = field_name(in);
  const auto l_name = field_name(in);
  const auto min_len = in.ConsumeIntegralInRange<std::size_t>(0, 8);
  const auto max_len = min_len + in.ConsumeIntegralInRange<std::size_t>(0, 128);
  const auto lo = in.ConsumeIntegral<std::int64_t>();
  const auto hi = in.ConsumeIntegralInRange<std::int64_t>(lo, INT64_MAX);
  const auto min_items = in.ConsumeIntegralInRange<std::size_t>(0, 4);
  const auto max_items = min_items + in.ConsumeIntegralInRange<std::size_t>(0, 8);
  const auto ilo = in.ConsumeIntegralInRange<int>(-1000, 1000);
  const auto ihi = in.ConsumeIntegralInRange<int>(ilo, 1000);
  const std::string body = in.ConsumeRemainingBytesAsString();

  seatd::api::json_fields f(body);
  if (auto s = f.required_string(s_name, min_len, max_len))
    if (s->size() < min_len || s->size() > max_len) finding("string length out of bounds");
  if (auto s = f.optional_string(s_name + "_opt", max_len))
    if (s->size() > max_len) finding("optional string too long");
  if (auto v = f.required_int(i_name, lo, hi))
    if (*v < lo || *v > hi) finding("int out of range");
  if (auto v = f.optional_int(i_name + "_opt", lo, hi))
    if (*v < lo || *v > hi) finding("optional int out of range");
  if (auto l = f.required_int_list(l_name, min_items, max_items, ilo, ihi)) {
    if (l->size() < min_items || l->size() > max_items) finding("list size out of bounds");
    for (int x : *l)
      if (x < ilo || x > ihi) finding("list item out of range");
  }
  if (body.size() % 7 == 0) f.fail(s_name, "custom", "value_error.custom");
  auto res = f.error();
  if (!f.ok() && res.result_int() != 422) finding("error() is not a 422");
  return 0;
}
