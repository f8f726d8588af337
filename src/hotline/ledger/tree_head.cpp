#include "hotline/ledger/tree_head.h"

#include <algorithm>
#include <array>
#include <vector>

#include "hotline/common/encoding.h"
#include "hotline/common/error.h"
#include "hotline/common/time.h"
#include "hotline/crypto/canonical_json.h"

namespace hotline::ledger {
namespace {

using nlohmann::json;

// Largest integer every JSON reader holds exactly (crypto/canonical_json.h).
constexpr std::uint64_t kMaxSize = (std::uint64_t{1} << 53) - 1;

constexpr std::array<std::string_view, 7> kFields = {"key",  "root", "sig", "size",
                                                     "time", "type", "v"};

[[noreturn]] void bad(const std::string& message) {
  throw Error(ErrorCategory::invalid_input, "tree_head_invalid", message);
}

void check_head(const TreeHead& head) {
  if (head.size > kMaxSize) {
    bad("tree head size " + std::to_string(head.size) + " is above 2^53 - 1");
  }
  try {
    (void)parse_timestamp(head.time);
  } catch (const Error& e) {
    bad(std::string("tree head \"time\": ") + e.what());
  }
}

json head_json(const TreeHead& head) {
  return json{{"root", to_hex(head.root)},
              {"size", head.size},
              {"time", head.time},
              {"type", "tree_head"},
              {"v", 1}};
}

bool is_lower_hex(std::string_view s) {
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

}  // namespace

std::string signing_input(const TreeHead& head) {
  check_head(head);
  return crypto::canonicalize(head_json(head));
}

SignedTreeHead sign_tree_head(TreeHead head, const crypto::KeyPair& key) {
  SignedTreeHead sth;
  sth.sig = crypto::encode_signature(key.sign(signing_input(head)));
  sth.key = key.public_key().encoded();
  sth.head = std::move(head);
  return sth;
}

bool verify_tree_head(const SignedTreeHead& sth, const crypto::PublicKey& key) {
  try {
    if (sth.key != key.encoded()) return false;
    return crypto::verify(key, signing_input(sth.head), crypto::decode_signature(sth.sig));
  } catch (const Error&) {
    return false;  // bad time or size, or a signature that is not 64 bytes
  }
}

void to_json(json& j, const SignedTreeHead& sth) {
  j = head_json(sth.head);
  j["key"] = sth.key;
  j["sig"] = sth.sig;
}

void from_json(const json& j, SignedTreeHead& sth) {
  if (!j.is_object()) bad("a tree head must be a JSON object");
  for (auto f : kFields) {
    if (!j.contains(f)) bad("tree head has no member \"" + std::string(f) + "\"");
  }
  if (j.size() != kFields.size()) bad("tree head has members that version 1 does not define");
  const json& v = j.at("v");
  if (!v.is_number_integer() || v.get<std::int64_t>() != 1) bad("tree head version is not 1");
  for (auto f : {"key", "root", "sig", "time", "type"}) {
    if (!j.at(f).is_string()) bad("tree head member \"" + std::string(f) + "\" must be a string");
  }
  if (j.at("type").get<std::string>() != "tree_head")
    bad("tree head \"type\" is not \"tree_head\"");

  const json& size = j.at("size");
  if (!size.is_number_integer() || (!size.is_number_unsigned() && size.get<std::int64_t>() < 0)) {
    bad("tree head \"size\" must be an integer 0 or more");
  }
  SignedTreeHead out;
  out.head.size = size.get<std::uint64_t>();

  const std::string root = j.at("root").get<std::string>();
  if (root.size() != 64 || !is_lower_hex(root)) {
    bad("tree head \"root\" must be a SHA-256 hash as 64 lowercase hex digits");
  }
  const std::vector<std::uint8_t> raw = from_hex(root);
  std::copy(raw.begin(), raw.end(), out.head.root.begin());

  out.head.time = j.at("time").get<std::string>();
  check_head(out.head);

  out.key = j.at("key").get<std::string>();
  try {
    (void)crypto::PublicKey::decode(out.key);
  } catch (const Error& e) {
    bad(std::string("tree head \"key\": ") + e.what());
  }
  out.sig = j.at("sig").get<std::string>();
  try {
    (void)crypto::decode_signature(out.sig);
  } catch (const Error& e) {
    bad(std::string("tree head \"sig\": ") + e.what());
  }
  sth = std::move(out);
}

std::string canonical(const SignedTreeHead& sth) {
  json j = sth;
  return crypto::canonicalize(j);
}

SignedTreeHead parse_signed_tree_head(std::string_view text) {
  return crypto::parse_strict(text).get<SignedTreeHead>();
}

}  // namespace hotline::ledger
