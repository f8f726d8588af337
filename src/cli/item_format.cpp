#include "item_format.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdio>
#include <fstream>
#include <optional>
#include <sstream>
#include <utility>

#include <pwd.h>
#include <unistd.h>

#include "hotline/api/api_json.h"
#include "hotline/common/error.h"
#include "hotline/model/agreement.h"
#include "hotline/model/alert.h"
#include "hotline/model/case_file.h"
#include "hotline/model/request.h"
#include "hotline/service/attachment_service.h"
#include "hotline/service/item_log.h"
#include "hotline/service/link_service.h"

namespace hotline::cli {
namespace {

using nlohmann::json;

[[noreturn]] void usage(const std::string& message) {
  throw Error(ErrorCategory::usage, "usage", message);
}

std::string upper(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

// "amber", "TLP:amber", "Amber+Strict", "amber_strict" → "TLP:AMBER+STRICT".
std::string normalise_label(const std::string& text, const std::string& prefix) {
  std::string s = upper(trim(text));
  for (auto& c : s) {
    if (c == '_' || c == ' ') c = '+';
  }
  if (s.rfind(prefix, 0) != 0) s = prefix + s;
  return s;
}

// Display width of UTF-8 text: code points (good enough for a terminal
// table of Latin, Cyrillic and Greek; wide scripts come out narrower).
std::size_t width(const std::string& s) {
  std::size_t n = 0;
  for (unsigned char c : s) {
    if ((c & 0xC0) != 0x80) ++n;
  }
  return n;
}

// At most `max` code points, with "…" when cut.
std::string clip(const std::string& s, std::size_t max) {
  if (width(s) <= max) return s;
  std::size_t n = 0, i = 0;
  for (; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) {
      if (n == max - 1) break;
      ++n;
    }
  }
  return s.substr(0, i) + "\xE2\x80\xA6";
}

std::string pad(const std::string& s, std::size_t w) {
  auto n = width(s);
  return n >= w ? s : s + std::string(w - n, ' ');
}

std::string str(const json& j, const char* key, const std::string& fallback = "") {
  if (!j.is_object() || !j.contains(key) || !j[key].is_string()) return fallback;
  return j[key].get<std::string>();
}

// A span of time for people: "12 min", "3 h", "4 days".
std::string span(std::int64_t ms, bool round_up) {
  std::int64_t minutes = ms / 60000;
  if (round_up && ms % 60000 != 0) ++minutes;
  if (minutes < 1) return "under a minute";
  if (minutes < 120) return std::to_string(minutes) + " min";
  if (minutes < 48 * 60) return std::to_string(minutes / 60) + " h";
  return std::to_string(minutes / (24 * 60)) + " days";
}

// Office-hours deadlines count working minutes: "48 working hours" (the
// agreement's "2 days"), not calendar days.
std::string working_hours(std::int64_t minutes) {
  if (minutes % 60 == 0) return std::to_string(minutes / 60) + " working hours";
  return std::to_string(minutes) + " working minutes";
}

std::int64_t ms_until(const std::string& ts, TimePoint now) {
  return (parse_timestamp(ts) - now).count();
}

std::string deadline_state(const json& d, TimePoint now) {
  const std::string status = str(d, "status");
  if (status == "met") return "met";
  if (status == "met_late") return "met late";
  if (status == "stopped") return "stopped";
  if (status == "paused") return "paused";
  if (!d["due_at"].is_string()) return status;
  const auto left = ms_until(d["due_at"].get<std::string>(), now);
  if (left > 0 && status != "overdue") return "due in " + span(left, true);
  return "overdue by " + span(-left, false);
}

std::string side_name(const std::string& side, const std::string& us, const std::string& peer) {
  if (side == "ours") return us;
  if (side == "theirs") return peer;
  return side;
}

std::string capital(std::string s) {
  if (!s.empty()) s[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(s[0])));
  return s;
}

void line(std::string& out, const std::string& label, const std::string& value) {
  out += "  " + pad(label, 13) + value + "\n";
}

// Free text, each line indented.
void block(std::string& out, const std::string& text, const std::string& indent) {
  std::istringstream in(text);
  std::string l;
  while (std::getline(in, l)) out += indent + l + "\n";
}

std::string labels_text(const json& labels, const std::string& indent) {
  std::string out = str(labels, "tlp") + ", " + str(labels, "pap") + "\n";
  if (labels["reliability"].is_string()) {
    auto g = labels["reliability"].get<std::string>();
    out += indent + "source reliability " + g + ": " +
           std::string(model::reliability_description(g.empty() ? '?' : g[0])) + "\n";
  }
  if (labels["credibility"].is_number_integer()) {
    int g = labels["credibility"].get<int>();
    out += indent + "information credibility " + std::to_string(g) + ": " +
           std::string(model::credibility_description(g)) + "\n";
  }
  for (const auto& code : labels.value("rsit", json::array())) {
    const auto* t = model::find_rsit(code.get<std::string>());
    out += indent + "RSIT " + code.get<std::string>();
    if (t) out += " (" + std::string(t->class_label) + " / " + std::string(t->type_label) + ")";
    out += "\n";
  }
  for (const auto& code : labels.value("offences", json::array())) {
    const auto* o = model::find_offence(code.get<std::string>());
    out += indent + "offence " + code.get<std::string>();
    if (o) out += " (" + std::string(o->title) + ")";
    out += "\n";
  }
  return out;
}

// The members of `doc` the model's JSON of `shape` has: the API's document
// carries more (id, peer, deadlines, files ...), which the model's strict
// readers refuse.
json model_members(const json& doc, const json& shape) {
  json out = json::object();
  for (const auto& [key, value] : shape.items()) {
    if (doc.contains(key)) out[key] = doc[key];
  }
  return out;
}

std::optional<service::Replayed> replayed(const service::ItemView& v) {
  try {
    if (!v.record.actions.empty()) {
      return service::replay(v.record.kind, v.record.id,
                             service::item_log_from_json(json::parse(v.record.actions)));
    }
    // From the API: no log, only the document; the model reads it back
    // (checking it against its own history).
    service::Replayed r;
    r.kind = v.record.kind;
    const auto& d = v.document;
    if (r.kind == service::kAlert) {
      r.item = model::alert_from_json(model_members(d, model::to_json(model::Alert{})));
    } else if (r.kind == service::kRequest) {
      r.item = model::request_from_json(model_members(d, model::to_json(model::Request{})));
    } else if (r.kind == service::kCase) {
      r.item = model::case_from_json(model_members(d, model::to_json(model::CaseFile{})));
    } else {
      return std::nullopt;
    }
    return r;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

// The commands this node's operator may run next on the item, with their
// CLI spelling.
std::vector<std::string> next_commands(const service::ItemView& v, const std::string& target,
                                       const std::string& actor) {
  std::vector<std::string> out;
  auto replay = replayed(v);
  if (!replay) return out;
  const service::Replayed& r = *replay;
  const std::string id = service::short_id(v.record.id);
  auto cmd = [&](const std::string& what, const std::string& rest) {
    out.push_back("hotline " + v.record.kind + " " + what + target + " " + id + rest + actor);
  };
  using model::Side;
  if (const auto* a = std::get_if<model::Alert>(&r.item)) {
    for (auto act : model::possible_actions(*a)) {
      if (act == model::AlertAction::acknowledge && a->origin == Side::theirs) cmd("ack", "");
      if (act == model::AlertAction::close && a->origin == Side::ours) cmd("close", " [--note N]");
    }
  } else if (const auto* q = std::get_if<model::Request>(&r.item)) {
    const bool requester = q->origin == Side::ours;
    using A = model::RequestAction;
    for (auto act : model::possible_actions(*q)) {
      switch (act) {
        case A::approve:
          if (requester) cmd("approve", "");
          break;
        case A::acknowledge:
          if (!requester) cmd("ack", "");
          break;
        case A::request_clarification:
          if (!requester) cmd("clarify", " --question TEXT");
          break;
        case A::give_clarification:
          if (requester) cmd("answer", " --text TEXT");
          break;
        case A::respond_partial:
          if (!requester) cmd("respond", " --partial --note TEXT [--attach FILE]");
          break;
        case A::respond_final:
          if (!requester) cmd("respond", " --final --note TEXT [--attach FILE]");
          break;
        case A::decline:
          if (!requester) cmd("decline", " --reason CODE [--note TEXT]");
          break;
        case A::withdraw:
          if (requester && q->state != model::RequestState::draft)
            cmd("withdraw", " --reason TEXT");
          break;
        case A::close:
          if (requester) cmd("close", " --completeness 1-5 --usefulness 1-5 [--comment TEXT]");
          break;
        case A::reopen:
          if (requester) cmd("reopen", " --reason TEXT");
          break;
        default:
          break;
      }
    }
  } else if (const auto* c = std::get_if<model::CaseFile>(&r.item)) {
    using A = model::CaseAction;
    bool linked = false;
    for (auto act : model::possible_actions(*c)) {
      switch (act) {
        case A::link_alert:
        case A::link_request:
          if (!linked) cmd("link", " --alert ID | --request ID");
          linked = true;
          break;
        case A::add_indicator:
          cmd("indicator", " --type TYPE --value VALUE");
          break;
        case A::add_attachment:
          cmd("attach", " --file FILE");
          break;
        case A::add_entry:
          cmd("entry", " --text TEXT");
          break;
        case A::add_note:
          cmd("note", " --text TEXT");
          break;
        case A::close:
          cmd("close", " [--note TEXT]");
          break;
        case A::reopen:
          cmd("reopen", " --reason TEXT");
          break;
        default:
          break;
      }
    }
  }
  return out;
}

std::string history_line(const json& e, const std::string& us, const std::string& peer) {
  std::string s = str(e, "at") + "  " + str(e, "action");
  const std::string actor = str(e, "actor");
  const std::string who = side_name(str(e, "side"), us, peer);
  if (!actor.empty()) {
    s += " by " + actor + " (" + who + ")";
  } else {
    s += " (" + who + ")";
  }
  if (e.contains("level") && e["level"].is_number_integer() && e["level"].get<int>() > 0 &&
      str(e, "action") == "escalate") {
    s += ", level " + std::to_string(e["level"].get<int>());
  }
  if (e.contains("reason") && e["reason"].is_string()) s += ", reason " + str(e, "reason");
  if (e.contains("rating") && e["rating"].is_object()) {
    const auto& r = e["rating"];
    s += ", rated completeness " + std::to_string(r.value("completeness", 0)) + "/5, usefulness " +
         std::to_string(r.value("usefulness", 0)) + "/5";
    if (!str(r, "comment").empty()) s += ": " + str(r, "comment");
  }
  const std::string note = e.contains("text") ? str(e, "text") : str(e, "note");
  if (!note.empty()) s += ": " + note;
  return s;
}

}  // namespace

std::string trim(const std::string& s) {
  auto b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return "";
  auto e = s.find_last_not_of(" \t");
  return s.substr(b, e - b + 1);
}

// ---- options ----------------------------------------------------------------

void add_label_options(CLI::App* cmd, LabelOptions& o) {
  cmd->add_option("--tlp", o.tlp,
                  "Traffic Light Protocol 2.0 label: CLEAR, GREEN, AMBER, AMBER+STRICT or RED "
                  "(TLP: prefix and case optional)")
      ->capture_default_str();
  cmd->add_option("--pap", o.pap, "Permissible Actions Protocol label: CLEAR, GREEN, AMBER or RED")
      ->capture_default_str();
  cmd->add_option("--reliability", o.reliability,
                  "Source reliability (Admiralty grading): A (completely reliable) to F "
                  "(cannot be judged)");
  cmd->add_option("--credibility", o.credibility,
                  "Information credibility (Admiralty grading): 1 (confirmed) to 6 (cannot be "
                  "judged)");
  cmd->add_option("--rsit", o.rsit,
                  "Incident type from the RSIT taxonomy, class:type (e.g. fraud:phishing); "
                  "repeatable");
  cmd->add_option("--offence", o.offences,
                  "Budapest Convention offence, budapest:artN (N = 2..11); repeatable");
}

model::Tlp parse_tlp_option(const std::string& text) {
  if (auto t = model::parse_tlp(normalise_label(text, "TLP:"))) return *t;
  std::string valid;
  for (auto t : model::kTlpLevels)
    valid += (valid.empty() ? "" : ", ") + std::string(model::to_string(t));
  std::string hint;
  if (upper(trim(text)).find("WHITE") != std::string::npos)
    hint = " (TLP 2.0 renamed WHITE to CLEAR)";
  usage("--tlp: '" + text + "' is not a TLP label" + hint + "; valid: " + valid +
        " (the TLP: prefix and case are optional, e.g. amber+strict)");
}

model::Pap parse_pap_option(const std::string& text) {
  if (auto p = model::parse_pap(normalise_label(text, "PAP:"))) return *p;
  std::string valid;
  for (auto p : model::kPapLevels)
    valid += (valid.empty() ? "" : ", ") + std::string(model::to_string(p));
  usage("--pap: '" + text + "' is not a PAP label; valid: " + valid +
        " (the PAP: prefix and case are optional)");
}

model::Labels parse_labels(const LabelOptions& o) {
  model::Labels l;
  l.tlp = parse_tlp_option(o.tlp);
  l.pap = parse_pap_option(o.pap);
  if (!o.reliability.empty()) {
    std::string g = upper(trim(o.reliability));
    if (g.size() != 1 || !model::is_reliability(g[0])) {
      std::string valid;
      for (char c = 'A'; c <= 'F'; ++c)
        valid += std::string(valid.empty() ? "" : ", ") + c + " " +
                 std::string(model::reliability_description(c));
      usage("--reliability: '" + o.reliability +
            "' is not a source reliability grade; valid: " + valid);
    }
    l.reliability = g[0];
  }
  if (!o.credibility.empty()) {
    std::string g = trim(o.credibility);
    if (g.size() != 1 || g[0] < '1' || g[0] > '6') {
      std::string valid;
      for (int i = 1; i <= 6; ++i)
        valid += (valid.empty() ? "" : ", ") + std::to_string(i) + " " +
                 std::string(model::credibility_description(i));
      usage("--credibility: '" + o.credibility +
            "' is not an information credibility grade; valid: " + valid);
    }
    l.credibility = g[0] - '0';
  }
  for (const auto& raw : o.rsit) {
    std::string code = trim(raw);
    for (auto& c : code) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (!model::find_rsit(code)) {
      // The types of the class typed, or else the classes.
      const std::string cls = code.substr(0, code.find(':'));
      std::string valid;
      for (const auto& t : model::rsit_types()) {
        if (t.class_name == cls) valid += (valid.empty() ? "" : ", ") + model::rsit_code(t);
      }
      if (!valid.empty()) {
        usage("--rsit: '" + raw + "' is not an RSIT incident type; the types of class " + cls +
              " are: " + valid);
      }
      for (const auto& c : model::rsit_classes())
        valid += (valid.empty() ? "" : ", ") + std::string(c);
      usage("--rsit: '" + raw +
            "' is not an RSIT incident type; give class:type (e.g. fraud:phishing) with one of "
            "the classes " +
            valid + " (--rsit CLASS:? lists a class's types)");
    }
    if (std::find(l.rsit.begin(), l.rsit.end(), code) != l.rsit.end()) {
      usage("--rsit: " + code + " is given twice");
    }
    l.rsit.push_back(code);
  }
  for (const auto& raw : o.offences) {
    std::string code = trim(raw);
    for (auto& c : code) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (code.rfind("art", 0) == 0) code = "budapest:" + code;
    if (!code.empty() && std::isdigit(static_cast<unsigned char>(code[0])))
      code = "budapest:art" + code;
    if (!model::find_offence(code)) {
      std::string valid;
      for (const auto& off : model::budapest_offences())
        valid += (valid.empty() ? "" : ", ") + std::string(off.code) + " (" +
                 std::string(off.title) + ")";
      usage("--offence: '" + raw + "' is not a Budapest Convention offence; valid: " + valid);
    }
    if (std::find(l.offences.begin(), l.offences.end(), code) != l.offences.end()) {
      usage("--offence: " + code + " is given twice");
    }
    l.offences.push_back(code);
  }
  return l;
}

std::string read_details(const std::string& details, const std::string& details_file) {
  if (!details.empty() && !details_file.empty()) {
    usage("give --details or --details-file, not both");
  }
  if (details_file.empty()) return details;
  std::ifstream in(details_file, std::ios::binary);
  if (!in)
    throw Error(ErrorCategory::invalid_input, "file_unreadable", "cannot read " + details_file);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

model::Priority parse_priority_option(const std::string& text) {
  if (text == "urgent") return model::Priority::urgent;
  if (text == "normal") return model::Priority::normal;
  usage("--priority: '" + text + "' is not a priority; valid: urgent, normal");
}

const std::string& require_actor(const std::string& as) {
  if (trim(as).empty()) {
    usage(
        "--as NAME is required: the name of the person doing this, recorded in the item's "
        "history and sent to the peer");
  }
  return as;
}

service::AuditContext cli_audit(const std::string& as) {
  if (!trim(as).empty()) return {as, "cli"};
  const passwd* pw = ::getpwuid(::getuid());
  std::string name = pw != nullptr && pw->pw_name != nullptr ? std::string(pw->pw_name)
                                                             : "uid " + std::to_string(::getuid());
  return {"os:" + name, "cli"};
}

// ---- output -----------------------------------------------------------------

std::string agreement_terms(const model::Agreement& ag, const std::string& our_key,
                            const std::string& peer, const std::string& agreement_kind,
                            model::Priority priority) {
  try {
    const auto& rule = model::rule_for(ag, agreement_kind, model::to_string(priority));
    // Office-hours deadlines count working minutes of the receiving party
    // (the peer): the default's 960 minutes are 2 days of 8 working hours.
    const bool office = rule.calendar == model::Calendar::office_hours;
    const model::Party& receiver = ag.a.public_key == our_key ? ag.b : ag.a;
    const std::int64_t per_day =
        receiver.office_hours.end_minute - receiver.office_hours.start_minute;
    auto amount = [&](std::int64_t minutes) {
      if (!office) return model::format_minutes(minutes);
      if (per_day > 0 && minutes % per_day == 0) {
        const auto days = minutes / per_day;
        return std::to_string(days) + " working day" + (days == 1 ? "" : "s");
      }
      return model::format_minutes(minutes) + " of working time";
    };
    std::string out;
    if (rule.acknowledge_minutes) out += "acknowledge within " + amount(*rule.acknowledge_minutes);
    if (rule.respond_minutes)
      out +=
          std::string(out.empty() ? "" : ", ") + "respond within " + amount(*rule.respond_minutes);
    if (out.empty()) return "";
    if (office) {
      char hours[64];
      std::snprintf(hours, sizeof hours, "%02d:%02d-%02d:%02d",
                    receiver.office_hours.start_minute / 60,
                    receiver.office_hours.start_minute % 60, receiver.office_hours.end_minute / 60,
                    receiver.office_hours.end_minute % 60);
      out += std::string(", counted in ") + peer + "'s office hours, " + hours + " " +
             receiver.time_zone;
    }
    return " (" + out + ")";
  } catch (const Error&) {
    return "";
  }
}

std::string next_deadline(const json& document, TimePoint now) {
  if (!document.contains("deadlines") || !document["deadlines"].is_array()) return "-";
  const auto& ds = document["deadlines"];
  if (ds.empty()) return "-";
  bool all_met = true, late = false;
  for (const auto& d : ds) {
    const std::string status = str(d, "status");
    if (status == "met") continue;
    if (status == "met_late") {
      late = true;
      continue;
    }
    all_met = false;
    if (status == "stopped") continue;
    std::string name = str(d, "name") == "acknowledge" ? "ack" : str(d, "name");
    if (str(d, "side") == "theirs") name = "their " + name;
    return name + " " + deadline_state(d, now);
  }
  if (all_met) return late ? "met late" : "met";
  return "-";
}

std::string request_kind(const service::ItemView& item) {
  if (item.record.kind != service::kRequest) return "";
  return item.document.value("kind", "");
}

json item_json(const service::ItemView& item) {
  return api::item_json(item);
}

void print_json(const json& j) {
  std::printf("%s\n", j.dump(2).c_str());
}

void print_table(const std::vector<service::ItemView>& items, TimePoint now,
                 const std::string& empty_hint) {
  if (items.empty()) {
    std::printf("%s\n", empty_hint.c_str());
    return;
  }
  std::vector<std::array<std::string, 7>> rows;
  rows.push_back({"ID", "STATE", "PRIORITY", "TLP", "PEER", "TITLE", "NEXT DEADLINE"});
  for (const auto& v : items) {
    const auto& d = v.document;
    const std::string dir = str(d, "origin") == "ours" ? "to " : "from ";
    std::string title = v.record.title;
    for (auto& c : title) {
      if (c == '\n' || c == '\t' || c == '\r') c = ' ';
    }
    rows.push_back({service::short_id(v.record.id), v.record.state, str(d, "priority", "-"),
                    v.record.tlp, dir + v.peer, clip(title, 48), next_deadline(d, now)});
  }
  std::array<std::size_t, 7> w{};
  for (const auto& r : rows) {
    for (std::size_t i = 0; i < r.size(); ++i) w[i] = std::max(w[i], width(r[i]));
  }
  std::string out;
  for (const auto& r : rows) {
    std::string l;
    for (std::size_t i = 0; i < r.size(); ++i) {
      l += i + 1 == r.size() ? r[i] : pad(r[i], w[i] + 2);
    }
    out += l + "\n";
  }
  std::fputs(out.c_str(), stdout);
}

namespace {

// The item's own dates and facts, by kind.
void append_alert_facts(std::string& out, const json& d) {
  line(out, "raised", str(d, "raised_at") + " by " + str(d, "raised_by"));
  if (d["delivered_at"].is_string()) line(out, "delivered", str(d, "delivered_at"));
  if (d["acknowledged_at"].is_string())
    line(out, "acknowledged", str(d, "acknowledged_at") + " by " + str(d, "acknowledged_by"));
  if (d.value("escalation_level", 0) > 0)
    line(out, "escalated", "level " + std::to_string(d.value("escalation_level", 0)));
  if (d["closed_at"].is_string()) {
    std::string c = str(d, "closed_at") + " by " + str(d, "closed_by");
    if (!str(d, "close_note").empty()) c += ": " + str(d, "close_note");
    line(out, "closed", c);
  }
}

void append_request_facts(std::string& out, const json& d) {
  line(out, "written", str(d, "created_at") + " by " + str(d, "author"));
  if (d["approved_by"].is_string())
    line(out, "approved by",
         str(d, "approved_by") + (d.value("four_eyes", false) ? " (four-eyes)" : ""));
  if (d["sent_at"].is_string()) line(out, "sent", str(d, "sent_at"));
  if (d["received_at"].is_string()) line(out, "received", str(d, "received_at"));
  if (d["acknowledged_at"].is_string()) line(out, "acknowledged", str(d, "acknowledged_at"));
  if (d["responded_final_at"].is_string()) line(out, "final answer", str(d, "responded_final_at"));
  if (d["closed_at"].is_string()) line(out, "closed", str(d, "closed_at"));
  if (d["decline_reason"].is_string()) line(out, "declined", str(d, "decline_reason"));
  for (const auto& p : d.value("pauses", json::array())) {
    line(out, "paused",
         str(p, "start") + " to " + (p["end"].is_string() ? str(p, "end") : "now (waiting)"));
  }
  for (const auto& r : d.value("ratings", json::array())) {
    std::string s = "completeness " + std::to_string(r.value("completeness", 0)) +
                    "/5, usefulness " + std::to_string(r.value("usefulness", 0)) + "/5";
    if (!str(r, "comment").empty()) s += ": " + str(r, "comment");
    line(out, "rating", s);
  }
  if (d.value("reopen_count", 0) > 0)
    line(out, "reopened", std::to_string(d.value("reopen_count", 0)) + " time(s)");
}

void append_case_facts(std::string& out, const json& d) {
  for (const auto& a : d.value("alert_ids", json::array()))
    line(out, "alert", a.get<std::string>());
  for (const auto& r : d.value("request_ids", json::array()))
    line(out, "request", r.get<std::string>());
  for (const auto& i : d.value("indicators", json::array()))
    line(out, "indicator", str(i, "type") + " " + str(i, "value"));
}

// One deadline: whose, how long, from when, and where it stands.
std::string deadline_line(const json& x, const std::string& peer, TimePoint now) {
  std::string s = "    " + str(x, "name") + " (by " + (str(x, "side") == "ours" ? "us" : peer) +
                  ", " +
                  (str(x, "calendar") == "office_hours"
                       ? working_hours(x.value("minutes", std::int64_t{0})) + " in office hours"
                       : model::format_minutes(x.value("minutes", std::int64_t{0})) + " 24/7") +
                  ", from " + str(x, "start") + "): ";
  const std::string status = str(x, "status");
  const std::string used =
      " (" + std::to_string(x.value("permille", 0) / 10) + "% of the time used)";
  if (x["met_at"].is_string()) {
    s += (status == "met_late" ? "met late, " : "met ") + str(x, "met_at") + used;
  } else if (status == "stopped") {
    s += "stopped: the request ended before it was met";
  } else if (x["due_at"].is_string()) {
    s += "due " + str(x, "due_at") + ", " + deadline_state(x, now) + used;
  } else {
    s += deadline_state(x, now) + used;
  }
  return s;
}

void append_deadlines(std::string& out, const json& d, const std::string& peer, TimePoint now) {
  const auto& deadlines = d.value("deadlines", json::array());
  if (!deadlines.empty()) {
    out += "  deadlines\n";
    for (const auto& x : deadlines) out += deadline_line(x, peer, now) + "\n";
  } else if (d.contains("deadline_error")) {
    line(out, "deadlines", "cannot be computed: " + str(d, "deadline_error"));
  }
}

// The history (a case's timeline and private notes), the attachments and
// the void actions.
void append_records(std::string& out, const json& d, const std::string& kind, const std::string& us,
                    const std::string& peer) {
  const json history =
      kind == "case" ? d.value("timeline", json::array()) : d.value("history", json::array());
  if (!history.empty()) {
    out += kind == "case" ? "  timeline\n" : "  history\n";
    for (const auto& e : history) out += "    " + history_line(e, us, peer) + "\n";
  }
  if (kind == "case") {
    const auto& notes = d.value("notes", json::array());
    if (!notes.empty()) {
      out += "  private notes (this node only)\n";
      for (const auto& n : notes)
        out += "    " + str(n, "at") + "  " + str(n, "author") + ": " + str(n, "text") + "\n";
    }
  }
  const auto& files = d.value("files", json::array());
  if (!files.empty() && files[0].is_object()) {
    out += "  attachments\n";
    for (const auto& f : files) {
      out += "    " + str(f, "name") + "  " + std::to_string(f.value("size", std::int64_t{0})) +
             " bytes  sha256 " + str(f, "sha256").substr(0, 16) + "...  (" + str(f, "action") +
             " by " + str(f, "actor") + ", " + side_name(str(f, "side"), us, peer) + ")\n";
    }
  }
  const auto& voided = d.value("void", json::array());
  if (!voided.empty()) {
    out += "  void actions (refused where they fell; they changed nothing)\n";
    for (const auto& x : voided) {
      out += "    " + str(x, "action") + " by " + str(x, "actor") + " (" +
             side_name(str(x, "side"), us, peer) + "): " + str(x, "reason") + "\n";
    }
  }
}

}  // namespace

void print_item(const service::ItemView& v, TimePoint now, const std::string& target,
                const std::string& actor, const std::string& us) {
  const auto& d = v.document;
  const std::string kind = v.record.kind;
  const std::string peer = v.peer.empty() ? std::string("the peer") : v.peer;
  const bool ours = str(d, "origin") == "ours";
  const std::string sub = "               ";
  std::string out =
      capital(kind) + " " + service::short_id(v.record.id) + ": " + v.record.title + "\n";
  line(out, "id", v.record.id);
  line(out, "state", v.record.state);
  if (kind == "alert") {
    line(out, "direction", ours ? "raised by us (" + us + ") to " + peer : "raised by " + peer);
  } else if (kind == "request") {
    line(out, "direction", ours ? "we (" + us + ") ask " + peer : peer + " asks us (" + us + ")");
  } else {
    line(out, "direction", ours ? "opened by us (" + us + ") with " + peer : "opened by " + peer);
  }
  if (kind == "request") line(out, "kind", request_kind(v));
  if (d.contains("priority")) line(out, "priority", str(d, "priority"));
  out += "  " + pad("labels", 13) + labels_text(d["labels"], sub);

  if (kind == "alert") {
    append_alert_facts(out, d);
  } else if (kind == "request") {
    append_request_facts(out, d);
  } else {
    append_case_facts(out, d);
  }
  const std::string details = str(d, "details");
  if (!details.empty()) {
    out += "  details\n";
    block(out, details, "    ");
  }
  append_deadlines(out, d, peer, now);
  append_records(out, d, kind, us, peer);
  auto next = next_commands(v, target, actor);
  if (next.empty()) {
    out += "  next: nothing for this node to do\n";
  } else {
    out += "  next\n";
    for (const auto& c : next) out += "    " + c + "\n";
  }
  std::fputs(out.c_str(), stdout);
}

}  // namespace hotline::cli
