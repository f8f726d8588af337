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
#include "hotline/model/agreement.h"
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
// Throws Error(ErrorCategory::usage, "usage") naming the valid values when one is wrong.
model::Labels parse_labels(const LabelOptions& o);

// "amber", "AMBER", "TLP:AMBER", "amber+strict" ... → Tlp; Error(ErrorCategory::usage, "usage")
// listing the valid ones otherwise. The same for PAP.
model::Tlp parse_tlp_option(const std::string& text);
model::Pap parse_pap_option(const std::string& text);

// Text without leading and trailing spaces and tabs.
std::string trim(const std::string& s);

// `--details TEXT` or `--details-file F` (at most one); "" when neither.
std::string read_details(const std::string& details, const std::string& details_file);

// "urgent" or "normal".
model::Priority parse_priority_option(const std::string& text);

// The person acting (`--as NAME`); Error(ErrorCategory::usage, "usage") saying so when missing.
const std::string& require_actor(const std::string& as);

// The audit context of a CLI command (service/audit_trail.h): source "cli",
// actor `as` when given, otherwise "os:" + the OS account's name.
service::AuditContext cli_audit(const std::string& as);

// ---- output -----------------------------------------------------------------

// "(acknowledge within 1 h, respond within 72 h)" for an item of `kind`
// ("alert" or the agreement kind "request.information") and priority under
// agreement `ag`, `our_key` being this node's public key (base64url) and
// `peer` the peer's name; "" when the agreement sets no such deadline.
std::string agreement_terms(const model::Agreement& ag, const std::string& our_key,
                            const std::string& peer, const std::string& agreement_kind,
                            model::Priority priority);

// "due in 12 min", "overdue by 3 h", "met", "paused", "-" for an item's next
// deadline (the first one not yet met), prefixed by its name when useful.
std::string next_deadline(const nlohmann::json& document, TimePoint now);

// An aligned table: id (last 8), state, priority, TLP, peer, title, next
// deadline. `empty_hint` is printed when there is nothing.
void print_table(const std::vector<service::ItemView>& items, TimePoint now,
                 const std::string& empty_hint);

// The readable page of `show`. The hints of what to do next name the node
// as `target` does (" --dir D", or "" with the API's settings from the
// environment) and end with `actor` (" --as NAME", or "" over the API);
// `us` is this node's party name.
void print_item(const service::ItemView& item, TimePoint now, const std::string& target,
                const std::string& actor, const std::string& us);

// The request's kind ("information", "preservation", ...); "" for other
// items. (ItemView.document's "kind" is the item's kind, "request".)
std::string request_kind(const service::ItemView& item);

// The item as the API shows it (api::item_json): the document with id,
// item_kind, peer, link, state, tlp, title, created_at, updated_at and, for
// a request, its kind ("request_kind"); print_json pretty-prints it.
nlohmann::json item_json(const service::ItemView& item);
void print_json(const nlohmann::json& j);

}  // namespace hotline::cli
