#include "hotline/common/error.h"
#include "hotline/render/render.h"

namespace hotline::render {

Lang parse_lang(std::string_view text) {
  if (text == "en") return Lang::en;
  if (text == "zh-CN" || text == "zh-cn" || text == "zh") return Lang::zh_cn;
  std::string shown(text.substr(0, 32));
  for (char& c : shown) {
    if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7f) c = '?';
  }
  throw Error(ErrorCategory::invalid_input, "language_unknown",
              "no rendering in language '" + shown + "': the languages are en and zh-CN");
}

std::string_view to_string(Lang lang) {
  return lang == Lang::en ? "en" : "zh-CN";
}

}  // namespace hotline::render
