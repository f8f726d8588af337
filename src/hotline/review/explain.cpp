// Which judgements lie behind a figure of the body, and one line for people
// per judgement (report.h: explains, describe).
#include <charconv>
#include <vector>

#include "hotline/review/judge.h"
#include "hotline/review/report.h"
#include "hotline/review/words.h"

namespace hotline::review {

namespace {

using detail::member;
using Tokens = std::vector<std::string>;

Tokens split_pointer(std::string_view path) {
  Tokens out;
  if (path.empty() || path[0] != '/') return out;
  std::string cur;
  for (std::size_t i = 1; i <= path.size(); ++i) {
    if (i == path.size() || path[i] == '/') {
      out.push_back(cur);
      cur.clear();
    } else if (path[i] == '~' && i + 1 < path.size()) {
      cur += path[i + 1] == '1' ? '/' : '~';
      ++i;
    } else {
      cur += path[i];
    }
  }
  return out;
}

// The array element `token` names, or nullptr.
const nlohmann::json* element(const nlohmann::json& array, const std::string& token) {
  std::size_t i = 0;
  const auto r = std::from_chars(token.data(), token.data() + token.size(), i);
  if (r.ec != std::errc() || r.ptr != token.data() + token.size()) return nullptr;
  if (!array.is_array() || i >= array.size()) return nullptr;
  return &array[i];
}

std::string field(const nlohmann::json& d, const std::string& deadline, const char* name) {
  const auto& v = member(member(d, deadline), name);
  return v.is_string() ? v.get<std::string>() : std::string();
}

bool has(const nlohmann::json& d, const char* name) {
  const auto& v = member(d, name);
  return !v.is_null() && v != false && v != 0;
}

bool answered_in_time(const nlohmann::json& d) {
  const auto s = field(d, "acknowledge", "status");
  return s == "on_time" ||
         (s == "no_deadline" && !member(member(d, "acknowledge"), "at").is_null());
}

// Whether an item's detail `d` counts in the figure `f` (the path after the period).
bool item_counts_in(const nlohmann::json& d, const std::string& section, const Tokens& f) {
  if (f.empty()) return true;
  const std::string& m = f[0];
  if (section == "takedown") {
    const auto s = field(d, "final_response", "status");
    if (m == "removed_on_time") return s == "on_time";
    if (m == "removed_late") return s == "late";
    if (m == "not_removed") return s != "on_time" && s != "late";
    return true;
  }
  if (section == "checks") {
    const auto s = field(d, "acknowledge", "status");
    if (m == "answered_in_time") return answered_in_time(d);
    if (m == "answered_late") return s == "late";
    if (m == "unanswered") return !answered_in_time(d) && s != "late";
    if (m == "time_to_answer") return !member(member(d, "acknowledge"), "counted_s").is_null();
    return true;
  }
  for (const auto& dl : detail::kDeadlines) {
    if (m == dl && f.size() > 1) {
      const auto s = field(d, m, "status");
      if (f[1] == "on_time_permille") return s == "on_time" || s == "late" || s == "overdue";
      return s == f[1];
    }
    if (m == "time_to_" + std::string(dl))
      return !member(member(d, std::string(dl)), "counted_s").is_null();
  }
  if (m == "open_at_end" || m == "overdue_at_end" || m == "escalated") return has(d, m.c_str());
  if (m == "withdrawn") return has(d, "withdrawn_at");
  if (m == "clarifications") return has(d, "clarifications");
  if (m == "declined")
    return f.size() > 2 ? member(d, "declined") == f[2] : !member(d, "declined").is_null();
  if (m == "ratings") {
    if (member(d, "rating").is_null()) return false;
    if (f.size() > 3 && f[2] == "distribution") {
      int k = 0;
      std::from_chars(f[3].data(), f[3].data() + f[3].size(), k);
      return member(member(d, "rating"), f[1]) == k + 1;
    }
    return true;
  }
  return true;
}

bool dispute_counts_in(const nlohmann::json& d, const Tokens& f) {
  if (f.empty()) return true;
  if (f[0] == "settled" || f[0] == "withdrawn") return member(d, "state") == f[0];
  if (f[0] == "open_at_end") return member(d, "state") == "open";
  if (f[0] == "by_ground" && f.size() > 1) return member(d, "ground") == f[1];
  return true;
}

struct Target {
  std::string group;  // exact group, or a prefix when `prefix`
  bool prefix = false;
  std::string section;        // "requests", "takedown", "checks", ...
  std::size_t period_at = 0;  // index of the period token
};

bool direction_target(const nlohmann::json& body, const Tokens& t, Target& out) {
  if (t.size() < 4) return false;
  const auto* dir = element(member(body, "directions"), t[1]);
  if (!dir) return false;
  const std::string name = member((*dir), "asker") == "a" ? "a_to_b" : "b_to_a";
  out.section = t[2];
  out.period_at = 3;
  if (t[2] == "requests" || t[2] == "alerts") {
    const auto* row = element(member(*dir, t[2]), t[3]);
    if (!row) return false;
    out.group = name + "/" + t[2] + "/" +
                (t[2] == "requests" ? detail::text_of(member((*row), "kind")) + "/" : "") +
                detail::text_of(member((*row), "priority"));
    out.period_at = 4;
  } else if (t[2] == "requests_total" || t[2] == "alerts_total") {
    out.group = name + "/" + t[2].substr(0, t[2].find('_')) + "/";
    out.prefix = true;
  } else if (t[2] == "takedown") {
    out.group = name + "/requests/request.takedown/";
    out.prefix = true;
  } else if (t[2] == "checks") {
    out.group = name + "/checks";
  } else {
    return false;
  }
  return true;
}

// The figure's scope: which group(s) and period its items come from.
// `kind` tells how the path was read; false when it names no figure.
enum class Scope { none, cases, adjustments, figure };

Scope scope_of(const nlohmann::json& body, const Tokens& t, Target& target) {
  if (t.empty()) return Scope::none;
  if (t[0] == "cases") return Scope::cases;
  if (t[0] == "adjustments") return Scope::adjustments;
  if (t[0] == "disputes")
    target = {"disputes", false, "disputes", 1};
  else if (t[0] != "directions" || !direction_target(body, t, target))
    return Scope::none;
  return t.size() > target.period_at ? Scope::figure : Scope::none;
}

bool in_target(const Target& target, const Tokens& t, std::string_view group,
               std::string_view period) {
  if (t[target.period_at] != period) return false;
  return target.prefix ? group.starts_with(target.group) : group == target.group;
}

}  // namespace

bool may_explain(const nlohmann::json& body, std::string_view group, std::string_view period,
                 std::string_view path) {
  const Tokens t = split_pointer(path);
  Target target;
  switch (scope_of(body, t, target)) {
    case Scope::cases:
      return group == "cases";
    case Scope::adjustments:
      return true;
    case Scope::figure:
      return in_target(target, t, group, period);
    case Scope::none:
      break;
  }
  return false;
}

bool explains(const nlohmann::json& body, const Judgement& j, std::string_view path) {
  const Tokens t = split_pointer(path);
  Target target;
  switch (scope_of(body, t, target)) {
    case Scope::cases: {
      if (j.group != "cases") return false;
      if (t.size() < 3 || t[1] != "list") return true;
      const auto* row = element(member(member(body, "cases"), "list"), t[2]);
      return row && member(*row, "id") == j.item;
    }
    case Scope::adjustments: {
      const auto* row = t.size() > 1 ? element(member(body, "adjustments"), t[1]) : nullptr;
      return row && member(*row, "item") == j.item;
    }
    case Scope::figure:
      break;
    case Scope::none:
      return false;
  }
  if (!in_target(target, t, j.group, j.period)) return false;
  const Tokens f(t.begin() + static_cast<std::ptrdiff_t>(target.period_at) + 1, t.end());
  if (target.section == "disputes") return dispute_counts_in(j.detail, f);
  return item_counts_in(j.detail, target.section, f);
}

std::string describe(const Judgement& j, const nlohmann::json& body) {
  return detail::describe_judgement(j, body);
}

}  // namespace hotline::review
