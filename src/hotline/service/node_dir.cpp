#include "hotline/service/node_dir.h"

#include <signal.h>

#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <system_error>

#include <nlohmann/json.hpp>

#include "hotline/common/error.h"
#include "hotline/common/escape.h"
#include "hotline/common/file_mode.h"
#include "hotline/common/time.h"
#include "hotline/crypto/secretbox.h"
#include "hotline/service/indicator_index.h"
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
      secrets_key(dir / "secrets.key"),
      store_conf(dir / "store.conf") {}

namespace {

constexpr const char* kPostgres = "postgresql";

std::string trimmed(const std::string& s) {
  const auto b = s.find_first_not_of(" \t\r");
  if (b == std::string::npos) return "";
  const auto e = s.find_last_not_of(" \t\r");
  return s.substr(b, e - b + 1);
}

[[noreturn]] void bad_conf(const NodePaths& paths, const std::string& why) {
  throw Error(ErrorCategory::invalid_input, "store_conf_invalid",
              paths.store_conf.string() + ": " + why +
                  " (expected the lines \"store = postgresql\" and \"conninfo = ...\" or "
                  "\"conninfo_env = VARIABLE\")");
}

}  // namespace

StoreConfig read_store_config(const NodePaths& paths) {
  StoreConfig config;
  if (!fs::exists(paths.store_conf)) return config;
  std::ifstream in(paths.store_conf);
  if (!in) bad_conf(paths, "cannot be read");
  std::string line;
  std::string store;
  while (std::getline(in, line)) {
    line = trimmed(line);
    if (line.empty() || line[0] == '#') continue;
    const auto eq = line.find('=');
    if (eq == std::string::npos) bad_conf(paths, "a line without '='");
    const std::string key = trimmed(line.substr(0, eq));
    const std::string value = trimmed(line.substr(eq + 1));
    if (key == "store") {
      store = value;
    } else if (key == "conninfo") {
      config.conninfo = value;
    } else if (key == "conninfo_env") {
      config.conninfo_env = value;
    } else {
      bad_conf(paths, "unknown key '" + escape_text(key) + "'");
    }
  }
  if (store == "sqlite") return StoreConfig{};
  if (store != kPostgres) bad_conf(paths, "store is '" + escape_text(store) + "'");
  if (config.conninfo.empty() == config.conninfo_env.empty()) {
    bad_conf(paths, "exactly one of conninfo and conninfo_env must be given");
  }
  config.kind = StoreConfig::Kind::postgres;
  return config;
}

void write_store_config(const NodePaths& paths, const StoreConfig& config) {
  std::error_code ec;
  if (config.kind == StoreConfig::Kind::sqlite) {
    fs::remove(paths.store_conf, ec);
    return;
  }
  if (config.conninfo.find('\n') != std::string::npos ||
      config.conninfo_env.find('\n') != std::string::npos) {
    throw Error(ErrorCategory::invalid_input, "store_conninfo_invalid",
                "a connection string or variable name must be one line");
  }
  std::ostringstream text;
  text << "# Where this node's records live (written by hotline init or hotline store copy).\n"
       << "# Without this file they are in hotline.db beside it.\n"
       << "store = " << kPostgres << "\n";
  if (!config.conninfo.empty()) text << "conninfo = " << config.conninfo << "\n";
  if (!config.conninfo_env.empty()) text << "conninfo_env = " << config.conninfo_env << "\n";
  auto tmp = paths.store_conf;
  tmp += ".tmp";
  fs::remove(tmp, ec);
  {
    std::ofstream out(tmp);
    fs::permissions(tmp, fs::perms::owner_read | fs::perms::owner_write, fs::perm_options::replace,
                    ec);
    out << text.str();
    out.flush();
    if (!out || ec) {
      throw Error(ErrorCategory::internal, "node_dir", "cannot write " + tmp.string());
    }
  }
  fs::rename(tmp, paths.store_conf, ec);
  if (ec) {
    throw Error(ErrorCategory::internal, "node_dir",
                "cannot write " + paths.store_conf.string() + ": " + ec.message());
  }
}

std::string resolve_conninfo(const StoreConfig& config) {
  if (!config.conninfo.empty()) {
    store::require_conninfo_without_password(config.conninfo);
    return config.conninfo;
  }
  const char* value = std::getenv(config.conninfo_env.c_str());
  if (value == nullptr || value[0] == '\0') {
    throw Error(ErrorCategory::invalid_input, "store_conninfo_missing",
                "The environment variable " + escape_text(config.conninfo_env) +
                    " is not set, or empty: it must hold the PostgreSQL connection string of "
                    "this node's records (store.conf names it).");
  }
  return value;
}

