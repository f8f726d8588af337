#include "hotline/link/envelope.h"

#include <algorithm>
#include <array>

#include "hotline/common/encoding.h"
#include "hotline/common/error.h"
#include "hotline/common/time.h"
#include "hotline/common/uuid.h"
#include "hotline/crypto/canonical_json.h"

namespace hotline::link {
namespace {

using nlohmann::json;

// Members of a version-1 envelope, in canonical (sorted) order.
constexpr std::array<std::string_view, 13> kFields = {
    "attachments", "body", "from", "id", "link", "prev", "ref",
    "sent_at",     "seq",  "sig",  "to", "type", "v"};

[[noreturn]] void fail(ErrorCategory category, const char* code, const std::string& message) {
  throw Error(category, code, message);
}

const char* type_name(const json& j) {
  switch (j.type()) {
    case json::value_t::object:
      return "an object";
    case json::value_t::array:
      return "an array";
    case json::value_t::string:
      return "a string";
    case json::value_t::boolean:
      return "a boolean";
    case json::value_t::null:
      return "null";
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
      return "an integer";
    default:
      return "a number";
  }
}

void expect(const json& j, std::string_view field, bool ok, const char* wanted) {
  if (!ok) {
    fail(ErrorCategory::invalid_input, "envelope_wrong_type",
         "envelope member \"" + std::string(field) + "\" must be " + wanted + ", not " +
             type_name(j));
  }
}

bool is_lower_hex(std::string_view s, std::size_t len) {
  return s.size() == len && std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

bool is_type_name(std::string_view s) {
  if (s.empty() || s.size() > 64) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_';
  });
}

// Only the shape is checked here (32 bytes of base64url): the receiver
// compares "to" with its own key and "from" with the peer's pinned key,
// both validated when the peer was added, so a full curve-point check per
// envelope (about 45 us each) would buy nothing.
void check_key(std::string_view field, const std::string& value) {
  bool ok = value.size() == 43;
  if (ok) {
    try {
      ok = base64url_decode(value).size() == 32;
    } catch (const Error&) {
      ok = false;
    }
  }
  if (!ok) {
    fail(ErrorCategory::invalid_input, "envelope_bad_value",
         "envelope member \"" + std::string(field) +
             "\" is not an Ed25519 public key (43 base64url characters)");
  }
}

// The canonical JSON of an envelope, written member by member in the order
// of kFields (every name is ASCII, so byte order is RFC 8785's UTF-16
// order): the same bytes as canonicalize() of the envelope as a JSON object,
// which a test checks, without building and copying that object (and its
// body) for every envelope sealed, received or hashed.
std::string write_canonical(const Envelope& e, bool with_sig) {
  std::string out;
  out.reserve(1024);  // a desk message or request: ~900 bytes
  out += R"({"attachments":[)";
  for (std::size_t i = 0; i < e.attachments.size(); ++i) {
    if (i != 0) out += ',';
    crypto::append_canonical_member(out, R"({"sha256":)", e.attachments[i].sha256);
    crypto::append_canonical_member(out, R"(,"size":)", e.attachments[i].size);
    out += '}';
  }
  out += R"(],"body":)";
  crypto::append_canonical(out, e.body, 1);
  crypto::append_canonical_member(out, R"(,"from":)", e.from);
  crypto::append_canonical_member(out, R"(,"id":)", e.id);
  crypto::append_canonical_member(out, R"(,"link":)", e.link);
  crypto::append_canonical_member(out, R"(,"prev":)", e.prev);
  if (e.ref) {
    crypto::append_canonical_member(out, R"(,"ref":)", *e.ref);
  } else {
    out += R"(,"ref":null)";
  }
  crypto::append_canonical_member(out, R"(,"sent_at":)", e.sent_at);
  crypto::append_canonical_member(out, R"(,"seq":)", e.seq);
  if (with_sig) crypto::append_canonical_member(out, R"(,"sig":)", e.sig);
  crypto::append_canonical_member(out, R"(,"to":)", e.to);
  crypto::append_canonical_member(out, R"(,"type":)", e.type);
  crypto::append_canonical_member(out, R"(,"v":)", e.v);
  out += '}';
  return out;
}

}  // namespace

