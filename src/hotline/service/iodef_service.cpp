#include "hotline/service/iodef_service.h"

#include <nlohmann/json.hpp>

#include "hotline/common/error.h"
#include "hotline/interop/iodef.h"
#include "hotline/service/item_replay.h"

namespace hotline::service {
namespace {

constexpr std::size_t kMaxText = 20000;  // alert details, case entries

// Text cut to the model's limit at a character boundary, saying so.
std::string fit(std::string text) {
  if (text.size() <= kMaxText) return text;
  const std::string mark = "\n[cut: the IODEF document's text is longer]";
  std::size_t cut = kMaxText - mark.size();
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return text.substr(0, cut) + mark;
}

model::Labels labels_of(const interop::IodefIncident& in) {
  model::Labels l;
  l.tlp = in.tlp;
  l.rsit = in.rsit;
  return l;
}

nlohmann::json indicator_args(const interop::IodefIndicator& i) {
  return {{"type", i.type}, {"value", i.value}};
}

}  // namespace

std::string export_item_iodef(Node& node, const std::string& kind, const std::string& id,
                              TimePoint now, const AuditContext* audit, const std::string* reader) {
  const std::string full = resolve_item_id(*node.store, kind, id, reader);
  ItemView view = show_item(*node.store, full, now, nullptr, reader);
  Replayed r = replay(view.record.kind, view.record.id,
                      item_log_from_json(nlohmann::json::parse(view.record.actions)));
  if (!model::may_leave_node(r.labels())) {
    throw Error(ErrorCategory::forbidden, "tlp_red_not_exported",
                view.record.kind + " " + short_id(full) +
                    " is TLP:RED: it is for its recipients on this node only and is not exported");
  }
  record_item_reads(*node.store, audit, {view}, "iodef", now);
  const interop::IodefParties parties{node.party, view.peer};
  if (const auto* a = std::get_if<model::Alert>(&r.item))
    return interop::export_iodef(*a, parties, now);
  if (const auto* q = std::get_if<model::Request>(&r.item))
    return interop::export_iodef(*q, parties, now);
  if (const auto* c = std::get_if<model::CaseFile>(&r.item))
    return interop::export_iodef(*c, parties, now);
  throw Error(ErrorCategory::invalid_input, "item_wrong_kind",
              "only alerts, requests and cases have an IODEF form, not a " + view.record.kind);
}

IodefImported import_iodef_alert(Node& node, const std::string& peer, std::string_view bytes,
                                 const std::string& by, TimePoint now, const AuditContext* audit) {
  const interop::IodefIncident in = interop::import_iodef(bytes);
  AlertInput input;
  input.priority = in.urgent ? model::Priority::urgent : model::Priority::normal;
  input.labels = labels_of(in);
  input.summary = in.title;
  // An alert has no indicators of its own: they go into its details.
  std::string details = in.details;
  if (!in.indicators.empty()) {
    details += "\n\nIndicators (" + std::to_string(in.indicators.size()) + "):";
    for (const auto& i : in.indicators) details += "\n" + i.type + " " + i.value;
  }
  input.details = fit(details);
  IodefImported out;
  out.item = raise_alert(node, peer, input, by, now, audit);
  out.indicators = in.indicators.size();
  out.not_kept = in.not_kept;
  return out;
}

IodefImported import_iodef_case(Node& node, const std::string& peer, std::string_view bytes,
                                const std::string& by, TimePoint now, const AuditContext* audit) {
  const interop::IodefIncident in = interop::import_iodef(bytes);
  const std::string entry = fit(in.details);
  // Everything through the model first: nothing is stored unless all passes.
  model::CaseFile check = model::open_case("00000000-0000-7000-8000-000000000000",
                                           model::Side::ours, in.title, labels_of(in), by, now);
  for (const auto& i : in.indicators) {
    check = model::add_indicator(check, {i.type, i.value}, by, model::Side::ours, now);
  }
  check = model::add_entry(check, entry, by, model::Side::ours, now);
  IodefImported out;
  out.item = open_case(node, peer, in.title, labels_of(in), by, now, audit);
  const std::string id = out.item.record.id;
  for (const auto& i : in.indicators) {
    out.item = act(node, kCase, id, "add_indicator", indicator_args(i), by, now, audit);
  }
  out.item = act(node, kCase, id, "add_entry", {{"text", entry}}, by, now, audit);
  out.indicators = in.indicators.size();
  out.not_kept = in.not_kept;
  return out;
}

}  // namespace hotline::service
