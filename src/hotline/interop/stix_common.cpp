// uuid_v5, the TLP marking tables and STIX timestamps (stix.h).
#include <openssl/evp.h>

#include <array>
#include <cctype>
#include <cstdint>
#include <cstdio>
#include <string>

#include "hotline/common/error.h"
#include "hotline/common/escape.h"
#include "hotline/interop/stix.h"

namespace hotline::interop {
namespace {

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

struct TlpMarking {
  model::Tlp tlp;
  std::string_view id;        // TLP 2.0, cti-stix-common-objects
  std::string_view name;      // "TLP:AMBER"
  std::string_view tlp_2_0;   // the extension's value
  std::string_view tlp_1_id;  // the TLP 1.0 id of STIX 2.1 §7.2.1.4, or empty
};
constexpr std::array<TlpMarking, 5> kTlpMarkings{{
    {model::Tlp::clear, "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487", "TLP:CLEAR",
     "clear", "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9"},
    {model::Tlp::green, "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb", "TLP:GREEN",
     "green", "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da"},
    {model::Tlp::amber, "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421", "TLP:AMBER",
     "amber", "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82"},
    {model::Tlp::amber_strict, "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
     "TLP:AMBER+STRICT", "amber+strict", ""},
    {model::Tlp::red, "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1", "TLP:RED", "red",
     "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed"},
}};
constexpr std::string_view kTlp2Extension =
    "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d";

const TlpMarking& marking_of(model::Tlp tlp) {
  for (const TlpMarking& m : kTlpMarkings) {
    if (m.tlp == tlp) return m;
  }
  return kTlpMarkings[2];
}

bool digits(std::string_view s, std::size_t at, std::size_t n) {
  if (at + n > s.size()) return false;
  for (std::size_t i = at; i < at + n; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return false;
  }
  return true;
}

}  // namespace

std::string uuid_v5(std::string_view ns, std::string_view name) {
  std::array<unsigned char, 16> ns_bytes{};
  std::size_t n = 0;
  for (char c : ns) {
    if (c == '-') continue;
    const int d = hex_digit(c);
    if (d < 0 || n >= 32) {
      throw Error(ErrorCategory::internal, "uuid_invalid",
                  "expected a UUID namespace, found " + escape_text(ns, 40));
    }
    ns_bytes[n / 2] = static_cast<unsigned char>(ns_bytes[n / 2] | (d << (n % 2 == 0 ? 4 : 0)));
    ++n;
  }
  std::string input(reinterpret_cast<const char*>(ns_bytes.data()), ns_bytes.size());
  input.append(name);
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int size = 0;
  if (EVP_Digest(input.data(), input.size(), digest.data(), &size, EVP_sha1(), nullptr) != 1) {
    throw Error(ErrorCategory::internal, "sha1_failed", "OpenSSL could not compute SHA-1");
  }
  digest[6] = static_cast<unsigned char>((digest[6] & 0x0F) | 0x50);
  digest[8] = static_cast<unsigned char>((digest[8] & 0x3F) | 0x80);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(36);
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out += '-';
    out += kHex[digest[i] >> 4];
    out += kHex[digest[i] & 0x0F];
  }
  return out;
}

std::string_view tlp_marking_id(model::Tlp tlp) {
  return marking_of(tlp).id;
}

nlohmann::json tlp_marking_object(model::Tlp tlp) {
  const TlpMarking& m = marking_of(tlp);
  return {{"type", "marking-definition"},
          {"spec_version", "2.1"},
          {"id", m.id},
          {"created", "2022-10-01T00:00:00.000Z"},
          {"name", m.name},
          {"extensions",
           {{kTlp2Extension, {{"extension_type", "property-extension"}, {"tlp_2_0", m.tlp_2_0}}}}}};
}

std::optional<model::Tlp> tlp_of_marking(std::string_view id) {
  for (const TlpMarking& m : kTlpMarkings) {
    if (id == m.id || (!m.tlp_1_id.empty() && id == m.tlp_1_id)) return m.tlp;
  }
  return std::nullopt;
}

std::string stix_timestamp(TimePoint t) {
  return format_timestamp(t);
}

std::optional<TimePoint> parse_stix_timestamp(std::string_view s) {
  // YYYY-MM-DDTHH:MM:SS[.fraction]Z
  if (s.size() < 20 || !digits(s, 0, 4) || s[4] != '-' || !digits(s, 5, 2) || s[7] != '-' ||
      !digits(s, 8, 2) || s[10] != 'T' || !digits(s, 11, 2) || s[13] != ':' || !digits(s, 14, 2) ||
      s[16] != ':' || !digits(s, 17, 2) || s.back() != 'Z') {
    return std::nullopt;
  }
  std::string millis = "000";
  if (s.size() > 20) {
    if (s[19] != '.' || s.size() < 22 || !digits(s, 20, s.size() - 21)) return std::nullopt;
    const std::string_view frac = s.substr(20, s.size() - 21);
    for (std::size_t i = 0; i < 3 && i < frac.size(); ++i) millis[i] = frac[i];
  }
  const std::string text = std::string(s.substr(0, 19)) + "." + millis + "Z";
  try {
    return parse_timestamp(text);
  } catch (const Error&) {
    return std::nullopt;
  }
}

}  // namespace hotline::interop
