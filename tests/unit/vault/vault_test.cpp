// Tests of the attachment vault on real files, one fresh folder under the
// system temporary folder per test.

#include "hotline/vault/vault.h"

#include <fcntl.h>
#include <sodium.h>
#include <stdlib.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "hotline/common/encoding.h"
#include "hotline/common/error.h"
#include "hotline/crypto/sha256.h"

namespace hotline::vault {
namespace vault_test {

namespace fs = std::filesystem;

// The documented layout, restated here so that the tests check it.
constexpr std::int64_t kHeader = 120;
constexpr std::int64_t kRecord = kChunkSize + 24 + 16;

// ---- helpers ----

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  EXPECT_TRUE(in.good()) << "cannot open " << p;
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void write_file(const fs::path& p, const std::string& content) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out << content;
  ASSERT_TRUE(out.good()) << "cannot write " << p;
}

void append_file(const fs::path& p, const std::string& content) {
  std::ofstream out(p, std::ios::binary | std::ios::app);
  out << content;
  ASSERT_TRUE(out.good()) << "cannot append to " << p;
}

void flip_byte(const fs::path& p, std::int64_t offset) {
  std::string s = read_file(p);
  ASSERT_LT(offset, static_cast<std::int64_t>(s.size()));
  s[static_cast<std::size_t>(offset)] ^= 0x01;
  write_file(p, s);
}

unsigned mode_of(const fs::path& p) {
  struct stat st;
  EXPECT_EQ(::stat(p.c_str(), &st), 0) << p;
  return st.st_mode & 07777;
}

ino_t inode_of(const fs::path& p) {
  struct stat st;
  EXPECT_EQ(::stat(p.c_str(), &st), 0) << p;
  return st.st_ino;
}

// Deterministic, incompressible-looking bytes (xorshift), distinct per seed.
std::string pattern(std::int64_t n, std::uint64_t seed = 1) {
  std::string s(static_cast<std::size_t>(n), '\0');
  std::uint64_t x = 0x9e3779b97f4a7c15ULL ^ (seed * 0x100000001b3ULL);
  for (auto& c : s) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    c = static_cast<char>(x >> 56);
  }
  return s;
}

std::string sha_hex(std::string_view data) {
  return to_hex(crypto::sha256(data));
}

std::string sha_raw(std::string_view data) {
  const auto d = crypto::sha256(data);
  return std::string(reinterpret_cast<const char*>(d.data()), d.size());
}

std::string chunk_of(const std::string& data, std::int64_t offset) {
  return data.substr(static_cast<std::size_t>(offset),
                     static_cast<std::size_t>(std::min<std::int64_t>(
                         kChunkSize, static_cast<std::int64_t>(data.size()) - offset)));
}

template <typename F>
std::string error_code_of(F&& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.code();
  } catch (const std::exception& e) {
    return std::string("<other exception: ") + e.what() + ">";
  }
  return "<no error>";
}

template <typename F>
std::string error_message_of(F&& f) {
  try {
    f();
  } catch (const std::exception& e) {
    return e.what();
  }
  return "<no error>";
}

std::string be64(std::uint64_t v) {
  std::string s(8, '\0');
  for (int i = 7; i >= 0; --i) {
    s[static_cast<std::size_t>(i)] = static_cast<char>(v & 0xff);
    v >>= 8;
  }
  return s;
}

const unsigned char* u(const std::string& s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

// XChaCha20-Poly1305-IETF, written independently of the vault's code.
std::string aead_seal(const std::string& key, const std::string& nonce, const std::string& ad,
                      const std::string& plain) {
  std::string out(plain.size() + 16, '\0');
  unsigned long long n = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(reinterpret_cast<unsigned char*>(out.data()), &n,
                                             u(plain), plain.size(), u(ad), ad.size(), nullptr,
                                             u(nonce), u(key));
  return out;
}

std::optional<std::string> aead_open(const std::string& key, const std::string& nonce,
                                     const std::string& ad, const std::string& sealed) {
  if (sealed.size() < 16) return std::nullopt;
  std::string out(sealed.size() - 16, '\0');
  unsigned long long n = 0;
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(reinterpret_cast<unsigned char*>(out.data()), &n,
                                                 nullptr, u(sealed), sealed.size(), u(ad),
                                                 ad.size(), u(nonce), u(key)) != 0) {
    return std::nullopt;
  }
  return out;
}

std::string random_string(std::size_t n) {
  std::string s(n, '\0');
  randombytes_buf(s.data(), s.size());
  return s;
}

