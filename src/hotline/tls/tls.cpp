#include "hotline/tls/certificate.h"
#include "hotline/tls/context.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <system_error>
#include <utility>

#include "hotline/common/encoding.h"
#include "hotline/common/error.h"
#include "hotline/common/file_mode.h"
#include "hotline/crypto/random.h"

namespace hotline::tls {
namespace {

// --- small RAII helpers -----------------------------------------------------

struct PkeyFree {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
struct X509Free {
  void operator()(X509* p) const { X509_free(p); }
};
struct BioFree {
  void operator()(BIO* p) const { BIO_free(p); }
};
struct ExtFree {
  void operator()(X509_EXTENSION* p) const { X509_EXTENSION_free(p); }
};
struct BnFree {
  void operator()(BIGNUM* p) const { BN_free(p); }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyFree>;
using X509Ptr = std::unique_ptr<X509, X509Free>;
using BioPtr = std::unique_ptr<BIO, BioFree>;

[[noreturn]] void fail(ErrorCategory category, const std::string& code, const std::string& what) {
  std::string detail = openssl_errors();
  throw Error(category, code, detail.empty() ? what : what + " (" + detail + ")");
}

std::string b64(const std::array<std::uint8_t, 32>& bytes) {
  return base64url_encode(bytes);
}

// --- certificate building ---------------------------------------------------

// A CN is at most 64 characters (RFC 5280 ub-common-name); cut at a UTF-8
// character boundary so a long party name still gives a valid certificate.
std::string common_name(std::string_view name) {
  if (name.empty()) return "hotline";
  std::size_t n = std::min<std::size_t>(name.size(), 64);
  while (n > 0 && n < name.size() && (static_cast<unsigned char>(name[n]) & 0xC0) == 0x80) --n;
  return std::string(name.substr(0, n));
}

void add_extension(X509* cert, int nid, const char* value) {
  X509V3_CTX v3;
  X509V3_set_ctx_nodb(&v3);
  X509V3_set_ctx(&v3, cert, cert, nullptr, nullptr, 0);
  std::unique_ptr<X509_EXTENSION, ExtFree> ext(X509V3_EXT_conf_nid(nullptr, &v3, nid, value));
  if (!ext || X509_add_ext(cert, ext.get(), -1) != 1) {
    fail(ErrorCategory::internal, "tls_certificate_failed",
         std::string("cannot add certificate extension ") + value);
  }
}

// Self-signed certificate skeleton: random positive 128-bit serial, the
// validity window, subject = issuer = CN.
X509Ptr new_self_signed(EVP_PKEY* key, std::string_view name, long valid_days) {
  X509Ptr cert(X509_new());
  if (!cert)
    fail(ErrorCategory::internal, "tls_certificate_failed", "cannot allocate a certificate");
  X509_set_version(cert.get(), 2);  // v3

  std::unique_ptr<BIGNUM, BnFree> serial(BN_new());
  if (!serial || BN_rand(serial.get(), 127, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) != 1 ||
      !BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(cert.get()))) {
    fail(ErrorCategory::internal, "tls_certificate_failed",
         "cannot make a certificate serial number");
  }
  // Start an hour back so a peer whose clock is slightly behind accepts it.
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
  X509_time_adj_ex(X509_getm_notAfter(cert.get()), static_cast<int>(valid_days), 0, nullptr);
  if (X509_set_pubkey(cert.get(), key) != 1)
    fail(ErrorCategory::internal, "tls_certificate_failed", "cannot set key");

