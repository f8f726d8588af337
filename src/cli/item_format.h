// Shared by `hotline alert|request|case`: the label options, reading ids,
// names and attachments from the command line, and printing items (a table
// for `list`, a readable page for `show`, JSON for `--json`).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "hotline/common/time.h"
#include "hotline/model/labels.h"
#include "hotline/service/desk_service.h"
#include "hotline/service/item_replay.h"
#include "hotline/service/node_dir.h"

namespace hotline::cli {

// ---- options ----------------------------------------------------------------

// The classification options every new item takes, as typed.
struct LabelOptions {
  std::string tlp = "TLP:AMBER";
  std::string pap = "PAP:AMBER";
  std::string reliability;  // "" = not graded
  std::string credibility;  // "" = not graded
  std::vector<std::string> rsit;
  std::vector<std::string> offences;
};
void add_label_options(CLI::App* cmd, LabelOptions& o);
// Throws Error("usage") naming the valid values when one is wrong.
model::Labels parse_labels(const LabelOptions& o);

// "amber", "AMBER", "TLP:AMBER", "amber+strict" ... → Tlp; Error("usage")
// listing the valid ones otherwise. The same for PAP.
model::Tlp parse_tlp_option(const std::string& text);
model::Pap parse_pap_option(const std::string& text);

// `--details TEXT` or `--details-file F` (at most one); "" when neither.
std::string read_details(const std::string& details, const std::string& details_file);

// "urgent" or "normal".
model::Priority parse_priority_option(const std::string& text);

// The person acting (`--as NAME`); Error("usage") saying so when missing.
const std::string& require_actor(const std::string& as);

// The audit context of a CLI command (service/audit_trail.h): source "cli",
// actor `as` when given, otherwise "os:" + the OS account's name.
service::AuditContext cli_audit(const std::string& as);

// The full id of the item of `kind` ("" = any) the operator typed: the full
// id or its first or last 8+ characters (service::resolve_item_id).
std::string resolve_id(service::Node& node, const std::string& kind, const std::string& typed);

// Puts each file into this node's vault (service::import_attachment) and
// returns what the item's action carries.
std::vector<service::AttachmentNote> import_attachments(service::Node& node,
                                                        const std::vector<std::string>& paths);
// The "attachments" member of an action's args.
nlohmann::json attachments_json(const std::vector<service::AttachmentNote>& files);

// ---- output -----------------------------------------------------------------

// "(acknowledge within 1 h, respond within 72 h)" for an item of `kind`
// ("alert" or the agreement kind "request.information") and priority, from
// the agreement in force with the item's peer; "" when there is none.
std::string deadline_terms(service::Node& node, const std::string& peer,
                           const std::string& agreement_kind, model::Priority priority);

// "due in 12 min", "overdue by 3 h", "met", "paused", "-" for an item's next
// deadline (the first one not yet met), prefixed by its name when useful.
std::string next_deadline(const nlohmann::json& document, TimePoint now);

// An aligned table: id (last 8), state, priority, TLP, peer, title, next
// deadline. `empty_hint` is printed when there is nothing.
void print_table(const std::vector<service::ItemView>& items, TimePoint now,
                 const std::string& empty_hint);

// The readable page of `show`; `dir` goes into the hints of what to do next,
// `us` is this node's party name.
void print_item(const service::ItemView& item, TimePoint now, const std::string& dir,
                const std::string& us);

// The request's kind ("information", "preservation", ...); "" for other
// items. (ItemView.document's "kind" is the item's kind, "request".)
std::string request_kind(const service::ItemView& item);

// The document as JSON with the peer's name ("peer") and, for a request, its
// kind ("request_kind"); print_json pretty-prints it.
nlohmann::json item_json(const service::ItemView& item);
void print_json(const nlohmann::json& j);

// Whether the item is still open (not closed, declined or withdrawn).
bool is_open(const service::ItemView& item);

// ---- acting -----------------------------------------------------------------

// Resolves `typed_id` to an item of `kind` and performs the shared `action`
// with `args` as `by` (service::act). A refusal because the action is the
// other side's adds, in plain words, whose it is.
service::ItemView perform(service::Node& node, const std::string& kind, const std::string& typed_id,
                          const std::string& action, nlohmann::json args, const std::string& by);

}  // namespace hotline::cli
