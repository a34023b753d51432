#include "store/waitlist_rows.hpp"

#include <algorithm>
#include <charconv>

namespace seatd::rows {

std::string waitlist_sql(std::string_view sql, char mark) {
  std::string out(sql);
  std::replace(out.begin(), out.end(), '@', mark);
  return out;
}

std::string format_seat_list(const std::vector<int>& seats) {
  std::string out;
  for (int s : seats) {
    if (!out.empty()) out += ',';
    out += std::to_string(s);
  }
  return out;
}

std::vector<int> parse_seat_list(std::string_view text) {
  std::vector<int> out;
  while (!text.empty()) {
    auto comma = text.find(',');
    std::string_view part = text.substr(0, comma);
    int v = 0;
    auto [p, ec] = std::from_chars(part.data(), part.data() + part.size(), v);
    if (ec != std::errc{} || p != part.data() + part.size())
      throw store_error("malformed seat list in database: '" + std::string(text) + "'");
    out.push_back(v);
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return out;
}

waitlist_status parse_waitlist_status(std::string_view s) {
  if (s == "waiting") return waitlist_status::waiting;
  if (s == "offered") return waitlist_status::offered;
  if (s == "accepted") return waitlist_status::accepted;
  if (s == "lapsed") return waitlist_status::lapsed;
  if (s == "left") return waitlist_status::left;
  throw store_error("unknown waiting list status in database: '" + std::string(s) + "'");
}

std::vector<row_id> abandoned_offers(std::vector<running_offer>& running,
                                     const std::vector<int>& held, sys_ms now,
                                     std::chrono::milliseconds window) {
  std::vector<row_id> out;
  std::erase_if(running, [&](const running_offer& o) {
    if (o.expires_at - window + offer_hold_grace > now) return false;  // may be on its way
    const auto seats = parse_seat_list(o.seats);
    const bool all_held = std::all_of(seats.begin(), seats.end(), [&held](int s) {
      return std::find(held.begin(), held.end(), s) != held.end();
    });
    if (all_held) return false;
    out.push_back(o.id);
    return true;
  });
  return out;
}

std::vector<int> waitlist_free_seats(const std::vector<int>& unsold, const std::vector<int>& held,
                                     const std::vector<running_offer>& running) {
  std::vector<int> taken = held;
  for (const auto& o : running) {
    auto offered = parse_seat_list(o.seats);
    taken.insert(taken.end(), offered.begin(), offered.end());
  }
  std::vector<int> free;
  for (int s : unsold)
    if (std::find(taken.begin(), taken.end(), s) == taken.end()) free.push_back(s);
  std::sort(free.begin(), free.end());
  return free;
}

namespace {
// True when `seats` are `count` distinct members of `free`.
bool valid_choice(std::vector<int>& seats, const std::vector<int>& free, int count) {
  std::sort(seats.begin(), seats.end());
  if (static_cast<int>(seats.size()) != count) return false;
  if (std::adjacent_find(seats.begin(), seats.end()) != seats.end()) return false;
  return std::all_of(seats.begin(), seats.end(),
                     [&free](int s) { return std::binary_search(free.begin(), free.end(), s); });
}
}  // namespace

std::vector<chosen_offer> choose_waitlist_offers(std::vector<int> free,
                                                 const std::vector<queued_entry>& queue,
                                                 const store::seat_chooser& choose) {
  std::vector<chosen_offer> out;
  for (const queued_entry& e : queue) {
    if (free.empty()) break;
    if (e.count < 1 || e.count > static_cast<int>(free.size())) continue;  // keeps its place
    std::vector<int> seats = choose(free, e.count);
    if (!valid_choice(seats, free, e.count)) continue;
    std::erase_if(free,
                  [&seats](int s) { return std::binary_search(seats.begin(), seats.end(), s); });
    out.push_back({e.id, e.user_id, std::move(seats)});
  }
  return out;
}

}  // namespace seatd::rows
