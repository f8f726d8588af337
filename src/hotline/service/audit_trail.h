// The audit trail: every change of a shared item, every read of an item
// labelled TLP:AMBER, TLP:AMBER+STRICT or TLP:RED, and every change to the
// accounts is recorded: who (actor), from where (source: "cli",
// "api 203.0.113.5", "node"), what (action, target, detail) and when.
// The account actions (user.add, user.roles, token.create, ...) are listed
// in user_service.h.
//
// Entries are numbered 1, 2, ... and hash-chained:
//   hash = hex SHA-256 of the canonical JSON (crypto/canonical_json.h) of
//          {"action","actor","at","detail","prev","seq","source","target"}
//   prev = the previous entry's hash (64 zeros for entry 1)
// and the newest entry's seq and hash are also kept in the setting
// kAuditHeadSetting, so that deleting the newest entries is noticed too.
// verify_audit_trail() recomputes the chain (`hotline ledger verify`).
//
// An entry is appended in the caller's transaction: an action and its entry
// are committed together or not at all.
// Reading the trail is a use case of users (user_service.h, read_audit).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hotline/common/time.h"
#include "hotline/store/records.h"
#include "hotline/store/store.h"

namespace hotline::service {

// Who is acting, and through what.
struct AuditContext {
  std::string actor;   // a user name; "os:NAME" for the OS account at the CLI
  std::string source;  // "cli", "api 203.0.113.5", "node"
};

// "<seq> <hash>" of the newest entry.
inline constexpr const char* kAuditHeadSetting = "audit.head";
inline constexpr const char* kAuditGenesis =
    "0000000000000000000000000000000000000000000000000000000000000000";

// The hash rule above, over every field of `r` but `hash`.
std::string audit_hash(const store::AuditRecord& r);

// Appends the next entry (in `tx`, which must be a write transaction) and
// returns it.
store::AuditRecord audit(store::Transaction& tx, const AuditContext& ctx, const std::string& action,
                         const std::string& target, const std::string& detail, TimePoint now);

// True for the labels whose reads are recorded: "TLP:AMBER",
// "TLP:AMBER+STRICT", "TLP:RED" (as in ItemRecord::tlp).
bool audits_reads(std::string_view tlp);

struct AuditCheck {
  bool ok = true;
  std::int64_t entries = 0;  // rows read
  // The first entry that is wrong or missing (0 when ok).
  std::int64_t first_bad_seq = 0;
  std::string problem;  // one sentence for an auditor (empty when ok)
};
// Recomputes the chain: finds edited rows (hash mismatch), deleted rows (a
// gap in seq, or the newest entries gone: the head setting names a later
// one), reordered rows (seq or prev out of step). Read-only.
AuditCheck verify_audit_trail(store::Transaction& tx);

}  // namespace hotline::service
