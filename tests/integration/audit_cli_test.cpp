// The audit trail through the real binary: on two linked nodes, two users
// are added, alice raises a TLP:AMBER alert and a TLP:CLEAR one and shows
// both; `hotline audit list --as ADMIN` shows the two user.add entries, the
// two changes and exactly one read (the AMBER alert's), refuses anyone who is
// not an enabled admin, and once a row
// of the trail is edited in the database `hotline ledger verify` fails
// naming the audit trail.
#include <sqlite3.h>

#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "cli_output.h"
#include "link_harness.h"

namespace hotline::it {
namespace audit_cli_test {

using nlohmann::json;

class AuditCli : public TwoNodes {
 protected:
  void add_user(Side s, const std::string& name, const std::string& role) {
    const auto pw = scratch() / ("pw-" + name);
    std::ofstream(pw) << "a long enough password for " << name << "\n";
    ok(s, {"user", "add", name, "--role", role, "--password-file", pw.string()});
  }

  json audit_list(Side s, const std::string& as) {
    auto r = on(s, {"audit", "list", "--as", as, "--json"});
    EXPECT_EQ(r.exit_code, 0) << r.err << r.out;
    return r.exit_code == 0 ? json::parse(r.out) : json::array();
  }
};

TEST_F(AuditCli, RecordsChangesAndAmberReadsAndVerifyCatchesTampering) {
  ASSERT_NO_FATAL_FAILURE(start_linked());
  add_user(kAlpha, "root.admin", "admin");
  add_user(kAlpha, "olga", "operator");

  const std::string amber =
      id_in(ok(kAlpha, {"alert", "raise", "--to", "bravo", "--summary", "DDoS on 198.51.100.1",
                        "--tlp", "amber", "--as", "alice"}));
  const std::string clear =
      id_in(ok(kAlpha, {"alert", "raise", "--to", "bravo", "--summary", "Scan from 203.0.113.9",
                        "--tlp", "clear", "--as", "alice"}));
  ASSERT_EQ(amber.size(), 8u);
  ASSERT_EQ(clear.size(), 8u);
  ok(kAlpha, {"alert", "show", amber, "--as", "alice"});
  ok(kAlpha, {"alert", "show", clear, "--as", "alice"});

  auto entries = audit_list(kAlpha, "root.admin");
  int users = 0, changes = 0, reads = 0;
  for (const auto& e : entries) {
    const std::string target = e["target"];
    if (e["action"] == "user.add") {
      ++users;
      EXPECT_TRUE(e["actor"].get<std::string>().starts_with("os:")) << e.dump();
      EXPECT_EQ(e["source"], "cli");
    } else if (e["action"] == "item.change") {
      ++changes;
      EXPECT_EQ(e["actor"], "alice");
      EXPECT_EQ(e["source"], "cli");
      EXPECT_EQ(e["detail"], "alert raise");
    } else if (e["action"] == "item.read") {
      ++reads;
      EXPECT_EQ(e["actor"], "alice");
      EXPECT_TRUE(target.ends_with(amber)) << e.dump();
    }
  }
  EXPECT_EQ(users, 2) << entries.dump(2);
  EXPECT_EQ(changes, 2) << entries.dump(2);
  EXPECT_EQ(reads, 1) << entries.dump(2);

  // Without --as, a read is recorded under the OS account.
  ok(kAlpha, {"alert", "show", amber});
  entries = audit_list(kAlpha, "root.admin");
  ASSERT_FALSE(entries.empty());
  EXPECT_TRUE(entries.back()["actor"].get<std::string>().starts_with("os:"))
      << entries.back().dump();

  // A list records a read of each AMBER item it shows, and nothing else.
  ok(kAlpha, {"alert", "list", "--as", "bob"});
  entries = audit_list(kAlpha, "root.admin");
  ASSERT_EQ(entries.size(), 7u) << entries.dump(2);
  EXPECT_EQ(entries.back()["actor"], "bob");
  EXPECT_EQ(entries.back()["action"], "item.read");
  EXPECT_EQ(entries.back()["detail"], "alert list TLP:AMBER");
  EXPECT_TRUE(entries.back()["target"].get<std::string>().ends_with(amber));

  // Only enabled admins.
  auto r = on(kAlpha, {"audit", "list", "--as", "olga"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(has(r.err, "admin")) << r.err;
  r = on(kAlpha, {"audit", "list", "--as", "nobody"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(has(r.err, "nobody")) << r.err;
  r = on(kAlpha, {"audit", "list"});
  EXPECT_EQ(r.exit_code, 2) << r.err;

  ASSERT_NO_FATAL_FAILURE(settle_and_stop());
  r = on(kAlpha, {"ledger", "verify"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_TRUE(has(r.out, "audit trail: 7 entries, chain intact")) << r.out;

  // An intruder rewrites who read the AMBER alert.
  {
    sqlite3* h = nullptr;
    ASSERT_EQ(sqlite3_open((dir(kAlpha) / "hotline.db").c_str(), &h), SQLITE_OK);
    char* err = nullptr;
    int rc = sqlite3_exec(h, "UPDATE audit_trail SET actor = 'somebody' WHERE seq = 5", nullptr,
                          nullptr, &err);
    std::string msg = err ? err : "";
    sqlite3_free(err);
    sqlite3_close(h);
    ASSERT_EQ(rc, SQLITE_OK) << msg;
  }
  r = on(kAlpha, {"ledger", "verify"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_TRUE(has(r.out, "audit_trail: audit trail: audit entry 5 was altered")) << r.out;
}

}  // namespace audit_cli_test
}  // namespace hotline::it
