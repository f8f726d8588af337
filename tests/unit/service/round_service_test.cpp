// Review rounds over a real store (desk_service.h propose_round and act,
// round_reminders.h): the proposal carries the records' agenda and the
// party's points, the peer's actions arrive as envelopes, action items of a
// closed round come back on the next round's agenda, only its owner
// completes one, and each reminder is recorded exactly once.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "hotline/common/error.h"
#include "hotline/crypto/canonical_json.h"
#include "hotline/crypto/random.h"
#include "hotline/model/agreement.h"
#include "hotline/node/mail.h"
#include "hotline/service/desk_service.h"
#include "hotline/service/mail_config.h"
#include "hotline/service/node_dir.h"
#include "hotline/service/round_reminders.h"
#include "hotline/tls/certificate.h"
#include "support/process.h"

namespace hotline::service {
namespace round_service_test {

namespace fs = std::filesystem;
using nlohmann::json;
using namespace std::chrono_literals;

const TimePoint kT0 = parse_timestamp("2026-11-02T10:00:00.000Z");

std::string base64_decode_for_test(const std::string& in) {
  static const std::string chars =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  int val = 0, bits = -8;
  for (char c : in) {
    auto pos = chars.find(c);
    if (pos == std::string::npos) continue;
    val = (val << 6) + static_cast<int>(pos);
    bits += 6;
    if (bits >= 0) {
      out.push_back(static_cast<char>((val >> bits) & 0xFF));
      bits -= 8;
    }
  }
  return out;
}

class RoundService : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("hotline-round-service-" + crypto::new_id());
    init_node(dir_, "Alpha");
    node_.emplace(open_node(dir_));
    ctx_.emplace(node_->identity, bravo_.public_key(), "Bravo");
    model::Party us;
    us.name = "Alpha";
    us.public_key = node_->identity.public_key().encoded();
    us.languages = {"en"};
    us.time_zone = "UTC";
    model::Party them = us;
    them.name = "Bravo";
    them.public_key = bravo_.public_key().encoded();
    const std::string origin = "2026-01-01T00:00:00.000Z";
    auto doc = model::default_agreement(us, them, ctx_->link, origin);
    node_->store->transact([&](store::Transaction& tx) {
      tx.insert_peer(
          store::PeerRecord{"Bravo", them.public_key, "https://127.0.0.1:1", ctx_->link, origin});
      store::AgreementRecord rec;
      rec.document = crypto::canonicalize(model::to_json(doc));
      rec.digest = std::string(64, 'a');
      rec.link = ctx_->link;
      rec.proposed_by = us.public_key;
      rec.proposer_sig = "x";
      rec.acceptor_sig = "y";
      rec.state = "accepted";
      rec.proposed_at = origin;
      rec.accepted_at = origin;
      rec.in_force_from = origin;
      tx.put_agreement(rec);
    });
  }
  void TearDown() override {
    ctx_.reset();
    node_.reset();
    fs::remove_all(dir_);
  }

  RoundInput input(const std::string& title) {
    RoundInput in;
    in.plan.title = title;
    in.plan.period_from = parse_timestamp("2026-07-01T00:00:00.000Z");
    in.plan.period_to = parse_timestamp("2026-10-01T00:00:00.000Z");
    in.plan.meeting_at = kT0 + 24h * 10;
    in.plan.place = "Videoconference";
    in.plan.participants = {{"Ana", "head of desk", model::Side::ours},
                            {"Bo", "liaison", model::Side::theirs}};
    in.plan.agenda = {{"Staffing of the night shift", "party", ""}};
    return in;
  }

