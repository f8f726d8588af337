// The IODEF 2.0 schema files (RFC 7970 with its errata, the XML Signature
// and xml: namespace schemas, and stubs for the IANA enum/SCI schemas),
// compiled into the binary from tests/vectors/iodef-v2/schema by
// src/CMakeLists.txt: import validates against them without any file or
// network access. Immutable static data; safe from any thread.
#pragma once

#include <string_view>
#include <vector>

namespace hotline::interop {

struct SchemaFile {
  std::string_view name;  // "iodef-2.0.xsd", as the catalog names it
  std::string_view text;
};
// iodef-2.0.xsd first.
const std::vector<SchemaFile>& iodef_schema_files();

}  // namespace hotline::interop
