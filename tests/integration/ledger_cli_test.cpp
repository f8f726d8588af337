// `hotline ledger` as an operator and an auditor use it: verify exits 0 on a
// clean node and 1 naming the finding after the database is edited behind
// the node's back; status, export, prove and check-proof.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <sstream>

#include <nlohmann/json.hpp>

#include "support/process.h"

namespace hotline {
namespace ledger_cli_test {

using hotline::testing::read_file;
using hotline::testing::run;
using hotline::testing::ScratchDir;

const std::string kBin = HOTLINE_BIN;

class LedgerCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(hl({"init", "--dir", a, "--party", "Alpha"}).exit_code, 0);
    ASSERT_EQ(hl({"init", "--dir", b, "--party", "Bravo"}).exit_code, 0);
    auto key_b = read_file(tmp / "b/identity.pub");
    key_b.pop_back();
    auto r = hl({"peer", "add", "--dir", a, "--name", "bravo", "--url", "https://127.0.0.1:9",
                 "--key", key_b});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    for (int i = 1; i <= 3; ++i) {
      auto s = hl({"send", "--dir", a, "--to", "bravo", "message " + std::to_string(i)});
      ASSERT_EQ(s.exit_code, 0) << s.err;
      // "Queued for bravo as seq N (id UUID)." (no std::regex: g++ 12
      // warns falsely inside <regex> under the sanitizers)
      auto at = s.out.find("(id ");
      ASSERT_NE(at, std::string::npos) << s.out;
      ASSERT_GE(s.out.size(), at + 4 + 36) << s.out;
      ids.push_back(s.out.substr(at + 4, 36));
    }
  }

  hotline::testing::RunResult hl(std::vector<std::string> args) {
    args.insert(args.begin(), kBin);
    return run(args, tmp / ("cmd" + std::to_string(counter_++)));
  }

  void sql(const std::string& statement) {
    sqlite3* h = nullptr;
    ASSERT_EQ(sqlite3_open((tmp / "a/hotline.db").c_str(), &h), SQLITE_OK);
    char* err = nullptr;
    int rc = sqlite3_exec(h, statement.c_str(), nullptr, nullptr, &err);
    std::string msg = err ? err : "";
    sqlite3_free(err);
    sqlite3_close(h);
    ASSERT_EQ(rc, SQLITE_OK) << msg;
  }

  ScratchDir tmp;
  std::string a = (tmp / "a").string();
  std::string b = (tmp / "b").string();
  std::vector<std::string> ids;
  int counter_ = 0;
};

TEST_F(LedgerCliTest, VerifyPassesThenNamesTheFinding) {
  auto ok = hl({"ledger", "verify", "--dir", a});
  EXPECT_EQ(ok.exit_code, 0) << ok.out << ok.err;
  EXPECT_NE(ok.out.find("OK: the store matches the ledger"), std::string::npos) << ok.out;
  EXPECT_NE(ok.out.find("3 leaves"), std::string::npos) << ok.out;

  sql("UPDATE envelopes SET canonical = replace(canonical, 'message 2', 'message 9')");
  auto bad = hl({"ledger", "verify", "--dir", a});
  EXPECT_EQ(bad.exit_code, 1) << bad.out << bad.err;
  EXPECT_NE(bad.out.find("FAILED"), std::string::npos) << bad.out;
  EXPECT_NE(bad.out.find("leaf_hash_mismatch: log leaf 1"), std::string::npos) << bad.out;

  auto j = hl({"ledger", "verify", "--dir", a, "--json"});
  EXPECT_EQ(j.exit_code, 1);
  auto doc = nlohmann::json::parse(j.out);
  EXPECT_FALSE(doc["ok"].get<bool>());
  EXPECT_EQ(doc["findings"][0]["code"], "leaf_hash_mismatch");
}

TEST_F(LedgerCliTest, ReplacedHeadIsNamed) {
  ASSERT_EQ(hl({"ledger", "export", "--dir", a, "--out", (tmp / "x.jsonl").string()}).exit_code,
            0);  // signs a head of the whole log
  sql("UPDATE tree_heads SET time = '2020-01-01T00:00:00.000Z' WHERE link = ''");
  auto bad = hl({"ledger", "verify", "--dir", a});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.out.find("head_bad_signature: our tree head of size 3 signed at 2020-01-01"),
            std::string::npos)
      << bad.out;
}

TEST_F(LedgerCliTest, StatusExportProveAndCheckProof) {
  auto st = hl({"ledger", "status", "--dir", a});
  ASSERT_EQ(st.exit_code, 0) << st.err;
  EXPECT_NE(st.out.find("Log: 3 leaves"), std::string::npos) << st.out;
  EXPECT_NE(st.out.find("none yet"), std::string::npos) << st.out;
  EXPECT_NE(st.out.find("no tree head received yet"), std::string::npos) << st.out;

  auto ex = hl({"ledger", "export", "--dir", a});
  ASSERT_EQ(ex.exit_code, 0) << ex.err;
  std::istringstream lines(ex.out);
  std::string line;
  std::vector<nlohmann::json> js;
  while (std::getline(lines, line)) js.push_back(nlohmann::json::parse(line));
  ASSERT_EQ(js.size(), 1u + 3u + 1u);  // node, three leaves, the head the export signed
  EXPECT_EQ(js[0]["type"], "node");
  EXPECT_EQ(js[4]["type"], "head");
  EXPECT_EQ(js[4]["size"], 3);

  auto st2 = hl({"ledger", "status", "--dir", a, "--json"});
  auto sj = nlohmann::json::parse(st2.out);
  EXPECT_EQ(sj["own_head"]["size"], 3);
  EXPECT_EQ(sj["log_size"], 3);

  auto pr = hl({"ledger", "prove", "--dir", a, ids[1], "--out", (tmp / "p.json").string()});
  ASSERT_EQ(pr.exit_code, 0) << pr.err;
  auto key_a = read_file(tmp / "a/identity.pub");
  key_a.pop_back();
  auto key_b = read_file(tmp / "b/identity.pub");
  key_b.pop_back();
  auto ck = hl({"ledger", "check-proof", (tmp / "p.json").string(), "--key", key_a});
  EXPECT_EQ(ck.exit_code, 0) << ck.out << ck.err;
  EXPECT_NE(ck.out.find("OK: envelope " + ids[1] + " is leaf 1"), std::string::npos) << ck.out;

  auto wrong = hl({"ledger", "check-proof", (tmp / "p.json").string(), "--key", key_b});
  EXPECT_EQ(wrong.exit_code, 1);
  EXPECT_NE(wrong.out.find("FAILED: the head is signed by"), std::string::npos) << wrong.out;

  auto proof = nlohmann::json::parse(read_file(tmp / "p.json"));
  proof["leaf_index"] = 2;
  {
    std::ofstream out(tmp / "p2.json");
    out << proof.dump();
  }
  auto moved = hl({"ledger", "check-proof", (tmp / "p2.json").string()});
  EXPECT_EQ(moved.exit_code, 1);
  EXPECT_NE(moved.out.find("FAILED: the inclusion proof does not lead"), std::string::npos)
      << moved.out;

  auto unknown = hl({"ledger", "prove", "--dir", a, "01900000-0000-7000-8000-000000000000"});
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_NE(unknown.err.find("no envelope with id"), std::string::npos) << unknown.err;
}

}  // namespace ledger_cli_test
}  // namespace hotline
