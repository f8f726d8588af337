// ASCII text helpers for protocol tokens (HTTP header values, media types,
// schemes, host names, indicator values): locale-independent, bytes outside
// A-Z left as they are. Pure functions, thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace hotline {

// 'A'..'Z' to 'a'..'z'; any other byte unchanged (UTF-8 passes untouched).
char ascii_lower(char ch);
std::string ascii_lower(std::string_view s);

// `s` without the spaces and tabs at either end (HTTP's optional
// whitespace, RFC 9110 section 5.6.3).
std::string_view trim_blanks(std::string_view s);

}  // namespace hotline
