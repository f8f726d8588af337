// The audit trail over a real store (SQLite and PostgreSQL): entries chain
// by hash (the rule in audit_trail.h, recomputed here), commit or roll back
// with the action's transaction, and verify_audit_trail names the first entry
// that was edited, deleted (in the middle or at the end) or reordered —
// tampering done behind the store (the sqlite3 C API on the database file,
// or SQL on the PostgreSQL database), as an intruder would. Account
// changes (user_service.h) chain like the rest. Only enabled admins may read
// the trail.
#include "hotline/service/audit_trail.h"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "hotline/common/encoding.h"
#include "hotline/common/error.h"
#include "hotline/crypto/password.h"
#include "hotline/crypto/sha256.h"
#include "hotline/service/ledger_verify.h"
#include "hotline/service/user_service.h"
#include "hotline/store/open.h"
#include "unit/store/store_test_util.h"

namespace hotline::service {
namespace audit_trail_test {

namespace fs = std::filesystem;

const TimePoint kT0 = parse_timestamp("2026-11-27T09:00:00.000Z");

void exec_sql(const fs::path& db, const std::string& sql) {
  sqlite3* h = nullptr;
  ASSERT_EQ(sqlite3_open(db.c_str(), &h), SQLITE_OK);
  char* err = nullptr;
  int rc = sqlite3_exec(h, sql.c_str(), nullptr, nullptr, &err);
  std::string msg = err ? err : "";
  sqlite3_free(err);
  sqlite3_close(h);
  ASSERT_EQ(rc, SQLITE_OK) << msg << "\n" << sql;
}

store::UserRecord user(const std::string& name, std::vector<std::string> roles,
                       bool disabled = false) {
  store::UserRecord u;
  u.name = name;
  u.roles = std::move(roles);
  u.disabled = disabled;
  return u;
}

using store::testing::Backend;
using store::testing::FreshStore;

class AuditTrailTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    fresh_ = std::make_unique<FreshStore>(GetParam());
    store_ = std::move(fresh_->store);
  }
  void TearDown() override {
    store_.reset();
    fresh_.reset();
  }
  // Changes the stored trail behind the closed store, then opens it again.
  void tamper(const std::string& sql) {
    store_.reset();
    if (fresh_->pg) {
      fresh_->pg->sql(sql);
    } else {
      exec_sql(fresh_->dir.db(), sql);
    }
    store_ = fresh_->reopen();
  }

  // Entries 1..n, one per transaction.
  void record(int n) {
    for (int i = 1; i <= n; ++i) {
      store_->transact([&](store::Transaction& tx) {
        audit(tx, {"anna", "cli"}, "item.change", "item-" + std::to_string(i), "alert acknowledge",
              kT0 + std::chrono::seconds(i));
      });
    }
  }
  AuditCheck check() {
    return store_->snapshot([](store::Transaction& tx) { return verify_audit_trail(tx); });
  }

  std::unique_ptr<FreshStore> fresh_;
  std::unique_ptr<store::Store> store_;
};

TEST_P(AuditTrailTest, EntriesAreHashChained) {
  record(3);
  auto all = store_->read()->list_audit(0, 10);
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].prev, std::string(64, '0'));
  for (std::size_t i = 0; i < all.size(); ++i) {
    const auto& r = all[i];
    EXPECT_EQ(r.seq, std::int64_t(i) + 1);
    EXPECT_EQ(r.actor, "anna");
    EXPECT_EQ(r.source, "cli");
    EXPECT_EQ(r.at, format_timestamp(kT0 + std::chrono::seconds(r.seq)));
    if (i > 0) {
      EXPECT_EQ(r.prev, all[i - 1].hash);
    }
    // The documented rule, spelled out: keys sorted, no spaces.
    const std::string canonical =
        nlohmann::json{{"action", r.action}, {"actor", r.actor},  {"at", r.at},
                       {"detail", r.detail}, {"prev", r.prev},    {"seq", r.seq},
                       {"source", r.source}, {"target", r.target}}
            .dump();
    EXPECT_EQ(r.hash, to_hex(crypto::sha256(canonical)));
  }
  auto c = check();
  EXPECT_TRUE(c.ok) << c.problem;
  EXPECT_EQ(c.entries, 3);
  EXPECT_EQ(c.first_bad_seq, 0);
}

TEST_P(AuditTrailTest, EmptyTrailIsIntact) {
  auto c = check();
  EXPECT_TRUE(c.ok);
  EXPECT_EQ(c.entries, 0);
}

TEST_P(AuditTrailTest, EntryCommitsOrRollsBackWithTheAction) {
  EXPECT_THROW(store_->transact([](store::Transaction& tx) {
    audit(tx, {"anna", "cli"}, "item.change", "x", "alert raise", kT0);
    throw Error(ErrorCategory::internal, "boom", "the action failed");
  }),
               Error);
  EXPECT_FALSE(store_->read()->last_audit());
  EXPECT_TRUE(check().ok);
}