  std::string cn = common_name(name);
  X509_NAME* subject = X509_get_subject_name(cert.get());
  if (X509_NAME_add_entry_by_txt(subject, "CN", MBSTRING_UTF8,
                                 reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1,
                                 0) != 1 ||
      X509_set_issuer_name(cert.get(), subject) != 1) {
    fail(ErrorCategory::internal, "tls_certificate_failed",
         "cannot set certificate name '" + cn + "'");
  }
  return cert;
}

PkeyPtr ed25519_key_from_seed(const Ed25519Seed& seed) {
  PkeyPtr key(EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr, seed.data(), seed.size()));
  if (!key)
    fail(ErrorCategory::internal, "tls_certificate_failed", "cannot load the Ed25519 identity key");
  return key;
}

struct Identity {
  X509Ptr cert;
  PkeyPtr key;
};

Identity make_peer_identity(const Ed25519Seed& seed, std::string_view name) {
  Identity id;
  id.key = ed25519_key_from_seed(seed);
  // The certificate is only a container for the key: peers pin the key and
  // ignore validity, so ten years just keeps other tools from complaining.
  id.cert = new_self_signed(id.key.get(), name, 3650);
  add_extension(id.cert.get(), NID_basic_constraints, "critical,CA:FALSE");
  add_extension(id.cert.get(), NID_key_usage, "critical,digitalSignature");
  add_extension(id.cert.get(), NID_ext_key_usage, "serverAuth,clientAuth");
  if (X509_sign(id.cert.get(), id.key.get(), nullptr) <= 0) {  // Ed25519: no digest
    fail(ErrorCategory::internal, "tls_certificate_failed", "cannot sign the peer certificate");
  }
  return id;
}

std::optional<Ed25519PublicKey> ed25519_of(EVP_PKEY* key) {
  if (key == nullptr || EVP_PKEY_get_id(key) != EVP_PKEY_ED25519) return std::nullopt;
  Ed25519PublicKey out{};
  std::size_t len = out.size();
  if (EVP_PKEY_get_raw_public_key(key, out.data(), &len) != 1 || len != out.size()) {
    ERR_clear_error();
    return std::nullopt;
  }
  return out;
}

X509Ptr parse_pem(std::string_view pem) {
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  X509Ptr cert(bio ? PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr) : nullptr);
  if (!cert) fail(ErrorCategory::internal, "tls_certificate_invalid", "not a PEM certificate");
  return cert;
}

Sha256 digest_of(X509* cert) {
  Sha256 out{};
  unsigned int len = 0;
  if (X509_digest(cert, EVP_sha256(), out.data(), &len) != 1 || len != out.size()) {
    fail(ErrorCategory::internal, "tls_certificate_invalid", "cannot hash certificate");
  }
  return out;
}

// Writes `data` to `path` through a temporary file created with `mode`
// (so a key is never readable by others, not even for a moment) and renamed
// into place.
void write_file_atomically(const std::filesystem::path& path, const std::string& data,
                           mode_t mode) {
  std::filesystem::path tmp = path;
  tmp += ".tmp";
  ::unlink(tmp.c_str());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0) {
    throw Error(ErrorCategory::internal, "io_error",
                "cannot create " + tmp.string() + ": " + std::strerror(errno));
  }
  bool ok = ::fchmod(fd, mode) == 0;  // the umask may have narrowed it; keep it exact
  std::size_t done = 0;
  while (ok && done < data.size()) {
    ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0)
      ok = false;
    else
      done += static_cast<std::size_t>(n);
  }
  ok = ::fsync(fd) == 0 && ok;
  int saved = errno;
  ::close(fd);
  if (!ok || std::rename(tmp.c_str(), path.c_str()) != 0) {
    if (ok) saved = errno;
    ::unlink(tmp.c_str());
    throw Error(ErrorCategory::internal, "io_error",
                "cannot write " + path.string() + ": " + std::strerror(saved));
  }
}

std::string pem_of_cert(X509* cert) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_X509(bio.get(), cert) != 1)
    fail(ErrorCategory::internal, "tls_certificate_failed", "PEM");
  char* data = nullptr;
  long n = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(n));
}

std::string pem_of_key(EVP_PKEY* key) {
  BioPtr bio(BIO_new(BIO_s_secmem()));
  if (!bio || PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) != 1)
    fail(ErrorCategory::internal, "tls_certificate_failed", "cannot encode the private key");
  char* data = nullptr;
  long n = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(n));
}

// --- verification policy attached to an SSL_CTX ----------------------------

struct Policy {
  enum class Kind { kAllowedPeers, kServerKey, kServerCertSha256, kServerKeys };
  Kind kind;
  std::shared_ptr<PeerKeySet> allowed;  // kAllowedPeers, kServerKeys
  Ed25519PublicKey server_key{};        // kServerKey
  Sha256 cert_sha256{};                 // kServerCertSha256
};

