#include "domain/coach_layout.hpp"

namespace seatd {

// The same walk as web/js/seatmap.js coachLayout: a test compares the two on every seat count
// the importer allows, so the traveller's picture and the server's rules never disagree.
coach_layout::coach_layout(int total) {
  if (total < 1 || total > max_seats) return;
  const bool middle_door = total == 40;
  int back = total >= 6 && (total - 6) % 4 == 0 ? 6 : total % 4;
  if (middle_door) back = 6;
  int front = total - back;
  int n = 1;
  auto add = [this](int seat, int row, int block, double x, bool window) {
    places_.push_back(seat_place{seat, row, block, x, window});
    auto& r = rows_[std::size_t(row)];
    if (r.size() <= std::size_t(block)) r.resize(std::size_t(block) + 1);
    r[std::size_t(block)].push_back(seat);
  };
  for (int row = 0; front > 0; ++row) {
    rows_.emplace_back();
    if (middle_door && row == 4) {
      // The door takes the left side: the row's seats are the right block only (block 0).
      add(n++, row, 0, 3, false);
      add(n++, row, 0, 4, true);
      front -= 2;
      continue;
    }
    for (int x : {0, 1, 3, 4}) {
      if (front == 0) break;
      add(n++, row, x < 2 ? 0 : 1, x, x == 0 || x == 4);
      --front;
    }
  }
  if (back > 0 && n <= total) {
    const int row = int(rows_.size());
    rows_.emplace_back();
    for (int i = 0; i < back && n <= total; ++i) {
      const double x = back > 1 ? i * 4.0 / (back - 1) : 2.0;
      add(n++, row, 0, x, back > 1 && (i == 0 || i == back - 1));
    }
  }
}

std::vector<int> coach_layout::row_seats(int row) const {
  std::vector<int> out;
  for (const auto& block : blocks(row)) out.insert(out.end(), block.begin(), block.end());
  return out;
}

std::array<int, 2> coach_layout::beside(int seat) const {
  std::array<int, 2> out{0, 0};
  if (!has_seat(seat)) return out;
  const auto& p = place(seat);
  const auto& block = blocks(p.row)[std::size_t(p.block)];
  for (std::size_t i = 0; i < block.size(); ++i) {
    if (block[i] != seat) continue;
    if (i > 0) out[0] = block[i - 1];
    if (i + 1 < block.size()) out[1] = block[i + 1];
  }
  return out;
}

}  // namespace seatd
