#include "hotline/common/error_category.h"

#include <array>

namespace hotline {
namespace {

struct Meaning {
  ErrorCategory category;
  std::string_view name;
  int http_status;
  int exit_code;
};

// In the order of the enum; usage comes last so that 400 reads back as
// invalid_input.
constexpr std::array<Meaning, 10> kMeanings = {{
    {ErrorCategory::invalid_input, "invalid_input", 400, 1},
    {ErrorCategory::unauthenticated, "unauthenticated", 401, 1},
    {ErrorCategory::forbidden, "forbidden", 403, 1},
    {ErrorCategory::not_found, "not_found", 404, 1},
    {ErrorCategory::conflict, "conflict", 409, 1},
    {ErrorCategory::too_large, "too_large", 413, 1},
    {ErrorCategory::unsupported_media_type, "unsupported_media_type", 415, 1},
    {ErrorCategory::unavailable, "unavailable", 503, 1},
    {ErrorCategory::internal, "internal", 500, 1},
    {ErrorCategory::usage, "usage", 400, 2},
}};
static_assert(
    [] {
      for (std::size_t i = 0; i < kMeanings.size(); ++i) {
        if (static_cast<std::size_t>(kMeanings[i].category) != i) return false;
      }
      return true;
    }(),
    "kMeanings is in the order of ErrorCategory");

const Meaning& meaning(ErrorCategory category) {
  return kMeanings[static_cast<std::size_t>(category)];
}

}  // namespace

int http_status(ErrorCategory category) {
  return meaning(category).http_status;
}

int exit_code(ErrorCategory category) {
  return meaning(category).exit_code;
}

ErrorCategory category_for_status(int status) {
  for (const auto& m : kMeanings) {
    if (m.http_status == status) return m.category;
  }
  return status >= 500 ? ErrorCategory::internal : ErrorCategory::invalid_input;
}

std::string_view category_name(ErrorCategory category) {
  return meaning(category).name;
}

}  // namespace hotline