// A vault file built from the documented format: header for (sha, size),
// chunks encrypting `content` in kChunkSize pieces.
std::string craft_file(const std::string& master, const std::string& sha, std::uint64_t size,
                       const std::string& content) {
  const std::string file_key = random_string(32);
  const std::string wrap_nonce = random_string(24);
  std::string out = "HLVAULT1" + sha + be64(size) + wrap_nonce +
                    aead_seal(master, wrap_nonce, "HLVAULT1" + sha + be64(size), file_key);
  for (std::int64_t i = 0; i * kChunkSize < static_cast<std::int64_t>(content.size()); ++i) {
    const std::string nonce = random_string(24);
    out +=
        nonce + aead_seal(file_key, nonce, sha + be64(static_cast<std::uint64_t>(i)) + be64(size),
                          chunk_of(content, i * kChunkSize));
  }
  return out;
}

// ---- fixture ----

class VaultTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(sodium_init() >= 0, true);
    std::string tmpl = (fs::temp_directory_path() / "hotline-vault-XXXXXX").string();
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    root_ = tmpl;
    dir_ = root_ / "attachments";  // does not exist yet: the Vault creates it
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(root_, ec);
  }

  fs::path att(const std::string& sha) const { return dir_ / (sha + ".att"); }
  fs::path part(const std::string& sha) const { return dir_ / (sha + ".part"); }

  std::set<std::string> entries() const {
    std::set<std::string> names;
    for (const auto& e : fs::directory_iterator(dir_)) names.insert(e.path().filename().string());
    return names;
  }

  // Receives `data` announced as `sha` through begin_receive/append_chunk.
  Info receive_all(Vault& v, const std::string& sha, const std::string& data) {
    const auto size = static_cast<std::int64_t>(data.size());
    Info i = v.begin_receive(sha, size);
    while (!i.complete) i = v.append_chunk(sha, i.have, chunk_of(data, i.have));
    return i;
  }

  fs::path root_;
  fs::path dir_;
};

// ---- folder, key, format ----

TEST_F(VaultTest, CreatesPrivateFolderAndKey) {
  const mode_t old = ::umask(0);
  { Vault v(dir_); }
  ::umask(old);
  EXPECT_EQ(mode_of(dir_), 0700u);
  EXPECT_EQ(mode_of(dir_ / "vault.key"), 0600u);
  EXPECT_EQ(fs::file_size(dir_ / "vault.key"), 32u);
  EXPECT_EQ(entries(), std::set<std::string>{"vault.key"});
  // The key is kept, not made again: a second Vault reads the first's files.
  const std::string key = read_file(dir_ / "vault.key");
  Info a = Vault(dir_).import_bytes("hello");
  Vault again(dir_);
  EXPECT_EQ(read_file(dir_ / "vault.key"), key);
  EXPECT_EQ(again.read_chunk(a.sha256, 0), "hello");
}

TEST_F(VaultTest, FormatIsAsDocumented) {
  Vault v(dir_);
  const std::string data = pattern(kChunkSize + 10);
  const Info i = v.import_bytes(data);
  const std::string master = read_file(dir_ / "vault.key");
  const std::string f = read_file(att(i.sha256));
  const std::string sha = sha_raw(data);
  const std::string size = be64(data.size());

  ASSERT_EQ(static_cast<std::int64_t>(f.size()), kHeader + kRecord + 24 + 10 + 16);
  EXPECT_EQ(f.substr(0, 8), "HLVAULT1");
  EXPECT_EQ(f.substr(8, 32), sha);
  EXPECT_EQ(f.substr(40, 8), size);
  const auto file_key =
      aead_open(master, f.substr(48, 24), "HLVAULT1" + sha + size, f.substr(72, 48));
  ASSERT_TRUE(file_key.has_value());
  ASSERT_EQ(file_key->size(), 32u);
  const auto c0 = aead_open(*file_key, f.substr(kHeader, 24), sha + be64(0) + size,
                            f.substr(kHeader + 24, kChunkSize + 16));
  const auto c1 = aead_open(*file_key, f.substr(kHeader + kRecord, 24), sha + be64(1) + size,
                            f.substr(kHeader + kRecord + 24));
  ASSERT_TRUE(c0.has_value());
  ASSERT_TRUE(c1.has_value());
  EXPECT_EQ(*c0 + *c1, data);
  // A file built independently from the documentation reads back.
  const std::string other = pattern(1000, 7);
  write_file(att(sha_hex(other)), craft_file(master, sha_raw(other), other.size(), other));
  EXPECT_EQ(v.read_chunk(sha_hex(other), 0), other);
}

TEST_F(VaultTest, KeyFileReadableByOthersIsRefused) {
  { Vault v(dir_); }
  const fs::path key = dir_ / "vault.key";
  for (unsigned mode : {0644u, 0640u, 0604u, 0620u, 0602u, 0610u}) {
    fs::permissions(key, static_cast<fs::perms>(mode));
    try {
      Vault v(dir_);
      ADD_FAILURE() << "mode " << std::oct << mode << " accepted";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), "vault_key_insecure");
      EXPECT_NE(std::string(e.what()).find("chmod 600 " + key.string()), std::string::npos)
          << e.what();
    }
  }
  fs::permissions(key, static_cast<fs::perms>(0600));
  EXPECT_NO_THROW(Vault v(dir_));
}

