// The duty officer's CLI against a running node's API (--url, --token, the
// environment, or the file `hotline remote set` writes) on two real nodes
// linked by an agreement: the same alert, request and case paths as
// desk_cli_test.cpp drives with --dir, now as the token's user; four-eyes
// with a supervisor's token; --json equal to what the API returns; and the
// clear failures: a revoked token, a wrong pin, an unsafe config file.
#include <sys/stat.h>

#include <cstdlib>
#include <fstream>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "cli_output.h"
#include "hotline/common/encoding.h"
#include "hotline/net/https_client.h"
#include "hotline/service/user_service.h"
#include "hotline/tls/certificate.h"
#include "link_harness.h"

namespace hotline::it {
namespace cli_api_test {

using nlohmann::json;

// Sets (or, with nullopt, unsets) an environment variable for the test and
// puts the old value back afterwards. The `hotline` children inherit it.
class EnvVar {
 public:
  EnvVar(const char* name, std::optional<std::string> value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    set(value);
  }
  ~EnvVar() { set(old_); }
  EnvVar(const EnvVar&) = delete;
  EnvVar& operator=(const EnvVar&) = delete;
  void set(const std::optional<std::string>& v) {
    if (v) {
      ::setenv(name_, v->c_str(), 1);
    } else {
      ::unsetenv(name_);
    }
  }

 private:
  const char* name_;
  std::optional<std::string> old_;
};

class CliApi : public TwoNodes {
 protected:
  void SetUp() override {
    // Nothing from the person running the tests: no settings, no file.
    no_config_ = std::make_unique<EnvVar>("HOTLINE_CONFIG", (scratch() / "none.json").string());
    for (const char* v : {"HOTLINE_URL", "HOTLINE_TOKEN", "HOTLINE_PIN_SHA256"}) {
      env_.push_back(std::make_unique<EnvVar>(v, std::nullopt));
    }
  }
  void TearDown() override {
    TwoNodes::TearDown();
    env_.clear();
    no_config_.reset();
  }

  // Linked nodes with users and their API tokens: alpha's operator alice
  // and supervisor sam, bravo's operator carol.
  void start_with_users() {
    ASSERT_NO_FATAL_FAILURE(start_linked());
    service::AccountPolicy cheap;
    cheap.password_cost = crypto::kTestPasswordCost;
    const std::map<std::string, std::pair<Side, service::Role>> users = {
        {"alice", {kAlpha, service::Role::operator_}},
        {"sam", {kAlpha, service::Role::supervisor}},
        {"carol", {kBravo, service::Role::operator_}}};
    for (const auto& [name, who] : users) {
      auto node = service::open_node(dir(who.first));
      service::add_user(*node.store, name, "", {who.second}, "a long enough password", now_ms(),
                        cheap);
      auto t = service::create_api_token(*node.store, name, "terminal", now_ms());
      tokens_[name] = t.token;
      token_ids_[name] = t.record.id;
      side_of_[name] = who.first;
    }
    for (Side s : {kAlpha, kBravo}) {
      pin_[s] =
          to_hex(tls::certificate_sha256(testing::read_file(dir(s) / "tls" / "operator.crt")));
    }
  }

  std::string url(Side s) { return "https://127.0.0.1:" + std::to_string(node(s).op_port); }

  // `hotline ARGS --url ... --token (user's) --pin-sha256 ...`.
  testing::RunResult api(const std::string& user, std::vector<std::string> args) {
    const Side s = side_of_.at(user);
    args.insert(args.end(),
                {"--url", url(s), "--token", tokens_.at(user), "--pin-sha256", pin_[s]});
    return cli(std::move(args));
  }

  std::string aok(const std::string& user, std::vector<std::string> args) {
    std::string what;
    for (const auto& a : args) what += a + " ";
    auto r = api(user, std::move(args));
    EXPECT_EQ(r.exit_code, 0) << user << ": hotline " << what << "\n" << r.err << r.out;
    return r.out;
  }

  json show(const std::string& user, const std::string& kind, const std::string& id) {
    auto r = api(user, {kind, "show", id, "--json"});
    if (r.exit_code != 0) return json{{"error", r.err}, {"state", ""}};
    return json::parse(r.out);
  }

