// Refusing files and folders that other local users may read or change:
// the node's data directory, its database and the operators' TLS key
// (docs/threat-model.md, "Operators' listener: files only the node's
// account may open").
#pragma once

#include <filesystem>

namespace hotline {

// Throws Error(internal, "file_permissions") naming `path`, its mode and
// the chmod that fixes it, when group or others have any permission on it
// (mode & 077). A missing path is left to the caller.
void require_owner_only(const std::filesystem::path& path);

}  // namespace hotline
