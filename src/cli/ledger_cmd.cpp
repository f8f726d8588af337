// hotline ledger status|verify|export|prove|check-proof: the node's Merkle
// log for operators and auditors (docs/auditing.md).
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "commands.h"
#include "hotline/common/error.h"
#include "hotline/common/time.h"
#include "hotline/crypto/canonical_json.h"
#include "hotline/service/ledger_export.h"
#include "hotline/service/ledger_verify.h"
#include "hotline/service/node_dir.h"
#include "hotline/store/open.h"

namespace hotline::cli {
namespace {

using nlohmann::json;

json head_json(const std::optional<store::TreeHeadRecord>& h) {
  if (!h) return nullptr;
  return {{"size", h->size},
          {"root", h->root},
          {"time", h->time},
          {"key", h->key},
          {"received_at", h->received_at ? json(*h->received_at) : json(nullptr)},
          {"status", h->status}};
}

json events_json(const std::vector<store::EventRecord>& events) {
  json arr = json::array();
  for (const auto& e : events)
    arr.push_back({{"id", e.id}, {"at", e.at}, {"link", e.link}, {"detail", e.detail}});
  return arr;
}

void print_events(const std::vector<store::EventRecord>& events) {
  if (events.empty()) return;
  std::printf("\nledger_inconsistent events recorded by this node's audits of its peers:\n");
  for (const auto& e : events)
    std::printf("  %s  link %s: %s\n", e.at.c_str(), e.link.c_str(), e.detail.c_str());
}

// verify and status only read: they need the node's public key, not its
// private key, so an auditor can run them on a copy of the directory.
struct NodeForReading {
  std::string party;
  crypto::PublicKey key;
  std::unique_ptr<store::Store> store;
};

NodeForReading open_for_reading(const std::string& dir) {
  service::NodePaths paths(dir);
  auto key = service::read_public_key(dir);
  const auto config = service::read_store_config(paths);
  if (config.kind == service::StoreConfig::Kind::sqlite && !std::filesystem::exists(paths.db)) {
    throw Error(ErrorCategory::not_found, "node_missing",
                dir + " holds no Hotline database (" + paths.db.string() + ")");
  }
  NodeForReading n{"", key, service::open_node_store(paths, config, {.secret_key = false})};
  n.party = service::require_store_of(*n.store, paths, config, key);
  return n;
}

std::string count(std::int64_t n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

std::string read_whole(const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw Error(ErrorCategory::invalid_input, "file_unreadable", "cannot read " + file);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The options of every ledger subcommand (one runs per invocation).
struct LedgerOpts {
  std::string dir, out, id, file, key;
  bool json = false, no_new_head = false;
};
using LedgerOptsPtr = std::shared_ptr<LedgerOpts>;

json status_json(const service::LedgerStatus& s) {
  json j;
  j["log_size"] = s.log_size;
  j["root"] = s.root;
  j["own_head"] = head_json(s.own_head);
  j["own_heads"] = s.own_heads;
  j["peers"] = json::array();
  for (const auto& p : s.peers) {
    j["peers"].push_back({{"name", p.peer.name},
                          {"link", p.peer.link},
                          {"latest_head", head_json(p.latest)},
                          {"heads", p.heads},
                          {"unchecked", p.unchecked},
                          {"inconsistent", p.inconsistent},
                          {"superseded", p.superseded}});
  }
  j["ledger_inconsistent_events"] = events_json(s.inconsistency_events);
  return j;
}

void print_status(const service::LedgerStatus& s) {
  std::printf("Log: %s, root %s\n", count(s.log_size, "leaf", "leaves").c_str(), s.root.c_str());
  if (s.own_head) {
    long long behind = static_cast<long long>(s.log_size - s.own_head->size);
    std::printf("Our newest signed head: size %lld, root %s, signed %s (%lld signed in all)%s\n",
                static_cast<long long>(s.own_head->size), s.own_head->root.c_str(),
                s.own_head->time.c_str(), static_cast<long long>(s.own_heads),
                behind > 0 ? (", " + std::to_string(behind) + " leaves since").c_str() : "");
  } else {
    std::printf("Our newest signed head: none yet (the running node signs one periodically)\n");
  }
  if (s.peers.empty()) std::printf("No peers.\n");
  for (const auto& p : s.peers) {
    std::printf("Peer %s (link %s):\n", p.peer.name.c_str(), p.peer.link.c_str());
    if (!p.latest) {
      std::printf("  no tree head received yet\n");
      continue;
    }
    std::printf("  newest head: size %lld, root %s, signed %s, received %s, %s\n",
                static_cast<long long>(p.latest->size), p.latest->root.c_str(),
                p.latest->time.c_str(), p.latest->received_at.value_or("?").c_str(),
                p.latest->status.c_str());
    std::printf("  %lld heads held: %lld unchecked, %lld inconsistent\n",
                static_cast<long long>(p.heads), static_cast<long long>(p.unchecked),
                static_cast<long long>(p.inconsistent));
    if (p.superseded > 0) {
      std::printf(
          "  %lld superseded: signed before %s was restored from a backup (kept, no "
          "longer audited; see its peer_restored event)\n",
          static_cast<long long>(p.superseded), p.peer.name.c_str());
    }
  }
  print_events(s.inconsistency_events);
}

void add_status_command(CLI::App* ledger, const LedgerOptsPtr& o) {
  auto* status = ledger->add_subcommand(
      "status",
      "Log size and root, our newest signed head, and per peer the newest head received with "
      "its audit status.");
  status->add_option("--dir", o->dir, "The node's data directory")->required();
  status->add_flag("--json", o->json, "Print JSON");
  status->callback([o] {
    auto node = open_for_reading(o->dir);
    auto s = service::ledger_status(*node.store);
    if (o->json) {
      std::printf("%s\n", status_json(s).dump(2).c_str());
    } else {
      print_status(s);
    }
  });
}

json report_json(const service::LedgerReport& r) {
  json j;
  j["ok"] = r.ok();
  j["log_size"] = r.log_size;
  j["root"] = r.root;
  j["checked"] = {{"envelopes", r.envelopes},
                  {"receipts", r.receipts},
                  {"own_heads", r.own_heads},
                  {"peer_heads", r.peer_heads},
                  {"links", r.links}};
  j["audit_trail"] = {{"entries", r.audit_entries}, {"ok", !r.has("audit_trail")}};
  j["findings"] = json::array();
  for (const auto& f : r.findings)
    j["findings"].push_back({{"code", f.code}, {"message", f.message}});
  j["suppressed"] = r.suppressed;
  j["ledger_inconsistent_events"] = events_json(r.inconsistency_events);
  return j;
}

void print_report(const std::string& party, const service::LedgerReport& r) {
  std::printf("Ledger of %s: %s, root %s\n", party.c_str(),
              count(r.log_size, "leaf", "leaves").c_str(), r.root.c_str());
  std::printf("Checked %s, %s, %s, %s, %s.\n", count(r.envelopes, "envelope", "envelopes").c_str(),
              count(r.receipts, "receipt", "receipts").c_str(),
              count(r.own_heads, "signed head of ours", "signed heads of ours").c_str(),
              count(r.peer_heads, "head from peers", "heads from peers").c_str(),
              count(r.links, "link", "links").c_str());
  if (r.has("audit_trail")) {
    std::printf("audit trail: %s, chain broken (see the audit_trail finding)\n",
                count(r.audit_entries, "entry", "entries").c_str());
  } else {
    std::printf("audit trail: %s, chain intact\n",
                count(r.audit_entries, "entry", "entries").c_str());
  }
  if (r.ok()) {
    std::printf(
        "OK: the store matches the ledger, and every tree head is signed and consistent.\n");
  } else {
    std::printf("FAILED: %lld findings.\n", static_cast<long long>(r.total_findings()));
    for (const auto& f : r.findings) std::printf("  %s: %s\n", f.code.c_str(), f.message.c_str());
    for (const auto& [code, n] : r.suppressed)
      std::printf("  %s: and %lld more not shown\n", code.c_str(), static_cast<long long>(n));
  }
  print_events(r.inconsistency_events);
}

void add_verify_command(CLI::App* ledger, const LedgerOptsPtr& o) {
  auto* verify = ledger->add_subcommand(
      "verify",
      "Check the whole store against the ledger: every envelope and receipt in the log and "
      "identical to what was logged, nothing extra, missing or reordered, the hash chains of "
      "every link, received_at times as signed, our heads signed and matching the log, the "
      "peers' heads signed and consistent, the audit trail's hash chain unbroken. Exits 1 and "
      "names each finding.");
  verify->add_option("--dir", o->dir, "The node's data directory")->required();
  verify->add_flag("--json", o->json, "Print JSON");
  verify->callback([o] {
    auto node = open_for_reading(o->dir);
    auto r = service::verify_ledger(*node.store, node.key);
    if (o->json) {
      std::printf("%s\n", report_json(r).dump(2).c_str());
    } else {
      print_report(node.party, r);
    }
    std::fflush(stdout);
    if (!r.ok()) throw CLI::RuntimeError(kExitFailed);
  });
}

void print_export_summary(const service::ExportSummary& s) {
  std::string notes;
  if (s.signed_new_head) notes += " (signed a new head of the whole log)";
  if (s.redacted > 0) {
    notes +=
        ", " + count(s.redacted, "leaf", "leaves") + " of TLP:RED items exported as hashes only";
  }
  if (s.missing_items > 0) {
    notes += ", WARNING: " + count(s.missing_items, "leaf has", "leaves have") +
             " no stored or readable item; run `hotline ledger verify`";
  }
  std::fprintf(stderr, "Exported %lld leaves, %lld of our heads and %lld peer heads%s.\n",
               static_cast<long long>(s.leaves), static_cast<long long>(s.own_heads),
               static_cast<long long>(s.peer_heads), notes.c_str());
}

void add_export_command(CLI::App* ledger, const LedgerOptsPtr& o) {
  auto* exp = ledger->add_subcommand(
      "export",
      "Write the whole ledger as JSON Lines: every leaf (the envelope or receipt exactly as "
      "signed) and every signed tree head, ours and the peers'. An auditor checks it with "
      "only Ed25519 and SHA-256 (docs/auditing.md). Envelopes of TLP:RED items are exported "
      "as their leaf hash only. First signs a head of the whole log if our newest head is "
      "older than the log.");
  exp->add_option("--dir", o->dir, "The node's data directory")->required();
  exp->add_option("--out", o->out, "Write to this file instead of standard output");
  exp->add_flag("--no-new-head", o->no_new_head,
                "Do not sign a new head; leaves after our newest head are then not covered by one");
  exp->callback([o] {
    auto node = service::open_node(o->dir);
    service::ExportSummary s;
    if (o->out.empty()) {
      s = service::export_ledger(node, std::cout, now_ms(), !o->no_new_head);
    } else {
      std::ofstream out(o->out, std::ios::binary | std::ios::trunc);
      if (!out)
        throw Error(ErrorCategory::invalid_input, "file_unwritable", "cannot write " + o->out);
      s = service::export_ledger(node, out, now_ms(), !o->no_new_head);
      out.close();
      if (!out)
        throw Error(ErrorCategory::invalid_input, "file_unwritable",
                    "writing " + o->out + " failed");
    }
    print_export_summary(s);
  });
}

void add_prove_command(CLI::App* ledger, const LedgerOptsPtr& o) {
  auto* prove = ledger->add_subcommand(
      "prove",
      "Print a portable inclusion proof for an envelope: the envelope as signed, its leaf, the "
      "Merkle path and our signed tree head. Anyone can check it with `hotline ledger "
      "check-proof` or by hand. Refused for envelopes of TLP:RED items.");
  prove->add_option("--dir", o->dir, "The node's data directory")->required();
  prove->add_option("id", o->id, "The envelope's id")->required();
  prove->add_option("--out", o->out, "Write to this file instead of standard output");
  prove->callback([o] {
    auto node = service::open_node(o->dir);
    auto proof = service::prove_envelope(node, o->id, now_ms());
    std::string text = proof.dump(2) + "\n";
    if (o->out.empty()) {
      std::fputs(text.c_str(), stdout);
    } else {
      std::ofstream out(o->out, std::ios::binary | std::ios::trunc);
      out << text;
      out.close();
      if (!out)
        throw Error(ErrorCategory::invalid_input, "file_unwritable", "cannot write " + o->out);
    }
  });
}

void add_check_proof_command(CLI::App* ledger, const LedgerOptsPtr& o) {
  auto* check = ledger->add_subcommand(
      "check-proof",
      "Check a proof made by `hotline ledger prove`, offline: the envelope's signature, its "
      "leaf hash, the Merkle path to the head's root and the head's signature. Exits 0 when "
      "every check holds, 1 otherwise.");
  check->add_option("file", o->file, "The proof (JSON)")->required();
  check->add_option("--key", o->key,
                    "Require the head to be signed by this public key (the node's, as pinned)");
  check->callback([o] {
    std::optional<crypto::PublicKey> key;
    if (!o->key.empty()) key = crypto::PublicKey::decode(o->key);
    service::ProofCheck c;
    try {
      c = service::check_proof(crypto::parse_strict(read_whole(o->file)), key);
    } catch (const Error& e) {
      if (e.code() == "file_unreadable") throw;
      c.failure = std::string("the file is not valid JSON: ") + e.what();
    }
    for (const auto& p : c.passed) std::printf("ok    %s\n", p.c_str());
    if (!c.ok) {
      std::printf("FAILED: %s\n", c.failure.c_str());
      std::fflush(stdout);
      throw CLI::RuntimeError(kExitFailed);
    }
    std::printf(
        "OK: envelope %s is leaf %lld of the log whose head of size %lld is signed by\n  %s\n  "
        "(%s)\n%s",
        c.envelope_id.c_str(), static_cast<long long>(c.leaf_index),
        static_cast<long long>(c.tree_size), c.signer.c_str(), c.signer_fingerprint.c_str(),
        key ? "" : "Compare that key with the node's pinned key, or pass --key.\n");
  });
}

}  // namespace

void add_ledger_command(CLI::App& app) {
  auto* ledger = app.add_subcommand(
      "ledger",
      "The node's tamper-evident log (RFC 9162 Merkle tree) of every envelope and receipt it "
      "sent or received, and the tree heads it signed or received from its peers.");
  ledger->require_subcommand(1);
  auto o = std::make_shared<LedgerOpts>();
  add_status_command(ledger, o);
  add_verify_command(ledger, o);
  add_export_command(ledger, o);
  add_prove_command(ledger, o);
  add_check_proof_command(ledger, o);
}

}  // namespace hotline::cli