TEST_F(VaultTest, KeyFileOfWrongSizeIsRefused) {
  { Vault v(dir_); }
  const fs::path key = dir_ / "vault.key";
  for (std::size_t n : {0u, 31u, 33u, 64u}) {
    write_file(key, std::string(n, 'k'));
    fs::permissions(key, static_cast<fs::perms>(0600));
    EXPECT_EQ(error_code_of([&] { Vault v(dir_); }), "vault_key_invalid") << n;
  }
}

TEST_F(VaultTest, MissingKeyWithAttachmentsIsNotReplaced) {
  Info i;
  {
    Vault v(dir_);
    i = v.import_bytes("evidence");
  }
  fs::remove(dir_ / "vault.key");
  EXPECT_EQ(error_code_of([&] { Vault v(dir_); }), "vault_key_missing");
  EXPECT_FALSE(fs::exists(dir_ / "vault.key"));
}

TEST_F(VaultTest, WrongMasterKeyReadsAsCorrupt) {
  const std::string data = pattern(kChunkSize + 5);
  Info i;
  {
    Vault v(dir_);
    i = v.import_bytes(data);
  }
  write_file(dir_ / "vault.key", random_string(32));
  Vault v(dir_);
  EXPECT_EQ(error_code_of([&] { v.read_chunk(i.sha256, 0); }), "attachment_corrupt");
  EXPECT_EQ(error_code_of([&] { v.export_to(i.sha256, root_ / "out"); }), "attachment_corrupt");
  EXPECT_EQ(error_code_of([&] { v.info(i.sha256); }), "attachment_corrupt");
  EXPECT_FALSE(fs::exists(root_ / "out"));
}

// ---- import and read back ----

TEST_F(VaultTest, RoundTripsEverySizeClass) {
  Vault v(dir_);
  const std::int64_t sizes[] = {
      0, 1, 1000, kChunkSize - 1, kChunkSize, kChunkSize + 1, 3 * kChunkSize + 12345};
  std::uint64_t seed = 10;
  for (std::int64_t size : sizes) {
    SCOPED_TRACE(size);
    const std::string data = pattern(size, ++seed);
    const Info i = v.import_bytes(data);
    EXPECT_EQ(i, (Info{sha_hex(data), size, true, size}));
    EXPECT_EQ(v.info(i.sha256), i);
    const std::int64_t chunks = (size + kChunkSize - 1) / kChunkSize;
    EXPECT_EQ(static_cast<std::int64_t>(fs::file_size(att(i.sha256))),
              kHeader + chunks * 40 + size);
    std::string joined;
    for (std::int64_t off = 0; off < size; off += kChunkSize) {
      const std::string c = v.read_chunk(i.sha256, off);
      EXPECT_EQ(c, chunk_of(data, off));
      joined += c;
    }
    EXPECT_EQ(joined, data);
    const fs::path out = root_ / "export.bin";
    v.export_to(i.sha256, out);
    EXPECT_EQ(read_file(out), data);
    EXPECT_EQ(mode_of(out), 0600u);
  }
  // Exports leave no temporary behind.
  std::set<std::string> rest;
  for (const auto& e : fs::directory_iterator(root_)) rest.insert(e.path().filename().string());
  EXPECT_EQ(rest, (std::set<std::string>{"attachments", "export.bin"}));
}

TEST_F(VaultTest, ImportFileStreamsAFile) {
  Vault v(dir_);
  const std::string data = pattern(5 * kChunkSize / 2, 3);
  write_file(root_ / "src.bin", data);
  const Info i = v.import_file(root_ / "src.bin");
  EXPECT_EQ(i, (Info{sha_hex(data), static_cast<std::int64_t>(data.size()), true,
                     static_cast<std::int64_t>(data.size())}));
  v.export_to(i.sha256, root_ / "dst.bin");
  EXPECT_EQ(read_file(root_ / "dst.bin"), data);
  EXPECT_EQ(entries(), (std::set<std::string>{"vault.key", i.sha256 + ".att"}));
}

TEST_F(VaultTest, ImportingTheSameContentTwiceKeepsTheFirstCopy) {
  Vault v(dir_);
  const std::string data = pattern(kChunkSize + 77, 4);
  const Info a = v.import_bytes(data);
  const ino_t ino = inode_of(att(a.sha256));
  const std::string bytes = read_file(att(a.sha256));
  write_file(root_ / "same.bin", data);
  EXPECT_EQ(v.import_bytes(data), a);
  EXPECT_EQ(v.import_file(root_ / "same.bin"), a);
  EXPECT_EQ(inode_of(att(a.sha256)), ino);
  EXPECT_EQ(read_file(att(a.sha256)), bytes);
  EXPECT_EQ(entries(), (std::set<std::string>{"vault.key", a.sha256 + ".att"}));
}

