// `hotline init --store` and `hotline store copy` through the real binary:
// alpha starts on SQLite and exchanges with bravo (desk messages, an alert,
// a request, a case, users, events), is stopped, copied into an empty
// PostgreSQL database and started again from it; the link goes on where it
// stopped, every envelope arriving exactly once, and `hotline ledger
// verify` passes on both nodes (alpha then runs as two serve processes, one
// on a copy of its directory, which takes the delivery over when the first
// stops). The copy is refused while alpha runs and
// into a database that is not empty, and the SQLite file stays unchanged.
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "link_harness.h"
#include "support/pg_test_db.h"

namespace hotline::it {
namespace store_copy_test {

class StoreCopy : public TwoNodes {
 protected:
  void add_user(Side s, const std::string& name, const std::string& role) {
    const auto pw = scratch() / ("pw-" + name);
    std::ofstream(pw) << "a long enough password for " << name << "\n";
    ok(s, {"user", "add", name, "--role", role, "--password-file", pw.string()});
  }

  // The records the copy must carry: items of three kinds, users, events.
  void make_records() {
    add_user(kAlpha, "alice", "operator");
    ok(kAlpha, {"alert", "raise", "--to", "bravo", "--summary", "Scan from 203.0.113.9", "--tlp",
                "amber", "--as", "alice"});
    ok(kAlpha, {"request", "new", "--to", "bravo", "--kind", "information", "--subject",
                "Who holds 203.0.113.9?", "--as", "alice"});
    ok(kAlpha,
       {"case", "new", "--with", "bravo", "--title", "Scans from 203.0.113.0/24", "--as", "alice"});
  }

  std::string ledger_line(Side s) {
    auto out = ok(s, {"ledger", "verify"});
    return out.substr(0, out.find('\n'));  // "Ledger of X: N leaves, root R"
  }
};

std::string file_digest(const fs::path& p) {
  return hotline::testing::read_file(p);
}

TEST_F(StoreCopy, AlphaMovesToPostgresAndTheLinkGoesOnExactlyOnce) {
  hotline::testing::PgTestDatabase db;
  ASSERT_NO_FATAL_FAILURE(start_linked());
  ASSERT_NO_FATAL_FAILURE(make_records());
  enqueue(dir(kAlpha), "bravo", 40);
  enqueue(dir(kBravo), "alpha", 40);
  ASSERT_TRUE(wait_delivered(dir(kAlpha), "bravo", 40, 60s));
  ASSERT_TRUE(wait_delivered(dir(kBravo), "alpha", 40, 60s));

  // Refused while alpha serves: nothing switched.
  auto busy = cli({"store", "copy", "--from", dir(kAlpha).string(), "--to", db.conninfo()});
  EXPECT_NE(busy.exit_code, 0);
  EXPECT_NE(busy.err.find("runs on"), std::string::npos) << busy.err;
  EXPECT_FALSE(fs::exists(dir(kAlpha) / "store.conf"));

  ASSERT_NO_FATAL_FAILURE(settle_and_stop());
  const std::string before = ledger_line(kAlpha);
  const std::string sqlite_bytes = file_digest(dir(kAlpha) / "hotline.db");

  // The connection string from the environment (as systemd would give it).
  ::setenv("HOTLINE_IT_ALPHA_STORE", db.conninfo().c_str(), 1);
  auto r =
      cli({"store", "copy", "--from", dir(kAlpha).string(), "--to-env", "HOTLINE_IT_ALPHA_STORE"});
  ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
  EXPECT_NE(r.out.find("is kept as it was"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("users            1"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("items            3"), std::string::npos) << r.out;
  ASSERT_TRUE(fs::exists(dir(kAlpha) / "store.conf"));
  EXPECT_EQ(hotline::testing::read_file(dir(kAlpha) / "store.conf").find(db.name()),
            std::string::npos);
  EXPECT_EQ(file_digest(dir(kAlpha) / "hotline.db"), sqlite_bytes) << "the backup changed";
  EXPECT_EQ(ledger_line(kAlpha), before) << "the log differs after the move";
  EXPECT_NE(db.sql("SELECT count(*) FROM envelopes"), "0");

  // A second copy into the same database (now alpha's) is refused.
  auto again = cli({"store", "copy", "--from", dir(kBravo).string(), "--to", db.conninfo()});
  EXPECT_NE(again.exit_code, 0);
  EXPECT_NE(again.err.find("not empty"), std::string::npos) << again.err;
  EXPECT_FALSE(fs::exists(dir(kBravo) / "store.conf"));

  // alpha now runs on PostgreSQL, as two processes: a second one on a copy
  // of its directory (as on a second machine), without the SQLite file.
  const fs::path copy = scratch() / "alpha-copy";
  fs::copy(dir(kAlpha), copy, fs::copy_options::recursive);
  fs::permissions(copy, fs::perms::owner_all, fs::perm_options::replace);
  fs::remove(copy / "hotline.db");
  ASSERT_NO_FATAL_FAILURE(start(kAlpha));
  ASSERT_NO_FATAL_FAILURE(start(kBravo));
  hotline::testing::Process second({hotline_bin(), "serve", "--dir", copy.string(), "--listen",
                                    "127.0.0.1:0", "--peer-listen", "127.0.0.1:0"},
                                   scratch() / "alpha-copy-serve");
  ASSERT_TRUE(hotline::testing::eventually(
      [&] {
        return fs::exists(copy / "run" / ("serve-" + std::to_string(second.pid()) + ".json"));
      },
      std::chrono::seconds(20)))
      << second.err();

  // The link goes on from where it stopped.
  enqueue(dir(kAlpha), "bravo", 40, 40);
  enqueue(dir(kBravo), "alpha", 40, 40);
  ASSERT_TRUE(wait_delivered(dir(kAlpha), "bravo", 80, 60s));
  ASSERT_TRUE(wait_delivered(dir(kBravo), "alpha", 80, 60s));
  // The first process stops: the second takes alpha's delivery over.
  ASSERT_NO_FATAL_FAILURE(stop(kAlpha));
  enqueue(dir(kAlpha), "bravo", 40, 80);
  ASSERT_TRUE(wait_delivered(dir(kAlpha), "bravo", 120, 60s)) << second.err();
  EXPECT_NE(second.err().find("event=lease_taken lease=delivery:"), std::string::npos)
      << second.err();
  ASSERT_NO_FATAL_FAILURE(start(kAlpha));
  second.signal(SIGTERM);
  ASSERT_EQ(second.wait_for(20s), 0) << second.err();
  ASSERT_NO_FATAL_FAILURE(settle_and_stop());
  expect_direction_intact(dir(kAlpha), "bravo", dir(kBravo), msg_texts("alpha", 0, 120));
  expect_direction_intact(dir(kBravo), "alpha", dir(kAlpha), msg_texts("bravo", 0, 80));
  ok(kAlpha, {"ledger", "verify"});
  ok(kBravo, {"ledger", "verify"});
  // The items and the user came along.
  EXPECT_NE(ok(kAlpha, {"alert", "list", "--as", "alice"}).find("Scan from 203.0.113.9"),
            std::string::npos);
  EXPECT_NE(ok(kAlpha, {"user", "list"}).find("alice"), std::string::npos);
}

}  // namespace store_copy_test
}  // namespace hotline::it
