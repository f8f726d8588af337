#include "hotline/common/ip_address.h"

#include <arpa/inet.h>

#include <algorithm>
#include <array>

namespace hotline {

std::string source_key(std::string_view address) {
  const std::string text(address);
  std::array<unsigned char, 16> v6{};
  if (::inet_pton(AF_INET6, text.c_str(), v6.data()) != 1) return text;
  constexpr std::array<unsigned char, 12> kMapped{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  if (std::equal(kMapped.begin(), kMapped.end(), v6.begin())) {
    return std::to_string(v6[12]) + "." + std::to_string(v6[13]) + "." + std::to_string(v6[14]) +
           "." + std::to_string(v6[15]);
  }
  std::fill(v6.begin() + 8, v6.end(), 0);
  std::array<char, INET6_ADDRSTRLEN> out{};
  ::inet_ntop(AF_INET6, v6.data(), out.data(), out.size());
  return std::string(out.data()) + "/64";
}

namespace {

bool internal_v4(const unsigned char* a) {
  return a[0] == 0 || a[0] == 10 || a[0] == 127 || (a[0] == 100 && (a[1] & 0xC0) == 64) ||
         (a[0] == 169 && a[1] == 254) || (a[0] == 172 && (a[1] & 0xF0) == 16) ||
         (a[0] == 192 && a[1] == 168) || a[0] >= 224;  // multicast, reserved, broadcast
}

}  // namespace

bool is_internal_address(std::string_view address) {
  const std::string text(address);
  std::array<unsigned char, 16> v6{};
  std::array<unsigned char, 4> v4{};
  if (::inet_pton(AF_INET, text.c_str(), v4.data()) == 1) return internal_v4(v4.data());
  if (::inet_pton(AF_INET6, text.c_str(), v6.data()) != 1) return true;
  constexpr std::array<unsigned char, 12> kMapped{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  if (std::equal(kMapped.begin(), kMapped.end(), v6.begin())) return internal_v4(v6.data() + 12);
  const bool zero_prefix =
      std::all_of(v6.begin(), v6.begin() + 15, [](unsigned char c) { return c == 0; });
  if (zero_prefix && (v6[15] == 0 || v6[15] == 1)) return true;  // :: and ::1
  return (v6[0] & 0xFE) == 0xFC ||                               // fc00::/7
         (v6[0] == 0xFE && (v6[1] & 0xC0) == 0x80) ||            // fe80::/10
         v6[0] == 0xFF;                                          // multicast
}

}  // namespace hotline
