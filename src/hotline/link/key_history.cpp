#include "hotline/link/key_history.h"

#include "hotline/common/error.h"
#include "hotline/common/time.h"
#include "hotline/crypto/canonical_json.h"

namespace hotline::link {
namespace {

std::string short_name(const crypto::PublicKey& k) {
  return k.fingerprint();
}

std::string current_text(const KeyHistory& h) {
  return h.empty() ? std::string("(none)") : short_name(h.current());
}

const KeyRecord& known(const KeyHistory& h, std::string_view from, const std::string& who) {
  const KeyRecord* r = h.find(from);
  if (r == nullptr) {
    throw Error(ErrorCategory::invalid_input, "envelope_bad_value",
                "signed with key " + std::string(from) + ", which is not a key of " + who +
                    "; expected " + current_text(h) + " (or an earlier key of its history)");
  }
  return *r;
}

void check_revoked(const KeyHistory& h, const KeyRecord& r, std::string_view sent_at,
                   const std::string& who) {
  if (r.revoked_from && sent_at >= *r.revoked_from) {
    throw Error(ErrorCategory::forbidden, "envelope_key_revoked",
                "signed with key " + short_name(r.key) + " of " + who + ", revoked from " +
                    *r.revoked_from + "; the envelope was sent at " + std::string(sent_at) +
                    "; expected a signature by " + current_text(h));
  }
}

}  // namespace

KeyHistory KeyHistory::single(const crypto::PublicKey& key, std::string since) {
  return KeyHistory({KeyRecord{key, std::move(since), std::nullopt, std::nullopt}});
}

const KeyRecord* KeyHistory::find(const crypto::PublicKey& key) const {
  for (const auto& r : keys_) {
    if (r.key == key) return &r;
  }
  return nullptr;
}

const KeyRecord* KeyHistory::find(std::string_view encoded) const {
  for (const auto& r : keys_) {
    if (r.key.encoded() == encoded) return &r;
  }
  return nullptr;
}

void KeyHistory::add(KeyRecord record) {
  if (find(record.key) != nullptr) {
    throw Error(ErrorCategory::conflict, "key_exists",
                "key " + short_name(record.key) + " is in the key history already");
  }
  keys_.push_back(std::move(record));
}

void KeyHistory::retire_current(const std::string& until) {
  if (!keys_.empty()) keys_.back().until = until;
}

void KeyHistory::revoke(const crypto::PublicKey& key, const std::string& from) {
  for (auto& r : keys_) {
    if (r.key == key) {
      r.revoked_from = from;
      return;
    }
  }
  throw Error(ErrorCategory::not_found, "key_unknown",
              "key " + short_name(key) + " is not in the key history; expected one of " +
                  std::to_string(keys_.size()) + " keys, newest " + current_text(*this));
}

const crypto::PublicKey& KeyHistory::accept_new(std::string_view from, std::string_view sent_at,
                                                std::string_view now,
                                                const std::string& who) const {
  const KeyRecord& r = known(*this, from, who);
  check_revoked(*this, r, sent_at, who);
  if (r.until && now > *r.until) {
    throw Error(ErrorCategory::forbidden, "envelope_key_retired",
                "signed with key " + short_name(r.key) + " of " + who +
                    ", whose overlap ended at " + *r.until + " (now " + std::string(now) +
                    "); expected a signature by " + current_text(*this));
  }
  return r.key;
}

const crypto::PublicKey& KeyHistory::accept_stored(std::string_view from, std::string_view sent_at,
                                                   const std::string& who) const {
  const KeyRecord& r = known(*this, from, who);
  check_revoked(*this, r, sent_at, who);
  return r.key;
}

bool KeyHistory::accepts_tls(const crypto::PublicKey& key, std::string_view) const {
  // A retired key still opens the channel (a node presents its previous key
  // until it restarts after its peers confirmed the new one); what it may
  // sign is decided per envelope. A revoked key does not.
  const KeyRecord* r = find(key);
  return r != nullptr && !r->revoked_from;
}

std::vector<crypto::PublicKey> KeyHistory::tls_keys(std::string_view now) const {
  std::vector<crypto::PublicKey> out;
  for (const auto& r : keys_) {
    if (accepts_tls(r.key, now)) out.push_back(r.key);
  }
  return out;
}

nlohmann::json KeyHistory::to_json() const {
  auto arr = nlohmann::json::array();
  for (const auto& r : keys_) {
    nlohmann::json j = {{"key", r.key.encoded()}, {"since", r.since}};
    j["until"] = r.until ? nlohmann::json(*r.until) : nlohmann::json(nullptr);
    j["revoked_from"] = r.revoked_from ? nlohmann::json(*r.revoked_from) : nlohmann::json(nullptr);
    arr.push_back(std::move(j));
  }
  return arr;
}

KeyHistory KeyHistory::from_json(const nlohmann::json& j) {
  try {
    if (!j.is_array() || j.empty()) throw std::runtime_error("not a non-empty array");
    KeyHistory h;
    auto opt = [](const nlohmann::json& r, const char* name) -> std::optional<std::string> {
      if (!r.contains(name) || r[name].is_null()) return std::nullopt;
      return r[name].get<std::string>();
    };
    for (const auto& r : j) {
      h.add(KeyRecord{crypto::PublicKey::decode(r.at("key").get<std::string>()),
                      r.at("since").get<std::string>(), opt(r, "until"), opt(r, "revoked_from")});
    }
    return h;
  } catch (const std::exception& e) {
    throw Error(ErrorCategory::internal, "key_history_invalid",
                std::string("a stored key history does not parse: expected an array of "
                            "{key, since, until, revoked_from}, found: ") +
                    e.what());
  }
}

// ---------------------------------------------------------------------------

std::string rotation_proof_text(std::string_view link, std::string_view old_key,
                                std::string_view new_key, std::string_view overlap_until) {
  return crypto::canonicalize({{"link", link},
                               {"new_key", new_key},
                               {"old_key", old_key},
                               {"overlap_until", overlap_until},
                               {"type", "key.rotate.proof"},
                               {"v", 1}});
}

nlohmann::json rotation_body(std::string_view link, const crypto::PublicKey& old_key,
                             const crypto::KeyPair& new_key, const std::string& overlap_until) {
  const std::string n = new_key.public_key().encoded();
  auto sig = new_key.sign(rotation_proof_text(link, old_key.encoded(), n, overlap_until));
  return {
      {"new_key", n}, {"overlap_until", overlap_until}, {"proof", crypto::encode_signature(sig)}};
}

Rotation check_rotation(const Envelope& e, const KeyHistory& history) {
  auto bad = [&](const std::string& why) {
    return Error(ErrorCategory::invalid_input, "key_rotation_invalid",
                 "key.rotate envelope " + e.id + ": " + why);
  };
  const auto& b = e.body;
  if (!b.is_object() || b.size() != 3 || !b.contains("new_key") || !b.contains("overlap_until") ||
      !b.contains("proof") || !b["new_key"].is_string() || !b["overlap_until"].is_string() ||
      !b["proof"].is_string()) {
    throw bad("expected a body {new_key, overlap_until, proof} of strings, found " +
              b.dump().substr(0, 200));
  }
  Rotation r;
  try {
    r.old_key = crypto::PublicKey::decode(e.from);
    r.new_key = crypto::PublicKey::decode(b["new_key"].get<std::string>());
    r.overlap_until = b["overlap_until"].get<std::string>();
    parse_timestamp(r.overlap_until);
  } catch (const Error& err) {
    throw bad(err.what());
  }
  if (r.overlap_until < e.sent_at) {
    throw bad("the overlap ends at " + r.overlap_until + ", before the envelope was sent (" +
              e.sent_at + ")");
  }
  if (history.find(r.new_key) != nullptr) {
    throw bad("the new key " + r.new_key.fingerprint() + " is already in the key history");
  }
  crypto::Signature sig{};
  try {
    sig = crypto::decode_signature(b["proof"].get<std::string>());
  } catch (const Error& err) {
    throw bad(err.what());
  }
  std::string text =
      rotation_proof_text(e.link, e.from, b["new_key"].get<std::string>(), r.overlap_until);
  if (!crypto::verify(r.new_key, text, sig)) {
    throw bad("the proof is not a signature by the new key " + r.new_key.fingerprint() +
              " over the announcement");
  }
  return r;
}

KeyHistory apply_rotation(const KeyHistory& history, const Rotation& r, const std::string& since) {
  std::vector<KeyRecord> keys = history.keys();
  for (auto& k : keys) {
    if (k.key == r.old_key && (!k.until || *k.until > r.overlap_until)) k.until = r.overlap_until;
  }
  KeyHistory next(std::move(keys));
  next.add(KeyRecord{r.new_key, since, std::nullopt, std::nullopt});
  return next;
}

}  // namespace hotline::link
