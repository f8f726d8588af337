// hotline agreement show|propose|accept: the signed framework of a link.
#include <cstdio>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "commands.h"
#include "hotline/common/error.h"
#include "hotline/common/time.h"
#include "hotline/crypto/canonical_json.h"
#include "hotline/service/link_service.h"

namespace hotline::cli {
namespace {

void print_record(const char* title, const store::AgreementRecord& r) {
  auto doc = model::agreement_from_json(nlohmann::json::parse(r.document));
  std::printf("%s (amendment %lld, %s)\n  digest %s\n  proposed %s%s\n\n%s\n", title,
              static_cast<long long>(r.amendment), r.state.c_str(), r.digest.c_str(),
              r.proposed_at.c_str(), r.accepted_at ? (", accepted " + *r.accepted_at).c_str() : "",
              model::describe(doc).c_str());
}

// The options of every agreement subcommand (one runs per invocation).
struct AgreementOpts {
  std::string dir, peer, file;
  bool json = false, draft = false;
  std::int64_t heartbeat = 0, tolerance = -1;
};
using AgreementOptsPtr = std::shared_ptr<AgreementOpts>;

nlohmann::json record_json(const std::optional<store::AgreementRecord>& r) {
  if (!r) return nullptr;
  return {{"digest", r->digest},
          {"amendment", r->amendment},
          {"state", r->state},
          {"proposed_at", r->proposed_at},
          {"accepted_at", r->accepted_at ? nlohmann::json(*r->accepted_at) : nullptr},
          {"document", nlohmann::json::parse(r->document)}};
}

nlohmann::json agreements_json(const std::optional<store::AgreementRecord>& current,
                               const std::optional<store::AgreementRecord>& pending) {
  nlohmann::json j;
  j["current"] = record_json(current);
  j["pending"] = record_json(pending);
  return j;
}

void add_show_command(CLI::App* ag, const AgreementOptsPtr& o) {
  auto* show = ag->add_subcommand("show", "Show the agreement in force and any proposal waiting.");
  show->add_option("--dir", o->dir, "The node's data directory")->required();
  show->add_option("--peer", o->peer, "The peer's name")->required();
  show->add_flag("--json", o->json, "Print JSON");
  show->add_flag("--draft", o->draft,
                 "Print, as JSON, the draft this node would propose (edit it and pass it to "
                 "`propose --file`)");
  show->callback([o] {
    auto node = service::open_node(o->dir);
    if (o->draft) {
      std::printf(
          "%s\n",
          model::to_json(service::draft_agreement(node, o->peer, now_ms())).dump(2).c_str());
      return;
    }
    auto peer = service::find_peer(*node.store, o->peer);
    auto v = service::agreement_of(*node.store, peer.link);
    if (o->json) {
      std::printf("%s\n", agreements_json(v.current, v.pending).dump(2).c_str());
      return;
    }
    if (!v.current && !v.pending) {
      std::printf(
          "No agreement with %s yet. Propose the default one with:\n  hotline agreement propose "
          "--dir %s --peer %s\n",
          o->peer.c_str(), o->dir.c_str(), o->peer.c_str());
      return;
    }
    if (v.current) print_record("Agreement in force", *v.current);
    if (v.pending) {
      bool ours = v.pending->proposed_by == node.identity.public_key().encoded();
      print_record(
          ours ? "Our proposal, waiting for the peer" : "Proposal from the peer, waiting for you",
          *v.pending);
      if (!ours)
        std::printf("Accept it with: hotline agreement accept --dir %s --peer %s\n", o->dir.c_str(),
                    o->peer.c_str());
    }
  });
}

void add_propose_command(CLI::App* ag, const AgreementOptsPtr& o) {
  auto* propose = ag->add_subcommand(
      "propose",
      "Propose an agreement (or an amendment of the one in force) to a peer. Without --file, the "
      "default deadline matrix is proposed (see `agreement show --draft`).");
  propose->add_option("--dir", o->dir, "The node's data directory")->required();
  propose->add_option("--peer", o->peer, "The peer's name")->required();
  propose->add_option("--file", o->file,
                      "A JSON agreement, e.g. an edited `agreement show --draft`");
  propose->add_option("--heartbeat", o->heartbeat, "Heartbeat interval in seconds")
      ->check(CLI::Range(5, 3600));
  propose
      ->add_option("--tolerance-ms", o->tolerance, "Clock tolerance for receipts, in milliseconds")
      ->check(CLI::Range(0, 600000));
  propose->callback([o] {
    auto node = service::open_node(o->dir);
    model::Agreement doc;
    if (!o->file.empty()) {
      std::ifstream in(o->file);
      if (!in)
        throw Error(ErrorCategory::invalid_input, "file_unreadable", "cannot read " + o->file);
      std::stringstream ss;
      ss << in.rdbuf();
      doc = model::agreement_from_json(crypto::parse_strict(ss.str()));
    } else {
      doc = service::draft_agreement(node, o->peer, now_ms());
    }
    if (o->heartbeat > 0) doc.heartbeat_interval_s = o->heartbeat;
    if (o->tolerance >= 0) doc.clock_tolerance_ms = o->tolerance;
    auto rec = service::propose_agreement(node, o->peer, doc, now_ms());
    std::printf(
        "Proposed agreement amendment %lld to %s (digest %s).\nThey accept it with `hotline "
        "agreement accept`.\n",
        static_cast<long long>(rec.amendment), o->peer.c_str(), rec.digest.c_str());
  });
}

void add_accept_command(CLI::App* ag, const AgreementOptsPtr& o) {
  auto* accept = ag->add_subcommand(
      "accept", "Accept the peer's waiting proposal: sign it and send the signature.");
  accept->add_option("--dir", o->dir, "The node's data directory")->required();
  accept->add_option("--peer", o->peer, "The peer's name")->required();
  accept->callback([o] {
    auto node = service::open_node(o->dir);
    auto rec = service::accept_agreement(node, o->peer, now_ms());
    std::printf("Accepted agreement amendment %lld with %s; it is in force (digest %s).\n",
                static_cast<long long>(rec.amendment), o->peer.c_str(), rec.digest.c_str());
  });
}

}  // namespace

void add_agreement_command(CLI::App& app) {
  auto* ag = app.add_subcommand(
      "agreement",
      "The agreement of a link: parties, contacts, languages, the deadline matrix and the clock "
      "tolerance, signed by both sides. One side proposes, the other accepts; amendments the same "
      "way.");
  ag->require_subcommand(1);
  auto o = std::make_shared<AgreementOpts>();
  add_show_command(ag, o);
  add_propose_command(ag, o);
  add_accept_command(ag, o);
}

}  // namespace hotline::cli