TEST_F(VaultTest, ImportReplacesADamagedCopy) {
  Vault v(dir_);
  const std::string data = pattern(2000, 5);
  const Info a = v.import_bytes(data);
  flip_byte(att(a.sha256), kHeader + 30);
  ASSERT_EQ(error_code_of([&] { v.read_chunk(a.sha256, 0); }), "attachment_corrupt");
  EXPECT_EQ(v.import_bytes(data), a);
  EXPECT_EQ(v.read_chunk(a.sha256, 0), data);
}

TEST_F(VaultTest, TooLargeIsRefusedAndLeavesNothing) {
  Vault v(dir_);
  const std::int64_t max = 2 * kChunkSize;
  const std::string data = pattern(max + 1, 6);
  const std::string msg = error_message_of([&] { v.import_bytes(data, max); });
  EXPECT_NE(msg.find("2.0 MiB (2097153 bytes)"), std::string::npos) << msg;
  EXPECT_NE(msg.find("limit of 2.0 MiB (2097152 bytes)"), std::string::npos) << msg;
  EXPECT_EQ(error_code_of([&] { v.import_bytes(data, max); }), "attachment_too_large");
  write_file(root_ / "big.bin", data);
  EXPECT_EQ(error_code_of([&] { v.import_file(root_ / "big.bin", max); }), "attachment_too_large");
  EXPECT_EQ(error_code_of([&] { v.begin_receive(sha_hex(data), max + 1, max); }),
            "attachment_too_large");
  EXPECT_EQ(error_code_of([&] { v.import_bytes(std::string(kDefaultMaxSize + 1, 'a')); }),
            "attachment_too_large");
  EXPECT_EQ(entries(), std::set<std::string>{"vault.key"});
  // Exactly the limit is fine.
  EXPECT_TRUE(v.import_bytes(data.substr(0, max), max).complete);
}

TEST_F(VaultTest, UnreadableSourceIsRefused) {
  Vault v(dir_);
  EXPECT_EQ(error_code_of([&] { v.import_file(root_ / "no-such-file"); }), "attachment_unreadable");
  EXPECT_EQ(error_code_of([&] { v.import_file(root_); }), "attachment_unreadable");
  ASSERT_EQ(::mkfifo((root_ / "fifo").c_str(), 0600), 0);  // must not hang
  EXPECT_EQ(error_code_of([&] { v.import_file(root_ / "fifo"); }), "attachment_unreadable");
  EXPECT_EQ(entries(), std::set<std::string>{"vault.key"});
}

TEST_F(VaultTest, PlaintextNeverReachesTheDisk) {
  Vault v(dir_);
  std::string data;
  while (data.size() < 300000) data += "CONFIDENTIAL subscriber 198.51.100.23 ";
  const Info a = v.import_bytes(data);
  // Also a partly received copy of other content.
  std::string other;
  while (other.size() < static_cast<std::size_t>(kChunkSize + 100)) other += "SECRET-LOG-LINE ";
  const std::string other_sha = sha_hex(other);
  v.begin_receive(other_sha, static_cast<std::int64_t>(other.size()));
  v.append_chunk(other_sha, 0, chunk_of(other, 0));

  const std::string stored = read_file(att(a.sha256));
  EXPECT_EQ(stored.find("CONFIDENTIAL"), std::string::npos);
  EXPECT_EQ(stored.find("198.51.100.23"), std::string::npos);
  EXPECT_EQ(read_file(part(other_sha)).find("SECRET-LOG"), std::string::npos);
}

// ---- digests ----

TEST_F(VaultTest, BadDigestsNeverReachTheFileSystem) {
  Vault v(dir_);
  const std::string good = sha_hex("x");
  std::string upper = good;
  std::transform(upper.begin(), upper.end(), upper.begin(),
                 [](char c) { return static_cast<char>(std::toupper(c)); });
  const std::string bad[] = {"",
                             "../etc/passwd",
                             "../" + good.substr(3),  // 64 characters
                             good.substr(0, 63) + "/",
                             upper,
                             good.substr(1),
                             good + "0",
                             good.substr(0, 63) + "g",
                             std::string("\0", 1) + good.substr(1),
                             good + ".att"};
  for (const std::string& d : bad) {
    SCOPED_TRACE(d);
    EXPECT_EQ(error_code_of([&] { v.info(d); }), "attachment_invalid");
    EXPECT_EQ(error_code_of([&] { v.begin_receive(d, 1); }), "attachment_invalid");
    EXPECT_EQ(error_code_of([&] { v.append_chunk(d, 0, "x"); }), "attachment_invalid");
    EXPECT_EQ(error_code_of([&] { v.read_chunk(d, 0); }), "attachment_invalid");
    EXPECT_EQ(error_code_of([&] { v.export_to(d, root_ / "out"); }), "attachment_invalid");
  }
  EXPECT_EQ(entries(), std::set<std::string>{"vault.key"});
  std::set<std::string> outside;
  for (const auto& e : fs::directory_iterator(root_)) outside.insert(e.path().filename().string());
  EXPECT_EQ(outside, std::set<std::string>{"attachments"});
}

