// Review rounds between two real nodes through the CLI (docs/review.md,
// "Review rounds"): alpha's chair proposes a round with --dir; bravo's
// reviewer edits and accepts the agenda over bravo's API (--url, --token);
// alpha accepts the new version; alpha proposes minutes with two action
// items and bravo signs them; alpha's overdue action item shows as such and
// is completed by its owner only. Both nodes end with the same round, and
// each reminder (the meeting a week ahead, the overdue action item) is
// recorded once on each node with its event.
#include <map>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "cli_output.h"
#include "hotline/common/encoding.h"
#include "hotline/net/https_server.h"
#include "hotline/service/round_support.h"
#include "hotline/service/user_service.h"
#include "hotline/service/webhook_config.h"
#include "hotline/tls/certificate.h"
#include "hotline/tls/context.h"
#include "link_harness.h"

namespace hotline::it {
namespace round_cli_test {

using nlohmann::json;

// A real HTTPS receiver for alpha's webhook: records every POST.
class HookReceiver {
 public:
  struct Hit {
    std::map<std::string, std::string> headers;
    std::string body;
  };
  explicit HookReceiver(const fs::path& dir) {
    const auto cert = dir / "hook.crt";
    const auto key = dir / "hook.key";
    tls::generate_operator_certificate("webhook receiver", cert, key);
    pin_ = to_hex(tls::certificate_sha256(testing::read_file(cert)));
    net::ServerOptions so;
    so.name = "webhook";
    so.port = 0;
    server_ = std::make_unique<net::HttpsServer>(tls::operator_server_context(cert, key), so,
                                                 [this](const net::HttpRequest& r) {
                                                   std::lock_guard lock(mu_);
                                                   hits_.push_back({r.headers, r.body});
                                                   net::HttpResponse res;
                                                   res.body = "{}";
                                                   return res;
                                                 });
    server_->start();
  }
  std::string url() const {
    return "https://127.0.0.1:" + std::to_string(server_->port()) + "/hook";
  }
  const std::string& pin() const { return pin_; }
  // The triggers of the round reminders posted so far, with their count.
  std::map<std::string, int> round_triggers() {
    std::lock_guard lock(mu_);
    std::map<std::string, int> out;
    for (const auto& h : hits_) {
      const auto j = json::parse(h.body, nullptr, false);
      if (!j.is_object() || j.value("trigger", "").rfind("round.", 0) != 0) continue;
      EXPECT_EQ(h.headers.count("x-hotline-event") ? h.headers.at("x-hotline-event") : "",
                "escalation");
      EXPECT_EQ(j["item"].value("kind", ""), "round");
      out[j.value("trigger", "")] += 1;
    }
    return out;
  }

 private:
  std::string pin_;
  std::mutex mu_;
  std::vector<Hit> hits_;
  std::unique_ptr<net::HttpsServer> server_;
};

class RoundCli : public TwoNodes {
 protected:
  // bravo's reviewer "rita" (may prepare rounds) and operator "otto" (may
  // not), with API tokens.
  void add_bravo_users() {
    service::AccountPolicy cheap;
    cheap.password_cost = crypto::kTestPasswordCost;
    auto node = service::open_node(dir(kBravo));
    for (const auto& [name, role] : std::map<std::string, service::Role>{
             {"rita", service::Role::reviewer}, {"otto", service::Role::operator_}}) {
      service::add_user(*node.store, name, "", {role}, "a long enough password", now_ms(), cheap);
      tokens_[name] = service::create_api_token(*node.store, name, "terminal", now_ms()).token;
    }
    pin_ =
        to_hex(tls::certificate_sha256(testing::read_file(dir(kBravo) / "tls" / "operator.crt")));
  }

  // `hotline ARGS` against bravo's API as `user`.
  testing::RunResult api(const std::string& user, std::vector<std::string> args) {
    args.insert(args.end(), {"--url", "https://127.0.0.1:" + std::to_string(node(kBravo).op_port),
                             "--token", tokens_.at(user), "--pin-sha256", pin_});
    return cli(std::move(args));
  }
  std::string aok(const std::string& user, std::vector<std::string> args) {
    auto r = api(user, std::move(args));
    EXPECT_EQ(r.exit_code, 0) << user << ": " << r.err << r.out;
    return r.out;
  }