void free_policy(void*, void* ptr, CRYPTO_EX_DATA*, int, long, void*) {
  delete static_cast<Policy*>(ptr);
}
void free_string(void*, void* ptr, CRYPTO_EX_DATA*, int, long, void*) {
  delete static_cast<std::string*>(ptr);
}

int policy_index() {
  static const int index =
      CRYPTO_get_ex_new_index(CRYPTO_EX_INDEX_SSL_CTX, 0, nullptr, nullptr, nullptr, free_policy);
  return index;
}
int failure_index() {
  static const int index =
      CRYPTO_get_ex_new_index(CRYPTO_EX_INDEX_SSL, 0, nullptr, nullptr, nullptr, free_string);
  return index;
}

void set_failure(SSL* ssl, std::string text) {
  auto* old = static_cast<std::string*>(SSL_get_ex_data(ssl, failure_index()));
  delete old;
  SSL_set_ex_data(ssl, failure_index(), new std::string(std::move(text)));
}

// Replaces OpenSSL's chain verification (a pinned self-signed certificate has
// no chain to verify: `preverified` would be false). Called once per
// handshake with the certificate the other side presented; decides on the
// depth-0 certificate alone. Possession of its key is proven by the TLS 1.3
// CertificateVerify message, so the key is all that needs checking.
int verify_pinned(X509_STORE_CTX* store, void*) {
  auto* ssl =
      static_cast<SSL*>(X509_STORE_CTX_get_ex_data(store, SSL_get_ex_data_X509_STORE_CTX_idx()));
  const Policy* policy =
      ssl ? static_cast<const Policy*>(SSL_CTX_get_ex_data(SSL_get_SSL_CTX(ssl), policy_index()))
          : nullptr;
  X509* leaf = X509_STORE_CTX_get0_cert(store);
  if (policy == nullptr || leaf == nullptr) {
    X509_STORE_CTX_set_error(store, X509_V_ERR_UNSPECIFIED);
    return 0;
  }
  auto reject = [&](std::string why) {
    set_failure(ssl, std::move(why));
    X509_STORE_CTX_set_error(store, X509_V_ERR_CERT_REJECTED);
    return 0;
  };

  if (policy->kind == Policy::Kind::kServerCertSha256) {
    Sha256 got{};
    unsigned int len = 0;
    if (X509_digest(leaf, EVP_sha256(), got.data(), &len) != 1) return reject("cannot hash");
    if (got != policy->cert_sha256) {
      return reject("server certificate SHA-256 " + to_hex(got) + " does not match the pinned " +
                    to_hex(policy->cert_sha256));
    }
    return 1;
  }

  std::optional<Ed25519PublicKey> key = ed25519_of(X509_get0_pubkey(leaf));
  if (policy->kind == Policy::Kind::kServerKey) {
    if (!key) return reject("server certificate holds no Ed25519 key");
    if (*key != policy->server_key) {
      return reject("server presented key " + b64(*key) + ", expected " + b64(policy->server_key));
    }
    return 1;
  }

  if (policy->kind == Policy::Kind::kServerKeys) {
    if (!key) return reject("server certificate holds no Ed25519 key");
    if (!policy->allowed || !policy->allowed->contains(*key)) {
      return reject("server presented key " + b64(*key) +
                    ", which is not a key pinned for this peer now (expected " +
                    (policy->allowed ? policy->allowed->describe() : std::string("none")) + ")");
    }
    return 1;
  }

  // kAllowedPeers
  if (key && policy->allowed && policy->allowed->contains(*key)) return 1;
  PeerKeySet::Refusal refusal;
  refusal.key = key;
  refusal.at = std::chrono::system_clock::now();
  refusal.reason =
      key ? "unknown peer key " + b64(*key) : std::string("peer certificate holds no Ed25519 key");
  if (policy->allowed) policy->allowed->record_refusal(refusal);
  return reject(refusal.reason);
}

void attach_policy(SSL_CTX* ctx, Policy policy) {
  auto* p = new Policy(std::move(policy));
  if (SSL_CTX_set_ex_data(ctx, policy_index(), p) != 1) {
    delete p;
    fail(ErrorCategory::internal, "tls_config_invalid", "cannot attach the verification policy");
  }
  SSL_CTX_set_cert_verify_callback(ctx, verify_pinned, nullptr);
}