TEST_F(VaultTest, UnknownDigestIsMissing) {
  Vault v(dir_);
  const std::string sha = sha_hex("not stored");
  EXPECT_EQ(v.info(sha), std::nullopt);
  EXPECT_EQ(error_code_of([&] { v.read_chunk(sha, 0); }), "attachment_missing");
  EXPECT_EQ(error_code_of([&] { v.export_to(sha, root_ / "out"); }), "attachment_missing");
  EXPECT_EQ(error_code_of([&] { v.append_chunk(sha, 0, "x"); }), "attachment_missing");
  // Still being received: missing too, and the message says so.
  const std::string data = pattern(kChunkSize + 1, 8);
  const std::string psha = sha_hex(data);
  v.begin_receive(psha, static_cast<std::int64_t>(data.size()));
  EXPECT_EQ(error_code_of([&] { v.read_chunk(psha, 0); }), "attachment_missing");
  EXPECT_NE(error_message_of([&] { v.read_chunk(psha, 0); }).find("still being received"),
            std::string::npos);
  EXPECT_FALSE(fs::exists(root_ / "out"));
}

TEST_F(VaultTest, ReadChunkOffsetMustStartAChunk) {
  Vault v(dir_);
  const std::string data = pattern(2 * kChunkSize + 3, 9);
  const Info i = v.import_bytes(data);
  for (std::int64_t off : {std::int64_t{-1}, std::int64_t{1}, kChunkSize - 1, kChunkSize + 1,
                           3 * kChunkSize, std::int64_t{-kChunkSize}}) {
    EXPECT_EQ(error_code_of([&] { v.read_chunk(i.sha256, off); }), "attachment_chunk_invalid")
        << off;
  }
  EXPECT_EQ(v.read_chunk(i.sha256, 2 * kChunkSize), data.substr(2 * kChunkSize));
  const Info empty = v.import_bytes("");
  EXPECT_EQ(error_code_of([&] { v.read_chunk(empty.sha256, 0); }), "attachment_chunk_invalid");
}

// ---- receiving ----

TEST_F(VaultTest, ReceiveResumesAfterACrash) {
  const std::string data = pattern(3 * kChunkSize + 500, 11);
  const std::string sha = sha_hex(data);
  const auto size = static_cast<std::int64_t>(data.size());
  {
    Vault v(dir_);
    EXPECT_EQ(v.begin_receive(sha, size), (Info{sha, size, false, 0}));
    EXPECT_EQ(v.append_chunk(sha, 0, chunk_of(data, 0)), (Info{sha, size, false, kChunkSize}));
    EXPECT_EQ(v.append_chunk(sha, kChunkSize, chunk_of(data, kChunkSize)),
              (Info{sha, size, false, 2 * kChunkSize}));
  }  // "crash": the process goes away with the transfer half done
  Vault v(dir_);
  EXPECT_EQ(v.info(sha), (Info{sha, size, false, 2 * kChunkSize}));
  Info i = v.begin_receive(sha, size);
  EXPECT_EQ(i, (Info{sha, size, false, 2 * kChunkSize}));
  i = v.append_chunk(sha, i.have, chunk_of(data, i.have));
  EXPECT_EQ(i, (Info{sha, size, false, 3 * kChunkSize}));
  i = v.append_chunk(sha, i.have, chunk_of(data, i.have));
  EXPECT_EQ(i, (Info{sha, size, true, size}));
  EXPECT_EQ(entries(), (std::set<std::string>{"vault.key", sha + ".att"}));
  v.export_to(sha, root_ / "out");
  EXPECT_EQ(read_file(root_ / "out"), data);
  EXPECT_EQ(v.read_chunk(sha, 3 * kChunkSize), data.substr(3 * kChunkSize));
  // Receiving it again: already complete.
  EXPECT_EQ(v.begin_receive(sha, size), (Info{sha, size, true, size}));
  EXPECT_EQ(error_code_of([&] { v.append_chunk(sha, 0, chunk_of(data, 0)); }),
            "attachment_chunk_invalid");
}