  json show(Side s, const std::string& id) {
    auto r = on(s, {"round", "show", id, "--json"});
    if (r.exit_code != 0) return json{{"state", ""}, {"error", r.err}};
    return json::parse(r.out);
  }

  // Waits (bounded) until the round on `s` satisfies `pred`.
  template <class Pred>
  json wait_round(Side s, const std::string& id, Pred pred, const std::string& what) {
    auto j = poll_json([&] { return show(s, id); }, pred, 30s);
    EXPECT_TRUE(pred(j)) << nodes_[s].name << ": round " << id << " never " << what << ":\n"
                         << j.dump(2);
    return j;
  }

  // The escalation rows of the round on `s`, by trigger.
  std::map<std::string, int> reminders(Side s, const std::string& full_id) {
    auto n = service::open_node(dir(s));
    auto rows =
        n.store->snapshot([](store::Transaction& tx) { return tx.list_escalations(0, 1000); });
    std::map<std::string, int> out;
    for (const auto& e : rows) {
      if (e.item_id == full_id) out[e.trigger] += 1;
    }
    return out;
  }
  int reminder_events(Side s, const std::string& full_id) {
    auto n = service::open_node(dir(s));
    auto events =
        n.store->snapshot([](store::Transaction& tx) { return tx.list_events(0, 100000); });
    int count = 0;
    for (const auto& e : events) {
      if (e.kind == "round_reminder" && has(e.detail, full_id)) ++count;
    }
    return count;
  }