std::string link_id(const crypto::PublicKey& a, const crypto::PublicKey& b) {
  const auto& lo = std::min(a.bytes, b.bytes);
  const auto& hi = std::max(a.bytes, b.bytes);
  crypto::Sha256 h;
  h.update(std::string_view("hotline-link-v1"));
  h.update(std::span<const std::uint8_t>(lo));
  h.update(std::span<const std::uint8_t>(hi));
  auto d = h.finish();
  return to_hex(std::span<const std::uint8_t>(d.data(), 16));
}

std::string signing_input(const Envelope& e) {
  return write_canonical(e, false);
}

std::string canonical(const Envelope& e) {
  return write_canonical(e, true);
}

crypto::Digest envelope_digest(const Envelope& e) {
  return crypto::sha256(canonical(e));
}

Envelope seal(Envelope e, const crypto::KeyPair& key) {
  if (e.from != key.public_key().encoded()) {
    fail(ErrorCategory::invalid_input, "envelope_bad_value",
         "an envelope can only be sealed with the key named in \"from\"");
  }
  e.sig = crypto::encode_signature(key.sign(signing_input(e)));
  return e;
}

void verify_signature(const Envelope& e, const crypto::PublicKey& key) {
  if (e.from != key.encoded()) {
    fail(ErrorCategory::invalid_input, "envelope_bad_value",
         "envelope \"from\" is not the key of the peer on this link");
  }
  crypto::Signature sig{};
  try {
    sig = crypto::decode_signature(e.sig);
  } catch (const Error&) {
    fail(ErrorCategory::forbidden, "envelope_bad_signature",
         "envelope signature is not 64 bytes of base64url");
  }
  if (!crypto::verify(key, signing_input(e), sig)) {
    fail(ErrorCategory::forbidden, "envelope_bad_signature",
         "envelope " + e.id + " (seq " + std::to_string(e.seq) +
             ") has a signature that does not verify");
  }
}

