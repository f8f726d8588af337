#include "hotline/review/agenda.h"

#include <functional>

#include "hotline/common/time.h"

namespace hotline::review {
namespace {

using nlohmann::json;

std::string short_id(const std::string& id) {
  return id.size() > 8 ? "…" + id.substr(id.size() - 8) : id;
}

std::string party_name(const json& body, const std::string& letter) {
  return body.at("parties").at(letter).value("name", letter);
}

// "request.information" -> "information request"; "alert" -> "alert".
std::string kind_words(const std::string& kind) {
  const std::string prefix = "request.";
  if (kind.rfind(prefix, 0) == 0) return kind.substr(prefix.size()) + " request";
  return kind;
}

std::string percent(std::int64_t permille) {
  return std::to_string(permille / 10) +
         (permille % 10 ? "." + std::to_string(permille % 10) : "") + " %";
}

// An agenda point is one line of at most 200 bytes (model/review_round.h):
// longer text is cut at a character boundary.
std::string one_line(std::string text) {
  for (char& c : text) {
    if (static_cast<unsigned char>(c) < 0x20) c = ' ';
  }
  if (text.size() <= 200) return text;
  std::size_t cut = 196;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return text.substr(0, cut) + "…";
}

// Collects points of one kind, at most kMaxPointsPerKind, then one summary.
class Points {
 public:
  explicit Points(std::vector<model::AgendaPoint>& out) : out_(out) {}
  void add(std::string text, std::string ref) {
    if (count_++ < kMaxPointsPerKind)
      out_.push_back({one_line(std::move(text)), "records", one_line(std::move(ref))});
  }
  void finish(const std::string& noun) {
    if (count_ > kMaxPointsPerKind) {
      out_.push_back({"Further " + noun + ": " + std::to_string(count_ - kMaxPointsPerKind) +
                          ", see the report",
                      "records", ""});
    }
    count_ = 0;
  }

 private:
  std::vector<model::AgendaPoint>& out_;
  std::size_t count_ = 0;
};

// A share that fell by at least 5 points, or a median time that rose by a
// fifth or more, in a direction's totals.
void worse_figures(const json& body, Points& points) {
  const auto& directions = body.at("directions");
  for (std::size_t d = 0; d < directions.size(); ++d) {
    const json& dir = directions[d];
    const std::string who = party_name(body, dir.at("responder").get<std::string>()) +
                            " answering " + party_name(body, dir.at("asker").get<std::string>());
    const std::string base = "/directions/" + std::to_string(d);
    auto share = [&](const char* total, const char* deadline, const char* words) {
      const json& cur = dir.at(total).at("current").at(deadline).at("on_time_permille");
      const json& prev = dir.at(total).at("previous").at(deadline).at("on_time_permille");
      if (cur.is_null() || prev.is_null()) return;
      if (prev.get<std::int64_t>() - cur.get<std::int64_t>() < 50) return;
      points.add(std::string("Worse: ") + words + " in time fell from " +
                     percent(prev.get<std::int64_t>()) + " to " + percent(cur.get<std::int64_t>()) +
                     " (" + who + ")",
                 base + "/" + total + "/current/" + deadline + "/on_time_permille");
    };
    share("requests_total", "acknowledge", "requests acknowledged");
    share("requests_total", "final_response", "requests answered");
    share("alerts_total", "acknowledge", "alerts acknowledged");
    const json& cur = dir.at("requests_total").at("current").at("time_to_final_response");
    const json& prev = dir.at("requests_total").at("previous").at("time_to_final_response");
    if (!cur.at("median_s").is_null() && !prev.at("median_s").is_null()) {
      const auto c = cur.at("median_s").get<std::int64_t>();
      const auto p = prev.at("median_s").get<std::int64_t>();
      if (p > 0 && c * 5 >= p * 6) {
        points.add("Worse: the median time to a final answer rose from " +
                       std::to_string(p / 3600) + " h to " + std::to_string(c / 3600) + " h (" +
                       who + ")",
                   base + "/requests_total/current/time_to_final_response/median_s");
      }
    }
  }
  points.finish("figures that got worse");
}

std::string asked(const json& body, const Judgement& j) {
  const std::string asker = j.detail.value("asker", "a");
  return party_name(body, asker) + " asked " + party_name(body, asker == "a" ? "b" : "a");
}

void each_current(const std::vector<Judgement>& judgements,
                  const std::function<void(const Judgement&)>& fn) {
  for (const auto& j : judgements) {
    if (j.period == "current") fn(j);
  }
}

std::string deadline_status(const Judgement& j, const char* deadline) {
  const auto it = j.detail.find(deadline);
  if (it == j.detail.end() || !it->is_object()) return "";
  return it->value("status", "");
}

}  // namespace

std::vector<model::AgendaPoint> propose_agenda(const json& body,
                                               const std::vector<Judgement>& judgements,
                                               const std::vector<DisputeFacts>& disputes,
                                               const std::vector<OpenActionItem>& action_items) {
  std::vector<model::AgendaPoint> out;
  Points points(out);
  worse_figures(body, points);
  each_current(judgements, [&](const Judgement& j) {
    if (j.group.find("/requests/") == std::string::npos || !j.detail.value("overdue_at_end", false))
      return;
    points.add("Overdue: " + kind_words(j.detail.value("kind", "")) + " " + short_id(j.item) +
                   " (" + asked(body, j) + ", " + j.detail.value("priority", "") + ")",
               j.item);
  });
  points.finish("overdue requests");
  each_current(judgements, [&](const Judgement& j) {
    const auto it = j.detail.find("declined");
    if (it == j.detail.end() || !it->is_string()) return;
    points.add("Declined: " + kind_words(j.detail.value("kind", "")) + " " + short_id(j.item) +
                   " (" + asked(body, j) + "), reason: " + it->get<std::string>(),
               j.item);
  });
  points.finish("declined requests");
  each_current(judgements, [&](const Judgement& j) {
    const bool check =
        j.group.size() >= 7 && j.group.compare(j.group.size() - 7, 7, "/checks") == 0;
    if (j.group.find("/alerts/") == std::string::npos && !check) return;
    const std::string status = deadline_status(j, "acknowledge");
    if (status != "late" && status != "overdue") return;
    const std::string noun = check ? "communication check " : "alert ";
    points.add("Not acknowledged in time: " + noun + short_id(j.item) + " (" +
                   party_name(body, j.detail.value("asker", "a")) + " to " +
                   party_name(body, j.detail.value("asker", "a") == "a" ? "b" : "a") + ", " +
                   (status == "late" ? "acknowledged late" : "never acknowledged") + ")",
               j.item);
  });
  points.finish("alerts and checks not acknowledged in time");
  for (const auto& d : disputes) {
    if (d.settled || d.withdrawn) continue;
    points.add(
        "Open dispute " + short_id(d.id) + " (" + d.ground + "), opened by " +
            party_name(body, std::string(to_string(d.opened_by))) + " on " +
            format_timestamp(TimePoint(std::chrono::milliseconds(d.opened.at))).substr(0, 10),
        d.id);
  }
  points.finish("open disputes");
  for (const auto& a : action_items) {
    points.add("Open action item " + std::to_string(a.index + 1) + " of round " +
                   short_id(a.round) + " (" + a.owner + ", due " + a.due + "): " + a.text,
               a.round);
  }
  points.finish("open action items");
  return out;
}

}  // namespace hotline::review