std::string describe_store(const NodePaths& paths, const StoreConfig& config) {
  if (config.kind == StoreConfig::Kind::sqlite) return "the SQLite file " + paths.db.string();
  std::string conninfo;
  try {
    conninfo = resolve_conninfo(config);
  } catch (const Error&) {
    return "the PostgreSQL database named by $" + escape_text(config.conninfo_env);
  }
  return "PostgreSQL " + store::describe_postgres(conninfo);
}

std::unique_ptr<store::Store> open_node_store(const NodePaths& paths, const StoreConfig& config,
                                              const StoreOpenOptions& options) {
  std::optional<crypto::SecretKey> key;
  if (options.secret_key) key = crypto::load_or_create_secret_key(paths.secrets_key);
  if (config.kind == StoreConfig::Kind::postgres) {
    store::PostgresOptions opts;
    opts.conninfo = resolve_conninfo(config);
    opts.create = options.create;
    opts.secret_key = key;
    return store::open_postgres(opts);
  }
  store::SqliteOptions opts;
  opts.create = options.create;
  if (options.sync_full) opts.sync = store::SqliteOptions::Sync::full;
  opts.secret_key = key;
  return store::open_sqlite(paths.db, opts);
}

std::string require_store_of(store::Store& st, const NodePaths& paths, const StoreConfig& config,
                             const crypto::PublicKey& self) {
  std::string party;
  std::string stored_key;
  st.snapshot([&](store::Transaction& tx) {
    party = tx.get_setting("party").value_or("");
    stored_key = tx.get_setting("public_key").value_or("");
  });
  if (stored_key == self.encoded()) return party;
  const std::string where = describe_store(paths, config);
  if (stored_key.empty()) {
    throw Error(ErrorCategory::invalid_input, "node_key_mismatch",
                where + " holds no node, not the node in " + paths.dir.string() + " (fingerprint " +
                    self.fingerprint() + "). Check the store the directory names.");
  }
  std::string theirs = "(an unreadable key)";
  try {
    theirs = crypto::PublicKey::decode(stored_key).fingerprint();
  } catch (const std::exception&) {
  }
  // The database and the key file must belong together; a mix-up (say, a
  // restored backup of another node) would sign with the wrong identity.
  throw Error(ErrorCategory::invalid_input, "node_key_mismatch",
              "This database (" + where + ") belongs to node " + escape_text(party) +
                  " (fingerprint " + theirs + "), not to the node in " + paths.dir.string() +
                  " (fingerprint " + self.fingerprint() + ", key " + paths.identity_key.string() +
                  ").");
}

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

namespace {

// A PostgreSQL database that already holds a node is refused, naming it.
void refuse_database_with_node(const NodePaths& paths, const StoreConfig& config,
                               store::Transaction& tx) {
  auto key = tx.get_setting("public_key");
  if (!key) return;
  std::string fingerprint = "(an unreadable key)";
  try {
    fingerprint = crypto::PublicKey::decode(*key).fingerprint();
  } catch (const std::exception&) {
  }
  throw Error(ErrorCategory::conflict, "node_exists",
              describe_store(paths, config) + " already holds the node " +
                  escape_text(tx.get_setting("party").value_or("")) + " (fingerprint " +
                  fingerprint +
                  "); refusing to give it a second identity. Use an empty database, or "
                  "start that node from its own directory.");
}

void make_node_files(const NodePaths& paths, const std::string& party,
                     const crypto::KeyPair& identity) {
  std::error_code ec;
  fs::create_directories(paths.tls_dir, ec);
  if (ec)
    throw Error(ErrorCategory::invalid_input, "node_dir",
                "cannot create " + paths.tls_dir.string() + ": " + ec.message());
  fs::create_directories(paths.run_dir, ec);
  fs::permissions(paths.dir, fs::perms::owner_all, fs::perm_options::replace, ec);
  identity.save(paths.identity_key);
  {
    std::ofstream pub(paths.identity_pub);
    pub << identity.public_key().encoded() << "\n";
  }
  tls::generate_operator_certificate(party, paths.operator_cert, paths.operator_key);
}

}  // namespace

