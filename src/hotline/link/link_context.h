// What the link code needs to know about one link: our identity, the peer's
// pinned key, and the link id both sides compute from the two keys.
#pragma once

#include <string>

#include "hotline/crypto/ed25519.h"
#include "hotline/link/envelope.h"

namespace hotline::link {

struct LinkContext {
  LinkContext(const crypto::KeyPair& self_key, crypto::PublicKey peer_key, std::string name)
      : self(&self_key),
        peer(peer_key),
        peer_name(std::move(name)),
        link(link_id(self_key.public_key(), peer_key)) {}

  const crypto::KeyPair* self;  // owned by the node; outlives every link
  crypto::PublicKey peer;
  std::string peer_name;
  std::string link;
};

}  // namespace hotline::link