Context new_context(const SSL_METHOD* method) {
  Context ctx(SSL_CTX_new(method));
  if (!ctx) fail(ErrorCategory::internal, "tls_config_invalid", "cannot create a TLS context");
  if (SSL_CTX_set_min_proto_version(ctx.native(), TLS1_3_VERSION) != 1) {
    fail(ErrorCategory::internal, "tls_config_invalid", "cannot require TLS 1.3");
  }
  return ctx;
}

void use_identity(SSL_CTX* ctx, const Ed25519Seed& seed, std::string_view name) {
  Identity id = make_peer_identity(seed, name);
  if (SSL_CTX_use_certificate(ctx, id.cert.get()) != 1 ||
      SSL_CTX_use_PrivateKey(ctx, id.key.get()) != 1 || SSL_CTX_check_private_key(ctx) != 1) {
    fail(ErrorCategory::internal, "tls_config_invalid",
         "cannot install the Ed25519 peer certificate");
  }
}

}  // namespace

// --- certificates -----------------------------------------------------------

void generate_operator_certificate(std::string_view party_name,
                                   const std::filesystem::path& cert_pem_path,
                                   const std::filesystem::path& key_pem_path) {
  PkeyPtr key(EVP_EC_gen("P-256"));
  if (!key)
    fail(ErrorCategory::internal, "tls_certificate_failed", "cannot generate an ECDSA P-256 key");
  X509Ptr cert = new_self_signed(key.get(), party_name, 730);  // two years
  add_extension(cert.get(), NID_subject_alt_name, "DNS:localhost,IP:127.0.0.1");
  add_extension(cert.get(), NID_basic_constraints, "critical,CA:FALSE");
  add_extension(cert.get(), NID_key_usage, "critical,digitalSignature");
  add_extension(cert.get(), NID_ext_key_usage, "serverAuth");
  add_extension(cert.get(), NID_subject_key_identifier, "hash");
  if (X509_sign(cert.get(), key.get(), EVP_sha256()) <= 0) {
    fail(ErrorCategory::internal, "tls_certificate_failed", "cannot sign the operator certificate");
  }
  // Key first: a certificate without its key is useless, the reverse is not
  // harmful, and a failed run leaves nothing that looks complete.
  std::string key_pem = pem_of_key(key.get());
  write_file_atomically(key_pem_path, key_pem, 0600);
  OPENSSL_cleanse(key_pem.data(), key_pem.size());
  write_file_atomically(cert_pem_path, pem_of_cert(cert.get()), 0644);
}

Ed25519PublicKey ed25519_public_key(const Ed25519Seed& seed) {
  PkeyPtr key = ed25519_key_from_seed(seed);
  auto pub = ed25519_of(key.get());
  if (!pub)
    fail(ErrorCategory::internal, "tls_certificate_failed", "cannot derive the Ed25519 public key");
  return *pub;
}

std::string make_peer_certificate_pem(const Ed25519Seed& seed, std::string_view common_name) {
  Identity id = make_peer_identity(seed, common_name);
  return pem_of_cert(id.cert.get());
}

std::optional<Ed25519PublicKey> certificate_ed25519_key(std::string_view cert_pem) {
  X509Ptr cert = parse_pem(cert_pem);
  return ed25519_of(X509_get0_pubkey(cert.get()));
}

Sha256 certificate_sha256(std::string_view cert_pem) {
  X509Ptr cert = parse_pem(cert_pem);
  return digest_of(cert.get());
}

// --- PeerKeySet -------------------------------------------------------------

void PeerKeySet::allow(const Ed25519PublicKey& key) {
  std::unique_lock lock(mu_);
  keys_.insert(key);
}

void PeerKeySet::revoke(const Ed25519PublicKey& key) {
  std::unique_lock lock(mu_);
  keys_.erase(key);
}

void PeerKeySet::replace(const std::vector<Ed25519PublicKey>& keys) {
  std::set<Ed25519PublicKey> fresh(keys.begin(), keys.end());
  std::unique_lock lock(mu_);
  keys_.swap(fresh);
}

bool PeerKeySet::contains(const Ed25519PublicKey& key) const {
  std::shared_lock lock(mu_);
  return keys_.count(key) != 0;
}

std::string PeerKeySet::describe() const {
  std::shared_lock lock(mu_);
  std::string out;
  for (const auto& k : keys_) out += (out.empty() ? "" : ", ") + b64(k);
  return out.empty() ? std::string("none") : out;
}

