#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "hotline/common/encoding.h"
#include "hotline/crypto/ed25519.h"
#include "hotline/crypto/random.h"
#include "test_util.h"

namespace hotline::crypto {
namespace key_file_test {

namespace fs = std::filesystem;
using testing::error_code_of;
using testing::read_file;

class KeyFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("hotline-keyfile-" + new_id());
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  static unsigned mode_of(const fs::path& p) {
    struct stat st;
    EXPECT_EQ(::stat(p.c_str(), &st), 0);
    return st.st_mode & 07777;
  }

  void write(const fs::path& p, const std::string& content, unsigned mode = 0600) {
    std::ofstream(p, std::ios::binary) << content;
    fs::permissions(p, static_cast<fs::perms>(mode));
  }

  fs::path dir_;
};

TEST_F(KeyFileTest, SaveLoadRoundTrip) {
  const auto kp = KeyPair::generate();
  const fs::path file = dir_ / "node.key";
  kp.save(file);
  EXPECT_EQ(mode_of(file), 0600u);
  const auto loaded = KeyPair::load(file);
  EXPECT_EQ(loaded.public_key(), kp.public_key());
  EXPECT_TRUE(std::equal(loaded.seed().begin(), loaded.seed().end(), kp.seed().begin()));
  // Exactly the documented format.
  EXPECT_EQ(read_file(file),
            "hotline-ed25519-secret-key-v1\n" + base64url_encode(kp.seed()) + "\n");
  // No temporary left behind.
  int entries = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir_)) ++entries;
  EXPECT_EQ(entries, 1);
}

TEST_F(KeyFileTest, ModeIs0600EvenWithPermissiveUmask) {
  const mode_t old = ::umask(0);
  const auto kp = KeyPair::generate();
  kp.save(dir_ / "k");
  ::umask(old);
  EXPECT_EQ(mode_of(dir_ / "k"), 0600u);
}

TEST_F(KeyFileTest, RefusesGroupOrOtherAccess) {
  const auto kp = KeyPair::generate();
  const fs::path file = dir_ / "node.key";
  kp.save(file);
  for (unsigned mode : {0644u, 0640u, 0604u, 0620u, 0602u, 0660u}) {
    fs::permissions(file, static_cast<fs::perms>(mode));
    try {
      KeyPair::load(file);
      ADD_FAILURE() << "mode " << std::oct << mode << " accepted";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), "key_permissions");
      const std::string msg = e.what();
      EXPECT_NE(msg.find("chmod 600 " + file.string()), std::string::npos) << msg;
      EXPECT_NE(msg.find(file.string()), std::string::npos) << msg;
      char mode_text[8];
      std::snprintf(mode_text, sizeof mode_text, "%04o", mode);
      EXPECT_NE(msg.find(mode_text), std::string::npos) << msg;
    }
  }
  fs::permissions(file, static_cast<fs::perms>(0400));
  EXPECT_EQ(KeyPair::load(file).public_key(), kp.public_key());
}

TEST_F(KeyFileTest, RefusesToOverwrite) {
  const fs::path file = dir_ / "node.key";
  const auto first = KeyPair::generate();
  first.save(file);
  const auto second = KeyPair::generate();
  EXPECT_EQ(error_code_of([&] { second.save(file); }), "key_exists");
  EXPECT_EQ(KeyPair::load(file).public_key(), first.public_key());
  // Also an unrelated existing file, and a dangling symlink.
  write(dir_ / "other", "do not touch");
  EXPECT_EQ(error_code_of([&] { second.save(dir_ / "other"); }), "key_exists");
  EXPECT_EQ(read_file(dir_ / "other"), "do not touch");
  fs::create_symlink(dir_ / "nowhere", dir_ / "link");
  EXPECT_EQ(error_code_of([&] { second.save(dir_ / "link"); }), "key_exists");
  EXPECT_FALSE(fs::exists(dir_ / "nowhere"));
}

TEST_F(KeyFileTest, MissingFileAndFolder) {
  EXPECT_EQ(error_code_of([&] { KeyPair::load(dir_ / "absent"); }), "key_missing");
  const auto kp = KeyPair::generate();
  EXPECT_EQ(error_code_of([&] { kp.save(dir_ / "no-such-dir" / "k"); }), "key_io");
}

TEST_F(KeyFileTest, InvalidContent) {
  const auto kp = KeyPair::generate();
  const std::string seed = base64url_encode(kp.seed());
  const std::string header = "hotline-ed25519-secret-key-v1\n";
  const std::vector<std::string> bad = {
      "",
      "garbage",
      "\x00\x01\x02",
      header,
      header + "\n",
      "hotline-ed25519-secret-key-v2\n" + seed + "\n",
      header + seed.substr(0, 42) + "\n",
      header + seed + "A\n",
      header + seed + "=\n",
      header + seed + "\nextra\n",
      header + " " + seed + "\n",
      "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIA==\n-----END PRIVATE KEY-----\n",
      std::string(5000, 'A'),
  };
  int i = 0;
  for (const auto& content : bad) {
    const fs::path file = dir_ / ("bad" + std::to_string(i++));
    write(file, content);
    EXPECT_EQ(error_code_of([&] { KeyPair::load(file); }), "key_invalid") << content;
  }
  // A directory is not a key file.
  fs::create_directory(dir_ / "d");
  fs::permissions(dir_ / "d", static_cast<fs::perms>(0700));
  EXPECT_EQ(error_code_of([&] { KeyPair::load(dir_ / "d"); }), "key_invalid");
  // Without the final newline is still the same key.
  write(dir_ / "nonl", header + seed);
  EXPECT_EQ(KeyPair::load(dir_ / "nonl").public_key(), kp.public_key());
}

}  // namespace key_file_test
}  // namespace hotline::crypto
