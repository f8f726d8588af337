// Certificates for Hotline's listeners and peer links (OpenSSL 3).
//
// The operators' listener uses an ECDSA P-256 certificate (browsers refuse
// Ed25519 server certificates); peer links use a self-signed certificate that
// is only a container for the node's Ed25519 identity key, which the other
// side pins. Keys and seeds are raw bytes, so this part does not depend on
// the crypto part's types.
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace hotline::tls {

using Ed25519Seed = std::array<std::uint8_t, 32>;       // RFC 8032 private key
using Ed25519PublicKey = std::array<std::uint8_t, 32>;  // RFC 8032 public key
using Sha256 = std::array<std::uint8_t, 32>;

// Writes a self-signed ECDSA P-256 certificate for the operators' listener:
// CN = party_name, SAN DNS:localhost and IP:127.0.0.1, valid for two years.
// The key file is created with mode 0600 before any secret is written to it.
// Throws Error "tls_certificate_failed" (OpenSSL failure) or "io_error".
void generate_operator_certificate(std::string_view party_name,
                                   const std::filesystem::path& cert_pem_path,
                                   const std::filesystem::path& key_pem_path);

// The Ed25519 public key belonging to a seed (computed by OpenSSL, so this
// part does not depend on the crypto part).
Ed25519PublicKey ed25519_public_key(const Ed25519Seed& seed);

// A self-signed X.509 certificate (PEM) over the identity key made from the
// seed, as presented on peer links. The peer contexts (context.h) make
// theirs in memory at startup; this one is for inspection and tests.
std::string make_peer_certificate_pem(const Ed25519Seed& seed, std::string_view common_name);

// The raw Ed25519 key inside a PEM certificate; nullopt when the certificate
// holds another kind of key. Throws Error "tls_certificate_invalid" on bad PEM.
std::optional<Ed25519PublicKey> certificate_ed25519_key(std::string_view cert_pem);

// SHA-256 of the DER encoding of a PEM certificate: what `openssl x509
// -fingerprint -sha256` prints, and what an operator client pins.
Sha256 certificate_sha256(std::string_view cert_pem);

}  // namespace hotline::tls
