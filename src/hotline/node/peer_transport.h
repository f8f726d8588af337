// link::Transport over mutual TLS 1.3: presents our Ed25519 identity, pins
// the peer's, and keeps one HTTP/1.1 keep-alive connection per link.
#pragma once

#include <memory>
#include <string>

#include "hotline/crypto/ed25519.h"
#include "hotline/link/delivery.h"

namespace hotline::net {
class HttpsClient;
}  // namespace hotline::net

namespace hotline::node {

// A mutual-TLS client for the peer at `url`, for requests other than
// envelope delivery (proof requests of the ledger audit).
std::unique_ptr<net::HttpsClient> make_peer_client(const crypto::KeyPair& self,
                                                   const std::string& self_name,
                                                   const crypto::PublicKey& peer_key,
                                                   const std::string& url);

// `url` is the peer's https://HOST:PORT from `hotline peer add`.
std::unique_ptr<link::Transport> make_peer_transport(const crypto::KeyPair& self,
                                                     const std::string& self_name,
                                                     const crypto::PublicKey& peer_key,
                                                     const std::string& url);

}  // namespace hotline::node
