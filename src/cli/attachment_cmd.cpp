// hotline attachment list|get: files attached to alerts, requests and cases,
// kept encrypted in the node's vault (NODE/attachments).
#include <cstdio>
#include <string>

#include <nlohmann/json.hpp>

#include "commands.h"
#include "hotline/common/error.h"
#include "hotline/service/attachment_service.h"
#include "hotline/service/link_service.h"

namespace hotline::cli {
namespace {

std::string mib(std::int64_t bytes) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f MiB", static_cast<double>(bytes) / (1024.0 * 1024.0));
  return buf;
}

std::string peer_name(const std::vector<service::PeerView>& peers, const std::string& link) {
  for (const auto& p : peers) {
    if (p.peer.link == link) return p.peer.name;
  }
  return link.substr(0, 8);
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
    std::string dir;
    bool json = false;
  };
  auto l = std::make_shared<ListOpts>();
  auto* list = att->add_subcommand("list",
                                   "Every attachment: size, whether it is complete, and "
                                   "which peer it came from or went to.");
  list->add_option("--dir", l->dir, "The node's data directory")->required();
  list->add_flag("--json", l->json, "Print JSON");
  list->callback([l] {
    auto node = service::open_node(l->dir);
    auto all = service::list_attachments(node);
    auto peers = service::list_peers(*node.store);
    if (l->json) {
      auto arr = nlohmann::json::array();
      for (const auto& a : all) {
        auto transfers = nlohmann::json::array();
        for (const auto& t : a.transfers) {
          transfers.push_back({{"peer", peer_name(peers, t.link)},
                               {"direction", std::string(store::to_string(t.direction))},
                               {"state", t.state},
                               {"error", t.error},
                               {"updated_at", t.updated_at}});
        }
        arr.push_back({{"sha256", a.sha256},
                       {"size", a.size},
                       {"complete", a.complete},
                       {"have", a.have},
                       {"transfers", transfers}});
      }
      std::printf("%s\n", arr.dump(2).c_str());
      return;
    }
    if (all.empty()) {
      std::printf("No attachments yet.\n");
      return;
    }
    for (const auto& a : all) {
      std::string status = a.complete   ? "stored"
                           : a.have > 0 ? "arriving, " + mib(a.have) + " so far"
                                        : "not here";
      std::printf("%s  %10s  %s\n", a.sha256.c_str(), mib(a.size).c_str(), status.c_str());
      for (const auto& t : a.transfers) {
        const bool out = t.direction == store::Direction::outbound;
        std::printf("    %s %s: %s%s\n", out ? "offered to" : "from",
                    peer_name(peers, t.link).c_str(), t.state.c_str(),
                    t.error.empty() ? "" : (" (" + t.error + ")").c_str());
      }
    }
  });

  struct GetOpts {
    std::string dir, sha256, out;
  };
  auto g = std::make_shared<GetOpts>();
  auto* get = att->add_subcommand(
      "get", "Decrypt one attachment to a file (its SHA-256 is checked on the way out).");
  get->add_option("--dir", g->dir, "The node's data directory")->required();
  get->add_option("sha256", g->sha256, "The attachment's SHA-256 (see `attachment list`)")
      ->required();
  get->add_option("--out", g->out, "Where to write it (created with mode 0600)")->required();
  get->callback([g] {
    auto node = service::open_node(g->dir);
    service::export_attachment(node, g->sha256, g->out);
    std::printf("Wrote %s (SHA-256 checked).\n", g->out.c_str());
  });
}

}  // namespace hotline::cli
