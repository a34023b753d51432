#include "domain/client_key.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <cstdio>

namespace seatd {

std::string client_key(std::string_view address) {
  // inet_pton needs a NUL-terminated string; an address is never long.
  if (address.size() >= INET6_ADDRSTRLEN + 8) return std::string(address.substr(0, 64));
  std::string text(address);
  // A zone index ("fe80::1%eth0") names the interface, not the client.
  if (auto pct = text.find('%'); pct != std::string::npos) text.resize(pct);
  std::array<unsigned char, 16> v6{};
  if (::inet_pton(AF_INET6, text.c_str(), v6.data()) == 1) {
    const bool v4_mapped = std::all_of(v6.begin(), v6.begin() + 10, [](unsigned char b) { return b == 0; }) && v6[10] == 0xff && v6[11] == 0xff;
    if (v4_mapped) {
      char out[INET_ADDRSTRLEN];
      std::snprintf(out, sizeof out, "%u.%u.%u.%u", v6[12], v6[13], v6[14], v6[15]);
      return out;
    }
    char out[48];
    std::snprintf(out, sizeof out, "%x:%x:%x:%x::/64", (v6[0] << 8) | v6[1], (v6[2] << 8) | v6[3],
                  (v6[4] << 8) | v6[5], (v6[6] << 8) | v6[7]);
    return out;
  }
  return text;
}

}  // namespace seatd
