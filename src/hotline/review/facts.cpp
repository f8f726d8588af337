#include "hotline/review/facts.h"

#include "hotline/common/error.h"

namespace hotline::review {

Party other(Party p) {
  return p == Party::a ? Party::b : Party::a;
}

std::string_view to_string(Party p) {
  return p == Party::a ? "a" : "b";
}

Party parse_party(std::string_view text) {
  if (text == "a") return Party::a;
  if (text == "b") return Party::b;
  throw Error(ErrorCategory::invalid_input, "review_invalid",
              "a party is \"a\" or \"b\", not \"" + std::string(text.substr(0, 16)) + "\"");
}

}  // namespace hotline::review