std::vector<PeerKeySet::Refusal> PeerKeySet::recent_refusals() const {
  std::shared_lock lock(mu_);
  return refusals_;
}

void PeerKeySet::on_refusal(std::function<void(const Refusal&)> listener) {
  std::unique_lock lock(mu_);
  listener_ = std::move(listener);
}

void PeerKeySet::record_refusal(Refusal refusal) {
  std::function<void(const Refusal&)> listener;
  {
    std::unique_lock lock(mu_);
    refusals_.push_back(refusal);
    constexpr std::size_t kKeep = 64;
    if (refusals_.size() > kKeep) {
      refusals_.erase(refusals_.begin(), refusals_.end() - kKeep);
    }
    listener = listener_;
  }
  if (listener) listener(refusal);  // outside the lock: it may call back in
}

// --- Context ----------------------------------------------------------------

Context::Context(SSL_CTX* adopted) : ctx_(adopted) {}

Context::Context(const Context& other)
    : ctx_(other.ctx_), verify_hostname_(other.verify_hostname_) {
  if (ctx_) SSL_CTX_up_ref(ctx_);
}

Context& Context::operator=(const Context& other) {
  if (this != &other) {
    Context copy(other);
    *this = std::move(copy);
  }
  return *this;
}

Context::Context(Context&& other) noexcept
    : ctx_(std::exchange(other.ctx_, nullptr)), verify_hostname_(other.verify_hostname_) {}

Context& Context::operator=(Context&& other) noexcept {
  if (this != &other) {
    if (ctx_) SSL_CTX_free(ctx_);
    ctx_ = std::exchange(other.ctx_, nullptr);
    verify_hostname_ = other.verify_hostname_;
  }
  return *this;
}

Context::~Context() {
  if (ctx_) SSL_CTX_free(ctx_);
}

Context operator_server_context(const std::filesystem::path& cert_pem_path,
                                const std::filesystem::path& key_pem_path) {
  require_owner_only(key_pem_path);  // a key others may read is no longer secret
  Context ctx = new_context(TLS_server_method());
  if (SSL_CTX_use_certificate_chain_file(ctx.native(), cert_pem_path.c_str()) != 1) {
    fail(ErrorCategory::internal, "tls_certificate_invalid",
         "cannot load the certificate " + cert_pem_path.string());
  }
  if (SSL_CTX_use_PrivateKey_file(ctx.native(), key_pem_path.c_str(), SSL_FILETYPE_PEM) != 1) {
    fail(ErrorCategory::internal, "tls_certificate_invalid",
         "cannot load the private key " + key_pem_path.string());
  }
  if (SSL_CTX_check_private_key(ctx.native()) != 1) {
    fail(ErrorCategory::internal, "tls_certificate_invalid",
         "the key " + key_pem_path.string() + " does not belong to the certificate " +
             cert_pem_path.string());
  }
  return ctx;
}

Context peer_server_context(const Ed25519Seed& our_seed, std::string_view our_name,
                            std::shared_ptr<PeerKeySet> allowed) {
  if (!allowed)
    throw Error(ErrorCategory::internal, "tls_config_invalid",
                "peer listener needs a set of allowed keys");
  Context ctx = new_context(TLS_server_method());
  use_identity(ctx.native(), our_seed, our_name);
  attach_policy(ctx.native(), Policy{Policy::Kind::kAllowedPeers, std::move(allowed), {}, {}});
  SSL_CTX_set_verify(ctx.native(), SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, nullptr);
  // No resumption: every connection must pass the pin check against the
  // current set, so a revoked peer cannot come back on an old ticket.
  SSL_CTX_set_options(ctx.native(), SSL_OP_NO_TICKET);
  SSL_CTX_set_num_tickets(ctx.native(), 0);
  SSL_CTX_set_session_cache_mode(ctx.native(), SSL_SESS_CACHE_OFF);
  return ctx;
}