Envelope parse_envelope(std::string_view text) {
  json j = crypto::parse_strict(text);  // json_* errors
  if (!j.is_object())
    fail(ErrorCategory::invalid_input, "envelope_not_object", "an envelope must be a JSON object");

  // The version decides which members exist, so it is checked first.
  auto vit = j.find("v");
  if (vit == j.end())
    fail(ErrorCategory::invalid_input, "envelope_unknown_version",
         "envelope has no version member \"v\"");
  if (!vit->is_number_integer() || vit->get<std::int64_t>() != kEnvelopeVersion) {
    fail(ErrorCategory::invalid_input, "envelope_unknown_version",
         "envelope version " + vit->dump() + " is not supported (this node speaks version 1)");
  }
  for (auto f : kFields) {
    if (!j.contains(f))
      fail(ErrorCategory::invalid_input, "envelope_missing_field",
           "envelope has no member \"" + std::string(f) + "\"");
  }
  for (const auto& [k, _] : j.items()) {
    if (std::find(kFields.begin(), kFields.end(), k) == kFields.end()) {
      fail(ErrorCategory::invalid_input, "envelope_unknown_field",
           "envelope member \"" + k + "\" is not part of version 1");
    }
  }

  Envelope e;
  for (auto f : {"id", "link", "from", "to", "prev", "sent_at", "type", "sig"}) {
    expect(j[f], f, j[f].is_string(), "a string");
  }
  expect(j["seq"], "seq", j["seq"].is_number_integer(), "an integer");
  expect(j["ref"], "ref", j["ref"].is_string() || j["ref"].is_null(), "a string or null");
  expect(j["body"], "body", j["body"].is_object(), "an object");
  expect(j["attachments"], "attachments", j["attachments"].is_array(), "an array");

  e.id = j["id"].get<std::string>();
  e.link = j["link"].get<std::string>();
  e.from = j["from"].get<std::string>();
  e.to = j["to"].get<std::string>();
  e.seq = j["seq"].get<std::int64_t>();
  e.prev = j["prev"].get<std::string>();
  e.sent_at = j["sent_at"].get<std::string>();
  e.type = j["type"].get<std::string>();
  if (j["ref"].is_string()) e.ref = j["ref"].get<std::string>();
  e.body = std::move(j["body"]);
  e.sig = j["sig"].get<std::string>();

  if (!is_uuid_v7(e.id))
    fail(ErrorCategory::invalid_input, "envelope_bad_value",
         "envelope \"id\" is not a lowercase UUIDv7");
  if (!is_lower_hex(e.link, 32))
    fail(ErrorCategory::invalid_input, "envelope_bad_value",
         "envelope \"link\" is not 32 lowercase hex digits");
  check_key("from", e.from);
  check_key("to", e.to);
  if (e.from == e.to)
    fail(ErrorCategory::invalid_input, "envelope_bad_value",
         "envelope \"from\" and \"to\" are the same key");
  if (e.seq < 1)
    fail(ErrorCategory::invalid_input, "envelope_bad_value", "envelope \"seq\" must be 1 or more");
  if (!is_lower_hex(e.prev, 64))
    fail(ErrorCategory::invalid_input, "envelope_bad_value",
         "envelope \"prev\" is not 64 lowercase hex digits");
  if (e.seq == 1 && e.prev != kGenesisPrev) {
    fail(ErrorCategory::invalid_input, "envelope_bad_value",
         "the first envelope (seq 1) must have \"prev\" of 64 zeros");
  }
  try {
    (void)parse_timestamp(e.sent_at);
  } catch (const Error& err) {
    fail(ErrorCategory::invalid_input, "envelope_bad_value",
         std::string("envelope \"sent_at\": ") + err.what());
  }
  if (!is_type_name(e.type)) {
    fail(ErrorCategory::invalid_input, "envelope_bad_value",
         "envelope \"type\" must be 1-64 characters of a-z, 0-9, '.', '_'");
  }
  if (e.ref && e.ref->empty())
    fail(ErrorCategory::invalid_input, "envelope_bad_value",
         "envelope \"ref\" is empty; use null for none");
  for (const auto& a : j["attachments"]) {
    expect(a, "attachments[]", a.is_object(), "an object");
    if (a.size() != 2 || !a.contains("sha256") || !a.contains("size")) {
      fail(ErrorCategory::invalid_input, "envelope_bad_value",
           "each attachment must have exactly \"sha256\" and \"size\"");
    }
    expect(a["sha256"], "attachments[].sha256", a["sha256"].is_string(), "a string");
    expect(a["size"], "attachments[].size", a["size"].is_number_integer(), "an integer");
    AttachmentRef ref{a["sha256"].get<std::string>(), a["size"].get<std::int64_t>()};
    if (!is_lower_hex(ref.sha256, 64) || ref.size < 0) {
      fail(ErrorCategory::invalid_input, "envelope_bad_value",
           "attachment digest must be 64 lowercase hex digits and size 0 or more");
    }
    e.attachments.push_back(std::move(ref));
  }
  if (e.sig.size() != 86)
    fail(ErrorCategory::invalid_input, "envelope_bad_value",
         "envelope \"sig\" is not a base64url Ed25519 signature");

  // Only the canonical form is accepted, so that the digest of what was
  // received is the digest of what was signed and sent.
  if (canonical(e) != text) {
    fail(ErrorCategory::invalid_input, "envelope_not_canonical",
         "envelope is not in RFC 8785 canonical form (member order, "
         "whitespace or escaping differ)");
  }
  return e;
}

}  // namespace hotline::link
