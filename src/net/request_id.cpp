#include "net/request_id.hpp"

#include <random>

namespace seatd::net {

bool well_formed_request_id(std::string_view id) {
  if (id.empty() || id.size() > max_request_id_length) return false;
  for (char c : id) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == ':' || c == '-';
    if (!ok) return false;
  }
  return true;
}

std::string new_request_id() {
  // An id only needs to be unique, not secret: a per-thread generator seeded once from the
  // system's entropy, never a lock or a system call per request.
  thread_local std::mt19937_64 gen{[] {
    std::random_device rd;
    std::seed_seq seq{rd(), rd(), rd(), rd(), rd(), rd(), rd(), rd()};
    return std::mt19937_64(seq);
  }()};
  static constexpr char hex[] = "0123456789abcdef";
  std::string out(32, '0');
  for (int half = 0; half < 2; ++half) {
    auto bits = gen();
    for (int i = 0; i < 16; ++i, bits >>= 4) out[std::size_t(half * 16 + i)] = hex[bits & 0xF];
  }
  return out;
}

std::string request_id_for(std::string_view offered, bool from_trusted_proxy) {
  if (from_trusted_proxy && well_formed_request_id(offered)) return std::string(offered);
  return new_request_id();
}

}  // namespace seatd::net
