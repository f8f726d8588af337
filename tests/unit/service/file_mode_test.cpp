// Issue #17, item 9: the node's folder, its database and the operators' TLS
// key are for the node's account alone: made so, and refused otherwise.
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <filesystem>
#include <functional>
#include <string>

#include "hotline/common/error.h"
#include "hotline/service/node_dir.h"
#include "hotline/tls/tls.h"

namespace hotline::service {
namespace file_mode_test {

namespace fs = std::filesystem;

std::string error_code_of(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const Error& e) {
    return e.code();
  }
  return "none";
}

unsigned mode_of(const fs::path& p) {
  struct stat st {};
  EXPECT_EQ(::stat(p.c_str(), &st), 0) << p;
  return static_cast<unsigned>(st.st_mode & 0777);
}

class FileModes : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "hotline-modes-XXXXXX").string();
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    root_ = tmpl;
    dir_ = root_ / "node";
    init_node(dir_, "alpha");
  }
  void TearDown() override {
    std::error_code ec;
    fs::permissions(dir_, fs::perms::owner_all, fs::perm_options::replace, ec);
    fs::remove_all(root_, ec);
  }
  fs::path root_, dir_;
};

TEST_F(FileModes, InitMakesFolderAndDatabaseOwnerOnly) {
  EXPECT_EQ(mode_of(dir_), 0700u);
  EXPECT_EQ(mode_of(dir_ / "hotline.db"), 0600u);
  EXPECT_EQ(mode_of(dir_ / "tls" / "operator.key"), 0600u);
  EXPECT_EQ(error_code_of([&] { open_node(dir_); }), "none");
}

TEST_F(FileModes, OpenRefusesADatabaseOrFolderOthersMayRead) {
  fs::permissions(dir_ / "hotline.db", fs::perms::group_read | fs::perms::others_read,
                  fs::perm_options::add);
  EXPECT_EQ(error_code_of([&] { open_node(dir_); }), "file_permissions");
  fs::permissions(dir_ / "hotline.db", fs::perms::owner_read | fs::perms::owner_write,
                  fs::perm_options::replace);
  fs::permissions(dir_, fs::perms::group_write, fs::perm_options::add);
  EXPECT_EQ(error_code_of([&] { open_node(dir_); }), "file_permissions");
}

TEST_F(FileModes, OperatorKeyOthersMayReadIsRefused) {
  const auto cert = dir_ / "tls" / "operator.crt";
  const auto key = dir_ / "tls" / "operator.key";
  EXPECT_EQ(error_code_of([&] { tls::operator_server_context(cert, key); }), "none");
  fs::permissions(key, fs::perms::others_read, fs::perm_options::add);
  EXPECT_EQ(error_code_of([&] { tls::operator_server_context(cert, key); }), "file_permissions");
}

}  // namespace file_mode_test
}  // namespace hotline::service
