// The receipt: the receiver's signed statement that it stored an envelope.
//
//   {"batch":{"path":[HEX64,…],"position":INT,"size":INT},
//    "envelope":HEX64,"envelope_id":UUID,"from":KEY,"index":INT,"link":LINKID,
//    "received_at":TS,"seq":INT,"sig":B64URL,"to":KEY,"v":2}
//
// "from" is the receiver (who signs), "to" the envelope's sender. "index" is
// the position of the envelope in the receiver's log (0-based), "received_at"
// the receiver's clock when it stored the envelope durably; deadlines start
// there (docs/protocol.md §4).
//
// Version 2 receipts are signed a batch at a time: the receipts of one
// received batch are the leaves of a small RFC 9162 Merkle tree (leaf data:
// the receipt's canonical JSON without "sig" and "batch"), and "sig" is one
// Ed25519 signature over that tree's root (batch_signing_input). "batch"
// gives the receipt's place in the tree and its inclusion path, so every
// receipt still verifies on its own. One signature per batch instead of one
// per envelope halves the link's signature work (docs/protocol.md §4.3).
// Version 1 receipts (one signature each over the canonical JSON without
// "sig", no "batch") are still read and verified: stores made before
// version 2 hold them.
//
// Errors: json_* as for envelopes, then receipt_invalid (shape or values)
// and receipt_bad_signature.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "hotline/crypto/ed25519.h"

namespace hotline::link {

// Where a version 2 receipt sits in the tree its signature covers.
struct ReceiptBatch {
  std::int64_t size = 1;          // receipts signed together
  std::int64_t position = 0;      // this receipt's leaf, 0-based
  std::vector<std::string> path;  // hex hashes, RFC 9162 inclusion proof, bottom-up

  friend bool operator==(const ReceiptBatch&, const ReceiptBatch&) = default;
};

struct Receipt {
  int v = 2;
  std::string link;
  std::string from;  // receiver's key (the signer)
  std::string to;    // the envelope's sender
  std::int64_t seq = 0;
  std::string envelope;               // hex SHA-256 of the envelope's canonical bytes
  std::string envelope_id;            // the envelope's id
  std::string received_at;            // receiver's clock
  std::int64_t index = 0;             // position in the receiver's log
  std::optional<ReceiptBatch> batch;  // version 2 only
  std::string sig;

  friend bool operator==(const Receipt&, const Receipt&) = default;
};

// What the signature covers for version 1; for version 2 the receipt's leaf
// data in its batch's tree. Both are the canonical JSON without "sig" (and
// without "batch").
std::string receipt_signing_input(const Receipt& r);
// Version 2: the text signed for a batch of `size` receipts whose tree has
// root `root_hex`: {"receipt_batch_root":HEX64,"size":N,"v":2}. The size is
// signed too: a path proves the same root for several tree sizes (a leaf of
// a perfect left subtree), and a receipt must have only one valid text.
std::string batch_signing_input(std::string_view root_hex, std::int64_t size);
std::string canonical(const Receipt& r);

// Signs receipts together as one version 2 batch (one signature), setting
// each one's "v", "from", "batch" and "sig". An empty vector stays empty.
std::vector<Receipt> seal_batch(std::vector<Receipt> receipts, const crypto::KeyPair& key);

// A receipt's "batch" member as JSON ({"path","position","size"}), as the
// receipt carries it and the ledger export repeats it.
nlohmann::json batch_json(const ReceiptBatch& b);

// Parses a receipt given as JSON text; the text need not be canonical (a
// receipt travels inside a response document), the signature is checked over
// the canonical form.
Receipt parse_receipt(std::string_view text);
// The same checks on a receipt already parsed (strictly) as part of a larger
// document, such as the receiver's reply: no second parse.
Receipt receipt_from_json(const nlohmann::json& j);

// Throws receipt_bad_signature unless r is signed by `key` (and r.from is it).
// For version 2 the batch root is computed from the receipt's path; the
// last root verified on this thread is remembered, so the other receipts of
// the same batch cost a few hashes and no second Ed25519 verification.
void verify_signature(const Receipt& r, const crypto::PublicKey& key);

}  // namespace hotline::link
