// libxml2 plumbing for iodef.cpp (internal to interop/): reading untrusted
// bytes into a tree without ever fetching or expanding an entity, checking a
// tree against the compiled-in IODEF 2.0 schema, paths for error messages,
// and the small text helpers both directions share. Thread-safe: no state
// but the schema, built once under std::call_once and only read after.
#pragma once

#include <libxml/tree.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hotline/common/time.h"

namespace hotline::interop::xml {

struct DocFree {
  void operator()(xmlDoc* d) const { xmlFreeDoc(d); }
};
using DocPtr = std::unique_ptr<xmlDoc, DocFree>;

// Error "iodef_invalid" (ErrorCategory::invalid_input) with `message`.
[[noreturn]] void fail(const std::string& message);
// The same, about `node`: "at /IODEF-Document/Incident/...: message".
[[noreturn]] void fail_at(const xmlNode* node, const std::string& message);

// Size limit, UTF-8, no DOCTYPE, well-formed, depth: the tree, or throws.
DocPtr parse_untrusted(std::string_view bytes);
// Throws iodef_invalid naming the first element the schema refuses.
void validate_schema(xmlDoc* doc);

// "/IODEF-Document/Incident/IndicatorData/Indicator[2]/Observable": local
// names, with a position where siblings share the name.
std::string node_path(const xmlNode* node);

// Element children of `parent` in the IODEF namespace named `name` (every
// element child when name is empty).
std::vector<xmlNode*> children(const xmlNode* parent, std::string_view name = {});
xmlNode* first_child(const xmlNode* parent, std::string_view name);
std::string text_of(const xmlNode* node);
std::optional<std::string> attr(const xmlNode* node, const char* name);
bool is_iodef(const xmlNode* node, std::string_view name);

// Text fit for XML 1.0 character data: invalid UTF-8, the characters
// XML 1.0 does not allow (controls other than tab, LF, CR; U+FFFE, U+FFFF),
// DEL and the C1 controls become U+FFFD.
std::string xml_safe(std::string_view text);
// Whether every byte sequence is well-formed UTF-8; the offset of the
// first bad byte otherwise.
std::optional<std::size_t> first_bad_utf8(std::string_view bytes);

std::string base64_encode(const std::vector<std::uint8_t>& bytes);
// nullopt unless `text` (spaces allowed) is base64 with correct padding.
std::optional<std::vector<std::uint8_t>> base64_decode(std::string_view text);

// An xs:dateTime ("2015-07-18T09:00:00-05:00", fractions and "Z" allowed;
// without a zone read as UTC), to milliseconds; nullopt when out of form.
std::optional<TimePoint> parse_datetime(std::string_view text);

}  // namespace hotline::interop::xml
