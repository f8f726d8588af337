#include "hotline/store/records.h"

#include "hotline/common/error.h"

namespace hotline::store {

std::string_view to_string(Direction d) {
  return d == Direction::inbound ? "inbound" : "outbound";
}

Direction parse_direction(std::string_view text) {
  if (text == "outbound") return Direction::outbound;
  if (text == "inbound") return Direction::inbound;
  throw Error(
      ErrorCategory::invalid_input, "direction_invalid",
      "direction '" + std::string(text.substr(0, 40)) + "' is neither 'outbound' nor 'inbound'");
}

}  // namespace hotline::store
