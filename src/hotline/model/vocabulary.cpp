#include "hotline/model/vocabulary.h"

#include <array>
#include <cstddef>

namespace hotline::model {
namespace {

constexpr std::array<std::string_view, 2> kSideNames{"ours", "theirs"};
constexpr std::array<std::string_view, 2> kPriorityNames{"urgent", "normal"};

}  // namespace

std::string_view to_string(Side side) {
  return kSideNames[static_cast<std::size_t>(side)];
}

std::string_view to_string(Priority priority) {
  return kPriorityNames[static_cast<std::size_t>(priority)];
}

}  // namespace hotline::model