TEST_F(VaultTest, TornTailIsCutAwayOnReopen) {
  const std::string data = pattern(3 * kChunkSize + 9, 12);
  const std::string sha = sha_hex(data);
  const auto size = static_cast<std::int64_t>(data.size());
  {
    Vault v(dir_);
    v.begin_receive(sha, size);
    v.append_chunk(sha, 0, chunk_of(data, 0));
    v.append_chunk(sha, kChunkSize, chunk_of(data, kChunkSize));
  }
  const auto whole = static_cast<std::uintmax_t>(kHeader + 2 * kRecord);
  ASSERT_EQ(fs::file_size(part(sha)), whole);

  // A crash in the middle of writing chunk 2.
  append_file(part(sha), random_string(1000));
  {
    Vault v(dir_);
    EXPECT_EQ(v.begin_receive(sha, size).have, 2 * kChunkSize);
    EXPECT_EQ(fs::file_size(part(sha)), whole);
  }
  // A torn chunk of full length (the size reached the disk, the data did
  // not): it does not authenticate, so it goes too.
  append_file(part(sha), std::string(static_cast<std::size_t>(kRecord), '\0'));
  {
    Vault v(dir_);
    EXPECT_EQ(v.info(sha)->have, 3 * kChunkSize);  // info() only counts bytes
    EXPECT_EQ(v.begin_receive(sha, size).have, 2 * kChunkSize);
    EXPECT_EQ(fs::file_size(part(sha)), whole);
  }
  // A torn tail met by append_chunk directly (no begin_receive first).
  append_file(part(sha), random_string(77));
  Vault v(dir_);
  EXPECT_EQ(v.append_chunk(sha, 2 * kChunkSize, chunk_of(data, 2 * kChunkSize)).have,
            3 * kChunkSize);
  EXPECT_TRUE(v.append_chunk(sha, 3 * kChunkSize, chunk_of(data, 3 * kChunkSize)).complete);
  v.export_to(sha, root_ / "out");
  EXPECT_EQ(read_file(root_ / "out"), data);
}

TEST_F(VaultTest, WrongOffsetOrLengthChangesNothing) {
  Vault v(dir_);
  const std::string data = pattern(3 * kChunkSize + 20, 13);
  const std::string sha = sha_hex(data);
  const auto size = static_cast<std::int64_t>(data.size());
  v.begin_receive(sha, size);
  v.append_chunk(sha, 0, chunk_of(data, 0));
  const std::string before = read_file(part(sha));
  const std::string next = chunk_of(data, kChunkSize);
  struct Case {
    std::int64_t offset;
    std::string bytes;
  };
  const Case cases[] = {
      {0, chunk_of(data, 0)},                            // already have it
      {2 * kChunkSize, chunk_of(data, 2 * kChunkSize)},  // skips one
      {kChunkSize + 1, next},
      {-1, next},
      {kChunkSize, next.substr(1)},  // short
      {kChunkSize, next + "x"},      // long
      {kChunkSize, ""},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.offset);
    EXPECT_EQ(error_code_of([&] { v.append_chunk(sha, c.offset, c.bytes); }),
              "attachment_chunk_invalid");
    EXPECT_EQ(read_file(part(sha)), before);
    EXPECT_EQ(v.info(sha), (Info{sha, size, false, kChunkSize}));
  }
  // The last chunk is exactly the rest, not a full chunk.
  v.append_chunk(sha, kChunkSize, next);
  v.append_chunk(sha, 2 * kChunkSize, chunk_of(data, 2 * kChunkSize));
  EXPECT_EQ(error_code_of([&] { v.append_chunk(sha, 3 * kChunkSize, pattern(kChunkSize)); }),
            "attachment_chunk_invalid");
  EXPECT_TRUE(v.append_chunk(sha, 3 * kChunkSize, chunk_of(data, 3 * kChunkSize)).complete);
}

TEST_F(VaultTest, DigestMismatchRemovesThePartialFile) {
  Vault v(dir_);
  const std::string announced = pattern(2 * kChunkSize + 1, 14);
  std::string sent = announced;
  sent.back() ^= 0x20;  // the last chunk differs
  const std::string sha = sha_hex(announced);
  const auto size = static_cast<std::int64_t>(announced.size());
  v.begin_receive(sha, size);
  v.append_chunk(sha, 0, chunk_of(sent, 0));
  v.append_chunk(sha, kChunkSize, chunk_of(sent, kChunkSize));
  EXPECT_EQ(
      error_code_of([&] { v.append_chunk(sha, 2 * kChunkSize, chunk_of(sent, 2 * kChunkSize)); }),
      "attachment_digest_mismatch");
  EXPECT_EQ(entries(), std::set<std::string>{"vault.key"});
  EXPECT_EQ(v.info(sha), std::nullopt);
  // The transfer can start over and succeed.
  EXPECT_EQ(v.begin_receive(sha, size).have, 0);
  EXPECT_EQ(receive_all(v, sha, announced), (Info{sha, size, true, size}));
}

