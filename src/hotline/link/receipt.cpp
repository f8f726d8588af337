#include "hotline/link/receipt.h"

#include <algorithm>
#include <array>
#include <span>

#include <nlohmann/json.hpp>

#include "hotline/common/encoding.h"
#include "hotline/common/error.h"
#include "hotline/common/time.h"
#include "hotline/crypto/canonical_json.h"
#include "hotline/ledger/batch_tree.h"
#include "hotline/ledger/proof_verify.h"

namespace hotline::link {
namespace {

using nlohmann::json;

constexpr std::array<std::string_view, 10> kFieldsV1 = {
    "envelope", "envelope_id", "from", "index", "link", "received_at", "seq", "sig", "to", "v"};
// A receiver signs at most one received batch together (kMaxBatchEnvelopes,
// 1,000 in receiver.h); these bounds sit far above that and only keep a
// hostile receipt from costing more than 20 hashes to check.
constexpr std::size_t kMaxPathHashes = 20;
constexpr std::int64_t kMaxBatchSize = std::int64_t{1} << kMaxPathHashes;

[[noreturn]] void bad(const std::string& message) {
  throw Error(ErrorCategory::invalid_input, "receipt_invalid", message);
}

// The canonical JSON of a receipt, written member by member in RFC 8785
// order (all names are ASCII, so byte order): the same bytes as
// canonicalize() of the receipt as a JSON object, which a test checks,
// without building that object for each of a batch's receipts. "batch" and
// "sig" only with `with_sig`.
std::string write_canonical(const Receipt& r, bool with_sig) {
  std::string out;
  out.reserve(with_sig && r.batch ? 400 + 67 * r.batch->path.size() : 400);
  out += '{';
  if (with_sig && r.batch) {
    out += R"("batch":{"path":[)";
    for (std::size_t i = 0; i < r.batch->path.size(); ++i) {
      if (i != 0) out += ',';
      crypto::append_canonical_string(out, r.batch->path[i]);
    }
    crypto::append_canonical_member(out, R"(],"position":)", r.batch->position);
    crypto::append_canonical_member(out, R"(,"size":)", r.batch->size);
    out += "},";
  }
  crypto::append_canonical_member(out, R"("envelope":)", r.envelope);
  crypto::append_canonical_member(out, R"(,"envelope_id":)", r.envelope_id);
  crypto::append_canonical_member(out, R"(,"from":)", r.from);
  crypto::append_canonical_member(out, R"(,"index":)", r.index);
  crypto::append_canonical_member(out, R"(,"link":)", r.link);
  crypto::append_canonical_member(out, R"(,"received_at":)", r.received_at);
  crypto::append_canonical_member(out, R"(,"seq":)", r.seq);
  if (with_sig) crypto::append_canonical_member(out, R"(,"sig":)", r.sig);
  crypto::append_canonical_member(out, R"(,"to":)", r.to);
  crypto::append_canonical_member(out, R"(,"v":)", r.v);
  out += '}';
  return out;
}

ReceiptBatch parse_batch(const json& b) {
  if (!b.is_object() || b.size() != 3 || !b.contains("size") || !b.contains("position") ||
      !b.contains("path")) {
    bad("receipt \"batch\" must be an object with exactly \"size\", \"position\" and \"path\"");
  }
  if (!b["size"].is_number_integer() || !b["position"].is_number_integer() ||
      !b["path"].is_array()) {
    bad("receipt \"batch\": size and position must be integers, path an array");
  }
  ReceiptBatch out;
  out.size = b["size"].get<std::int64_t>();
  out.position = b["position"].get<std::int64_t>();
  if (out.size < 1 || out.size > kMaxBatchSize || out.position < 0 || out.position >= out.size) {
    bad("receipt \"batch\": position " + std::to_string(out.position) +
        " is not a leaf of a batch of " + std::to_string(out.size));
  }
  if (b["path"].size() > kMaxPathHashes)
    bad("receipt \"batch\": the path is longer than any batch needs");
  for (const auto& h : b["path"]) {
    if (!h.is_string() || h.get_ref<const std::string&>().size() != 64) {
      bad("receipt \"batch\": every path entry must be a hex SHA-256 hash");
    }
    out.path.push_back(h.get<std::string>());
  }
  return out;
}

// The root of r's batch tree, from its leaf data and path; nullopt when the
// path is not one for its position (a forged or damaged receipt).
std::optional<ledger::Digest> batch_root(const Receipt& r) {
  std::vector<ledger::Digest> path;
  path.reserve(r.batch->path.size());
  try {
    for (const auto& h : r.batch->path) path.push_back(ledger::digest_from_hex(h));
  } catch (const Error&) {
    return std::nullopt;
  }
  return ledger::root_from_inclusion(ledger::leaf_hash(receipt_signing_input(r)),
                                     static_cast<std::uint64_t>(r.batch->position),
                                     static_cast<std::uint64_t>(r.batch->size), path);
}

// The last batch signature this thread verified: the next receipts of a
// batch name the same root and signature, and verifying them again would
// cost an Ed25519 verification each, which batching is there to save.
struct VerifiedBatch {
  std::string key;
  ledger::Digest root{};
  std::int64_t size = 0;
  std::string sig;
};
thread_local VerifiedBatch last_verified;

}  // namespace

std::string receipt_signing_input(const Receipt& r) {
  return write_canonical(r, false);
}
std::string batch_signing_input(std::string_view root_hex, std::int64_t size) {
  return crypto::canonicalize(json{{"receipt_batch_root", root_hex}, {"size", size}, {"v", 2}});
}
json batch_json(const ReceiptBatch& b) {
  return {{"size", b.size}, {"position", b.position}, {"path", b.path}};
}
std::string canonical(const Receipt& r) {
  return write_canonical(r, true);
}

std::vector<Receipt> seal_batch(std::vector<Receipt> receipts, const crypto::KeyPair& key) {
  if (receipts.empty()) return receipts;
  const std::string from = key.public_key().encoded();
  std::vector<ledger::Digest> leaves;
  leaves.reserve(receipts.size());
  for (auto& r : receipts) {
    r.v = 2;
    r.from = from;
    leaves.push_back(ledger::leaf_hash(receipt_signing_input(r)));
  }
  auto tree = ledger::build_batch_tree(leaves);
  const std::string sig = crypto::encode_signature(
      key.sign(batch_signing_input(to_hex(tree.root), static_cast<std::int64_t>(receipts.size()))));
  for (std::size_t m = 0; m < receipts.size(); ++m) {
    ReceiptBatch b;
    b.size = static_cast<std::int64_t>(receipts.size());
    b.position = static_cast<std::int64_t>(m);
    for (const auto& h : tree.paths[m]) b.path.push_back(to_hex(h));
    receipts[m].batch = std::move(b);
    receipts[m].sig = sig;
  }
  return receipts;
}

Receipt parse_receipt(std::string_view text) {
  return receipt_from_json(crypto::parse_strict(text));
}

Receipt receipt_from_json(const json& j) {
  if (!j.is_object()) bad("a receipt must be a JSON object");
  if (!j.contains("v") || !j["v"].is_number_integer()) bad("receipt has no integer member \"v\"");
  const auto v = j["v"].get<std::int64_t>();
  if (v != 1 && v != 2) bad("receipt version " + std::to_string(v) + " is not 1 or 2");
  for (auto f : kFieldsV1) {
    if (!j.contains(f)) bad("receipt has no member \"" + std::string(f) + "\"");
  }
  const std::size_t expected = kFieldsV1.size() + (v == 2 ? 1 : 0);
  if (v == 2 && !j.contains("batch")) bad("receipt has no member \"batch\"");
  if (j.size() != expected)
    bad("receipt has members that version " + std::to_string(v) + " does not define");
  for (auto f : {"link", "from", "to", "envelope", "envelope_id", "received_at", "sig"}) {
    if (!j[f].is_string()) bad("receipt member \"" + std::string(f) + "\" must be a string");
  }
  for (auto f : {"seq", "index"}) {
    if (!j[f].is_number_integer())
      bad("receipt member \"" + std::string(f) + "\" must be an integer");
  }
  Receipt r;
  r.v = static_cast<int>(v);
  r.link = j["link"].get<std::string>();
  r.from = j["from"].get<std::string>();
  r.to = j["to"].get<std::string>();
  r.seq = j["seq"].get<std::int64_t>();
  r.envelope = j["envelope"].get<std::string>();
  r.envelope_id = j["envelope_id"].get<std::string>();
  r.received_at = j["received_at"].get<std::string>();
  r.index = j["index"].get<std::int64_t>();
  r.sig = j["sig"].get<std::string>();
  if (v == 2) r.batch = parse_batch(j["batch"]);
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
    throw Error(ErrorCategory::invalid_input, "receipt_bad_signature",
                "receipt is not from the peer of this link");
  }
  crypto::Signature sig{};
  try {
    sig = crypto::decode_signature(r.sig);
  } catch (const Error&) {
    throw Error(ErrorCategory::invalid_input, "receipt_bad_signature",
                "receipt signature is not 64 bytes of base64url");
  }
  const auto refused = [&] {
    return Error(
        ErrorCategory::invalid_input, "receipt_bad_signature",
        "receipt for seq " + std::to_string(r.seq) + " has a signature that does not verify");
  };
  if (!r.batch) {
    if (r.v != 1 || !crypto::verify(key, receipt_signing_input(r), sig)) throw refused();
    return;
  }
  auto root = batch_root(r);
  if (!root) {
    throw Error(ErrorCategory::invalid_input, "receipt_bad_signature",
                "receipt for seq " + std::to_string(r.seq) +
                    ": its batch path does not fit position " + std::to_string(r.batch->position) +
                    " of " + std::to_string(r.batch->size));
  }
  if (last_verified.root == *root && last_verified.size == r.batch->size &&
      last_verified.sig == r.sig && last_verified.key == r.from)
    return;
  if (!crypto::verify(key, batch_signing_input(to_hex(*root), r.batch->size), sig)) throw refused();
  last_verified = VerifiedBatch{r.from, *root, r.batch->size, r.sig};
}

}  // namespace hotline::link
