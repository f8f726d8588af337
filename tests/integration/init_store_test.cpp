// `hotline init --store` / `--store-env` through the real binary: the
// connection string kept in DIR/store.conf (mode 0600) or read from an
// environment variable at every start; a password in it refused; a database
// that holds a node refused, naming that node; a directory opened on the
// database of another node refused; and two `hotline serve` processes of one
// node on other ports, each with its status file.
#include <sys/stat.h>

#include <cstdlib>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "support/pg_test_db.h"
#include "support/process.h"

namespace hotline {
namespace init_store_test {

using hotline::testing::eventually;
using hotline::testing::Process;
using hotline::testing::read_file;
using hotline::testing::ScratchDir;
namespace fs = std::filesystem;

class InitStore : public ::testing::Test {
 protected:
  ScratchDir tmp;
  hotline::testing::PgTestDatabase db;
  hotline::testing::RunResult hl(std::vector<std::string> args) {
    args.insert(args.begin(), HOTLINE_BIN);
    return hotline::testing::run(args, tmp / ("cmd" + std::to_string(counter_++)));
  }
  std::string dir(const std::string& name) { return (tmp / name).string(); }
  int counter_ = 0;
};

TEST_F(InitStore, KeepsTheConnectionStringWithoutPasswordAndRefusesATakenDatabase) {
  for (const std::string& with_password :
       {db.conninfo() + " password=hunter2", std::string("postgresql://u:hunter2@db.invalid/x")}) {
    auto r = hl({"init", "--dir", dir("p"), "--party", "Alpha", "--store", with_password});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find("holds a password"), std::string::npos) << r.err;
    EXPECT_EQ(r.err.find("hunter2"), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(tmp / "p"));
  }

  auto r = hl({"init", "--dir", dir("a"), "--party", "Alpha", "--store", db.conninfo()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("PostgreSQL database '" + db.name() + "'"), std::string::npos) << r.out;
  struct stat st {};
  ASSERT_EQ(::stat((tmp / "a/store.conf").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_NE(read_file(tmp / "a/store.conf").find("conninfo = " + db.conninfo()), std::string::npos);
  EXPECT_FALSE(fs::exists(tmp / "a/hotline.db"));
  EXPECT_EQ(db.sql("SELECT value FROM settings WHERE key = 'party'"), "Alpha");
  auto verify = hl({"ledger", "verify", "--dir", dir("a")});
  EXPECT_EQ(verify.exit_code, 0) << verify.err << verify.out;

  auto taken = hl({"init", "--dir", dir("b"), "--party", "Bravo", "--store", db.conninfo()});
  EXPECT_EQ(taken.exit_code, 1);
  EXPECT_NE(taken.err.find("already holds the node Alpha"), std::string::npos) << taken.err;
  EXPECT_FALSE(fs::exists(tmp / "b/identity.key"));
  EXPECT_EQ(db.sql("SELECT value FROM settings WHERE key = 'party'"), "Alpha");
}

TEST_F(InitStore, ReadsTheConnectionStringFromTheEnvironmentAtEveryStart) {
  hotline::testing::PgTestDatabase other;
  ::setenv("HOTLINE_IT_STORE", db.conninfo().c_str(), 1);
  auto r = hl({"init", "--dir", dir("a"), "--party", "Alpha", "--store-env", "HOTLINE_IT_STORE"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string conf = read_file(tmp / "a/store.conf");
  EXPECT_NE(conf.find("conninfo_env = HOTLINE_IT_STORE"), std::string::npos) << conf;
  EXPECT_EQ(conf.find(db.name()), std::string::npos) << conf;
  EXPECT_EQ(hl({"ledger", "verify", "--dir", dir("a")}).exit_code, 0);

  // Another node's database: refused, naming the node it belongs to.
  ASSERT_EQ(
      hl({"init", "--dir", dir("b"), "--party", "Bravo", "--store", other.conninfo()}).exit_code,
      0);
  ::setenv("HOTLINE_IT_STORE", other.conninfo().c_str(), 1);
  auto mixed = hl({"ledger", "verify", "--dir", dir("a")});
  EXPECT_EQ(mixed.exit_code, 1);
  EXPECT_NE(mixed.err.find("belongs to node Bravo (fingerprint SHA256:"), std::string::npos)
      << mixed.err;
  EXPECT_NE(mixed.err.find("not to the node in " + dir("a")), std::string::npos) << mixed.err;

  ::unsetenv("HOTLINE_IT_STORE");
  auto unset = hl({"ledger", "verify", "--dir", dir("a")});
  EXPECT_EQ(unset.exit_code, 1);
  EXPECT_NE(unset.err.find("HOTLINE_IT_STORE is not set"), std::string::npos) << unset.err;
}

// Several serve processes of one node (PostgreSQL): nothing in DIR stops a
// second one, each writes run/serve-<pid>.json, and the first to stop leaves
// the serve.json of the other.
TEST_F(InitStore, TwoServeProcessesRunOnOneDirectory) {
  ASSERT_EQ(hl({"init", "--dir", dir("a"), "--party", "Alpha", "--store", db.conninfo()}).exit_code,
            0);
  auto serve = [&](const std::string& name) {
    return std::make_unique<Process>(
        std::vector<std::string>{HOTLINE_BIN, "serve", "--dir", dir("a"), "--listen", "127.0.0.1:0",
                                 "--peer-listen", "127.0.0.1:0"},
        tmp / name);
  };
  auto own_status = [&](const Process& p) {
    return tmp / "a/run" / ("serve-" + std::to_string(p.pid()) + ".json");
  };
  auto first = serve("serve1");
  ASSERT_TRUE(eventually([&] { return fs::exists(own_status(*first)); }, std::chrono::seconds(20)))
      << first->err();
  auto second = serve("serve2");
  ASSERT_TRUE(eventually([&] { return fs::exists(own_status(*second)); }, std::chrono::seconds(20)))
      << second->err();
  EXPECT_TRUE(first->running()) << first->err();
  // The log names the database, never the whole connection string.
  EXPECT_NE(first->err().find("event=store records=\"PostgreSQL database '" + db.name() + "'"),
            std::string::npos)
      << first->err();
  EXPECT_EQ(first->err().find(db.conninfo()), std::string::npos) << first->err();
  auto status = nlohmann::json::parse(read_file(tmp / "a/run/serve.json"));
  EXPECT_EQ(status["pid"], second->pid());

  first->signal(SIGTERM);
  ASSERT_EQ(first->wait_for(std::chrono::seconds(20)), 0) << first->err();
  EXPECT_FALSE(fs::exists(own_status(*first)));
  ASSERT_TRUE(fs::exists(tmp / "a/run/serve.json")) << "the first stop took the second's status";
  EXPECT_EQ(nlohmann::json::parse(read_file(tmp / "a/run/serve.json"))["pid"], second->pid());
  EXPECT_TRUE(second->running()) << second->err();

  second->signal(SIGTERM);
  ASSERT_EQ(second->wait_for(std::chrono::seconds(20)), 0) << second->err();
  EXPECT_FALSE(fs::exists(tmp / "a/run/serve.json"));
  EXPECT_FALSE(fs::exists(own_status(*second)));
}

}  // namespace init_store_test
}  // namespace hotline
