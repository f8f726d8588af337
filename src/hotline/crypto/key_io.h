#pragma once

// What the files holding keys (crypto/key_file.cpp: the node's Ed25519 key;
// crypto/secretbox.cpp: the key that encrypts secrets at rest) throw when
// the file system fails them. Internal to crypto/; any thread.

#include <filesystem>
#include <string>

namespace hotline::crypto {

// Throws Error(internal, "key_io") naming `what`, the file and errno's text.
[[noreturn]] void key_io_error(const std::string& what, const std::filesystem::path& path, int err);

}  // namespace hotline::crypto