  json list(const std::string& user, const std::string& kind, std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {kind, "list", "--json"};
    args.insert(args.end(), extra.begin(), extra.end());
    auto r = api(user, args);
    if (r.exit_code != 0) {
      ADD_FAILURE() << kind << " list: " << r.err;
      return json::array();
    }
    return json::parse(r.out);
  }

  json wait_state(const std::string& user, const std::string& kind, const std::string& id,
                  const std::string& state) {
    auto j = poll_json([&] { return show(user, kind, id); },
                       [&](const json& d) { return d.value("state", "") == state; }, 20s);
    EXPECT_EQ(j.value("state", ""), state)
        << kind << " " << id << " for " << user << ": " << j.dump(2);
    return j;
  }

  // What the API itself answers to GET `target` with the user's token.
  json direct_get(const std::string& user, const std::string& target) {
    const Side s = side_of_.at(user);
    tls::ClientTlsConfig tls;
    auto pin = from_hex(pin_[s]);
    tls::Sha256 sha{};
    std::copy(pin.begin(), pin.end(), sha.begin());
    tls.server_cert_sha256 = sha;
    net::HttpsClient client(tls, "127.0.0.1", node(s).op_port);
    net::HttpRequest r;
    r.method = "GET";
    r.target = target;
    r.headers["authorization"] = "Bearer " + tokens_.at(user);
    auto resp = client.request(r);
    EXPECT_EQ(resp.status, 200) << target << ": " << resp.body;
    return json::parse(resp.body);
  }

  std::string write(const std::string& name, const std::string& text) {
    auto p = scratch() / name;
    std::ofstream(p) << text;
    return p.string();
  }

