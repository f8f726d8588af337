// The desk on this machine (--dir): the service's use cases on the opened
// node, the person acting named by --as and recorded with source "cli".
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "desk.h"
#include "hotline/common/error.h"
#include "hotline/common/time.h"
#include "hotline/service/attachment_service.h"
#include "hotline/service/desk_service.h"
#include "hotline/service/indicator_service.h"
#include "hotline/service/link_service.h"
#include "hotline/service/stix_service.h"
#include "item_format.h"

namespace hotline::cli {
namespace {

using nlohmann::json;

std::string peer_name(const std::vector<service::PeerView>& peers, const std::string& link) {
  for (const auto& p : peers) {
    if (p.peer.link == link) return p.peer.name;
  }
  return link.substr(0, 8);
}

class LocalDesk final : public Desk {
 public:
  LocalDesk(std::string dir, std::string as) : dir_(std::move(dir)), as_(std::move(as)) {}

  bool remote() const override { return false; }
  std::string target_hint() const override { return " --dir " + dir_; }
  std::string actor_hint() const override { return " --as NAME"; }

  std::string party() override { return node().party; }
  std::string actor() override { return as_; }

  void check_peer(const std::string& peer) override { service::find_peer(*node().store, peer); }

  std::vector<service::AttachmentNote> attach(const std::vector<std::string>& paths) override {
    std::vector<service::AttachmentNote> out;
    out.reserve(paths.size());
    for (const auto& p : paths) out.push_back(service::import_attachment(node(), p));
    return out;
  }

  service::ItemView raise_alert(const std::string& to, const service::AlertInput& in) override {
    const auto ctx = cli_audit(as_);
    return service::raise_alert(node(), to, in, as_, now_ms(), &ctx);
  }

  service::ItemView send_check(const std::string& to) override {
    const auto ctx = cli_audit(as_);
    return service::send_check(node(), to, as_, now_ms(), &ctx);
  }

  service::ItemView create_request(const std::string& to, const service::RequestInput& in,
                                   const std::optional<std::string>& approver) override {
    const auto ctx = cli_audit(as_);
    return service::create_request(node(), to, in, as_, approver, now_ms(), &ctx);
  }

  service::ItemView approve(const std::string& typed_id) override {
    auto id = resolve(service::kRequest, typed_id);
    const auto ctx = cli_audit(as_);
    return service::approve_request(node(), id, as_, now_ms(), &ctx);
  }

  service::ItemView open_case(const std::string& peer, const std::string& title,
                              const model::Labels& labels) override {
    const auto ctx = cli_audit(as_);
    return service::open_case(node(), peer, title, labels, as_, now_ms(), &ctx);
  }

  service::ItemView open_dispute(const std::string& peer,
                                 const service::DisputeInput& in) override {
    service::DisputeInput resolved = in;
    if (!in.subject.item.empty()) resolved.subject.item = resolve("", in.subject.item);
    const auto ctx = cli_audit(as_);
    return service::open_dispute(node(), peer, resolved, as_, now_ms(), &ctx);
  }

  service::ItemView add_note(const std::string& typed_id, const std::string& text) override {
    const std::string id = resolve(service::kCase, typed_id);
    const auto ctx = cli_audit(as_);
    return service::add_case_note(node(), id, text, as_, now_ms(), &ctx);
  }

  service::ItemView propose_round(const std::string& peer, const service::RoundInput& in) override {
    const auto ctx = cli_audit(as_);
    return service::propose_round(node(), peer, in, as_, now_ms(), &ctx);
  }

  std::string resolve(const std::string& kind, const std::string& typed) override {
    auto& n = node();
    const std::string id = trim(typed);
    try {
      return service::resolve_item_id(*n.store, kind, id);
    } catch (const Error& e) {
      if (e.code() != "item_unknown" || kind.empty()) throw;
      // Say so when it is an item of another kind (`request show` with an
      // alert's id).
      std::string other;
      try {
        other = service::resolve_item_id(*n.store, "", id);
      } catch (const Error&) {
        throw e;
      }
      auto v = service::show_item(*n.store, other, now_ms());
      const std::string k = v.record.kind;
      throw Error(ErrorCategory::not_found, "item_wrong_kind",
                  id + " is " + (k == "alert" ? "an " : "a ") + k + ", not " +
                      (kind == "alert" ? "an " : "a ") + kind + " (hotline " + k + " show " +
                      service::short_id(other) + ")");
    }
  }

  std::vector<service::ItemView> list(const ListQuery& q) override {
    auto& n = node();
    const auto now = now_ms();
    const auto ctx = cli_audit(as_);
    std::vector<service::ItemView> shown;
    for (auto& v : service::list_items(*n.store, q.kind, q.peer, 100000, now)) {
      if (shown.size() >= q.limit) break;
      const bool ours = v.document.value("origin", "") == "ours";
      if ((q.incoming && ours) || (q.outgoing && !ours)) continue;
      if (q.all || service::is_open(v)) shown.push_back(std::move(v));
    }
    // Only what is shown counts as read.
    service::record_item_reads(*n.store, &ctx, shown, "list", now);
    return shown;
  }

  std::string export_iodef(const std::string& kind, const std::string& typed_id) override {
    const auto id = resolve(kind, typed_id);
    const auto ctx = cli_audit(as_);
    return service::export_item_iodef(node(), kind, id, now_ms(), &ctx);
  }

  service::IodefImported import_iodef(const std::string& kind, const std::string& peer,
                                      const std::string& bytes) override {
    const auto ctx = cli_audit(as_);
    if (kind == service::kAlert) {
      return service::import_iodef_alert(node(), peer, bytes, as_, now_ms(), &ctx);
    }
    return service::import_iodef_case(node(), peer, bytes, as_, now_ms(), &ctx);
  }

