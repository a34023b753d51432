#include "domain/ladies_seat_rule.hpp"

namespace seatd {

bool is_female(std::optional<std::string_view> gender) {
  return gender && *gender == "Female";
}

namespace {

// female_at[seat]: sold to a woman.
std::vector<bool> women_at(const coach_layout& layout, const std::vector<seat_occupant>& sold) {
  std::vector<bool> out(std::size_t(layout.total_seats()) + 1, false);
  for (const auto& o : sold)
    if (layout.has_seat(o.seat) && o.female) out[std::size_t(o.seat)] = true;
  return out;
}

bool beside_a_woman(const coach_layout& layout, const std::vector<bool>& women, int seat) {
  for (int b : layout.beside(seat))
    if (b != 0 && women[std::size_t(b)]) return true;
  return false;
}

}  // namespace

std::vector<bool> seats_for_women(const coach_layout& layout,
                                  const std::vector<seat_occupant>& sold) {
  const auto women = women_at(layout, sold);
  std::vector<bool> taken(women.size(), false);
  for (const auto& o : sold)
    if (layout.has_seat(o.seat)) taken[std::size_t(o.seat)] = true;
  std::vector<bool> out(women.size(), false);
  for (int s = 1; s <= layout.total_seats(); ++s)
    out[std::size_t(s)] = !taken[std::size_t(s)] && beside_a_woman(layout, women, s);
  return out;
}

std::optional<int> refused_by_ladies_rule(const coach_layout& layout,
                                          const std::vector<seat_occupant>& sold,
                                          const std::vector<seat_occupant>& party) {
  const auto women = women_at(layout, sold);
  for (const auto& p : party)
    if (layout.has_seat(p.seat) && !p.female && beside_a_woman(layout, women, p.seat))
      return p.seat;
  return std::nullopt;
}

}  // namespace seatd