  // Bravo's action `action` on round `id`, arriving now.
  void from_bravo(const std::string& id, const std::string& action, json args, TimePoint at) {
    auto rec = show_item(*node_->store, id, at);
    const json log = json::parse(rec.record.actions);
    std::int64_t ours = 0, theirs = 0;
    for (const auto& a : log["shared"]) (a["side"] == "ours" ? ours : theirs) += 1;
    link::Envelope e;
    e.id = crypto::new_id(at);
    e.sent_at = format_timestamp(at);
    e.type = "round." + action;
    e.ref = id;
    e.body = {{"item", id}, {"n", theirs}, {"seen", ours}, {"actor", "bo"}, {"args", args}};
    node_->store->transact(
        [&](store::Transaction& tx) { apply_item_envelope(tx, *ctx_, e, format_timestamp(at)); });
  }

  std::vector<std::string> triggers(TimePoint at) {
    std::vector<std::string> out;
    for (const auto& e : check_round_reminders(*node_, at)) out.push_back(e.trigger);
    return out;
  }

  fs::path dir_;
  crypto::KeyPair bravo_ = crypto::KeyPair::generate();
  std::optional<Node> node_;
  std::optional<link::LinkContext> ctx_;
};

TEST_F(RoundService, ARoundRunsToItsMinutesAndItsActionItemsComeBack) {
  auto v = propose_round(*node_, "Bravo", input("Third quarter"), "ana", kT0);
  const std::string id = v.record.id;
  EXPECT_EQ(v.record.kind, "round");
  EXPECT_EQ(v.record.state, "proposed");
  ASSERT_EQ(v.document["plan"]["agenda"].size(), 1u);
  EXPECT_EQ(v.document["plan"]["agenda"][0]["text"], "Staffing of the night shift");

  from_bravo(id, "accept_agenda", {{"version", 1}}, kT0 + 1h);
  EXPECT_EQ(show_item(*node_->store, id, kT0 + 1h).record.state, "agenda_agreed");
  json items =
      json::array({{{"owner", "mine"}, {"text", "Publish the contacts"}, {"due", "2026-11-20"}},
                   {{"owner", "yours"}, {"text", "Answer request 42"}, {"due", "2026-11-30"}}});
  v = act(*node_, kRound, id, "propose_minutes",
          {{"minutes", "The desks met."}, {"action_items", items}}, "ana", kT0 + 24h * 10);
  EXPECT_EQ(v.record.state, "minutes_proposed");
  // Our own minutes are not ours to accept.
  EXPECT_THROW(act(*node_, kRound, id, "accept_minutes", {{"version", 1}}, "ana", kT0 + 24h * 10),
               Error);
  from_bravo(id, "accept_minutes", {{"version", 1}}, kT0 + 24h * 11);
  v = show_item(*node_->store, id, parse_timestamp("2026-11-21T00:00:00.000Z"));
  EXPECT_EQ(v.record.state, "closed");
  EXPECT_EQ(v.document["action_items_overdue"], 1);
  EXPECT_TRUE(v.document["action_items"][0]["overdue"].get<bool>());

  // Bravo's item is Bravo's to complete; ours is ours.
  try {
    act(*node_, kRound, id, "complete_action_item", {{"index", 1}, {"note", "x"}}, "ana",
        kT0 + 24h * 12);
    ADD_FAILURE() << "completed the other side's action item";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), "wrong_side");
  }
  auto next = propose_round(*node_, "Bravo", input("Fourth quarter"), "ana", kT0 + 24h * 12);
  const auto& agenda = next.document["plan"]["agenda"];
  ASSERT_EQ(agenda.size(), 3u) << agenda.dump();
  EXPECT_EQ(agenda[0]["source"], "records");
  EXPECT_NE(agenda[0]["text"].get<std::string>().find("Publish the contacts"), std::string::npos);
  EXPECT_NE(agenda[1]["text"].get<std::string>().find("(Bravo, due 2026-11-30)"), std::string::npos)
      << agenda.dump();
  EXPECT_EQ(agenda[2]["source"], "party");

  v = act(*node_, kRound, id, "complete_action_item",
          {{"index", 0}, {"note", "Published on both sites"}}, "ana", kT0 + 24h * 13);
  EXPECT_TRUE(v.document["action_items"][0]["done"].get<bool>());
  auto after =
      propose_round(*node_, "Bravo", input("Fourth quarter, again"), "ana", kT0 + 24h * 13);
  EXPECT_EQ(after.document["plan"]["agenda"].size(), 2u);
}

