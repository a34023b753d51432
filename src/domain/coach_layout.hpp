#pragma once
// Where each seat of a coach sits, as the seat map draws it (web/js/seatmap.js, coachLayout):
// rows of 2 + aisle + 2 from the front, numbered left to right; a 40-seat coach has its middle
// door beside row 5, which holds seats 17 and 18 on the right only; the back row has up to six
// seats and no aisle. The server needs the same picture as the traveller for the rules that
// depend on it: which seats are "together", which is a window seat, and which seats sit beside
// one another (the ladies' seat rule). Pure: no I/O.
#include <array>
#include <cstddef>
#include <vector>

namespace seatd {

// One seat's place. `x` is the column as drawn: 0 and 4 are the windows, 1 and 3 the aisle
// seats of a front row; the back row spreads its seats evenly from 0 to 4.
struct seat_place {
  int seat = 0;
  int row = 0;    // 0 = the front row
  int block = 0;  // index in the row's blocks (runs of seats between the aisle and the walls)
  double x = 0;
  bool window = false;
};

class coach_layout {
 public:
  // The largest coach seatd reasons about (imported buses have 40 seats; the bound keeps the
  // work of the seat rules bounded whatever a database row says).
  static constexpr int max_seats = 100;

  // 1 <= total_seats <= max_seats; any other count gives a coach without seats.
  explicit coach_layout(int total_seats);

  int total_seats() const { return int(places_.size()); }
  int rows() const { return int(rows_.size()); }
  // Row r's blocks, each its seats from left to right. A front row has two (left and right of
  // the aisle; the middle door's row only the right one), the back row one.
  const std::vector<std::vector<int>>& blocks(int row) const { return rows_.at(std::size_t(row)); }
  // Row r's seats from left to right, across the aisle.
  std::vector<int> row_seats(int row) const;
  // Seat 1..total_seats.
  const seat_place& place(int seat) const { return places_.at(std::size_t(seat - 1)); }
  bool has_seat(int seat) const { return seat >= 1 && seat <= total_seats(); }

  // The seats directly beside `seat` on its side of the aisle: none, one or two (0 = none).
  // Across the aisle is not beside: nobody shares an armrest there.
  std::array<int, 2> beside(int seat) const;

 private:
  std::vector<std::vector<std::vector<int>>> rows_;  // row -> block -> seats
  std::vector<seat_place> places_;                   // seat - 1 -> place
};

}  // namespace seatd