Context client_context(const ClientTlsConfig& config) {
  int modes = int(config.server_key.has_value()) + int(config.server_keys != nullptr) +
              int(config.server_cert_sha256.has_value()) + int(config.insecure_skip_verify);
  if (modes > 1) {
    throw Error(ErrorCategory::internal, "tls_config_invalid",
                "choose one of: pinned server key, pinned certificate SHA-256, skip verification");
  }
  Context ctx = new_context(TLS_client_method());
  if (config.client_seed) use_identity(ctx.native(), *config.client_seed, config.client_name);

  if (config.server_keys) {
    attach_policy(ctx.native(), Policy{Policy::Kind::kServerKeys, config.server_keys, {}, {}});
    SSL_CTX_set_verify(ctx.native(), SSL_VERIFY_PEER, nullptr);
  } else if (config.server_key) {
    attach_policy(ctx.native(), Policy{Policy::Kind::kServerKey, nullptr, *config.server_key, {}});
    SSL_CTX_set_verify(ctx.native(), SSL_VERIFY_PEER, nullptr);
  } else if (config.server_cert_sha256) {
    attach_policy(ctx.native(),
                  Policy{Policy::Kind::kServerCertSha256, nullptr, {}, *config.server_cert_sha256});
    SSL_CTX_set_verify(ctx.native(), SSL_VERIFY_PEER, nullptr);
  } else if (config.insecure_skip_verify) {
    SSL_CTX_set_verify(ctx.native(), SSL_VERIFY_NONE, nullptr);
  } else {
    if (SSL_CTX_set_default_verify_paths(ctx.native()) != 1) {
      fail(ErrorCategory::internal, "tls_config_invalid", "cannot load the system trust store");
    }
    SSL_CTX_set_verify(ctx.native(), SSL_VERIFY_PEER, nullptr);
    ctx.set_verify_hostname(true);
  }
  return ctx;
}

Context peer_client_context(const Ed25519Seed& our_seed, std::string_view our_name,
                            const Ed25519PublicKey& expected_server_key) {
  ClientTlsConfig config;
  config.server_key = expected_server_key;
  config.client_seed = our_seed;
  crypto::WipeOnExit wipe_seed(*config.client_seed);  // the key is in the context now
  config.client_name = std::string(our_name);
  return client_context(config);
}

Context peer_client_context(const Ed25519Seed& our_seed, std::string_view our_name,
                            std::shared_ptr<PeerKeySet> server_keys) {
  ClientTlsConfig config;
  config.server_keys = std::move(server_keys);
  config.client_seed = our_seed;
  crypto::WipeOnExit wipe_seed(*config.client_seed);  // the key is in the context now
  config.client_name = std::string(our_name);
  return client_context(config);
}

// --- connections ------------------------------------------------------------

void prepare_client_connection(const Context& ctx, SSL* ssl, const std::string& host) {
  in6_addr addr6{};
  in_addr addr4{};
  bool is_ip = ::inet_pton(AF_INET, host.c_str(), &addr4) == 1 ||
               ::inet_pton(AF_INET6, host.c_str(), &addr6) == 1;
  if (!is_ip && SSL_set_tlsext_host_name(ssl, host.c_str()) != 1) {
    fail(ErrorCategory::internal, "tls_config_invalid", "cannot set server name " + host);
  }
  if (ctx.verify_hostname()) {
    X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
    int ok = is_ip ? X509_VERIFY_PARAM_set1_ip_asc(param, host.c_str())
                   : X509_VERIFY_PARAM_set1_host(param, host.c_str(), host.size());
    if (ok != 1)
      fail(ErrorCategory::internal, "tls_config_invalid", "cannot verify server name " + host);
  }
}

std::optional<Ed25519PublicKey> peer_ed25519_key(const SSL* ssl) {
  if (ssl == nullptr) return std::nullopt;
  X509* cert = SSL_get0_peer_certificate(ssl);
  return cert ? ed25519_of(X509_get0_pubkey(cert)) : std::nullopt;
}

std::string verify_failure(const SSL* ssl) {
  if (ssl == nullptr) return {};
  const auto* text = static_cast<const std::string*>(SSL_get_ex_data(ssl, failure_index()));
  return text ? *text : std::string();
}

std::string openssl_errors() {
  std::string out;
  while (unsigned long e = ERR_get_error()) {
    char buf[256];
    ERR_error_string_n(e, buf, sizeof buf);
    if (!out.empty()) out += "; ";
    out += buf;
  }
  return out;
}

}  // namespace hotline::tls