  std::map<std::string, std::string> tokens_;
  std::string pin_;
};

TEST_F(RoundCli, ARoundRunsFromProposalToSignedMinutesOnBothNodes) {
  ASSERT_NO_FATAL_FAILURE(start_linked());
  ASSERT_NO_FATAL_FAILURE(add_bravo_users());
  HookReceiver hook(scratch());
  {
    auto alpha = service::open_node(dir(kAlpha));
    alpha.store->transact([&](store::Transaction& tx) {
      service::save_webhook_config(
          tx, service::WebhookConfig{hook.url(), std::string(40, 's'), hook.pin(), true});
    });
  }

  // A request bravo declined: the records put it on the agenda.
  auto out = ok(kAlpha, {"request", "new", "--to", "bravo", "--kind", "preservation", "--subject",
                         "Preserve logs of 203.0.113.7", "--as", "alice"});
  const std::string request = id_in(out);
  ok(kAlpha, {"request", "approve", request, "--as", "bob"});
  auto state_of = [&](Side s) {
    auto r = on(s, {"request", "show", request, "--json"});
    return r.exit_code == 0 ? json::parse(r.out).value("state", "") : std::string();
  };
  ASSERT_TRUE(testing::eventually([&] { return state_of(kBravo) == "received"; }, 30s));
  ok(kBravo, {"request", "decline", request, "--reason", "not_competent", "--as", "carol"});
  // Declined, and bravo's receipt of it back on alpha (inside alpha's cut).
  ASSERT_TRUE(testing::eventually(
      [&] {
        auto r = on(kAlpha, {"request", "show", request, "--json"});
        if (r.exit_code != 0) return false;
        const auto d = json::parse(r.out);
        return d.value("state", "") == "declined" && d["received_at"].is_string();
      },
      30s));

  // The period around today; the meeting in three days: the week-ahead
  // reminder is due at once.
  const std::string from = format_timestamp(now_ms() - std::chrono::hours(24)).substr(0, 10);
  const std::string to = format_timestamp(now_ms() + std::chrono::hours(48)).substr(0, 10);
  const std::string meeting = format_timestamp(now_ms() + std::chrono::hours(72)).substr(0, 16);
  const std::vector<std::string> propose = {"round",
                                            "propose",
                                            "--peer",
                                            "bravo",
                                            "--from",
                                            from,
                                            "--to",
                                            to,
                                            "--date",
                                            meeting + "Z",
                                            "--place",
                                            "Videoconference",
                                            "--participant",
                                            "Anna K.:head of desk",
                                            "--their-participant",
                                            "Bo L.:liaison officer",
                                            "--point",
                                            "Staffing of the night shift",
                                            "--as",
                                            "anna"};
  out = ok(kAlpha, propose);
  EXPECT_TRUE(has(out, "proposed to bravo")) << out;
  const std::string id = id_in(out);
  ASSERT_EQ(id.size(), 8u) << out;

  // A period with more items than the agenda lists one by one gets one
  // line with the counts instead (here: more than none).
  {
    auto alpha = service::open_node(dir(kAlpha));
    auto points = alpha.store->snapshot([&](store::Transaction& tx) {
      return service::records_agenda(tx, link_of(*alpha.store, "bravo"),
                                     alpha.identity.public_key().encoded(),
                                     parse_timestamp(from + "T00:00:00.000Z"),
                                     parse_timestamp(to + "T00:00:00.000Z"), "alpha", "bravo", 0);
    });
    ASSERT_EQ(points.size(), 1u);
    EXPECT_EQ(points[0].text,
              "Requests, alerts and checks in the period: 1 (requests overdue: 0, declined: 1), "
              "too many to list one by one; see the report");
  }

  // bravo's reviewer sees it over the API, adds a point: version 2.
  auto b = wait_round(
      kBravo, id, [](const json& j) { return j.value("state", "") == "proposed"; }, "arrived");
  const std::string full = b.value("id", "");
  EXPECT_EQ(b.value("origin", ""), "theirs");
  auto bravo_page = ok(kBravo, {"round", "show", id});
  EXPECT_TRUE(has(bravo_page, "hotline round accept " + id + " --version 1 --dir")) << bravo_page;
  // The week-ahead reminder, on each node (both hold the round).
  for (Side s : {kAlpha, kBravo}) {
    EXPECT_TRUE(
        testing::eventually([&] { return reminders(s, full).count("round.meeting.7d") > 0; }, 30s))
        << nodes_[s].name;
  }
  EXPECT_EQ(b["plan"]["participants"][0].value("party", ""), "theirs") << b.dump(2);
  out = aok("rita", {"round", "agenda", id, "--add", "Handover between the desks at night"});
  EXPECT_TRUE(has(out, "agenda version 2")) << out;
  EXPECT_TRUE(has(out, "Handover between the desks at night")) << out;
  // bravo's operator may not prepare rounds; and nothing changed.
  auto refused = api("otto", {"round", "accept", id, "--version", "2"});
  EXPECT_NE(refused.exit_code, 0);
  EXPECT_TRUE(has(refused.err, "prepare_rounds")) << refused.err;

  // alpha may not accept the version it has not read; accepts version 2.
  auto a = wait_round(
      kAlpha, id, [](const json& j) { return j.value("agenda_version", 0) == 2; },
      "got agenda version 2");
  auto stale = on(kAlpha, {"round", "accept", id, "--version", "1", "--as", "anna"});
  EXPECT_NE(stale.exit_code, 0);
  EXPECT_TRUE(has(stale.err, "version 2")) << stale.err;
  out = ok(kAlpha, {"round", "accept", id, "--version", "2", "--as", "anna"});
  EXPECT_TRUE(has(out, "agreed by both")) << out;
  wait_round(
      kBravo, id, [](const json& j) { return j.value("state", "") == "agenda_agreed"; },
      "had its agenda agreed");

  // Minutes with two action items; bravo signs them.
  ok(kAlpha, {"round", "minutes", id, "--text", "Both desks reviewed the quarter.", "--action",
              "ours:2026-01-15:Publish the updated contact list", "--action",
              "bravo:2099-12-31:Answer the two oldest requests", "--as", "anna"});
  wait_round(
      kBravo, id, [](const json& j) { return j.value("minutes_version", 0) == 1; },
      "got the minutes");
  out = aok("rita", {"round", "sign", id, "--version", "1"});
  EXPECT_TRUE(has(out, "closed")) << out;
  a = wait_round(
      kAlpha, id, [](const json& j) { return j.value("state", "") == "closed"; }, "closed");

  // alpha's action item is overdue; only alpha completes it.
  auto page = ok(kAlpha, {"round", "show", id});
  EXPECT_TRUE(has(page, "1. [OVERDUE] alpha, due 2026-01-15")) << page;
  EXPECT_TRUE(has(page, "2. [open] bravo, due 2099-12-31")) << page;
  EXPECT_TRUE(has(page, "hotline round done " + id + " --item 1 --note TEXT --dir")) << page;
  EXPECT_FALSE(has(page, "--item 2")) << "bravo's item is not alpha's to complete:\n" << page;
  // The overdue reminder, on each node, before it is done.
  for (Side s : {kAlpha, kBravo}) {
    EXPECT_TRUE(testing::eventually(
        [&] { return reminders(s, full).count("round.action.1.overdue") > 0; }, 30s))
        << nodes_[s].name;
  }
  auto wrong = api("rita", {"round", "done", id, "--item", "1", "--note", "not ours"});
  EXPECT_NE(wrong.exit_code, 0);
  EXPECT_TRUE(has(wrong.err, "for alpha to do")) << wrong.err;
  ok(kAlpha,
     {"round", "done", id, "--item", "1", "--note", "Published on both sites", "--as", "anna"});
  b = wait_round(
      kBravo, id,
      [](const json& j) {
        return j.contains("action_items") && j["action_items"].size() == 2 &&
               j["action_items"][0].value("done", false);
      },
      "saw the action item done");

  // Both nodes hold the same round (sides seen from each).
  a = show(kAlpha, id);
  EXPECT_EQ(a["plan"]["agenda"], b["plan"]["agenda"]);
  // The records' point first, then the parties' points.
  ASSERT_EQ(a["plan"]["agenda"].size(), 3u) << a["plan"]["agenda"].dump(2);
  EXPECT_EQ(a["plan"]["agenda"][0].value("source", ""), "records");
  EXPECT_TRUE(has(a["plan"]["agenda"][0].value("text", ""), "Declined: preservation request"))
      << a["plan"]["agenda"].dump(2);
  EXPECT_TRUE(has(a["plan"]["agenda"][0].value("ref", ""), request));
  EXPECT_EQ(a["plan"]["agenda"][1].value("text", ""), "Staffing of the night shift");
  EXPECT_EQ(a["minutes"], b["minutes"]);
  EXPECT_EQ(a["history"].size(), b["history"].size());
  EXPECT_EQ(a["state"], "closed");
  EXPECT_EQ(b["state"], "closed");
  ASSERT_EQ(a["action_items"].size(), 2u);
  for (std::size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(a["action_items"][i]["text"], b["action_items"][i]["text"]);
    EXPECT_EQ(a["action_items"][i]["done"], b["action_items"][i]["done"]);
    EXPECT_NE(a["action_items"][i]["owner"], b["action_items"][i]["owner"]);
  }
  EXPECT_TRUE(has(aok("rita", {"round", "list"}), id));
  EXPECT_TRUE(has(ok(kAlpha, {"round", "list"}), id));

  // Each reminder once on each node, with its event, while the jobs keep
  // running.
  std::this_thread::sleep_for(std::chrono::seconds(9));  // two more rounds of the job
  for (Side s : {kAlpha, kBravo}) {
    const std::map<std::string, int> want = {{"round.meeting.7d", 1},
                                             {"round.action.1.overdue", 1}};
    EXPECT_EQ(reminders(s, full), want) << nodes_[s].name;
    EXPECT_EQ(reminder_events(s, full), 2) << nodes_[s].name;
  }
  // alpha's webhook got each reminder once.
  const std::map<std::string, int> posted = {{"round.meeting.7d", 1},
                                             {"round.action.1.overdue", 1}};
  EXPECT_TRUE(testing::eventually([&] { return hook.round_triggers() == posted; }, 30s))
      << hook.round_triggers().size();
}

}  // namespace round_cli_test
}  // namespace hotline::it
