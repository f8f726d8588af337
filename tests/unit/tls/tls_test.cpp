#include "hotline/tls/tls.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "hotline/common/encoding.h"
#include "hotline/common/error.h"

namespace hotline::tls {
namespace tls_test {

// RFC 8032 section 7.1, TEST 1.
constexpr const char* kSeedHex = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";
constexpr const char* kPublicHex =
    "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";

std::array<std::uint8_t, 32> bytes32(const char* hex) {
  auto v = from_hex(hex);
  std::array<std::uint8_t, 32> out{};
  std::copy(v.begin(), v.end(), out.begin());
  return out;
}

std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "hotline-tls-XXXXXX").string();
    path_ = ::mkdtemp(tmpl.data());
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

X509* load_cert(const std::string& pem) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  X509* cert = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  return cert;
}

TEST(OperatorCertificate, IsEcdsaP256WithSansAndPrivateKeyFile) {
  TempDir dir;
  auto cert_path = dir.path() / "operator.crt";
  auto key_path = dir.path() / "operator.key";
  generate_operator_certificate("Ministry of Example (CERT-EX)", cert_path, key_path);

  struct stat st {};
  ASSERT_EQ(::stat(key_path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);

  std::string pem = read_file(cert_path);
  X509* cert = load_cert(pem);
  ASSERT_NE(cert, nullptr);
  EVP_PKEY* key = X509_get0_pubkey(cert);
  ASSERT_EQ(EVP_PKEY_get_id(key), EVP_PKEY_EC);
  char group[64] = {};
  size_t glen = 0;
  ASSERT_EQ(EVP_PKEY_get_group_name(key, group, sizeof group, &glen), 1);
  EXPECT_STREQ(group, "prime256v1");
  EXPECT_EQ(X509_verify(cert, key), 1) << "self-signed";

  char cn[128] = {};
  X509_NAME_get_text_by_NID(X509_get_subject_name(cert), NID_commonName, cn, sizeof cn);
  EXPECT_STREQ(cn, "Ministry of Example (CERT-EX)");

  EXPECT_EQ(X509_check_host(cert, "localhost", 0, 0, nullptr), 1);
  EXPECT_EQ(X509_check_ip_asc(cert, "127.0.0.1", 0), 1);
  EXPECT_NE(X509_check_host(cert, "example.org", 0, 0, nullptr), 1);

  // Valid for about two years from now.
  int days = 0, secs = 0;
  ASSERT_EQ(ASN1_TIME_diff(&days, &secs, nullptr, X509_get0_notAfter(cert)), 1);
  EXPECT_GE(days, 729);
  EXPECT_LE(days, 731);
  X509_free(cert);

  // The pair loads as a server context.
  EXPECT_TRUE(operator_server_context(cert_path, key_path));
}

TEST(OperatorCertificate, MismatchedKeyIsRefusedWithPaths) {
  TempDir dir;
  generate_operator_certificate("a", dir.path() / "a.crt", dir.path() / "a.key");
  generate_operator_certificate("b", dir.path() / "b.crt", dir.path() / "b.key");
  try {
    operator_server_context(dir.path() / "a.crt", dir.path() / "b.key");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), "tls_certificate_invalid");
    EXPECT_NE(std::string(e.what()).find("b.key"), std::string::npos) << e.what();
  }
  EXPECT_THROW(operator_server_context(dir.path() / "missing.crt", dir.path() / "a.key"), Error);
}

TEST(PeerCertificate, CarriesTheSeedsPublicKey) {
  Ed25519Seed seed = bytes32(kSeedHex);
  EXPECT_EQ(to_hex(ed25519_public_key(seed)), kPublicHex);

  std::string pem = make_peer_certificate_pem(seed, "party-a");
  auto key = certificate_ed25519_key(pem);
  ASSERT_TRUE(key.has_value());
  EXPECT_EQ(to_hex(*key), kPublicHex);

  X509* cert = load_cert(pem);
  ASSERT_NE(cert, nullptr);
  EXPECT_EQ(X509_verify(cert, X509_get0_pubkey(cert)), 1) << "self-signed with the seed";
  X509_free(cert);
}

TEST(PeerCertificate, EcdsaCertificateHasNoEd25519Key) {
  TempDir dir;
  generate_operator_certificate("x", dir.path() / "c.pem", dir.path() / "k.pem");
  std::string pem = read_file(dir.path() / "c.pem");
  EXPECT_FALSE(certificate_ed25519_key(pem).has_value());
  EXPECT_THROW(certificate_ed25519_key("not a certificate"), Error);
  // SHA-256 pin is stable and distinct between certificates.
  EXPECT_EQ(certificate_sha256(pem), certificate_sha256(pem));
}

TEST(PeerKeySet, AllowRevokeReplaceAndRefusals) {
  auto a = bytes32(kPublicHex);
  auto b = a;
  b[0] ^= 1;
  PeerKeySet set;
  EXPECT_FALSE(set.contains(a));
  set.allow(a);
  EXPECT_TRUE(set.contains(a));
  set.replace({b});
  EXPECT_FALSE(set.contains(a));
  EXPECT_TRUE(set.contains(b));
  set.revoke(b);
  EXPECT_FALSE(set.contains(b));

  int heard = 0;
  set.on_refusal([&](const PeerKeySet::Refusal&) { ++heard; });
  for (int i = 0; i < 70; ++i) set.record_refusal({a, "unknown peer key", {}});
  EXPECT_EQ(heard, 70);
  EXPECT_EQ(set.recent_refusals().size(), 64u);
}

TEST(Contexts, ClientConfigRejectsConflictingModes) {
  ClientTlsConfig config;
  config.insecure_skip_verify = true;
  config.server_key = bytes32(kPublicHex);
  EXPECT_THROW(client_context(config), Error);
  config.server_key.reset();
  EXPECT_TRUE(client_context(config));
  auto peer = peer_client_context(bytes32(kSeedHex), "a", bytes32(kPublicHex));
  EXPECT_TRUE(peer);
  Context copy = peer;  // shared ownership
  EXPECT_EQ(copy.native(), peer.native());
}

}  // namespace tls_test
}  // namespace hotline::tls
