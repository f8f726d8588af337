// TLS contexts for Hotline's two listeners and its peer links (OpenSSL 3).
//
// A node listens twice:
//  - for its operators (browser and CLI), with the ECDSA certificate from
//    certificate.h;
//  - for its peers: mutual TLS 1.3 where each side presents a self-signed
//    certificate made from its Ed25519 identity, and each side pins the
//    other's raw 32-byte Ed25519 public key. No CA is involved: a peer is who
//    its key says it is, exactly as in the signed envelopes.
//
// Free of Boost: contexts are plain OpenSSL SSL_CTX handles in a small owning
// wrapper. The api part hands them to Boost.Asio (asio::ssl::context accepts
// a native handle), so nothing here costs a Beast compile.
#pragma once

#include <openssl/types.h>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

#include "hotline/tls/certificate.h"

namespace hotline::tls {

// ---------------------------------------------------------------------------
// Peer keys a node accepts on its peer listener.

// Thread-safe and updatable while the listener runs: peers are added and
// removed by an admin at runtime, and the check happens in each handshake.
// Refusals are remembered (the last 64) and reported to an optional listener
// so the operator can see "unknown peer key X" rather than a bare TLS error.
class PeerKeySet {
 public:
  struct Refusal {
    std::optional<Ed25519PublicKey> key;  // nullopt: the certificate held no Ed25519 key
    std::string reason;                   // for a duty officer, names the key in base64url
    std::chrono::system_clock::time_point at;
  };

  void allow(const Ed25519PublicKey& key);
  void revoke(const Ed25519PublicKey& key);
  void replace(const std::vector<Ed25519PublicKey>& keys);
  bool contains(const Ed25519PublicKey& key) const;
  // The keys in base64url, comma-separated (for messages).
  std::string describe() const;

  std::vector<Refusal> recent_refusals() const;

  // Called (from a handshake thread) for every refused peer certificate.
  // Keep it short: it runs inside the TLS handshake.
  void on_refusal(std::function<void(const Refusal&)> listener);

  // Used by the verification callback.
  void record_refusal(Refusal refusal);

 private:
  mutable std::shared_mutex mu_;
  std::set<Ed25519PublicKey> keys_;
  std::vector<Refusal> refusals_;
  std::function<void(const Refusal&)> listener_;
};

// ---------------------------------------------------------------------------
// Contexts

// Shared owner of an SSL_CTX (copies share it, via SSL_CTX_up_ref). Any
// policy state a context needs (the allowed key set, the expected key) is
// attached to the SSL_CTX itself as ex_data, so it lives exactly as long as
// the SSL_CTX and the SSL objects made from it. Note: SSL_CTX app_data is
// left alone on purpose; Boost.Asio's ssl::context owns that slot.
class Context {
 public:
  Context() = default;
  explicit Context(SSL_CTX* adopted);  // takes over one reference
  Context(const Context& other);
  Context& operator=(const Context& other);
  Context(Context&& other) noexcept;
  Context& operator=(Context&& other) noexcept;
  ~Context();

  SSL_CTX* native() const { return ctx_; }
  explicit operator bool() const { return ctx_ != nullptr; }

  // For clients: whether the server's name must match its certificate
  // (only in the system-trust mode; pinned modes ignore names).
  bool verify_hostname() const { return verify_hostname_; }
  void set_verify_hostname(bool v) { verify_hostname_ = v; }

 private:
  SSL_CTX* ctx_ = nullptr;
  bool verify_hostname_ = false;
};

// Operators' listener: TLS 1.3 minimum, certificate and key from PEM files.
// Throws Error "tls_certificate_invalid" with the path when they do not load
// or do not match.
Context operator_server_context(const std::filesystem::path& cert_pem_path,
                                const std::filesystem::path& key_pem_path);

// Peers' listener: TLS 1.3 only, presents our Ed25519 certificate, requires a
// client certificate whose depth-0 key is Ed25519 and in `allowed`.
// Session tickets and the session cache are off, so every connection is
// checked against the current set (a revoked peer cannot resume).
Context peer_server_context(const Ed25519Seed& our_seed, std::string_view our_name,
                            std::shared_ptr<PeerKeySet> allowed);

// How a client authenticates the server (and itself).
struct ClientTlsConfig {
  // Peer links: the server's Ed25519 key must equal this.
  std::optional<Ed25519PublicKey> server_key;
  // Peer links after a key rotation: the server's key must be in this set
  // (updated while connections are made).
  std::shared_ptr<PeerKeySet> server_keys;
  // Operator listener with a self-signed certificate: pin the certificate's
  // SHA-256 (see certificate_sha256).
  std::optional<Sha256> server_cert_sha256;
  // Tests against 127.0.0.1 only: accept any server certificate.
  bool insecure_skip_verify = false;
  // Mutual TLS: present a certificate made from this Ed25519 seed.
  std::optional<Ed25519Seed> client_seed;
  std::string client_name = "hotline";
  // None of the above: the system trust store plus host name verification.
};

// TLS 1.3 minimum. Throws Error "tls_config_invalid" when more than one of
// server_key / server_cert_sha256 / insecure_skip_verify is set.
Context client_context(const ClientTlsConfig& config);

// Shorthand for peer links: present our identity, pin the peer's.
Context peer_client_context(const Ed25519Seed& our_seed, std::string_view our_name,
                            const Ed25519PublicKey& expected_server_key);

// The same, pinning whichever keys `server_keys` holds at each handshake
// (the peer's keys whose time is not over, node/links.h).
Context peer_client_context(const Ed25519Seed& our_seed, std::string_view our_name,
                            std::shared_ptr<PeerKeySet> server_keys);

// ---------------------------------------------------------------------------
// Connections

// Per-connection client setup before the handshake: SNI (for names, not IP
// literals) and, when the context wants it, host name verification.
void prepare_client_connection(const Context& ctx, SSL* ssl, const std::string& host);

// The Ed25519 key of the verified peer on an established connection; nullopt
// if the peer presented no certificate or one with another kind of key. On the
// peer listener this is how the server learns WHICH peer connected.
std::optional<Ed25519PublicKey> peer_ed25519_key(const SSL* ssl);

// Why our certificate check refused the other side on this connection
// ("unknown peer key X", "server key X, expected Y"); empty if it did not.
std::string verify_failure(const SSL* ssl);

// The latest OpenSSL error queue entries as text (and clears the queue).
std::string openssl_errors();

}  // namespace hotline::tls
