// The operators' listener's certificate renewed without a restart
// (docs/operations.md, "Renewing the operators' certificate"): a new pair
// written over D/tls/operator.crt and .key is picked up (when the files
// change, or at once on SIGHUP); a connection made before the renewal
// finishes its requests with the certificate it began with, and new
// connections get the renewed certificate, as a real TLS client sees by
// its serial number.
#include <netinet/in.h>
#include <openssl/bio.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <sys/socket.h>
#include <unistd.h>

#include <csignal>
#include <fstream>
#include <sstream>

#include "hotline/common/encoding.h"
#include "hotline/tls/certificate.h"
#include "link_harness.h"

namespace hotline::it {
namespace cert_reload_test {

std::string serial_of(X509* cert) {
  const ASN1_INTEGER* serial = X509_get0_serialNumber(cert);
  BIGNUM* bn = ASN1_INTEGER_to_BN(serial, nullptr);
  char* hex = BN_bn2hex(bn);
  std::string out(hex);
  OPENSSL_free(hex);
  BN_free(bn);
  return out;
}

std::string serial_of_file(const fs::path& pem) {
  std::ifstream in(pem);
  std::stringstream s;
  s << in.rdbuf();
  std::string text = s.str();
  BIO* bio = BIO_new_mem_buf(text.data(), static_cast<int>(text.size()));
  X509* cert = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  if (cert == nullptr) return "";
  std::string out = serial_of(cert);
  X509_free(cert);
  return out;
}

// One TLS connection to 127.0.0.1:port, kept open: the serial of the
// certificate it was served, and HTTP/1.1 keep-alive requests over it.
class TlsConnection {
 public:
  explicit TlsConnection(std::uint16_t port) {
    ctx_ = SSL_CTX_new(TLS_client_method());
    SSL_CTX_set_verify(ctx_, SSL_VERIFY_NONE, nullptr);  // loopback: the serial is what we check
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0)
      throw std::runtime_error("connect failed");
    ssl_ = SSL_new(ctx_);
    SSL_set_fd(ssl_, fd_);
    if (SSL_connect(ssl_) != 1) throw std::runtime_error("TLS handshake failed");
    X509* cert = SSL_get1_peer_certificate(ssl_);
    serial_ = cert ? serial_of(cert) : "";
    X509_free(cert);
  }
  ~TlsConnection() {
    SSL_free(ssl_);
    ::close(fd_);
    SSL_CTX_free(ctx_);
  }
  TlsConnection(const TlsConnection&) = delete;
  TlsConnection& operator=(const TlsConnection&) = delete;

  const std::string& serial() const { return serial_; }

  // GET /health; the status line of the answer ("" when the connection is
  // gone).
  std::string health() {
    const std::string req = "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
    if (SSL_write(ssl_, req.data(), static_cast<int>(req.size())) <= 0) return "";
    std::string got;
    char buf[4096];
    while (got.find("\r\n\r\n") == std::string::npos || got.find("\"ok\"") == std::string::npos) {
      int n = SSL_read(ssl_, buf, sizeof buf);
      if (n <= 0) break;
      got.append(buf, static_cast<std::size_t>(n));
    }
    return got.substr(0, got.find("\r\n"));
  }

 private:
  SSL_CTX* ctx_ = nullptr;
  SSL* ssl_ = nullptr;
  int fd_ = -1;
  std::string serial_;
};

class CertReload : public TwoNodes {
 protected:
  // A new self-signed pair written beside the node's, then renamed over
  // it (the key first), as a renewal script would. Returns its serial.
  std::string renew(Side s, const std::string& tag) {
    const fs::path tls_dir = dir(s) / "tls";
    const fs::path crt = tls_dir / ("new-" + tag + ".crt");
    const fs::path key = tls_dir / ("new-" + tag + ".key");
    tls::generate_operator_certificate(node(s).name, crt, key);
    std::string serial = serial_of_file(crt);
    fs::rename(key, tls_dir / "operator.key");
    fs::rename(crt, tls_dir / "operator.crt");
    return serial;
  }
};

TEST_F(CertReload, RenewedCertificateServesNewConnectionsWithoutARestart) {
  ASSERT_NO_FATAL_FAILURE(start_linked());
  const std::uint16_t port = node(kAlpha).op_port;
  const std::string first = serial_of_file(dir(kAlpha) / "tls" / "operator.crt");
  ASSERT_FALSE(first.empty());

  TlsConnection before(port);
  EXPECT_EQ(before.serial(), first);
  EXPECT_EQ(before.health(), "HTTP/1.1 200 OK");

  // 1. The files change: picked up within the poll interval.
  const std::string second = renew(kAlpha, "a");
  ASSERT_NE(second, first);
  std::string seen;
  EXPECT_TRUE(testing::eventually(
      [&] {
        seen = TlsConnection(port).serial();
        return seen == second;
      },
      15s))
      << "new connections still get serial " << seen << ", expected " << second;
  // The connection made before the renewal still answers.
  EXPECT_EQ(before.health(), "HTTP/1.1 200 OK");

  // 2. SIGHUP loads it at once.
  const std::string third = renew(kAlpha, "b");
  node(kAlpha).proc->signal(SIGHUP);
  EXPECT_TRUE(testing::eventually(
      [&] {
        seen = TlsConnection(port).serial();
        return seen == third;
      },
      15s))
      << "after SIGHUP new connections get serial " << seen << ", expected " << third;

  // 3. A key that does not match the certificate: the one in use stays.
  {
    const fs::path tls_dir = dir(kAlpha) / "tls";
    tls::generate_operator_certificate("other", tls_dir / "x.crt", tls_dir / "x.key");
    fs::rename(tls_dir / "x.key", tls_dir / "operator.key");
  }
  node(kAlpha).proc->signal(SIGHUP);
  std::this_thread::sleep_for(500ms);
  EXPECT_EQ(TlsConnection(port).serial(), third);
  EXPECT_EQ(before.health(), "HTTP/1.1 200 OK");

  // The node kept running through all of it, and its link too.
  enqueue(dir(kAlpha), "bravo", 3, 0);
  EXPECT_TRUE(wait_delivered(dir(kAlpha), "bravo", 3, 30s));
  ASSERT_NO_FATAL_FAILURE(stop(kAlpha));
  ASSERT_NO_FATAL_FAILURE(stop(kBravo));
  EXPECT_NE(log(kAlpha).find("event=certificate_reload_failed"), std::string::npos);
}

}  // namespace cert_reload_test
}  // namespace hotline::it
