#include "hotline/review/words.h"

#include "hotline/review/judge.h"

namespace hotline::review::detail {

namespace {

std::string text(const nlohmann::json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_null()) return "none";
  return v.dump();
}

std::string short_id(const std::string& id) {
  if (id.size() <= 12) return id;
  return id.substr(0, 4) + "\u2026" + id.substr(id.size() - 4);
}

std::string describe_deadline(const nlohmann::json& d, std::string_view name) {
  std::string out = std::string(name);
  if (d["status"] == "no_deadline") {
    out += d["at"].is_null() ? " not done" : " done " + text(d["at"]);
    return out + ", no deadline";
  }
  out += " due " + (d["due"].is_null() ? std::string("not reached") : text(d["due"]));
  out += d["at"].is_null() ? ", not done" : ", done " + text(d["at"]);
  if (!d["counted_s"].is_null()) out += " (" + text(d["counted_s"]) + " s counted)";
  out += ": " + status_words(d["status"].get<std::string>());
  if (d["adjusted"] == true) out += " (agreed adjustment)";
  return out;
}

std::string describe_item(const Judgement& j, const nlohmann::json& body) {
  const auto& d = j.detail;
  const std::string asker = d["asker"].get<std::string>();
  std::string out = item_name(j) + " (" + party_name(body, asker) + " asks " +
                    party_name(body, asker == "a" ? "b" : "a") + ", " + text(d["kind"]) + " " +
                    text(d["priority"]) + ", " + text(d["calendar"]) + "): received " +
                    text(d["received_at"]);
  for (const auto& dl : kDeadlines) {
    const auto& dd = d[std::string(dl)];
    if (dl != "acknowledge" && d["kind"] == "alert") continue;
    std::string label(dl);
    if (const auto u = label.find('_'); u != std::string::npos) label[u] = ' ';
    out += "; " + describe_deadline(dd, label);
  }
  if (!d["declined"].is_null())
    out += "; declined (" + text(d["declined"]) + ") " + text(d["declined_at"]);
  if (!d["withdrawn_at"].is_null()) out += "; withdrawn " + text(d["withdrawn_at"]);
  if (d["clarifications"] != 0) out += "; clarifications: " + text(d["clarifications"]);
  if (!d["rating"].is_null())
    out += "; rated completeness " + text(d["rating"]["completeness"]) + ", usefulness " +
           text(d["rating"]["usefulness"]);
  if (d["escalated"] == true) out += "; escalated";
  return out;
}

}  // namespace

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
  if (body.contains("parties") && body["parties"].contains(p) &&
      body["parties"][p]["name"].is_string())
    return body["parties"][p]["name"].get<std::string>();
  return p;
}

std::string times_words(const nlohmann::json& deadline) {
  std::string out = "(";
  out += deadline["at"].is_null() ? "not sent" : "sent " + text(deadline["at"]);
  if (!deadline["due"].is_null()) out += ", due " + text(deadline["due"]);
  return out + ")";
}

std::string describe_judgement(const Judgement& j, const nlohmann::json& body) {
  const auto& d = j.detail;
  if (j.group == "disputes")
    return item_name(j) + " (" + text(d["ground"]) + ", opened by " +
           party_name(body, text(d["opened_by"])) + " " + text(d["opened_at"]) +
           "): " + text(d["state"]) +
           (d["settled_at"].is_null() ? "" : " " + text(d["settled_at"])) +
           (d["withdrawn_at"].is_null() ? "" : " " + text(d["withdrawn_at"]));
  if (j.group == "cases")
    return item_name(j) + " (opened by " + party_name(body, text(d["opened_by"])) + " " +
           text(d["opened_at"]) + "): " + text(d["state"]) + ", " + text(d["requests"]) +
           " requests (" + text(d["requests_answered"]) + " answered), " + text(d["alerts"]) +
           " alerts (" + text(d["alerts_acknowledged"]) + " acknowledged)";
  return describe_item(j, body);
}

}  // namespace hotline::review::detail
