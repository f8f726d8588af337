// D/store.conf (service/node_dir.h): written and read back, refused when it
// cannot be read or holds a password, the connection string from the
// environment, and the refusal of another node's database naming it.
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <string>

#include "hotline/common/error.h"
#include "hotline/service/node_dir.h"
#include "hotline/store/open.h"

namespace hotline::service {
namespace store_config_test {

namespace fs = std::filesystem;

std::string message_of(const std::function<void()>& fn, std::string* code = nullptr) {
  try {
    fn();
  } catch (const Error& e) {
    if (code) *code = e.code();
    return e.what();
  }
  return "none";
}

class StoreConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "hotline-conf-XXXXXX").string();
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    paths_ = std::make_unique<NodePaths>(tmpl);
  }
  void TearDown() override { fs::remove_all(paths_->dir); }
  void write_conf(const std::string& text) { std::ofstream(paths_->store_conf) << text; }
  std::unique_ptr<NodePaths> paths_;
};

TEST_F(StoreConfigTest, WrittenAndReadBack) {
  EXPECT_EQ(read_store_config(*paths_).kind, StoreConfig::Kind::sqlite);
  StoreConfig pg;
  pg.kind = StoreConfig::Kind::postgres;
  pg.conninfo = "host=/run/postgresql dbname=hotline";
  write_store_config(*paths_, pg);
  struct stat st {};
  ASSERT_EQ(::stat(paths_->store_conf.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  auto back = read_store_config(*paths_);
  EXPECT_EQ(back.kind, StoreConfig::Kind::postgres);
  EXPECT_EQ(back.conninfo, pg.conninfo);
  EXPECT_EQ(back.conninfo_env, "");
  EXPECT_EQ(describe_store(*paths_, back), "PostgreSQL database 'hotline' on /run/postgresql");
  write_store_config(*paths_, StoreConfig{});
  EXPECT_FALSE(fs::exists(paths_->store_conf));
}

TEST_F(StoreConfigTest, RefusesWhatItCannotRead) {
  for (const std::string text :
       {"store = mysql\nconninfo = x\n", "store = postgresql\n", "garbage\n",
        "store = postgresql\nconninfo = a\nconninfo_env = B\n", "colour = blue\n"}) {
    write_conf(text);
    std::string code;
    message_of([&] { read_store_config(*paths_); }, &code);
    EXPECT_EQ(code, "store_conf_invalid") << text;
  }
}

TEST_F(StoreConfigTest, APasswordIsRefusedAndNeverRepeated) {
  for (const std::string conninfo :
       {"host=db dbname=h password=hunter2", "postgresql://u:hunter2@db/h"}) {
    std::string code;
    auto msg = message_of([&] { store::require_conninfo_without_password(conninfo); }, &code);
    EXPECT_EQ(code, "store_conninfo_password") << conninfo;
    EXPECT_EQ(msg.find("hunter2"), std::string::npos) << msg;
    EXPECT_NE(msg.find("database 'h' on db"), std::string::npos) << msg;
    write_conf("store = postgresql\nconninfo = " + conninfo + "\n");
    message_of([&] { resolve_conninfo(read_store_config(*paths_)); }, &code);
    EXPECT_EQ(code, "store_conninfo_password");
  }
  std::string code;
  message_of([] { store::require_conninfo_without_password("host='unclosed"); }, &code);
  EXPECT_EQ(code, "store_conninfo_invalid");
  EXPECT_EQ(message_of([] { store::require_conninfo_without_password("host=db dbname=h"); }),
            "none");
}

TEST_F(StoreConfigTest, TheConnectionStringFromTheEnvironment) {
  write_conf("# a comment\nstore = postgresql\nconninfo_env = HOTLINE_UT_STORE\n");
  auto config = read_store_config(*paths_);
  ::unsetenv("HOTLINE_UT_STORE");
  std::string code;
  auto msg = message_of([&] { resolve_conninfo(config); }, &code);
  EXPECT_EQ(code, "store_conninfo_missing");
  EXPECT_NE(msg.find("HOTLINE_UT_STORE"), std::string::npos) << msg;
  ::setenv("HOTLINE_UT_STORE", "host=db dbname=from_env", 1);
  EXPECT_EQ(resolve_conninfo(config), "host=db dbname=from_env");
  EXPECT_EQ(describe_store(*paths_, config), "PostgreSQL database 'from_env' on db");
  ::unsetenv("HOTLINE_UT_STORE");
}

TEST_F(StoreConfigTest, AnotherNodesDatabaseIsRefusedNamingIt) {
  auto bravo = crypto::KeyPair::generate();
  auto alpha = crypto::KeyPair::generate();
  auto st = store::open_sqlite(paths_->db);
  st->transact([&](store::Transaction& tx) {
    tx.put_setting("party", "Bravo");
    tx.put_setting("public_key", bravo.public_key().encoded());
  });
  EXPECT_EQ(require_store_of(*st, *paths_, {}, bravo.public_key()), "Bravo");
  std::string code;
  auto msg = message_of([&] { require_store_of(*st, *paths_, {}, alpha.public_key()); }, &code);
  EXPECT_EQ(code, "node_key_mismatch");
  EXPECT_NE(msg.find("belongs to node Bravo (fingerprint " + bravo.public_key().fingerprint() +
                     "), not to the node in " + paths_->dir.string()),
            std::string::npos)
      << msg;
}

}  // namespace store_config_test
}  // namespace hotline::service