TEST_P(AuditTrailTest, EditedDetailIsCaught) {
  record(4);
  tamper("UPDATE audit_trail SET detail = 'nothing to see' WHERE seq = 3");
  auto c = check();
  EXPECT_FALSE(c.ok);
  EXPECT_EQ(c.first_bad_seq, 3);
  EXPECT_NE(c.problem.find("altered"), std::string::npos) << c.problem;
}

TEST_P(AuditTrailTest, EditWithRecomputedHashIsCaughtByTheNextEntry) {
  record(4);
  auto rows = store_->read()->list_audit(0, 10);
  auto forged = rows[1];
  forged.actor = "mallory";
  forged.hash = audit_hash(forged);
  tamper("UPDATE audit_trail SET actor = 'mallory', hash = '" + forged.hash + "' WHERE seq = 2");
  auto c = check();
  EXPECT_FALSE(c.ok);
  EXPECT_EQ(c.first_bad_seq, 3);
}

TEST_P(AuditTrailTest, DeletedEntryIsCaught) {
  record(4);
  tamper("DELETE FROM audit_trail WHERE seq = 2");
  auto c = check();
  EXPECT_FALSE(c.ok);
  EXPECT_EQ(c.first_bad_seq, 2);
  EXPECT_NE(c.problem.find("missing"), std::string::npos) << c.problem;
}

TEST_P(AuditTrailTest, DeletedNewestEntryIsCaught) {
  record(4);
  tamper("DELETE FROM audit_trail WHERE seq = 4");
  auto c = check();
  EXPECT_FALSE(c.ok);
  EXPECT_EQ(c.first_bad_seq, 4);
  EXPECT_EQ(c.entries, 3);
}

TEST_P(AuditTrailTest, ReorderedEntriesAreCaught) {
  record(4);
  tamper(
      "UPDATE audit_trail SET seq = 100 WHERE seq = 2;"
      "UPDATE audit_trail SET seq = 2 WHERE seq = 3;"
      "UPDATE audit_trail SET seq = 3 WHERE seq = 100;");
  auto c = check();
  EXPECT_FALSE(c.ok);
  EXPECT_EQ(c.first_bad_seq, 2);
}

TEST_P(AuditTrailTest, LedgerVerifyReportsTheAuditTrail) {
  record(2);
  auto key = crypto::KeyPair::generate().public_key();
  auto r = verify_ledger(*store_, key);
  EXPECT_EQ(r.audit_entries, 2);
  EXPECT_FALSE(r.has("audit_trail"));
  tamper("UPDATE audit_trail SET target = 'other' WHERE seq = 1");
  r = verify_ledger(*store_, key);
  ASSERT_TRUE(r.has("audit_trail"));
  EXPECT_FALSE(r.ok());
}

TEST_P(AuditTrailTest, AccountChangesJoinTheChain) {
  record(2);
  const AuditContext admin{"root.admin", "cli"};
  AccountPolicy policy;
  policy.password_cost = crypto::kTestPasswordCost;
  add_user(*store_, "anna", "", {Role::operator_}, "correct horse battery", kT0, policy, &admin);
  set_roles(*store_, "anna", {Role::operator_, Role::admin}, kT0, &admin);
  auto all = store_->read()->list_audit(0, 10);
  ASSERT_EQ(all.size(), 4u);
  EXPECT_EQ(all[2].action, "user.add");
  EXPECT_EQ(all[2].prev, all[1].hash);
  EXPECT_EQ(all[3].action, "user.roles");
  EXPECT_EQ(all[3].target, "anna");
  EXPECT_EQ(all[3].detail, "admin,operator");
  EXPECT_EQ(all[3].actor, "root.admin");
  auto c = check();
  EXPECT_TRUE(c.ok) << c.problem;
  EXPECT_EQ(c.entries, 4);

  // Hiding who was made an admin is caught like any other edit.
  tamper("UPDATE audit_trail SET detail = 'operator' WHERE seq = 4");
  c = check();
  EXPECT_FALSE(c.ok);
  EXPECT_EQ(c.first_bad_seq, 4);
}

TEST_P(AuditTrailTest, OnlyEnabledAdminsMayRead) {
  record(3);
  auto entries = read_audit(*store_, user("root", {"admin"}), 1, 10);
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].seq, 2);
  auto forbidden = [&](const store::UserRecord& u) {
    try {
      read_audit(*store_, u, 0, 10);
    } catch (const Error& e) {
      return e.code();
    }
    return std::string("none");
  };
  EXPECT_EQ(forbidden(user("op", {"operator", "supervisor"})), "forbidden");
  EXPECT_EQ(forbidden(user("rev", {"reviewer"})), "forbidden");
  EXPECT_EQ(forbidden(user("old", {"admin"}, true)), "forbidden");
}

TEST(AuditReads, OnlyAmberAndRed) {
  EXPECT_TRUE(audits_reads("TLP:AMBER"));
  EXPECT_TRUE(audits_reads("TLP:AMBER+STRICT"));
  EXPECT_TRUE(audits_reads("TLP:RED"));
  EXPECT_FALSE(audits_reads("TLP:GREEN"));
  EXPECT_FALSE(audits_reads("TLP:CLEAR"));
}

HOTLINE_BOTH_STORES(AuditTrailTest);

}  // namespace audit_trail_test
}  // namespace hotline::service
