// hotline backup, hotline backup key, hotline backup show, hotline restore
// (service/node_backup.h).
#include <cstdio>
#include <memory>
#include <string>

#include "commands.h"
#include "hotline/common/escape.h"
#include "hotline/crypto/backup_stream.h"
#include "hotline/service/node_backup.h"
#include "hotline/service/store_copy.h"

namespace hotline::cli {
namespace {

void print_header(const service::BackupHeader& h) {
  std::printf(
      "  node        %s\n  key         %s\n  taken at    %s\n  records in  %s\n"
      "  log         size %lld, root %s\n  backup key  %s\n",
      escape_text(h.party).c_str(), escape_text(h.public_key).c_str(),
      escape_text(h.created_at).c_str(), escape_text(h.store).c_str(),
      static_cast<long long>(h.log_size), escape_text(h.log_root).c_str(),
      escape_text(h.key_id).c_str());
}

void add_key(CLI::App& backup) {
  auto* cmd = backup.add_subcommand(
      "key",
      "Make a new backup key file (32 random bytes, mode 0600). Keep it OFF the node's machine "
      "(the office's safe, a second medium): whoever holds it and a backup file holds the node. "
      "An existing file is never overwritten.");
  auto out = std::make_shared<std::string>();
  cmd->add_option("--out", *out, "The new key file")->required();
  cmd->callback([out] {
    auto key = crypto::create_backup_key_file(*out);
    std::printf("Wrote the backup key %s to %s (mode 0600).\n", crypto::backup_key_id(key).c_str(),
                out->c_str());
  });
}

void add_show(CLI::App& backup) {
  auto* cmd = backup.add_subcommand(
      "show", "Print a backup file's plain header (which node, when, which key): no key needed.");
  auto from = std::make_shared<std::string>();
  cmd->add_option("--from", *from, "The backup file")->required();
  cmd->callback([from] {
    std::printf("%s\n", from->c_str());
    print_header(service::read_backup_header(*from));
  });
}

}  // namespace

void add_backup_commands(CLI::App& app) {
  auto* backup = app.add_subcommand(
      "backup",
      "Back up a node, while it runs: one consistent snapshot of its records (SQLite's online "
      "backup; a PostgreSQL store is read in one REPEATABLE READ snapshot) and the files of its "
      "directory (identity, secrets key, TLS certificate, attachments), in one file encrypted "
      "with the backup key (hotline backup key). docs/operations.md, \"Backups\".");
  auto dir = std::make_shared<std::string>();
  auto to = std::make_shared<std::string>();
  auto key_file = std::make_shared<std::string>();
  backup->add_option("--dir", *dir, "The node's data directory");
  backup->add_option("--to", *to, "The backup file to write (a new file, outside --dir)");
  backup->add_option("--key-file", *key_file,
                     "The backup key file (made by hotline backup key; never inside --dir)");
  add_key(*backup);
  add_show(*backup);
  backup->require_subcommand(0, 1);
  backup->callback([backup, dir, to, key_file] {
    if (!backup->get_subcommands().empty()) return;
    if (dir->empty() || to->empty() || key_file->empty()) {
      throw CLI::ValidationError("backup", "give --dir D --to FILE --key-file K");
    }
    const auto key = crypto::load_backup_key_file(*key_file);
    auto result = service::backup_node(*dir, *to, key);
    std::printf("Backed up %s to %s (%lld files, %lld bytes):\n", dir->c_str(), to->c_str(),
                static_cast<long long>(result.files), static_cast<long long>(result.bytes));
    print_header(result.header);
  });

  auto* restore = app.add_subcommand(
      "restore",
      "Make a node directory from a backup file, in a NEW (absent or empty) directory only. The "
      "restored records are checked (the node's identity, hotline ledger verify) before the "
      "directory appears. When it starts, each link first takes back from its peer what the "
      "node sent after the backup, and the peer sends again what it had sent since. "
      "docs/operations.md, \"Restoring a node\".");
  auto from = std::make_shared<std::string>();
  auto into = std::make_shared<std::string>();
  auto rkey = std::make_shared<std::string>();
  auto expect = std::make_shared<std::string>();
  auto pg = std::make_shared<std::string>();
  restore->add_option("--from", *from, "The backup file")->required();
  restore->add_option("--key-file", *rkey, "The backup key file")->required();
  restore->add_option("--dir", *into, "The new node directory (absent or empty)")->required();
  restore->add_option("--node-key", *expect,
                      "Refuse the backup unless it is of the node with this public key "
                      "(base64url, as hotline key show prints)");
  restore->add_option("--store", *pg,
                      "Then move the restored records into this empty PostgreSQL database (a "
                      "libpq connection string without a password), as hotline store copy");
  restore->callback([from, into, rkey, expect, pg] {
    const auto key = crypto::load_backup_key_file(*rkey);
    service::RestoreOptions options;
    if (!expect->empty()) options.expect_public_key = *expect;
    auto result = service::restore_node(*from, key, *into, options);
    std::printf("Restored %s into %s (%lld files); its ledger verifies.\n", from->c_str(),
                into->c_str(), static_cast<long long>(result.files));
    print_header(result.header);
    if (!pg->empty()) {
      service::StoreConfig target;
      target.kind = service::StoreConfig::Kind::postgres;
      target.conninfo = *pg;
      auto copied = service::copy_node_store(*into, target);
      std::printf("Its records are now in %s.\n", copied.target.c_str());
    }
    std::printf(
        "\n%lld link(s) will first take back from their peer what this node sent after the "
        "backup.\nStop the old node for good if it still runs, then start this one in its place "
        "(the same peer address):\n  hotline serve --dir %s ...\n",
        static_cast<long long>(result.links), into->c_str());
  });
}

}  // namespace hotline::cli
