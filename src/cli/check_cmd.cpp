// hotline check send|list: communication checks of the hotline (docs/review.md).
// The node's check job sends the checks the agreement schedules; an officer
// may also send one by hand. A check is an urgent alert that a person at the
// peer's desk acknowledges (`hotline alert ack`); the review counts them.
#include <cstdio>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "commands.h"
#include "desk.h"
#include "hotline/common/escape.h"
#include "hotline/service/desk_service.h"
#include "item_commands.h"

namespace hotline::cli {
namespace {

std::string text_of(const nlohmann::json& j, const char* member) {
  const auto it = j.find(member);
  if (it == j.end() || !it->is_string()) return "-";
  return escape_text(it->get<std::string>(), 80);
}

// "met 2026-03-02T09:14:05.000Z" / "overdue" / "running": the check's one deadline.
std::string answer_of(const nlohmann::json& doc) {
  const auto deadlines = doc.value("deadlines", nlohmann::json::array());
  if (deadlines.empty()) return doc.value("state", "") == "raised" ? "not yet received" : "-";
  const auto& d = deadlines.front();
  const std::string status = d.value("status", "");
  if (status == "met" || status == "met_late") {
    return std::string(status == "met" ? "answered in time" : "answered LATE") + " by " +
           text_of(doc, "acknowledged_by") + " at " + text_of(doc, "acknowledged_at");
  }
  if (status == "overdue") return "NOT ANSWERED, due " + text_of(d, "due_at");
  if (status == "stopped") return "closed unanswered";
  return "waiting, due " + text_of(d, "due_at");
}

}  // namespace

void add_check_command(CLI::App& app) {
  auto* check = app.add_subcommand(
      "check",
      "Communication checks: an urgent alert that a person at the other desk must acknowledge "
      "within the alert deadline. The agreement schedules them; results count in the review.");
  check->require_subcommand(1);

  struct SendOpts {
    Target target;
    std::string to, as;
  };
  auto s = std::make_shared<SendOpts>();
  auto* send = check->add_subcommand("send", "Send a communication check to a peer now.");
  add_target_options(send, s->target);
  send->add_option("--to", s->to, "The peer's name (see `hotline peer list`)")->required();
  send->add_option("--as", s->as, as_help("sending it"));
  send->callback([s] {
    auto desk = open_desk(s->target, s->as, Use::act);
    auto v = desk->send_check(s->to);
    std::printf("Check %s sent to %s%s\n", service::short_id(v.record.id).c_str(),
                escape_text(v.peer, 80).c_str(),
                desk->deadline_terms(v.peer, "alert", model::Priority::urgent).c_str());
  });

  struct ListOpts {
    Target target;
    std::string peer, as;
    std::size_t limit = 50;
  };
  auto l = std::make_shared<ListOpts>();
  auto* list = check->add_subcommand("list", "List communication checks, newest first.");
  add_target_options(list, l->target);
  list->add_option("--peer", l->peer, "Only checks with this peer");
  list->add_option("--limit", l->limit, "At most this many")->capture_default_str();
  list->add_option("--as", l->as, as_help("reading"));
  list->callback([l] {
    auto desk = open_desk(l->target, l->as, Use::read);
    ListQuery q;
    q.kind = service::kAlert;
    q.peer = l->peer;
    q.all = true;
    q.limit = 1000;
    std::size_t shown = 0;
    for (const auto& v : desk->list(q)) {
      if (!v.document.value("check", false) || shown >= l->limit) continue;
      const bool ours = v.document.value("origin", "") == "ours";
      std::printf("%s  %s %-12s  sent %s  %s\n", service::short_id(v.record.id).c_str(),
                  ours ? "to  " : "from", escape_text(v.peer, 12).c_str(),
                  text_of(v.document, "raised_at").c_str(), answer_of(v.document).c_str());
      ++shown;
    }
    if (shown == 0) std::printf("No communication checks.\n");
  });
}

}  // namespace hotline::cli
