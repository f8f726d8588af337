// What the link code needs to know about one link: our identity, the peer's
// pinned key, the link id, and (after a key rotation) both parties' key
// histories (key_history.h).
#pragma once

#include <memory>
#include <string>

#include "hotline/crypto/ed25519.h"
#include "hotline/link/envelope.h"
#include "hotline/link/key_history.h"

namespace hotline::link {

struct LinkContext {
  // The link id computed from the two keys: for a link made before either
  // side rotated its key, and for tests.
  LinkContext(const crypto::KeyPair& self_key, crypto::PublicKey peer_key, std::string name)
      : self(&self_key),
        peer(peer_key),
        peer_name(std::move(name)),
        link(link_id(self_key.public_key(), peer_key)) {}
  // The link id as stored when the peer was added: it stays the link's name
  // through every key rotation.
  LinkContext(const crypto::KeyPair& self_key, crypto::PublicKey peer_key, std::string name,
              std::string link_id_as_stored)
      : self(&self_key),
        peer(peer_key),
        peer_name(std::move(name)),
        link(std::move(link_id_as_stored)) {}

  const crypto::KeyPair* self;  // owned by the node; outlives every link
  crypto::PublicKey peer;       // the peer's newest key: envelopes are addressed to it
  std::string peer_name;
  std::string link;
  // Null: only `peer` signs for the peer, only self's key is ours. Set: the
  // keys each party may sign with (shared, updated while the link runs).
  std::shared_ptr<KeyRing> peer_keys;
  std::shared_ptr<KeyRing> self_keys;

  // The peer's history now (a single-key one when peer_keys is null).
  std::shared_ptr<const KeyHistory> peer_history() const {
    return peer_keys ? peer_keys->get()
                     : std::make_shared<const KeyHistory>(KeyHistory::single(peer));
  }
  std::shared_ptr<const KeyHistory> self_history() const {
    return self_keys ? self_keys->get()
                     : std::make_shared<const KeyHistory>(KeyHistory::single(self->public_key()));
  }
};

}  // namespace hotline::link
