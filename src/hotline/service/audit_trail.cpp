#include "hotline/service/audit_trail.h"

#include <nlohmann/json.hpp>

#include "hotline/common/encoding.h"
#include "hotline/common/error.h"
#include "hotline/crypto/canonical_json.h"
#include "hotline/crypto/sha256.h"

namespace hotline::service {
namespace {

constexpr std::size_t kAuditPage = 1000;

std::string head_of(const store::AuditRecord& r) {
  return std::to_string(r.seq) + " " + r.hash;
}

}  // namespace

std::string audit_hash(const store::AuditRecord& r) {
  const nlohmann::json doc = {{"seq", r.seq},       {"at", r.at},         {"actor", r.actor},
                              {"source", r.source}, {"action", r.action}, {"target", r.target},
                              {"detail", r.detail}, {"prev", r.prev}};
  return to_hex(crypto::sha256(crypto::canonicalize(doc)));
}

store::AuditRecord audit(store::Transaction& tx, const AuditContext& ctx, const std::string& action,
                         const std::string& target, const std::string& detail, TimePoint now) {
  const auto last = tx.last_audit();
  store::AuditRecord r;
  r.seq = last ? last->seq + 1 : 1;
  r.at = format_timestamp(now);
  r.actor = ctx.actor;
  r.source = ctx.source;
  r.action = action;
  r.target = target;
  r.detail = detail;
  r.prev = last ? last->hash : kAuditGenesis;
  r.hash = audit_hash(r);
  tx.append_audit(r);
  tx.put_setting(kAuditHeadSetting, head_of(r));
  return r;
}

bool audits_reads(std::string_view tlp) {
  return tlp == "TLP:AMBER" || tlp == "TLP:AMBER+STRICT" || tlp == "TLP:RED";
}

AuditCheck verify_audit_trail(store::Transaction& tx) {
  AuditCheck check;
  auto fail = [&](std::int64_t seq, std::string problem) {
    check.ok = false;
    check.first_bad_seq = seq;
    check.problem = std::move(problem);
    return check;
  };
  std::string prev = kAuditGenesis;
  std::int64_t expected = 1;
  std::optional<store::AuditRecord> newest;
  for (;;) {
    auto page = tx.list_audit(expected - 1, kAuditPage);
    for (auto& r : page) {
      ++check.entries;
      const std::string n = std::to_string(expected);
      if (r.seq != expected) {
        return fail(expected, "audit entry " + n + " is missing (the next one is " +
                                  std::to_string(r.seq) + "): entries were deleted");
      }
      if (r.prev != prev) {
        return fail(expected, "audit entry " + n +
                                  " does not follow the entry before it (prev hash differs): "
                                  "entries were removed, replaced or reordered");
      }
      if (audit_hash(r) != r.hash) {
        return fail(expected,
                    "audit entry " + n + " was altered: its hash does not match its contents");
      }
      prev = r.hash;
      ++expected;
      newest = std::move(r);
    }
    if (page.size() < kAuditPage) break;
  }
  const auto head = tx.get_setting(kAuditHeadSetting);
  const std::string have = newest ? head_of(*newest) : "";
  if (head ? *head != have : newest.has_value()) {
    return fail(expected, "the audit trail ends at entry " + std::to_string(expected - 1) +
                              " but the recorded head is \"" + head.value_or("") +
                              "\": the newest entries were deleted or replaced");
  }
  return check;
}

}  // namespace hotline::service