  service::StixImported import_stix(
      const std::string& typed_case, const std::string& peer, const std::string& title,
      std::istream& in, const std::function<void(std::size_t, std::size_t)>& progress) override {
    const auto ctx = cli_audit(as_);
    interop::StixImportOptions options;
    options.progress = progress;
    if (typed_case.empty()) {
      return service::import_new_case_stix(node(), peer, title, in, as_, now_ms(), &ctx, options);
    }
    const auto id = resolve(service::kCase, typed_case);
    return service::import_case_stix(node(), id, in, as_, now_ms(), &ctx, options);
  }

  service::ItemView show(const std::string& kind, const std::string& typed_id) override {
    const auto id = resolve(kind, typed_id);
    const auto ctx = cli_audit(as_);
    return service::show_item(*node().store, id, now_ms(), &ctx);
  }

  nlohmann::json export_stix(const std::string& typed_id) override {
    const auto id = resolve(service::kCase, typed_id);
    const auto ctx = cli_audit(as_);
    return service::export_case_stix(node(), id, now_ms(), &ctx);
  }

  std::string deadline_terms(const std::string& peer, const std::string& agreement_kind,
                             model::Priority priority) override {
    try {
      auto& n = node();
      auto p = service::find_peer(*n.store, peer);
      auto ag = n.store->snapshot(
          [&](store::Transaction& tx) { return service::agreement_in_force(tx, p.link); });
      if (!ag) return "";
      return agreement_terms(*ag, n.identity.public_key().encoded(), peer, agreement_kind,
                             priority);
    } catch (const Error&) {
      return "";
    }
  }

  service::NeedToKnow need_to_know(const std::string& kind, const std::string& typed_id) override {
    return service::get_need_to_know(*node().store, resolve(kind, typed_id));
  }
  service::NeedToKnow set_need_to_know(const std::string& kind, const std::string& typed_id,
                                       const std::vector<std::string>& people) override {
    const std::string id = resolve(kind, typed_id);
    const auto ctx = cli_audit(as_);
    return service::set_need_to_know(*node().store, id, people, nullptr, now_ms(), &ctx);
  }

  json find_indicators(const std::string& value, const std::string& type) override {
    service::IndicatorLookup q;
    q.value = value;
    q.type = type;
    json out = json::array();
    for (const auto& h : service::find_indicator(*node().store, q)) out.push_back(to_json(h));
    return out;
  }

  Listing<AttachmentRow> attachments() override {
    auto& n = node();
    auto all = service::list_attachments(n);
    auto peers = service::list_peers(*n.store);
    Listing<AttachmentRow> out;
    out.json = json::array();
    for (const auto& a : all) {
      AttachmentRow row{a.sha256, a.size, a.complete, a.have, {}};
      auto transfers = json::array();
      for (const auto& t : a.transfers) {
        const std::string peer = peer_name(peers, t.link);
        row.transfers.push_back(
            {peer, t.direction == store::Direction::outbound, t.state, t.error});
        transfers.push_back({{"peer", peer},
                             {"direction", std::string(store::to_string(t.direction))},
                             {"state", t.state},
                             {"error", t.error},
                             {"updated_at", t.updated_at}});
      }
      out.json.push_back({{"sha256", a.sha256},
                          {"size", a.size},
                          {"complete", a.complete},
                          {"have", a.have},
                          {"transfers", transfers}});
      out.rows.push_back(std::move(row));
    }
    return out;
  }

  void get_attachment(const std::string& sha256, const std::string& out) override {
    service::export_attachment(node(), sha256, out);
  }

  SentMessage send_message(const std::string& to, const std::string& text) override {
    const auto ctx = cli_audit(as_);
    auto e = service::send_desk_message(node(), to, text, now_ms(), &ctx);
    return {e.id, e.seq};
  }

  Listing<MessageRow> messages(const std::string& peer, std::size_t limit) override {
    Listing<MessageRow> out;
    out.json = json::array();
    for (const auto& v : service::list_desk_messages(*node().store, peer, limit)) {
      const auto& m = v.message;
      const bool outbound = m.direction == store::Direction::outbound;
      out.json.push_back(
          {{"id", m.envelope_id},
           {"peer", v.peer},
           // The API's words (GET /v1/messages), so --json reads the same
           // with --dir and with --url.
           {"direction", outbound ? "outgoing" : "incoming"},
           {"seq", m.seq},
           {"text", m.text},
           {"sent_at", m.sent_at},
           {"received_at", outbound ? (v.receipted_at ? json(*v.receipted_at) : json(nullptr))
                                    : json(m.received_at.value_or(""))}});
      out.rows.push_back({m.envelope_id, v.peer, outbound, m.seq, m.text, m.sent_at,
                          outbound ? v.receipted_at : m.received_at});
    }
    return out;
  }

 protected:
  service::ItemView do_act(const std::string& kind, const std::string& typed_id,
                           const std::string& action, json args) override {
    const std::string id = resolve(kind, typed_id);
    const auto ctx = cli_audit(as_);
    return service::act(node(), kind, id, action, std::move(args), as_, now_ms(), &ctx);
  }

  std::string peer_of(const std::string& kind, const std::string& typed_id) override {
    return service::show_item(*node().store, resolve(kind, typed_id), now_ms()).peer;
  }

 private:
  service::Node& node() {
    if (!node_) node_.emplace(service::open_node(dir_));
    return *node_;
  }

  std::string dir_, as_;
  std::optional<service::Node> node_;
};

}  // namespace

std::unique_ptr<Desk> make_local_desk(const std::string& dir, const std::string& as) {
  return std::make_unique<LocalDesk>(dir, as);
}

}  // namespace hotline::cli
