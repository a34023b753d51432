#include "domain/seat_picker.hpp"

#include <algorithm>
#include <cmath>
#include <tuple>
#include <utility>

namespace seatd {

namespace {

bool is_free(const seat_availability& free, int seat) {
  return seat >= 1 && std::size_t(seat) < free.size() && free[std::size_t(seat)];
}

bool is_single(const coach_layout& layout, const seat_availability& free, int seat) {
  if (!is_free(free, seat)) return false;
  for (int b : layout.beside(seat))
    if (b != 0 && is_free(free, b)) return false;
  return true;
}

// Where runs of `len` free seats start in `seats` (a row, left to right).
std::vector<std::size_t> free_runs(const std::vector<int>& seats, const seat_availability& free,
                                   int len) {
  std::vector<std::size_t> starts;
  int streak = 0;
  for (std::size_t i = 0; i < seats.size(); ++i) {
    streak = is_free(free, seats[i]) ? streak + 1 : 0;
    if (streak >= len) starts.push_back(i + 1 - std::size_t(len));
  }
  return starts;
}

struct part {
  std::vector<int> seats;
  double min_x = 0, max_x = 0;
};

part make_part(const coach_layout& layout, const std::vector<int>& row, std::size_t start,
               int len) {
  part p;
  p.seats.assign(row.begin() + std::ptrdiff_t(start), row.begin() + std::ptrdiff_t(start) + len);
  p.min_x = layout.place(p.seats.front()).x;
  p.max_x = layout.place(p.seats.back()).x;
  return p;
}

bool crosses_aisle(const coach_layout& layout, const part& p) {
  return layout.place(p.seats.front()).block != layout.place(p.seats.back()).block;
}

seat_group make_group(const coach_layout& layout, const seat_availability& free,
                      const std::vector<const part*>& parts) {
  seat_group g;
  g.rows = int(parts.size());
  g.front_row = layout.total_seats();
  for (const part* p : parts) {
    g.seats.insert(g.seats.end(), p->seats.begin(), p->seats.end());
    if (crosses_aisle(layout, *p)) ++g.aisle_splits;
    g.front_row = std::min(g.front_row, layout.place(p->seats.front()).row);
  }
  std::sort(g.seats.begin(), g.seats.end());
  if (parts.size() == 2)
    g.misalignment = std::abs(parts[0]->min_x - parts[1]->min_x) +
                     std::abs(parts[0]->max_x - parts[1]->max_x);
  for (int s : g.seats) {
    g.window = g.window || layout.place(s).window;
    g.fills += is_single(layout, free, s) ? 1 : 0;
  }

  // Only a seat beside the group can become a single, and it was not one before (the group's
  // seat beside it was free).
  seat_availability after = free;
  for (int s : g.seats) after[std::size_t(s)] = false;
  std::vector<int> counted;
  for (int s : g.seats)
    for (int b : layout.beside(s))
      if (b != 0 && is_single(layout, after, b) &&
          std::find(counted.begin(), counted.end(), b) == counted.end()) {
        counted.push_back(b);
        ++g.new_singles;
      }
  return g;
}

// The rule's order (seat_picker.hpp): lower is better.
std::tuple<int, int, int, int, double, bool, int, const std::vector<int>&> rank(
    const seat_group& g) {
  return {g.new_singles, -g.fills,          g.rows,      g.aisle_splits,
          g.misalignment, !g.window,        g.front_row, g.seats};
}

}  // namespace

std::vector<seat_group> together_groups(const coach_layout& layout, const seat_availability& free,
                                        int count) {
  std::vector<seat_group> out;
  if (count < 1 || count > max_group_seats) return out;
  std::vector<std::vector<int>> rows;
  for (int r = 0; r < layout.rows(); ++r) rows.push_back(layout.row_seats(r));

  for (const auto& row : rows)
    for (std::size_t start : free_runs(row, free, count)) {
      part p = make_part(layout, row, start, count);
      out.push_back(make_group(layout, free, {&p}));
    }

  for (std::size_t r = 0; r + 1 < rows.size(); ++r)
    for (int front = 1; front < count; ++front) {
      const int back = count - front;
      for (std::size_t a : free_runs(rows[r], free, front)) {
        part pa = make_part(layout, rows[r], a, front);
        for (std::size_t b : free_runs(rows[r + 1], free, back)) {
          part pb = make_part(layout, rows[r + 1], b, back);
          // One behind the other: the two parts share some of the coach's width.
          if (pa.min_x > pb.max_x || pb.min_x > pa.max_x) continue;
          out.push_back(make_group(layout, free, {&pa, &pb}));
        }
      }
    }
  return out;
}

std::optional<seat_group> pick_together(const coach_layout& layout, const seat_availability& free,
                                        int count) {
  auto groups = together_groups(layout, free, count);
  if (groups.empty()) return std::nullopt;
  auto best = std::min_element(groups.begin(), groups.end(),
                               [](const seat_group& a, const seat_group& b) { return rank(a) < rank(b); });
  return std::move(*best);
}

std::vector<seat_group> pick_split(const coach_layout& layout, const seat_availability& free,
                                   int count) {
  std::vector<seat_group> out;
  int available = 0;
  for (int s = 1; s <= layout.total_seats(); ++s) available += is_free(free, s) ? 1 : 0;
  if (count < 1 || available < count) return out;
  seat_availability left = free;
  int wanted = count;
  while (wanted > 0) {
    // A single seat is always a group, so this ends: each pass takes at least one seat.
    for (int n = std::min(wanted, max_group_seats); n >= 1; --n) {
      auto g = pick_together(layout, left, n);
      if (!g) continue;
      for (int s : g->seats) left[std::size_t(s)] = false;
      wanted -= n;
      out.push_back(std::move(*g));
      break;
    }
  }
  return out;
}

int count_singles(const coach_layout& layout, const seat_availability& free) {
  int n = 0;
  for (int s = 1; s <= layout.total_seats(); ++s) n += is_single(layout, free, s) ? 1 : 0;
  return n;
}

}  // namespace seatd
