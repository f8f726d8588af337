// link::Transport over mutual TLS 1.3: presents our Ed25519 identity (or,
// during a key rotation's overlap, the key it replaces), accepts the peer's
// keys in `peer_keys` (its pinned key, or the keys of its history whose time
// is not over), and keeps one HTTP/1.1 keep-alive connection per link.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "hotline/crypto/ed25519.h"
#include "hotline/link/delivery.h"
#include "hotline/service/node_dir.h"
#include "hotline/store/records.h"
#include "hotline/tls/context.h"

namespace hotline::net {
class HttpsClient;
}  // namespace hotline::net

namespace hotline::node {

// The keys of peer `p` its link's TLS accepts now: the keys of its history
// whose time is not over (service::peer_key_ring).
std::vector<tls::Ed25519PublicKey> peer_tls_keys(const service::Node& node,
                                                 const store::PeerRecord& p);

// A mutual-TLS client for the peer at `url`, for requests other than
// envelope delivery (proof requests of the ledger audit).
std::unique_ptr<net::HttpsClient> make_peer_client(const crypto::KeyPair& self,
                                                   const std::string& self_name,
                                                   std::shared_ptr<tls::PeerKeySet> peer_keys,
                                                   const std::string& url);

// `url` is the peer's https://HOST:PORT from `hotline peer add`.
std::unique_ptr<link::Transport> make_peer_transport(const crypto::KeyPair& self,
                                                     const std::string& self_name,
                                                     std::shared_ptr<tls::PeerKeySet> peer_keys,
                                                     const std::string& url);

}  // namespace hotline::node