  std::map<std::string, std::string> tokens_, token_ids_;
  std::map<std::string, Side> side_of_;
  std::string pin_[2];
  std::unique_ptr<EnvVar> no_config_;
  std::vector<std::unique_ptr<EnvVar>> env_;
};

// ---------------------------------------------------------------------------

TEST_F(CliApi, AlertAndCaseThroughTheApi) {
  ASSERT_NO_FATAL_FAILURE(start_with_users());

  // alice raises an alert to bravo, as the token's user.
  auto out =
      aok("alice", {"alert", "raise", "--to", "bravo", "--summary", "Scanning from 203.0.113.0/24",
                    "--tlp", "green", "--rsit", "intrusion-attempts:brute-force"});
  EXPECT_TRUE(has(out, "raised to bravo")) << out;
  EXPECT_TRUE(has(out, "(acknowledge within 15 min)")) << out;
  const std::string alert = id_in(out);
  ASSERT_EQ(alert.size(), 8u) << out;

  // --as has no place over the API.
  auto r = api("alice", {"alert", "close", alert, "--as", "mallory"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(has(r.err, "token's user, alice")) << r.err;

  // carol sees it on bravo; --json is what the API returns.
  auto listed = poll_json([&] { return list("carol", "alert"); },
                          [](const json& l) { return l.size() == 1; }, 20s);
  ASSERT_EQ(listed.size(), 1u) << listed.dump(2);
  const std::string full = listed[0].value("id", "");
  EXPECT_EQ(full.substr(full.size() - 8), alert);
  EXPECT_EQ(listed[0].value("peer", ""), "alpha");
  EXPECT_EQ(listed[0].value("raised_by", ""), "alice");
  EXPECT_EQ(stable(listed), stable(direct_get("carol", "/v1/alerts")["items"]));
  EXPECT_EQ(stable(show("carol", "alert", alert)),
            stable(direct_get("carol", "/v1/alerts/" + alert)));
  auto table = aok("carol", {"alert", "list"});
  EXPECT_TRUE(has(table, alert) && has(table, "from alpha") && has(table, "TLP:GREEN")) << table;
  // The page's hints name the node as carol did, never her token.
  auto page = aok("carol", {"alert", "show", alert});
  EXPECT_TRUE(has(page, "hotline alert ack --url " + url(kBravo) + " --token TOKEN")) << page;
  EXPECT_FALSE(has(page, tokens_["carol"])) << page;
  EXPECT_FALSE(has(page, "--as NAME")) << page;
  EXPECT_TRUE(has(page, "direction    raised by alpha")) << page;

  // Wrong side: alice cannot acknowledge her own alert; nothing changes.
  wait_state("alice", "alert", alert, "delivered");
  auto before = stable(show("alice", "alert", alert));
  r = api("alice", {"alert", "ack", alert});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(has(r.err, "receiving side") && has(r.err, "bravo")) << r.err;
  EXPECT_EQ(stable(show("alice", "alert", alert)), before);

  // An id of another kind, and an unknown one.
  r = api("alice", {"request", "show", alert});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(has(r.err, "an alert, not a request")) << r.err;
  r = api("carol", {"alert", "ack", "0000000000000000"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(has(r.err, "hotline: no alert")) << r.err;

  // carol acknowledges; alpha sees by whom.
  out = aok("carol", {"alert", "ack", alert});
  EXPECT_TRUE(has(out, "acknowledged by carol")) << out;
  auto a = wait_state("alice", "alert", alert, "acknowledged");
  EXPECT_EQ(a.value("acknowledged_by", ""), "carol");

  // A case: opened by alice, shared with bravo.
  out = aok("alice", {"case", "new", "--with", "bravo", "--title", "Brute force on ssh farm"});
  EXPECT_TRUE(has(out, "opened with bravo")) << out;
  const std::string cs = id_in(out);
  wait_state("carol", "case", cs, "open");
  aok("alice", {"case", "link", cs, "--alert", alert});
  aok("alice", {"case", "indicator", cs, "--type", "ipv4-addr", "--value", "203.0.113.7"});
  const auto iocs = write("iocs.csv", "indicator,type\n203.0.113.7,ipv4-addr\n");
  out = aok("alice", {"case", "attach", cs, "--file", iocs});
  EXPECT_TRUE(has(out, "iocs.csv attached")) << out;
  out = aok("alice", {"case", "note", cs, "--text", "Informant says: rented by X"});
  EXPECT_TRUE(has(out, "private note")) << out;
  out = aok("carol", {"case", "entry", cs, "--text", "Hosting provider notified"});
  EXPECT_TRUE(has(out, "sent to alpha")) << out;
  auto ac = poll_json([&] { return show("alice", "case", cs); },
                      [](const json& d) {
                        return has(d.value("timeline", json::array()).dump(), "Hosting provider");
                      },
                      20s);
  EXPECT_TRUE(has(ac["timeline"].dump(), "Hosting provider notified")) << ac.dump(2);
  EXPECT_TRUE(has(ac["notes"].dump(), "Informant says")) << ac.dump(2);
  EXPECT_EQ(ac["alert_ids"].size(), 1u) << ac.dump(2);
  auto bc = poll_json([&] { return show("carol", "case", cs); },
                      [](const json& d) {
                        // The file is attached after the indicator: wait for both to arrive.
                        return d.value("indicators", json::array()).size() == 1 &&
                               d.value("files", json::array()).size() == 1;
                      },
                      20s);
  EXPECT_EQ(bc["notes"], json::array()) << "a private note never leaves alpha";
  EXPECT_EQ(bc["files"].size(), 1u) << bc.dump(2);

  out = aok("alice", {"case", "close", cs, "--note", "Farm taken down"});
  EXPECT_TRUE(has(out, "closed")) << out;
  wait_state("carol", "case", cs, "closed");
  r = api("carol", {"case", "entry", cs, "--text", "late"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(has(r.err, "'closed'") && has(r.err, "'add_entry'")) << r.err;

  // Desk messages.
  out = aok("alice", {"send", "--to", "bravo", "Routine test, please acknowledge"});
  EXPECT_TRUE(has(out, "Queued for bravo")) << out;
  auto msgs = poll_json(
      [&] {
        auto rr = api("carol", {"messages", "--json"});
        return rr.exit_code == 0 ? json::parse(rr.out) : json::array();
      },
      [](const json& l) { return !l.empty(); }, 20s);
  ASSERT_EQ(msgs.size(), 1u) << msgs.dump(2);
  EXPECT_EQ(msgs[0].value("text", ""), "Routine test, please acknowledge");
  EXPECT_EQ(msgs[0].value("direction", ""), "incoming");
  // The same JSON words from the data directory.
  r = cli({"messages", "--json", "--dir", dir(kBravo).string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto local = json::parse(r.out);
  ASSERT_EQ(local.size(), 1u) << r.out;
  EXPECT_EQ(local[0].value("direction", ""), "incoming");
  EXPECT_EQ(local[0].value("id", ""), msgs[0].value("id", "?"));

  // alice closes her alert; it leaves bravo's open list.
  aok("alice", {"alert", "close", alert, "--note", "Handled in case"});
  wait_state("carol", "alert", alert, "closed");
  EXPECT_EQ(list("carol", "alert").size(), 0u);
  EXPECT_EQ(list("carol", "alert", {"--all"}).size(), 1u);
}

// ---------------------------------------------------------------------------

// TLP:RED over the API: only the author and the people she shares it with
// read it (`share`, `unshare`, `readers`).
TEST_F(CliApi, TlpRedAlertIsSharedAndUnsharedByItsAuthor) {
  ASSERT_NO_FATAL_FAILURE(start_with_users());
  auto out = aok("alice", {"alert", "raise", "--to", "bravo", "--summary",
                           "Informant's address in the leak", "--tlp", "red"});
  const std::string alert = id_in(out);
  ASSERT_EQ(alert.size(), 8u) << out;

  auto r = api("sam", {"alert", "show", alert});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(has(r.err, "no alert")) << r.err;
  EXPECT_EQ(list("sam", "alert", {"--all"}).size(), 0u);

  out = aok("alice", {"alert", "share", alert, "sam"});
  EXPECT_TRUE(has(out, "need to know: sam")) << out;
  EXPECT_EQ(show("sam", "alert", alert).value("title", ""), "Informant's address in the leak");
  out = aok("sam", {"alert", "readers", alert});
  EXPECT_TRUE(has(out, "author:       alice")) << out;

  out = aok("alice", {"alert", "unshare", alert, "sam"});
  EXPECT_TRUE(has(out, "need to know: -")) << out;
  EXPECT_EQ(api("sam", {"alert", "show", alert}).exit_code, 1);
}

TEST_F(CliApi, RequestLifecycleWithASupervisorsToken) {
  ASSERT_NO_FATAL_FAILURE(start_with_users());
  const auto order = write("order.txt", "Preservation order no. 17\n");

  // The default agreement asks for four-eyes: alice's request waits.
  auto out = aok("alice",
                 {"request", "new", "--to", "bravo", "--kind", "preservation", "--subject",
                  "Preserve logs of 203.0.113.7", "--details", "All of March", "--attach", order});
  EXPECT_TRUE(has(out, "saved as a draft") &&
              has(out, "a supervisor runs hotline request approve --url " + url(kAlpha)))
      << out;
  const std::string id = id_in(out);
  ASSERT_EQ(id.size(), 8u) << out;
  auto draft = show("alice", "request", id);
  EXPECT_EQ(draft.value("state", ""), "draft");
  EXPECT_EQ(draft.value("author", ""), "alice");
  ASSERT_EQ(draft["files"].size(), 1u) << draft.dump(2);
  EXPECT_EQ(draft["files"][0].value("name", ""), "order.txt");

  // An operator's token may not approve: refused, nothing changes.
  const auto before = stable(show("alice", "request", id));
  auto r = api("alice", {"request", "approve", id});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(has(r.err, "approve_requests")) << r.err;
  EXPECT_EQ(stable(show("alice", "request", id)), before);
  // --approved-by is for --dir.
  r = api("alice", {"request", "new", "--to", "bravo", "--kind", "information", "--subject", "x",
                    "--approved-by", "sam"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(has(r.err, "--approved-by")) << r.err;

  // The supervisor's token approves and sends it.
  out = aok("sam", {"request", "approve", id});
  EXPECT_TRUE(has(out, "approved by sam and sent to bravo")) << out;
  EXPECT_TRUE(has(out, "(acknowledge within 1 h, respond within 3 days)")) << out;

  auto b = wait_state("carol", "request", id, "received");
  EXPECT_EQ(b.value("request_kind", ""), "preservation");
  EXPECT_TRUE(has(aok("carol", {"request", "list", "--incoming"}), id));

  aok("carol", {"request", "ack", id});
  wait_state("alice", "request", id, "acknowledged");
  aok("carol", {"request", "clarify", id, "--question", "Which time zone?"});
  wait_state("alice", "request", id, "clarification_requested");
  out = aok("alice", {"request", "show", id});
  EXPECT_TRUE(has(out, "hotline request answer --url " + url(kAlpha))) << out;
  aok("alice", {"request", "answer", id, "--text", "UTC"});
  wait_state("carol", "request", id, "acknowledged");

  // carol's final response carries a file, uploaded to bravo.
  const std::string logs = "2026-03-01T00:00:00Z sshd[1]: Failed password from 203.0.113.7\n";
  const auto evidence = write("logs-march.txt", logs);
  out = aok("carol",
            {"request", "respond", id, "--final", "--note", "All of March", "--attach", evidence});
  EXPECT_TRUE(has(out, "final response sent to alpha with 1 attachment")) << out;
  auto a = wait_state("alice", "request", id, "responded_final");
  std::string sha;
  for (const auto& f : a["files"]) {
    if (f.value("name", "") == "logs-march.txt") sha = f.value("sha256", "");
  }
  ASSERT_EQ(sha.size(), 64u) << a.dump(2);

  // alpha's node fetches it; alice downloads it through the API.
  auto atts = poll_json(
      [&] {
        auto rr = api("alice", {"attachment", "list", "--json"});
        return rr.exit_code == 0 ? json::parse(rr.out) : json::array();
      },
      [&](const json& l) {
        for (const auto& x : l)
          if (x.value("sha256", "") == sha && x.value("complete", false)) return true;
        return false;
      },
      20s);
  EXPECT_EQ(atts, direct_get("alice", "/v1/attachments")["attachments"]);
  const auto got = scratch() / "got.txt";
  out = aok("alice", {"attachment", "get", sha, "--out", got.string()});
  EXPECT_TRUE(has(out, "SHA-256 checked")) << out;
  EXPECT_EQ(testing::read_file(got), logs);
  struct stat st {};
  ASSERT_EQ(::stat(got.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);

  // Closed with a rating; bravo sees it.
  out = aok("alice", {"request", "close", id, "--completeness", "3", "--usefulness", "4",
                      "--comment", "Missing 31 March"});
  EXPECT_TRUE(has(out, "completeness 3/5, usefulness 4/5")) << out;
  b = wait_state("carol", "request", id, "closed");
  ASSERT_EQ(b["ratings"].size(), 1u) << b.dump(2);
  EXPECT_EQ(b["ratings"][0].value("comment", ""), "Missing 31 March");
  EXPECT_TRUE(has(aok("alice", {"request", "list"}), "No open requests"));
  EXPECT_EQ(list("alice", "request", {"--all"}).size(), 1u);
}

// ---------------------------------------------------------------------------

TEST_F(CliApi, ConfigFileEnvironmentAndClearFailures) {
  ASSERT_NO_FATAL_FAILURE(start_with_users());

  // Neither --dir nor any remote setting: say what to give.
  auto r = cli({"alert", "list"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(has(r.err, "--dir DIR") && has(r.err, "--url https://HOST:PORT") &&
              has(r.err, "hotline remote set"))
      << r.err;

  // The node's admin prints the pin to hand out; it is the certificate's.
  r = cli({"remote", "pin", "--dir", dir(kAlpha).string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.substr(0, r.out.find('\n')), pin_[kAlpha]) << r.out;
  EXPECT_TRUE(has(r.out, "hotline remote set --url https://HOST:PORT --pin-sha256 " + pin_[kAlpha]))
      << r.out;
  r = cli({"remote", "pin", "--dir", (scratch() / "no-such-node").string()});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_TRUE(has(r.err, "operator.crt")) << r.err;

  // `remote set` checks the node and writes the file, mode 0600.
  const auto config = scratch() / "home" / "hotline" / "cli.json";
  EnvVar use_config("HOTLINE_CONFIG", config.string());
  r = cli({"remote", "set", "--url", url(kAlpha), "--token", tokens_["alice"], "--cert",
           (dir(kAlpha) / "tls" / "operator.crt").string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(has(r.out, "as alice (operator) on alpha")) << r.out;
  EXPECT_FALSE(has(r.out, tokens_["alice"])) << r.out;
  struct stat st {};
  ASSERT_EQ(::stat(config.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  auto saved = json::parse(testing::read_file(config));
  EXPECT_EQ(saved.value("url", ""), url(kAlpha));
  EXPECT_EQ(saved.value("pin_sha256", ""), pin_[kAlpha]);
  r = cli({"remote", "show"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(has(r.out, url(kAlpha)) && has(r.out, "alice") && has(r.out, pin_[kAlpha])) << r.out;
  EXPECT_FALSE(has(r.out, tokens_["alice"])) << r.out;

  // The item commands now need neither --dir nor --url; the hints neither.
  r = cli({"alert", "raise", "--to", "bravo", "--summary", "DDoS on 198.51.100.1"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(has(r.out, "raised to bravo")) << r.out;
  const std::string alert = id_in(r.out);
  r = cli({"alert", "show", alert});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(has(r.out, "hotline alert close " + alert + " [--note N]")) << r.out;
  r = cli({"alert", "list", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(json::parse(r.out).size(), 1u) << r.out;
  // --dir wins over the file (once the alert has reached bravo).
  EXPECT_TRUE(testing::eventually(
      [&] {
        r = cli({"alert", "list", "--dir", dir(kBravo).string()});
        return r.exit_code == 0 && has(r.out, "from alpha");
      },
      20s))
      << r.err << r.out;

  // The file's token never goes to another URL: bravo's address needs its own.
  r = cli({"alert", "list", "--url", url(kBravo), "--pin-sha256", pin_[kBravo]});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(has(r.err, "no API token for " + url(kBravo))) << r.err;

  // The environment comes before the file.
  {
    EnvVar u("HOTLINE_URL", url(kBravo)), t("HOTLINE_TOKEN", tokens_["carol"]),
        p("HOTLINE_PIN_SHA256", pin_[kBravo]);
    r = cli({"alert", "list"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(has(r.out, "from alpha")) << r.out;
  }

  // A file others may read is refused, as ssh does.
  ::chmod(config.c_str(), 0644);
  r = cli({"alert", "list"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(has(r.err, "chmod 600") && has(r.err, "mode 0644")) << r.err;
  ::chmod(config.c_str(), 0600);

  // --as over the API.
  r = cli({"alert", "close", alert, "--as", "alice"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(has(r.err, "over the API you act as the token's user, alice")) << r.err;

  // A wrong pin: a clear TLS refusal, exit 1.
  r = cli({"alert", "list", "--url", url(kAlpha), "--token", tokens_["alice"], "--pin-sha256",
           std::string(64, '0')});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(has(r.err, "TLS") && has(r.err, "pinned")) << r.err;
  r = cli(
      {"alert", "list", "--url", url(kAlpha), "--token", tokens_["alice"], "--pin-sha256", "abc"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(has(r.err, "64 hex digits")) << r.err;
  r = cli({"alert", "list", "--url", "http://127.0.0.1:1", "--token", tokens_["alice"]});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(has(r.err, "HTTPS only")) << r.err;

  // A revoked token: a clear refusal, exit 1.
  {
    auto n = service::open_node(dir(kAlpha));
    service::revoke_api_token(*n.store, token_ids_["alice"], now_ms());
  }
  r = cli({"alert", "list"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(has(r.err, "did not accept the API token") && has(r.err, "revoked")) << r.err;
  r = api("alice", {"alert", "raise", "--to", "bravo", "--summary", "x"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(has(r.err, "did not accept the API token")) << r.err;
  // Nothing was raised with it.
  EXPECT_EQ(list("sam", "alert", {"--all"}).size(), 1u);
}

}  // namespace cli_api_test
}  // namespace hotline::it