TEST_F(RoundService, RemindersAreRecordedOnceEach) {
  auto v = propose_round(*node_, "Bravo", input("Third quarter"), "ana", kT0);
  const std::string id = v.record.id;
  const TimePoint meeting = kT0 + 24h * 10;
  EXPECT_TRUE(triggers(kT0).empty());
  EXPECT_EQ(triggers(meeting - 24h * 6), std::vector<std::string>{"round.meeting.7d"});
  EXPECT_TRUE(triggers(meeting - 24h * 5).empty());
  EXPECT_EQ(triggers(meeting - 12h), std::vector<std::string>{"round.meeting.1d"});
  EXPECT_TRUE(triggers(meeting - 1h).empty());
  EXPECT_TRUE(triggers(meeting + 1h).empty());

  from_bravo(id, "accept_agenda", {{"version", 1}}, kT0 + 1h);
  json items =
      json::array({{{"owner", "yours"}, {"text", "Answer request 42"}, {"due", "2026-11-30"}}});
  act(*node_, kRound, id, "propose_minutes", {{"minutes", "Met."}, {"action_items", items}}, "ana",
      meeting);
  from_bravo(id, "accept_minutes", {{"version", 1}}, meeting + 1h);
  EXPECT_TRUE(triggers(parse_timestamp("2026-11-30T23:00:00.000Z")).empty());
  EXPECT_EQ(triggers(parse_timestamp("2026-12-01T00:00:01.000Z")),
            std::vector<std::string>{"round.action.1.overdue"});
  EXPECT_TRUE(triggers(parse_timestamp("2026-12-02T00:00:00.000Z")).empty());

  auto esc =
      node_->store->snapshot([](store::Transaction& tx) { return tx.list_escalations(0, 100); });
  ASSERT_EQ(esc.size(), 3u);
  EXPECT_EQ(esc[0].webhook_state, "no_webhook");
  const json payload = json::parse(esc[2].payload);
  EXPECT_EQ(payload["item"]["kind"], "round");
  EXPECT_EQ(payload["action_item"]["owner"], "theirs");
  auto events =
      node_->store->snapshot([](store::Transaction& tx) { return tx.list_events(0, 1000); });
  int reminders = 0;
  for (const auto& e : events) reminders += e.kind == "round_reminder" ? 1 : 0;
  EXPECT_EQ(reminders, 3);
}

TEST_F(RoundService, RemindersWaitForTheWebhookWhenOneIsSetAndSkipCancelledRounds) {
  node_->store->transact(
      [](store::Transaction& tx) { tx.put_setting("webhook.url", "https://hooks.example.org/h"); });
  auto kept = propose_round(*node_, "Bravo", input("Third quarter"), "ana", kT0);
  auto dropped = propose_round(*node_, "Bravo", input("Extra round"), "ana", kT0);
  act(*node_, kRound, dropped.record.id, "cancel", {{"reason", "merged with the other"}}, "ana",
      kT0 + 1h);
  auto found = check_round_reminders(*node_, kT0 + 24h * 4);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].item_id, kept.record.id);
  EXPECT_EQ(found[0].webhook_state, "pending");
  const json payload = json::parse(found[0].payload);
  EXPECT_EQ(payload["trigger"], "round.meeting.7d");
  EXPECT_EQ(payload["days_before"], 7);
  EXPECT_EQ(payload["place"], "Videoconference");
  EXPECT_NE(payload["summary"].get<std::string>().find("in 6 days"), std::string::npos)
      << payload.dump();
}

