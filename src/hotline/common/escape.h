// Text from outside (a peer's envelope, an error message naming what a peer
// sent, a desk message) made safe for one log line or an officer's
// terminal. Every place that logs or prints such text passes it through
// here; nothing from outside is written raw.
//
// escape_text(): one line. Control characters (C0, DEL and the C1 range
// U+0080..U+009F), Unicode direction overrides and bytes that are not
// UTF-8 become visible escapes (\n, \t, \r, \xNN, \u202E); a backslash and
// a double quote are escaped too, so that a value cannot end the quoted
// field of a log line (detail="...") and forge another. Longer input is cut
// at max_bytes of input with "..." appended.
//
// escape_lines(): the same, but line breaks and tabs are kept (and quotes
// left alone): for printing multi-line text (desk messages) to a terminal.
//
// Pure functions, thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace hotline {

inline constexpr std::size_t kEscapeUnlimited = static_cast<std::size_t>(-1);

std::string escape_text(std::string_view s, std::size_t max_bytes = 4096);
std::string escape_lines(std::string_view s);

// True when `s` holds a control character other than '\n' and '\t' (C0, DEL
// or C1), a direction override, or bytes that are not UTF-8: the rule for
// free text a peer sends (desk messages), on both sides of the link.
bool has_unsafe_text(std::string_view s);

// Text for HTML (an element's content or a quoted attribute): & < > " '
// written as entities, everything else as it is. html_escape_into appends.
void html_escape_into(std::string& out, std::string_view s);
std::string html_escape(std::string_view s);

}  // namespace hotline
