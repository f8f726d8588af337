// Every word the review report shows, in English and Simplified Chinese.
// The catalog is a fixed table (labels.cpp); a key without both texts is a
// bug the unit test finds. Texts may hold placeholders "{name}" that fill()
// replaces; both languages of a key hold the same placeholders, so that the
// two renderings show the same numbers.
//
// Pure and thread-safe: the catalog is a constant.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "hotline/render/render.h"

namespace hotline::render {

struct LabelEntry {
  std::string_view key;
  std::string_view en;
  std::string_view zh_cn;
};

// The whole catalog, in the order of labels.cpp (for the tests).
const std::vector<LabelEntry>& label_catalog();

// The text of `key` in `lang`. An unknown key throws hotline::Error
// "label_unknown" (internal: a bug of the renderer, not of the report).
std::string_view label(Lang lang, std::string_view key);

// The text of `key`, or nothing when the catalog has no such key.
std::optional<std::string_view> find_label(Lang lang, std::string_view key);

// `text` with each "{name}" replaced by its value (values are inserted as
// they are: escaping is the renderer's job).
std::string fill(std::string_view text,
                 const std::vector<std::pair<std::string_view, std::string>>& values);

}  // namespace hotline::render
