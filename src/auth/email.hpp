#pragma once
#include <string_view>

namespace seatd::auth {

// Pragmatic email validation (local@domain.tld, no spaces, length limits).
bool valid_email(std::string_view email);

}  // namespace seatd::auth