InitResult init_node(const fs::path& dir, const std::string& party, const StoreConfig& config) {
  validate_party_name(party);
  NodePaths paths(dir);
  if (fs::exists(paths.identity_key) || fs::exists(paths.db) || fs::exists(paths.store_conf)) {
    throw Error(ErrorCategory::conflict, "node_exists",
                dir.string() +
                    " already holds a Hotline node; refusing to overwrite its identity. "
                    "Choose another --dir, or move the old one aside first.");
  }
  if (config.kind == StoreConfig::Kind::postgres) {
    // Before any file is made: the database must not hold a node already.
    auto st = open_node_store(paths, config, {.create = true, .secret_key = false});
    st->snapshot([&](store::Transaction& tx) { refuse_database_with_node(paths, config, tx); });
  }
  auto identity = crypto::KeyPair::generate();
  make_node_files(paths, party, identity);
  if (config.kind == StoreConfig::Kind::postgres) write_store_config(paths, config);
  auto store = open_node_store(paths, config, {.create = true});
  if (config.kind == StoreConfig::Kind::sqlite) {
    // Only the node's account may open its database (SQLite gives its -wal
    // and -shm files the same mode).
    std::error_code ec;
    fs::permissions(paths.db, fs::perms::owner_read | fs::perms::owner_write,
                    fs::perm_options::replace, ec);
  }
  store->transact([&](store::Transaction& tx) {
    refuse_database_with_node(paths, config, tx);  // another init got there first
    tx.put_setting("party", party);
    tx.put_setting("public_key", identity.public_key().encoded());
    tx.put_setting("created_at", format_timestamp(now_ms()));
  });
  return {paths, identity.public_key()};
}

namespace {

// A key rotation or revocation (key_service.h) stages the new key as
// D/identity.key.next, stores it, then renames it into place. After a crash
// in between, the store says which key is the node's: the staged one is
// moved into place, or dropped.
void finish_key_change(const NodePaths& paths, store::Store& st, crypto::KeyPair& identity) {
  const fs::path next = paths.identity_key.string() + ".next";
  if (!fs::exists(next)) return;
  auto staged = crypto::KeyPair::load(next);
  auto stored = st.snapshot([](store::Transaction& tx) { return tx.get_setting("public_key"); });
  std::error_code ec;
  if (stored && *stored == staged.public_key().encoded() &&
      *stored != identity.public_key().encoded()) {
    fs::rename(next, paths.identity_key);
    std::ofstream pub(paths.identity_pub, std::ios::trunc);
    pub << staged.public_key().encoded() << "\n";
    identity = std::move(staged);
  } else {
    fs::remove(next, ec);
  }
}

}  // namespace

Node open_node(const fs::path& dir, bool sync_full) {
  NodePaths paths(dir);
  const StoreConfig config =
      fs::exists(paths.identity_key) ? read_store_config(paths) : StoreConfig{};
  const bool sqlite = config.kind == StoreConfig::Kind::sqlite;
  if (!fs::exists(paths.identity_key) || (sqlite && !fs::exists(paths.db))) {
    throw Error(ErrorCategory::not_found, "node_missing",
                dir.string() + " holds no Hotline node. Create one with: hotline init --dir " +
                    dir.string() + " --party NAME");
  }
  // The folder and the database (or the file naming it) hold the node's
  // secrets: refuse to run when other local users may read or change them.
  require_owner_only(paths.dir);
  require_owner_only(sqlite ? paths.db : paths.store_conf);
  auto identity = crypto::KeyPair::load(paths.identity_key);
  // Secrets in the database are sealed under D/secrets.key (those an older
  // version left in clear are sealed now).
  auto st = open_node_store(paths, config, {.sync_full = sync_full});
  finish_key_change(paths, *st, identity);
  std::string party = require_store_of(*st, paths, config, identity.public_key());
  // A store from before the review's facts rows gets them, once.
  fill_review_facts(*st);
  // And one from before the index of the cases' indicators, theirs.
  fill_case_indicators(*st);
  return Node{paths, party, std::move(identity), std::move(st)};
}

namespace {

// The pid a status file names, when that process is alive.
std::optional<long> live_pid_in(const fs::path& status) {
  std::ifstream in(status);
  if (!in) return std::nullopt;
  long pid = 0;
  try {
    pid = nlohmann::json::parse(in).value("pid", 0L);
  } catch (const std::exception&) {
    return std::nullopt;  // being written, or not ours
  }
  if (pid <= 0) return std::nullopt;
  // Signal 0 checks that the process exists (EPERM: it does, as another user).
  if (::kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM) return pid;
  return std::nullopt;
}

}  // namespace

std::optional<long> serving_pid(const NodePaths& paths) {
  if (auto pid = live_pid_in(paths.serve_status)) return pid;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(paths.run_dir, ec)) {
    const auto name = entry.path().filename().string();
    if (!name.starts_with("serve-") || !name.ends_with(".json")) continue;
    if (auto pid = live_pid_in(entry.path())) return pid;
  }
  return std::nullopt;
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
