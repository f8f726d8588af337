// The small vocabulary the model's items share: which side an item or an
// action belongs to, and the priorities of the agreement's deadline matrix.
// Pure: no I/O, no clock. labels.h includes it; the strict JSON reader
// (json_check.h) reads these values without depending on the labels.
#pragma once

#include <string_view>

namespace hotline::model {

// Which party an item or an action belongs to, seen from this node: "ours"
// is the office running this node, "theirs" the peer of the link. (A node
// that sends an item's state to its peer flips the sides with opposite().)
enum class Side { ours, theirs };
std::string_view to_string(Side side);  // "ours", "theirs"
constexpr Side opposite(Side side) {
  return side == Side::ours ? Side::theirs : Side::ours;
}

// Priorities as in the agreement's deadline matrix.
enum class Priority { urgent, normal };
std::string_view to_string(Priority priority);  // "urgent", "normal"

}  // namespace hotline::model
