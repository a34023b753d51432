#pragma once
// The ladies' seat rule, as Indian bus operators apply it: a seat beside a seat booked for a
// woman is sold only to a woman. "Beside" is the seat sharing the armrest, on the same side of
// the aisle (coach_layout::beside); across the aisle does not count. Seats booked together in
// one booking do not restrict one another (a family or a couple sits together). An operator can
// switch the rule off, per trip or for the whole service (the caller then does not ask). Pure.
#include <optional>
#include <string_view>
#include <vector>

#include "domain/coach_layout.hpp"

namespace seatd {

// One sold seat of the trip and who travels on it.
struct seat_occupant {
  int seat = 0;
  bool female = false;
};

// The gender strings the API takes ("Female", "Male", "Other"); anything else, or none, is not
// female for this rule.
bool is_female(std::optional<std::string_view> gender);

// For each seat 1..total (index 0 unused): true when the seat is free and beside a seat sold to a
// woman, so only a woman may book it (the seat map's "for women" marker).
std::vector<bool> seats_for_women(const coach_layout& layout,
                                  const std::vector<seat_occupant>& sold);

// The first seat of a new booking that the rule refuses: a passenger who is not a woman on a
// seat beside one sold (before this booking) to a woman. nullopt: the booking may go ahead.
std::optional<int> refused_by_ladies_rule(const coach_layout& layout,
                                          const std::vector<seat_occupant>& sold,
                                          const std::vector<seat_occupant>& party);

}  // namespace seatd
