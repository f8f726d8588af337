// Parsing of --listen style addresses: "127.0.0.1:8443", "[::1]:8443",
// "localhost:8443". Port 0 asks the system for a free port.
#pragma once

#include <cstdint>
#include <string>

#include "hotline/common/error.h"

namespace hotline::cli {

struct ListenAddress {
  std::string host;
  std::uint16_t port = 0;
};

inline ListenAddress parse_listen_address(const std::string& text, const char* option) {
  auto bad = [&]() -> ListenAddress {
    throw Error(ErrorCategory::usage, "usage",
                std::string(option) + " '" + text +
                    "' is not HOST:PORT (for example 127.0.0.1:8443, or [::1]:8443)");
  };
  auto colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == text.size()) return bad();
  std::string host = text.substr(0, colon);
  if (host.front() == '[') {
    if (host.back() != ']') return bad();
    host = host.substr(1, host.size() - 2);
  }
  unsigned long port = 0;
  for (char c : text.substr(colon + 1)) {
    if (c < '0' || c > '9') return bad();
    port = port * 10 + static_cast<unsigned long>(c - '0');
    if (port > 65535) return bad();
  }
  return {host, static_cast<std::uint16_t>(port)};
}

}  // namespace hotline::cli