TEST_F(VaultTest, EmptyAttachmentCompletesAtOnce) {
  Vault v(dir_);
  const std::string sha = sha_hex("");
  EXPECT_EQ(v.begin_receive(sha, 0), (Info{sha, 0, true, 0}));
  EXPECT_EQ(fs::file_size(att(sha)), static_cast<std::uintmax_t>(kHeader));
  v.export_to(sha, root_ / "empty");
  EXPECT_EQ(read_file(root_ / "empty"), "");
  // Size 0 announced for other content: its digest cannot match.
  EXPECT_EQ(error_code_of([&] { v.begin_receive(sha_hex("x"), 0); }), "attachment_digest_mismatch");
  EXPECT_EQ(entries(), (std::set<std::string>{"vault.key", sha + ".att"}));
}

TEST_F(VaultTest, AnnouncedSizeChangeRestartsTheTransfer) {
  Vault v(dir_);
  const std::string data = pattern(2 * kChunkSize, 15);
  const std::string sha = sha_hex(data);
  v.begin_receive(sha, 2 * kChunkSize + 5);  // a wrong size first
  v.append_chunk(sha, 0, chunk_of(data, 0));
  EXPECT_EQ(v.begin_receive(sha, 2 * kChunkSize), (Info{sha, 2 * kChunkSize, false, 0}));
  EXPECT_EQ(receive_all(v, sha, data).complete, true);
  EXPECT_EQ(v.read_chunk(sha, kChunkSize), chunk_of(data, kChunkSize));
}

TEST_F(VaultTest, ReceivingImportedContentIsAlreadyComplete) {
  Vault v(dir_);
  const std::string data = pattern(1234, 16);
  const Info a = v.import_bytes(data);
  EXPECT_EQ(v.begin_receive(a.sha256, a.size), a);
  EXPECT_EQ(entries(), (std::set<std::string>{"vault.key", a.sha256 + ".att"}));
}

// ---- tampering ----

TEST_F(VaultTest, FlippedByteIsCorrupt) {
  Vault v(dir_);
  const std::string data = pattern(3 * kChunkSize, 17);
  const Info i = v.import_bytes(data);
  const std::string pristine = read_file(att(i.sha256));
  const std::int64_t spots[] = {kHeader + kRecord + 100,     // ciphertext of chunk 1
                                kHeader + kRecord + 3,       // nonce of chunk 1
                                kHeader + 2 * kRecord - 1};  // tag of chunk 1
  for (std::int64_t at : spots) {
    SCOPED_TRACE(at);
    write_file(att(i.sha256), pristine);
    flip_byte(att(i.sha256), at);
    EXPECT_EQ(v.read_chunk(i.sha256, 0), chunk_of(data, 0));  // other chunks still read
    EXPECT_EQ(error_code_of([&] { v.read_chunk(i.sha256, kChunkSize); }), "attachment_corrupt");
    EXPECT_EQ(error_code_of([&] { v.export_to(i.sha256, root_ / "out"); }), "attachment_corrupt");
    EXPECT_FALSE(fs::exists(root_ / "out"));
  }
  // The header: magic, digest, size, wrap nonce, wrapped key.
  for (std::int64_t at : {0, 8, 45, 50, 100}) {
    SCOPED_TRACE(at);
    write_file(att(i.sha256), pristine);
    flip_byte(att(i.sha256), at);
    EXPECT_EQ(error_code_of([&] { v.read_chunk(i.sha256, 0); }), "attachment_corrupt");
    EXPECT_EQ(error_code_of([&] { v.info(i.sha256); }), "attachment_corrupt");
  }
  // An export over an existing file leaves it as it was.
  write_file(root_ / "out", "previous");
  EXPECT_EQ(error_code_of([&] { v.export_to(i.sha256, root_ / "out"); }), "attachment_corrupt");
  EXPECT_EQ(read_file(root_ / "out"), "previous");
  std::set<std::string> rest;
  for (const auto& e : fs::directory_iterator(root_)) rest.insert(e.path().filename().string());
  EXPECT_EQ(rest, (std::set<std::string>{"attachments", "out"}));
}

TEST_F(VaultTest, SwappedChunksAreCorrupt) {
  Vault v(dir_);
  const std::string data = pattern(3 * kChunkSize, 18);
  const Info i = v.import_bytes(data);
  std::string f = read_file(att(i.sha256));
  const auto r = static_cast<std::size_t>(kRecord);
  const std::string c0 = f.substr(kHeader, r);
  const std::string c1 = f.substr(kHeader + r, r);
  f.replace(kHeader, r, c1);
  f.replace(kHeader + r, r, c0);
  write_file(att(i.sha256), f);
  EXPECT_EQ(error_code_of([&] { v.read_chunk(i.sha256, 0); }), "attachment_corrupt");
  EXPECT_EQ(error_code_of([&] { v.read_chunk(i.sha256, kChunkSize); }), "attachment_corrupt");
  EXPECT_EQ(v.read_chunk(i.sha256, 2 * kChunkSize), chunk_of(data, 2 * kChunkSize));
  EXPECT_EQ(error_code_of([&] { v.export_to(i.sha256, root_ / "out"); }), "attachment_corrupt");
  EXPECT_FALSE(fs::exists(root_ / "out"));
}

