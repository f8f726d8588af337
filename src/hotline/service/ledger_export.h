// The ledger for outsiders: a full export an auditor can check with only an
// Ed25519 library and SHA-256 (docs/auditing.md), and portable inclusion
// proofs for single envelopes.
//
// Export (JSON Lines, one object per line, in this order):
//   {"type":"node","party":…,"public_key":…,"log_size":N,"exported_at":TS,
//    "format":"hotline-ledger-export-v1","peers":[{"name","public_key","link"}…]}
//   {"type":"leaf","index":i,"kind":"envelope"|"receipt","link":…,
//    "direction":"outbound"|"inbound","seq":…,"leaf_hash":HEX,
//    "canonical":TEXT,"signed":TEXT,"sig":B64URL,"signer":B64URL,
//    "redacted":null|"TLP:RED"|"unreadable"}                        (i = 0 … N-1)
//   {"type":"head","link":""|LINK,"size":…,"root":…,"time":…,"key":…,
//    "sig":…,"signed":TEXT,"status":…,"received_at":TS|null}
// TLP:RED content never leaves the node (TLP 2.0): the envelope leaf of a
// TLP:RED item (is_tlp_red) has "canonical", "signed" and "sig" null and
// "redacted":"TLP:RED"; its leaf hash, "signer" and position stay, so the
// tree still verifies. Its receipt (digest, seq and times, no content) is
// exported as usual. An item envelope whose stored bytes no longer parse is
// withheld the same way with "redacted":"unreadable" (no telling whether it
// is TLP:RED; the auditor's check fails on it). Every other leaf has
// "redacted":null.
// A leaf whose item is missing from the store has "canonical", "signed",
// "sig" and "signer" null and "redacted" null (the auditor's check then
// fails on it, as it should).
//
// Proof (one JSON document):
//   {"format":"hotline-inclusion-proof-v1","leaf_index":i,"kind":"envelope",
//    "envelope_id":…,"canonical":TEXT,"leaf_hash":HEX,"tree_size":N,
//    "root":HEX,"proof":[HEX…],"head":{"key","root","sig","size","time",
//    "type","v","signed"}}
// There is none for the envelope of a TLP:RED item (ledger_tlp_red).
#pragma once

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "hotline/common/time.h"
#include "hotline/crypto/ed25519.h"
#include "hotline/service/node_dir.h"

namespace hotline::service {

inline constexpr const char* kExportFormat = "hotline-ledger-export-v1";
inline constexpr const char* kProofFormat = "hotline-inclusion-proof-v1";
// The "redacted" values of an export's leaf lines.
inline constexpr const char* kRedactedTlpRed = "TLP:RED";
inline constexpr const char* kRedactedUnreadable = "unreadable";

struct ExportSummary {
  std::int64_t leaves = 0, own_heads = 0, peer_heads = 0;
  std::int64_t missing_items = 0;  // leaves without a stored (or readable) item
  std::int64_t redacted = 0;       // envelope leaves of TLP:RED items, exported as hashes only
  bool signed_new_head = false;    // a head of the whole log was signed for the export
};

// Writes the export to `out`. With `sign_head`, first signs (and stores) a
// head of the whole log when our newest head is older than the log, so that
// every exported leaf is covered by a signed root. The export is one read
// snapshot: leaves appended meanwhile are left for the next export.
ExportSummary export_ledger(Node& node, std::ostream& out, TimePoint now, bool sign_head = true);

// A portable inclusion proof for the envelope `envelope_id` against our
// newest head that covers it; when no head covers it yet, one is signed
// (in a write transaction). Errors: ledger_unknown_item (no such envelope,
// or it is not in the log), ledger_tlp_red (the envelope is an action on a
// TLP:RED item: its content never leaves the node), ledger_head_invalid (the
// covering head does not match the log, or the envelope changed after it was
// logged; run `hotline ledger verify`).
nlohmann::json prove_envelope(Node& node, const std::string& envelope_id, TimePoint now);

struct ProofCheck {
  bool ok = false;
  std::vector<std::string> passed;  // each check that held, in order
  std::string failure;              // the first one that did not (empty when ok)
  std::string signer;               // the head's key
  std::string signer_fingerprint;
  std::int64_t leaf_index = 0, tree_size = 0;
  std::string envelope_id;
};

// Checks a proof document offline: the envelope parses and is signed by its
// sender, its leaf hash, the inclusion path to the head's root, and the
// head's signature. With `expected_key`, the head must be signed by that key.
// Never throws for bad input: a malformed document is a failed check.
ProofCheck check_proof(const nlohmann::json& proof,
                       const std::optional<crypto::PublicKey>& expected_key = std::nullopt);

}  // namespace hotline::service
