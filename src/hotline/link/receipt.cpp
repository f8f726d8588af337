#include "hotline/link/receipt.h"

#include <algorithm>
#include <array>

#include <nlohmann/json.hpp>

#include "hotline/common/error.h"
#include "hotline/common/time.h"
#include "hotline/crypto/canonical_json.h"

namespace hotline::link {
namespace {

using nlohmann::json;

constexpr std::array<std::string_view, 10> kFields = {
    "envelope", "envelope_id", "from", "index", "link", "received_at", "seq", "sig", "to", "v"};

[[noreturn]] void bad(const std::string& message) {
  throw Error("receipt_invalid", message);
}

json to_json(const Receipt& r, bool with_sig) {
  json j = {{"v", r.v},
            {"link", r.link},
            {"from", r.from},
            {"to", r.to},
            {"seq", r.seq},
            {"envelope", r.envelope},
            {"envelope_id", r.envelope_id},
            {"received_at", r.received_at},
            {"index", r.index}};
  if (with_sig) j["sig"] = r.sig;
  return j;
}

}  // namespace

std::string receipt_signing_input(const Receipt& r) {
  return crypto::canonicalize(to_json(r, false));
}
std::string canonical(const Receipt& r) {
  return crypto::canonicalize(to_json(r, true));
}

Receipt seal(Receipt r, const crypto::KeyPair& key) {
  r.from = key.public_key().encoded();
  r.sig = crypto::encode_signature(key.sign(receipt_signing_input(r)));
  return r;
}

Receipt parse_receipt(std::string_view text) {
  json j = crypto::parse_strict(text);
  if (!j.is_object()) bad("a receipt must be a JSON object");
  for (auto f : kFields) {
    if (!j.contains(f)) bad("receipt has no member \"" + std::string(f) + "\"");
  }
  if (j.size() != kFields.size()) bad("receipt has members that version 1 does not define");
  if (!j["v"].is_number_integer() || j["v"].get<std::int64_t>() != 1)
    bad("receipt version is not 1");
  for (auto f : {"link", "from", "to", "envelope", "envelope_id", "received_at", "sig"}) {
    if (!j[f].is_string()) bad("receipt member \"" + std::string(f) + "\" must be a string");
  }
  for (auto f : {"seq", "index"}) {
    if (!j[f].is_number_integer())
      bad("receipt member \"" + std::string(f) + "\" must be an integer");
  }
  Receipt r;
  r.link = j["link"].get<std::string>();
  r.from = j["from"].get<std::string>();
  r.to = j["to"].get<std::string>();
  r.seq = j["seq"].get<std::int64_t>();
  r.envelope = j["envelope"].get<std::string>();
  r.envelope_id = j["envelope_id"].get<std::string>();
  r.received_at = j["received_at"].get<std::string>();
  r.index = j["index"].get<std::int64_t>();
  r.sig = j["sig"].get<std::string>();
  if (r.seq < 1 || r.index < 0) bad("receipt seq must be 1 or more and index 0 or more");
  if (r.envelope.size() != 64) bad("receipt \"envelope\" is not a SHA-256 digest");
  try {
    (void)parse_timestamp(r.received_at);
  } catch (const Error& e) {
    bad(std::string("receipt \"received_at\": ") + e.what());
  }
  return r;
}

void verify_signature(const Receipt& r, const crypto::PublicKey& key) {
  if (r.from != key.encoded()) {
    throw Error("receipt_bad_signature", "receipt is not from the peer of this link");
  }
  crypto::Signature sig{};
  try {
    sig = crypto::decode_signature(r.sig);
  } catch (const Error&) {
    throw Error("receipt_bad_signature", "receipt signature is not 64 bytes of base64url");
  }
  if (!crypto::verify(key, receipt_signing_input(r), sig)) {
    throw Error("receipt_bad_signature", "receipt for seq " + std::to_string(r.seq) +
                                             " has a signature that does not verify");
  }
}

}  // namespace hotline::link
