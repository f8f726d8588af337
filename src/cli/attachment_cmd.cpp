// hotline attachment list|get: files attached to alerts, requests and cases,
// kept encrypted in the node's vault (NODE/attachments).
#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "commands.h"
#include "desk.h"

namespace hotline::cli {
namespace {

std::string mib(std::int64_t bytes) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f MiB", static_cast<double>(bytes) / (1024.0 * 1024.0));
  return buf;
}

}  // namespace

void add_attachment_command(CLI::App& app) {
  auto* att = app.add_subcommand(
      "attachment",
      "Files attached to alerts, requests and cases. They are stored encrypted in the node's "
      "vault; files a peer sent are fetched by the running node, in chunks that resume after a "
      "cut.");
  att->require_subcommand(1);

  struct ListOpts {
    Target target;
    bool json = false;
  };
  auto l = std::make_shared<ListOpts>();
  auto* list = att->add_subcommand("list",
                                   "Every attachment: size, whether it is complete, and "
                                   "which peer it came from or went to (with --dir).");
  add_target_options(list, l->target);
  list->add_flag("--json", l->json, "Print JSON");
  list->callback([l] {
    auto desk = open_desk(l->target, "", Use::read);
    auto all = desk->attachments();
    if (l->json) {
      std::printf("%s\n", all.json.dump(2).c_str());
      return;
    }
    if (all.rows.empty()) {
      std::printf("No attachments yet.\n");
      return;
    }
    for (const auto& a : all.rows) {
      std::string status = a.complete   ? "stored"
                           : a.have > 0 ? "arriving, " + mib(a.have) + " so far"
                                        : "not here";
      std::printf("%s  %10s  %s\n", a.sha256.c_str(), mib(a.size).c_str(), status.c_str());
      for (const auto& t : a.transfers) {
        std::printf("    %s %s: %s%s\n", t.outbound ? "offered to" : "from", t.peer.c_str(),
                    t.state.c_str(), t.error.empty() ? "" : (" (" + t.error + ")").c_str());
      }
    }
  });

  struct GetOpts {
    Target target;
    std::string sha256, out;
  };
  auto g = std::make_shared<GetOpts>();
  auto* get = att->add_subcommand(
      "get", "Decrypt one attachment to a file (its SHA-256 is checked on the way out).");
  add_target_options(get, g->target);
  get->add_option("sha256", g->sha256, "The attachment's SHA-256 (see `attachment list`)")
      ->required();
  get->add_option("--out", g->out, "Where to write it (created with mode 0600)")->required();
  get->callback([g] {
    auto desk = open_desk(g->target, "", Use::read);
    desk->get_attachment(g->sha256, g->out);
    std::printf("Wrote %s (SHA-256 checked).\n", g->out.c_str());
  });
}

}  // namespace hotline::cli