TEST_F(VaultTest, ChunkFromAnotherFileIsCorrupt) {
  Vault v(dir_);
  const Info a = v.import_bytes(pattern(2 * kChunkSize, 19));
  const Info b = v.import_bytes(pattern(2 * kChunkSize, 20));
  std::string fb = read_file(att(b.sha256));
  fb.replace(kHeader + kRecord, kRecord, read_file(att(a.sha256)).substr(kHeader + kRecord));
  write_file(att(b.sha256), fb);
  EXPECT_EQ(error_code_of([&] { v.read_chunk(b.sha256, kChunkSize); }), "attachment_corrupt");
}

TEST_F(VaultTest, TruncatedOrExtendedFileIsCorrupt) {
  Vault v(dir_);
  const std::string data = pattern(3 * kChunkSize, 21);
  const Info i = v.import_bytes(data);
  const std::string pristine = read_file(att(i.sha256));
  const std::string variants[] = {
      pristine.substr(0, pristine.size() - 1),
      pristine.substr(0, static_cast<std::size_t>(kHeader + 2 * kRecord)),  // last chunk dropped
      pristine + "x",
      pristine.substr(0, 100),
  };
  for (const std::string& f : variants) {
    SCOPED_TRACE(f.size());
    write_file(att(i.sha256), f);
    EXPECT_EQ(error_code_of([&] { v.read_chunk(i.sha256, 0); }), "attachment_corrupt");
    EXPECT_EQ(error_code_of([&] { v.export_to(i.sha256, root_ / "out"); }), "attachment_corrupt");
    EXPECT_FALSE(fs::exists(root_ / "out"));
  }
}

TEST_F(VaultTest, FileUnderAnotherDigestIsCorrupt) {
  Vault v(dir_);
  const std::string a = pattern(1000, 22);
  const Info ia = v.import_bytes(a);
  const std::string other = sha_hex("something else");
  fs::copy_file(att(ia.sha256), att(other));
  EXPECT_EQ(error_code_of([&] { v.read_chunk(other, 0); }), "attachment_corrupt");
  EXPECT_EQ(error_code_of([&] { v.export_to(other, root_ / "out"); }), "attachment_corrupt");
}

TEST_F(VaultTest, ExportChecksTheDigestOfWhatItDecrypts) {
  // Well-formed and authentic under the vault's key, but the content is not
  // what the digest names: only the final SHA-256 check can notice.
  Vault v(dir_);
  const std::string master = read_file(dir_ / "vault.key");
  const std::string claimed = pattern(kChunkSize + 10, 23);
  const std::string actual = pattern(kChunkSize + 10, 24);
  const std::string sha = sha_hex(claimed);
  write_file(att(sha), craft_file(master, sha_raw(claimed), claimed.size(), actual));
  EXPECT_EQ(error_code_of([&] { v.export_to(sha, root_ / "out"); }), "attachment_corrupt");
  EXPECT_FALSE(fs::exists(root_ / "out"));
}

// ---- listing and housekeeping ----

TEST_F(VaultTest, ListShowsCompleteAndPartial) {
  Vault v(dir_);
  EXPECT_TRUE(v.list().empty());
  const Info a = v.import_bytes("first");
  const std::string data = pattern(2 * kChunkSize + 1, 25);
  const std::string sha = sha_hex(data);
  v.begin_receive(sha, static_cast<std::int64_t>(data.size()));
  v.append_chunk(sha, 0, chunk_of(data, 0));
  write_file(dir_ / "notes.txt", "not an attachment");
  std::string upper = a.sha256;
  std::transform(upper.begin(), upper.end(), upper.begin(),
                 [](char c) { return static_cast<char>(std::toupper(c)); });
  write_file(dir_ / (upper + ".att"), "ignored");

  std::vector<Info> want = {a,
                            Info{sha, static_cast<std::int64_t>(data.size()), false, kChunkSize}};
  std::sort(want.begin(), want.end(),
            [](const Info& x, const Info& y) { return x.sha256 < y.sha256; });
  EXPECT_EQ(v.list(), want);
}

TEST_F(VaultTest, StaleTemporariesAreRemovedUnlessInUse) {
  { Vault v(dir_); }
  write_file(dir_ / ".tmp-0011223344556677", "left by a crash");
  write_file(dir_ / ".tmp-8899aabbccddeeff", "being written");
  const int fd = ::open((dir_ / ".tmp-8899aabbccddeeff").c_str(), O_RDONLY);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::flock(fd, LOCK_EX), 0);
  { Vault v(dir_); }
  ::close(fd);
  EXPECT_EQ(entries(), (std::set<std::string>{"vault.key", ".tmp-8899aabbccddeeff"}));
}

}  // namespace vault_test
}  // namespace hotline::vault
