#include "hotline/service/node_dir.h"

#include <fstream>
#include <system_error>

#include "hotline/common/error.h"
#include "hotline/common/file_mode.h"
#include "hotline/common/time.h"
#include "hotline/crypto/secretbox.h"
#include "hotline/service/item_facts.h"
#include "hotline/store/open.h"
#include "hotline/tls/certificate.h"

namespace hotline::service {
namespace fs = std::filesystem;

NodePaths::NodePaths(fs::path d)
    : dir(std::move(d)),
      identity_key(dir / "identity.key"),
      identity_pub(dir / "identity.pub"),
      db(dir / "hotline.db"),
      tls_dir(dir / "tls"),
      operator_cert(tls_dir / "operator.crt"),
      operator_key(tls_dir / "operator.key"),
      run_dir(dir / "run"),
      serve_status(run_dir / "serve.json"),
      secrets_key(dir / "secrets.key") {}

void validate_party_name(const std::string& p) {
  auto ok_char = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == ' ' ||
           c == '-' || c == '_' || c == '.';
  };
  bool ok = !p.empty() && p.size() <= 64 && ok_char(p[0]) && p[0] != ' ' && p[0] != '-' &&
            p[0] != '_' && p[0] != '.' && p.back() != ' ';
  for (char c : p) ok = ok && ok_char(c);
  if (!ok) {
    throw Error(ErrorCategory::invalid_input, "party_invalid",
                "party name '" + p +
                    "' is not allowed: use 1 to 64 letters, digits, spaces, '-', '_' "
                    "or '.', starting with a letter or digit");
  }
}

InitResult init_node(const fs::path& dir, const std::string& party) {
  validate_party_name(party);
  NodePaths paths(dir);
  if (fs::exists(paths.identity_key) || fs::exists(paths.db)) {
    throw Error(ErrorCategory::conflict, "node_exists",
                dir.string() +
                    " already holds a Hotline node; refusing to overwrite its identity. "
                    "Choose another --dir, or move the old one aside first.");
  }
  std::error_code ec;
  fs::create_directories(paths.tls_dir, ec);
  if (ec)
    throw Error(ErrorCategory::invalid_input, "node_dir",
                "cannot create " + paths.tls_dir.string() + ": " + ec.message());
  fs::create_directories(paths.run_dir, ec);
  fs::permissions(dir, fs::perms::owner_all, fs::perm_options::replace, ec);

  auto identity = crypto::KeyPair::generate();
  identity.save(paths.identity_key);
  {
    std::ofstream pub(paths.identity_pub);
    pub << identity.public_key().encoded() << "\n";
  }
  tls::generate_operator_certificate(party, paths.operator_cert, paths.operator_key);

  store::SqliteOptions db_options;
  db_options.secret_key = crypto::load_or_create_secret_key(paths.secrets_key);
  auto store = store::open_sqlite(paths.db, db_options);
  // Only the node's account may open its database (SQLite gives its -wal
  // and -shm files the same mode).
  fs::permissions(paths.db, fs::perms::owner_read | fs::perms::owner_write,
                  fs::perm_options::replace, ec);
  store->transact([&](store::Transaction& tx) {
    tx.put_setting("party", party);
    tx.put_setting("public_key", identity.public_key().encoded());
    tx.put_setting("created_at", format_timestamp(now_ms()));
  });
  return {paths, identity.public_key()};
}

Node open_node(const fs::path& dir, bool sync_full) {
  NodePaths paths(dir);
  if (!fs::exists(paths.identity_key) || !fs::exists(paths.db)) {
    throw Error(ErrorCategory::not_found, "node_missing",
                dir.string() + " holds no Hotline node. Create one with: hotline init --dir " +
                    dir.string() + " --party NAME");
  }
  // The folder and the database hold the node's secrets: refuse to run when
  // other local users may read or change them.
  require_owner_only(paths.dir);
  require_owner_only(paths.db);
  auto identity = crypto::KeyPair::load(paths.identity_key);
  store::SqliteOptions opts;
  opts.create = false;
  if (sync_full) opts.sync = store::SqliteOptions::Sync::full;
  // Secrets in the database are sealed under this key (those an older
  // version left in clear are sealed now).
  opts.secret_key = crypto::load_or_create_secret_key(paths.secrets_key);
  auto st = store::open_sqlite(paths.db, opts);
  std::string party;
  std::string stored_key;
  {
    auto tx = st->read();
    party = tx->get_setting("party").value_or("");
    stored_key = tx->get_setting("public_key").value_or("");
    tx->commit();
  }
  // The database and the key file must belong together; a mix-up (say, a
  // restored backup of another node) would sign with the wrong identity.
  if (stored_key != identity.public_key().encoded()) {
    throw Error(ErrorCategory::invalid_input, "node_key_mismatch",
                paths.identity_key.string() + " does not belong to the database " +
                    paths.db.string() + " (its public key differs)");
  }
  // A store from before the review's facts rows gets them, once.
  fill_review_facts(*st);
  return Node{paths, party, std::move(identity), std::move(st)};
}

crypto::PublicKey read_public_key(const fs::path& dir) {
  NodePaths paths(dir);
  std::ifstream in(paths.identity_pub);
  std::string text;
  if (!(in >> text)) {
    throw Error(ErrorCategory::not_found, "node_missing",
                dir.string() + " holds no Hotline node. Create one with: hotline init --dir " +
                    dir.string() + " --party NAME");
  }
  return crypto::PublicKey::decode(text);
}

}  // namespace hotline::service