// Round reminders go by e-mail like escalations (issue 22, item 4): with
// mail configured, a reminder recorded by check_round_reminders is queued
// for the recipients who take rounds and sent through a REAL SMTP server
// (aiosmtpd, tests/support/smtp_server.py, STARTTLS and AUTH), in the
// recipient's language, linking to the round; a recipient of alerts only
// gets nothing.
TEST_F(RoundService, RemindersGoByEMailToTheRecipientsOfRounds) {
  const fs::path cert = dir_ / "relay.crt", key = dir_ / "relay.key", inbox = dir_ / "inbox";
  tls::generate_operator_certificate("Relay", cert, key);
  const std::uint16_t port = testing::free_port();
  testing::Process smtp(
      {"/usr/bin/python3", std::string(HOTLINE_VECTORS_DIR) + "/../support/smtp_server.py",
       "--port", std::to_string(port), "--dir", inbox.string(), "--cert", cert.string(), "--key",
       key.string(), "--user", "relay", "--password", "pw"},
      dir_ / "smtp");
  ASSERT_TRUE(testing::eventually([&] { return fs::exists(inbox / "ready"); }, 15s)) << smtp.err();
  MailConfig c;
  c.host = "127.0.0.1";
  c.port = port;
  c.ca_file = cert.string();
  c.user = "relay";
  c.password = "pw";
  c.from = "hotline@alpha.example";
  c.base_url = "https://hotline.alpha.example";
  c.recipients = {parse_mail_recipient("rounds@alpha.example:zh-CN:round"),
                  parse_mail_recipient("alerts@alpha.example:en:alert")};
  node_->store->transact([&](store::Transaction& tx) { save_mail_config(tx, c); });

  auto round = propose_round(*node_, "Bravo", input("Third quarter"), "ana", kT0);
  ASSERT_EQ(triggers(kT0 + 24h * 4), std::vector<std::string>{"round.meeting.7d"});
  node::MailOptions options;
  options.smtp.connect_timeout = 5s;
  options.smtp.reply_timeout = 10s;
  node::MailDispatcher mailer(*node_->store, options);
  EXPECT_EQ(mailer.run_once(kT0 + 24h * 4), 1) << mailer.last_error();

  ASSERT_TRUE(fs::exists(inbox / "1.eml")) << smtp.err();
  EXPECT_FALSE(fs::exists(inbox / "2.eml")) << "a recipient of alerts only got a round's mail";
  std::ifstream in(inbox / "1.eml", std::ios::binary);
  std::stringstream raw;
  raw << in.rdbuf();
  EXPECT_NE(raw.str().find("To: <rounds@alpha.example>"), std::string::npos) << raw.str();
  // The plain part (base64).
  const std::string text = raw.str();
  const auto start = text.find("\r\n\r\n", text.find("Content-Type: text/plain")) + 4;
  const auto end = text.find("--=_hotline_", start);
  std::string b64;
  for (char ch : text.substr(start, end - start)) {
    if (ch != '\r' && ch != '\n') b64 += ch;
  }
  const std::string plain = base64_decode_for_test(b64);
  EXPECT_NE(plain.find("复盘会议将在 7 天内举行"), std::string::npos) << plain;
  EXPECT_NE(plain.find("Third quarter"), std::string::npos) << plain;
  EXPECT_NE(plain.find("https://hotline.alpha.example/review/rounds/" + round.record.id),
            std::string::npos)
      << plain;
  auto mails = node_->store->snapshot([](store::Transaction& tx) {
    auto e = tx.list_escalations(0, 10);
    return e.empty() ? std::vector<store::EscalationMailRecord>{}
                     : tx.list_escalation_mails(e[0].id);
  });
  ASSERT_EQ(mails.size(), 1u);
  EXPECT_EQ(mails[0].state, "delivered");
  EXPECT_EQ(mails[0].lang, "zh-CN");
}

}  // namespace round_service_test
}  // namespace hotline::service
