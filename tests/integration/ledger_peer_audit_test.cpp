// The other side catches a peer that rewrites its history: bravo audits
// alpha's signed tree heads (consistency proofs between heads, inclusion
// proofs of the envelopes bravo sent), so when alpha's stored log is
// altered, alpha's next head fails bravo's audit and bravo raises the alarm.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <algorithm>

#include <nlohmann/json.hpp>

#include "hotline/common/time.h"
#include "hotline/service/link_service.h"
#include "support/process.h"

namespace hotline {
namespace ledger_peer_audit_test {

using hotline::testing::eventually;
using hotline::testing::free_port;
using hotline::testing::Process;
using hotline::testing::read_file;
using hotline::testing::run;
using hotline::testing::ScratchDir;

const std::string kBin = HOTLINE_BIN;

void exec_sql(const std::string& db, const std::string& sql) {
  sqlite3* h = nullptr;
  ASSERT_EQ(sqlite3_open(db.c_str(), &h), SQLITE_OK);
  char* err = nullptr;
  int rc = sqlite3_exec(h, sql.c_str(), nullptr, nullptr, &err);
  std::string msg = err ? err : "";
  sqlite3_free(err);
  sqlite3_close(h);
  ASSERT_EQ(rc, SQLITE_OK) << msg;
}

// Statuses of the heads `dir` holds from its peer `peer`.
std::vector<std::string> peer_head_statuses(const std::string& dir, const std::string& peer) {
  auto node = service::open_node(dir);
  auto link = service::find_peer(*node.store, peer).link;
  std::vector<std::string> out;
  for (const auto& h :
       node.store->snapshot([&](store::Transaction& tx) { return tx.list_tree_heads(link); })) {
    out.push_back(h.status);
  }
  return out;
}

int count(const std::vector<std::string>& v, const std::string& s) {
  return static_cast<int>(std::count(v.begin(), v.end(), s));
}

TEST(LedgerPeerAudit, APeerThatRewritesItsLogIsCaught) {
  ScratchDir tmp;
  std::string a = (tmp / "alpha").string(), b = (tmp / "bravo").string();
  int n = 0;
  auto hl = [&](std::vector<std::string> args) {
    args.insert(args.begin(), kBin);
    auto r = run(args, tmp / ("cmd" + std::to_string(n++)));
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r;
  };
  hl({"init", "--dir", a, "--party", "alpha"});
  hl({"init", "--dir", b, "--party", "bravo"});
  auto pa = free_port(), pb = free_port();
  hl({"peer", "add", "--dir", a, "--name", "bravo", "--url",
      "https://127.0.0.1:" + std::to_string(pb), "--key",
      read_file(tmp / "bravo/identity.pub").substr(0, 43)});
  hl({"peer", "add", "--dir", b, "--name", "alpha", "--url",
      "https://127.0.0.1:" + std::to_string(pa), "--key",
      read_file(tmp / "alpha/identity.pub").substr(0, 43)});
  auto serve = [&](const std::string& dir, std::uint16_t port, const char* log) {
    return std::make_unique<Process>(
        std::vector<std::string>{kBin, "serve", "--dir", dir, "--listen", "127.0.0.1:0",
                                 "--peer-listen", "127.0.0.1:" + std::to_string(port),
                                 "--heartbeat-interval", "1", "--head-interval", "1"},
        tmp / log);
  };
  auto alpha = serve(a, pa, "alpha1");
  auto bravo = serve(b, pb, "bravo");
  for (int i = 0; i < 5; ++i)
    hl({"send", "--dir", b, "--to", "alpha", "message " + std::to_string(i)});

  // Bravo has checked some of alpha's heads, and found nothing wrong.
  ASSERT_TRUE(eventually([&] { return count(peer_head_statuses(b, "alpha"), "ok") >= 2; },
                         std::chrono::seconds(30)))
      << bravo->err();
  EXPECT_EQ(count(peer_head_statuses(b, "alpha"), "inconsistent"), 0);

  // Alpha stops; its stored log is rewritten: the hash of the perfect
  // subtree over its first leaves changes (as if those entries had been
  // edited and the tree recomputed).
  alpha->signal(SIGTERM);
  ASSERT_TRUE(alpha->wait_for(std::chrono::seconds(10)));
  exec_sql(a + "/hotline.db",
           "UPDATE ledger_nodes SET hash = '" + std::string(64, 'e') +
               "' WHERE idx = 0 AND level = (SELECT max(level) FROM ledger_nodes WHERE idx = 0)");

  alpha = serve(a, pa, "alpha2");
  hl({"send", "--dir", b, "--to", "alpha", "after the rewrite"});
  ASSERT_TRUE(eventually([&] { return count(peer_head_statuses(b, "alpha"), "inconsistent") >= 1; },
                         std::chrono::seconds(30)))
      << bravo->err();
  ASSERT_TRUE(eventually(
      [&] { return bravo->err().find("event=ledger_inconsistent") != std::string::npos; },
      std::chrono::seconds(5)));

  // The alarm is recorded as an event too.
  auto node = service::open_node(b);
  auto events =
      node.store->snapshot([](store::Transaction& tx) { return tx.list_events(0, 10000); });
  bool recorded = false;
  for (const auto& e : events) recorded = recorded || e.kind == "ledger_inconsistent";
  EXPECT_TRUE(recorded);
}

}  // namespace ledger_peer_audit_test
}  // namespace hotline
