// hotline request new|approve|list|show|ack|clarify|answer|respond|decline|
// withdraw|close|reopen: requests for information or assistance, from the
// draft (four-eyes) to the rated answer.
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "commands.h"
#include "desk.h"
#include "hotline/common/error.h"
#include "hotline/common/time.h"
#include "hotline/model/request.h"
#include "hotline/service/desk_service.h"
#include "item_commands.h"
#include "item_format.h"

namespace hotline::cli {
namespace {

const std::vector<std::string> kKinds = {"information", "preservation", "takedown", "assistance"};
const std::vector<std::string> kDeclineReasons = {"outside_scope",  "insufficient_information",
                                                  "legal_obstacle", "not_competent",
                                                  "duplicate",      "other"};

model::RequestKind kind_of(const std::string& s) {
  return model::parse_request_kind(s).value_or(model::RequestKind::information);
}

std::string quoted(const service::ItemView& v) {
  return "\"" + v.record.title + "\"";
}

std::string sid(const service::ItemView& v) {
  return service::short_id(v.record.id);
}

// Options shared by the actions on one request: the node, the id, --as.
struct ActOpts {
  Target target;
  std::string id, as;
  std::string text, note, reason, comment;
  bool final_ = false, partial = false;
  int completeness = 0, usefulness = 0;
  std::vector<std::string> attach;
};

CLI::App* action(CLI::App* parent, const char* name, const char* help,
                 const std::shared_ptr<ActOpts>& o, const char* doing) {
  auto* cmd = parent->add_subcommand(name, help);
  add_target_options(cmd, o->target);
  cmd->add_option("id", o->id, "The request's id (or its first or last 8 characters)")->required();
  cmd->add_option("--as", o->as, as_help(doing));
  return cmd;
}

// new: a request written here, sent at once or left as a draft for approval.
void add_new_command(CLI::App* req) {
  struct NewOpts {
    Target target;
    std::string to, kind, subject, details, details_file, priority = "normal", as, approved_by;
    LabelOptions labels;
    std::vector<std::string> attach;
  };
  auto n = std::make_shared<NewOpts>();
  auto* create = req->add_subcommand(
      "new",
      "Write a request to a peer. When the agreement asks for four-eyes (the default), it is "
      "sent once someone else approves it: give --approved-by (with --dir), or it waits as a draft "
      "for `hotline request approve`.");
  add_target_options(create, n->target);
  create->add_option("--to", n->to, "The peer's name (see `hotline peer list`)")->required();
  create->add_option("--kind", n->kind, "information, preservation, takedown or assistance")
      ->required()
      ->check(CLI::IsMember(kKinds));
  create->add_option("--subject", n->subject, "One line: what is asked")->required();
  create->add_option("--details", n->details, "Free text: the facts, the legal basis, the data");
  create->add_option("--details-file", n->details_file, "Read the details from this file");
  create->add_option("--priority", n->priority, "urgent or normal")
      ->check(CLI::IsMember({"urgent", "normal"}))
      ->capture_default_str();
  add_label_options(create, n->labels);
  create->add_option("--attach", n->attach, "A file to attach; repeatable");
  create->add_option("--as", n->as, as_help("writing it"));
  create->add_option("--approved-by", n->approved_by,
                     "With --dir: the supervisor approving it now (someone other than --as); it is "
                     "then sent at once");
  create->callback([n] {
    auto desk = open_desk(n->target, n->as, Use::act);
    service::RequestInput in;
    in.kind = kind_of(n->kind);
    in.priority = parse_priority_option(n->priority);
    in.labels = parse_labels(n->labels);
    in.subject = n->subject;
    in.details = read_details(n->details, n->details_file);
    std::optional<std::string> approver;
    if (!n->approved_by.empty()) approver = n->approved_by;
    if (approver && desk->remote()) {
      throw Error(ErrorCategory::usage, "usage",
                  "--approved-by: over the API a supervisor approves the draft with their own "
                  "token (`hotline request approve ID`); leave --approved-by out");
    }
    if (!n->attach.empty()) {
      desk->check_peer(n->to);  // before anything goes into the vault
      in.files = desk->attach(n->attach);
    }
    auto v = desk->create_request(n->to, in, approver);
    if (v.record.state == "draft") {
      std::printf(
          "Request %s saved as a draft: the agreement with %s needs a second person's approval "
          "— %shotline request approve%s %s%s\n",
          sid(v).c_str(), v.peer.c_str(), desk->remote() ? "a supervisor runs " : "",
          desk->target_hint().c_str(), sid(v).c_str(), desk->actor_hint().c_str());
      return;
    }
    std::printf("Request %s sent to %s: %s%s\n", sid(v).c_str(), v.peer.c_str(), quoted(v).c_str(),
                desk->deadline_terms(v.peer, model::agreement_kind(in.kind), in.priority).c_str());
  });
}

// approve: the second person of four-eyes sends a draft.
void add_approve_command(CLI::App* req) {
  auto ap = std::make_shared<ActOpts>();
  auto* approve = action(
      req, "approve",
      "Approve a draft request (four-eyes: not its author) and send it; over the API, with a "
      "supervisor's token.",
      ap, "approving");
  approve->callback([ap] {
    auto desk = open_desk(ap->target, ap->as, Use::act);
    auto v = desk->approve(ap->id);
    const auto& d = v.document;
    auto kind = kind_of(request_kind(v));
    auto prio = d.value("priority", "normal") == "urgent" ? model::Priority::urgent
                                                          : model::Priority::normal;
    std::printf("Request %s approved by %s and sent to %s: %s%s\n", sid(v).c_str(),
                desk->actor().c_str(), v.peer.c_str(), quoted(v).c_str(),
                desk->deadline_terms(v.peer, model::agreement_kind(kind), prio).c_str());
  });
}

// ---- the responder's actions ----

void add_ack_command(CLI::App* req) {
  auto ak = std::make_shared<ActOpts>();
  auto* ack =
      action(req, "ack", "Acknowledge a request from a peer: it has been seen and will be handled.",
             ak, "acknowledging");
  ack->callback([ak] {
    auto desk = open_desk(ak->target, ak->as, Use::act);
    auto v = desk->act(service::kRequest, ak->id, "acknowledge", nlohmann::json::object());
    std::printf("Request %s from %s acknowledged by %s: %s\n", sid(v).c_str(), v.peer.c_str(),
                desk->actor().c_str(), quoted(v).c_str());
  });
}

void add_clarify_command(CLI::App* req) {
  auto cl = std::make_shared<ActOpts>();
  auto* clarify = action(req, "clarify",
                         "Ask the requester a question. The response deadline is paused until "
                         "they answer.",
                         cl, "asking");
  clarify->add_option("--question", cl->text, "The question")->required();
  clarify->callback([cl] {
    auto desk = open_desk(cl->target, cl->as, Use::act);
    auto v =
        desk->act(service::kRequest, cl->id, "request_clarification", {{"question", cl->text}});
    std::printf(
        "Request %s: question sent to %s; the response deadline is paused until they "
        "answer.\n",
        sid(v).c_str(), v.peer.c_str());
  });
}

void add_answer_command(CLI::App* req) {
  auto an = std::make_shared<ActOpts>();
  auto* answer = action(req, "answer",
                        "Answer the peer's question about a request of ours (the clarification); "
                        "their response deadline runs again.",
                        an, "answering");
  answer->add_option("--text", an->text, "The answer")->required();
  answer->callback([an] {
    auto desk = open_desk(an->target, an->as, Use::act);
    auto v = desk->act(service::kRequest, an->id, "give_clarification", {{"answer", an->text}});
    std::printf("Request %s: clarification sent to %s; their response deadline runs again.\n",
                sid(v).c_str(), v.peer.c_str());
  });
}

void add_respond_command(CLI::App* req) {
  auto rs = std::make_shared<ActOpts>();
  auto* respond = action(req, "respond",
                         "Respond to a request from a peer: a partial response (more to follow) "
                         "or the final one (the default).",
                         rs, "responding");
  respond->add_option("--note", rs->note, "The response")->required();
  auto* fin = respond->add_flag("--final", rs->final_, "The final response (the default)");
  auto* par = respond->add_flag("--partial", rs->partial, "A partial response; more will follow");
  fin->excludes(par);
  respond->add_option("--attach", rs->attach, "A file to attach; repeatable");
  respond->callback([rs] {
    auto desk = open_desk(rs->target, rs->as, Use::act);
    // The request first, then the files (none uploaded for an unknown id).
    const std::string id = rs->attach.empty() ? rs->id : desk->resolve(service::kRequest, rs->id);
    auto files = desk->attach(rs->attach);
    const char* act = rs->partial ? "respond_partial" : "respond_final";
    auto v = desk->act(service::kRequest, id, act,
                       {{"note", rs->note}, {"attachments", service::attachments_json(files)}});
    std::printf("Request %s: %s response sent to %s%s.\n", sid(v).c_str(),
                rs->partial ? "partial" : "final", v.peer.c_str(),
                files.empty() ? ""
                              : (" with " + std::to_string(files.size()) + " attachment" +
                                 (files.size() == 1 ? "" : "s"))
                                    .c_str());
  });
}

void add_decline_command(CLI::App* req) {
  auto dc = std::make_shared<ActOpts>();
  auto* decline =
      action(req, "decline", "Decline a request from a peer, with a reason code.", dc, "declining");
  std::string reasons;
  for (const auto& reason : kDeclineReasons) reasons += (reasons.empty() ? "" : ", ") + reason;
  decline->add_option("--reason", dc->reason, "Why: " + reasons)
      ->required()
      ->check(CLI::IsMember(kDeclineReasons));
  decline->add_option("--note", dc->note, "Explanation (required with --reason other)");
  decline->callback([dc] {
    auto desk = open_desk(dc->target, dc->as, Use::act);
    auto v = desk->act(service::kRequest, dc->id, "decline",
                       {{"reason", dc->reason}, {"note", dc->note}});
    std::printf("Request %s from %s declined (%s): %s\n", sid(v).c_str(), v.peer.c_str(),
                dc->reason.c_str(), quoted(v).c_str());
  });
}

// ---- the requester's actions ----

void add_withdraw_command(CLI::App* req) {
  auto wd = std::make_shared<ActOpts>();
  auto* withdraw = action(req, "withdraw", "Withdraw a request of ours before its final response.",
                          wd, "withdrawing it");
  withdraw->add_option("--reason", wd->reason, "Why it is withdrawn")->required();
  withdraw->callback([wd] {
    auto desk = open_desk(wd->target, wd->as, Use::act);
    auto v = desk->act(service::kRequest, wd->id, "withdraw", {{"reason", wd->reason}});
    std::printf("Request %s to %s withdrawn: %s\n", sid(v).c_str(), v.peer.c_str(),
                quoted(v).c_str());
  });
}

void add_close_command(CLI::App* req) {
  auto cs = std::make_shared<ActOpts>();
  auto* close = action(req, "close",
                       "Close a request of ours after its final response, rating the response "
                       "(timeliness is computed, not typed).",
                       cs, "closing it");
  close->add_option("--completeness", cs->completeness, "How complete the response was, 1 to 5")
      ->required()
      ->check(CLI::Range(1, 5));
  close->add_option("--usefulness", cs->usefulness, "How useful the response was, 1 to 5")
      ->required()
      ->check(CLI::Range(1, 5));
  close->add_option("--comment", cs->comment, "A comment on the response");
  close->callback([cs] {
    auto desk = open_desk(cs->target, cs->as, Use::act);
    nlohmann::json rating = {{"completeness", cs->completeness},
                             {"usefulness", cs->usefulness},
                             {"comment", cs->comment}};
    auto v = desk->act(service::kRequest, cs->id, "close", {{"rating", rating}});
    std::printf("Request %s to %s closed, rated completeness %d/5, usefulness %d/5.\n",
                sid(v).c_str(), v.peer.c_str(), cs->completeness, cs->usefulness);
  });
}

void add_reopen_command(CLI::App* req) {
  auto ro = std::make_shared<ActOpts>();
  auto* reopen = action(req, "reopen",
                        "Reopen a closed request of ours (once), e.g. when the response turns out "
                        "incomplete.",
                        ro, "reopening it");
  reopen->add_option("--reason", ro->reason, "Why it is reopened")->required();
  reopen->callback([ro] {
    auto desk = open_desk(ro->target, ro->as, Use::act);
    auto v = desk->act(service::kRequest, ro->id, "reopen", {{"reason", ro->reason}});
    std::printf("Request %s to %s reopened; it waits for %s's response again.\n", sid(v).c_str(),
                v.peer.c_str(), v.peer.c_str());
  });
}

}  // namespace

void add_request_command(CLI::App& app) {
  auto* req = app.add_subcommand(
      "request",
      "Requests for information or assistance (information, preservation of data, takedown, "
      "investigative assistance): draft, approval by a second person (four-eyes), "
      "acknowledgement, clarification, partial and final responses, rating.");
  req->require_subcommand(1);

  add_new_command(req);
  add_approve_command(req);
  add_list_command(req,
                   {service::kRequest,
                    "List requests, most recently changed first: the open ones (not "
                    "closed, declined or withdrawn) unless --all.",
                    "Only requests with this peer", "Closed, declined and withdrawn ones too",
                    "No requests.", "No open requests (--all shows the finished ones too).", true});
  add_show_command(req, service::kRequest, "request",
                   "Show one request: labels, deadlines, history, attachments, what to do next.");
  add_share_commands(req, service::kRequest, "request");
  add_export_command(req, service::kRequest, "request");

  add_ack_command(req);
  add_clarify_command(req);
  add_answer_command(req);
  add_respond_command(req);
  add_decline_command(req);
  add_withdraw_command(req);
  add_close_command(req);
  add_reopen_command(req);
}

}  // namespace hotline::cli
