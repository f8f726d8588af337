#include "hotline/review/words.h"

#include "hotline/review/judge.h"

namespace hotline::review::detail {

namespace {

std::string short_id(const std::string& id) {
  if (id.size() <= 12) return id;
  return id.substr(0, 4) + "\u2026" + id.substr(id.size() - 4);
}

std::string describe_deadline(const nlohmann::json& d, std::string_view name) {
  std::string out = std::string(name);
  if (member(d, "status") == "no_deadline") {
    out += member(d, "at").is_null() ? " not done" : " done " + text_of(member(d, "at"));
    return out + ", no deadline";
  }
  out += " due " +
         (member(d, "due").is_null() ? std::string("not reached") : text_of(member(d, "due")));
  out += member(d, "at").is_null() ? ", not done" : ", done " + text_of(member(d, "at"));
  if (!member(d, "counted_s").is_null())
    out += " (" + text_of(member(d, "counted_s")) + " s counted)";
  out += ": " + status_words(text_of(member(d, "status")));
  if (member(d, "adjusted") == true) out += " (agreed adjustment)";
  return out;
}

std::string describe_item(const Judgement& j, const nlohmann::json& body) {
  const auto& d = j.detail;
  const std::string asker = text_of(member(d, "asker"));
  std::string out = item_name(j) + " (" + party_name(body, asker) + " asks " +
                    party_name(body, asker == "a" ? "b" : "a") + ", " + text_of(member(d, "kind")) +
                    " " + text_of(member(d, "priority")) + ", " + text_of(member(d, "calendar")) +
                    "): received " + text_of(member(d, "received_at"));
  for (const auto& dl : kDeadlines) {
    const auto& dd = member(d, std::string(dl));
    if (dl != "acknowledge" && member(d, "kind") == "alert") continue;
    std::string label(dl);
    if (const auto u = label.find('_'); u != std::string::npos) label[u] = ' ';
    out += "; " + describe_deadline(dd, label);
  }
  if (!member(d, "declined").is_null())
    out +=
        "; declined (" + text_of(member(d, "declined")) + ") " + text_of(member(d, "declined_at"));
  if (!member(d, "withdrawn_at").is_null())
    out += "; withdrawn " + text_of(member(d, "withdrawn_at"));
  if (member(d, "clarifications") != 0)
    out += "; clarifications: " + text_of(member(d, "clarifications"));
  if (!member(d, "rating").is_null())
    out += "; rated completeness " + text_of(member(member(d, "rating"), "completeness")) +
           ", usefulness " + text_of(member(member(d, "rating"), "usefulness"));
  if (member(d, "escalated") == true) out += "; escalated";
  return out;
}

}  // namespace

const nlohmann::json& member(const nlohmann::json& j, std::string_view key) {
  static const nlohmann::json null_value = nullptr;
  if (!j.is_object()) return null_value;
  const auto it = j.find(key);
  return it == j.end() ? null_value : *it;
}

std::string text_of(const nlohmann::json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_null()) return "none";
  return v.dump();
}

std::string item_name(const Judgement& j) {
  std::string kind = "item";
  if (j.group.find("/requests/") != std::string::npos)
    kind = "request";
  else if (j.group.find("/alerts/") != std::string::npos)
    kind = "alert";
  else if (j.group.ends_with("/checks"))
    kind = "check";
  else if (j.group == "disputes")
    kind = "dispute";
  else if (j.group == "cases")
    kind = "case";
  return kind + " " + short_id(j.item);
}

std::string status_words(std::string_view status) {
  if (status == "on_time") return "on time";
  if (status == "late") return "late";
  if (status == "pending") return "pending (not due yet)";
  if (status == "overdue") return "overdue";
  if (status == "ended") return "ended (declined or withdrawn first)";
  if (status == "no_deadline") return "without a deadline";
  return std::string(status);
}

std::string deadline_words(std::string_view deadline) {
  if (deadline == "acknowledge") return "the acknowledgement";
  if (deadline == "first_response") return "the first response";
  if (deadline == "final_response") return "the final response";
  return std::string(deadline);
}

std::string party_name(const nlohmann::json& body, std::string_view party) {
  const auto p = std::string(party);
  const auto& name = member(member(member(body, "parties"), p), "name");
  if (name.is_string()) return name.get<std::string>();
  return p;
}

std::string times_words(const nlohmann::json& deadline) {
  std::string out = "(";
  out += member(deadline, "at").is_null() ? "not sent" : "sent " + text_of(member(deadline, "at"));
  if (!member(deadline, "due").is_null()) out += ", due " + text_of(member(deadline, "due"));
  return out + ")";
}

std::string describe_judgement(const Judgement& j, const nlohmann::json& body) {
  const auto& d = j.detail;
  if (j.group == "disputes")
    return item_name(j) + " (" + text_of(member(d, "ground")) + ", opened by " +
           party_name(body, text_of(member(d, "opened_by"))) + " " +
           text_of(member(d, "opened_at")) + "): " + text_of(member(d, "state")) +
           (member(d, "settled_at").is_null() ? "" : " " + text_of(member(d, "settled_at"))) +
           (member(d, "withdrawn_at").is_null() ? "" : " " + text_of(member(d, "withdrawn_at")));
  if (j.group == "cases")
    return item_name(j) + " (opened by " + party_name(body, text_of(member(d, "opened_by"))) + " " +
           text_of(member(d, "opened_at")) + "): " + text_of(member(d, "state")) + ", " +
           text_of(member(d, "requests")) + " requests (" +
           text_of(member(d, "requests_answered")) + " answered), " + text_of(member(d, "alerts")) +
           " alerts (" + text_of(member(d, "alerts_acknowledged")) + " acknowledged)";
  return describe_item(j, body);
}

}  // namespace hotline::review::detail
