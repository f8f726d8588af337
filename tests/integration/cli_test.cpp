// The `hotline` command as an operator uses it: init, key show, serve with
// /health and /version over real TLS 1.3, refusals with useful messages, and
// a clean stop on SIGTERM and SIGINT.
#include <gtest/gtest.h>

#include <sys/stat.h>

#include <nlohmann/json.hpp>

#include "hotline/net/https_client.h"
#include "support/process.h"

namespace hotline {
namespace cli_test {

using hotline::testing::eventually;
using hotline::testing::Process;
using hotline::testing::read_file;
using hotline::testing::run;
using hotline::testing::ScratchDir;

const std::string kBin = HOTLINE_BIN;

class CliTest : public ::testing::Test {
 protected:
  ScratchDir tmp;
  std::string node = (tmp / "node").string();
  hotline::testing::RunResult hl(std::vector<std::string> args) {
    args.insert(args.begin(), kBin);
    return run(args, tmp / ("cmd" + std::to_string(counter_++)));
  }
  int counter_ = 0;
};

TEST_F(CliTest, InitCreatesANodeAndRefusesToOverwriteIt) {
  auto r = hl({"init", "--dir", node, "--party", "CERT-Alpha"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("public key"), std::string::npos);
  struct stat st {};
  ASSERT_EQ(::stat((tmp / "node/identity.key").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  ASSERT_EQ(::stat((tmp / "node/tls/operator.key").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0077, 0u);
  ASSERT_EQ(::stat(node.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0077, 0u);
  std::string key_before = read_file(tmp / "node/identity.key");

  auto again = hl({"init", "--dir", node, "--party", "Other"});
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_NE(again.err.find("already holds a Hotline node"), std::string::npos) << again.err;
  EXPECT_EQ(read_file(tmp / "node/identity.key"), key_before);
}

TEST_F(CliTest, InitRefusesABadPartyName) {
  auto r = hl({"init", "--dir", node, "--party", "-x"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("party name"), std::string::npos) << r.err;
}

TEST_F(CliTest, KeyShowPrintsKeyAndFingerprint) {
  ASSERT_EQ(hl({"init", "--dir", node, "--party", "alpha"}).exit_code, 0);
  auto r = hl({"key", "show", "--dir", node, "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  std::string pub = read_file(tmp / "node/identity.pub");
  EXPECT_EQ(j["public_key"].get<std::string>() + "\n", pub);
  EXPECT_EQ(j["fingerprint"].get<std::string>().rfind("SHA256:", 0), 0u);
  auto missing = hl({"key", "show", "--dir", (tmp / "nothing").string()});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.err.find("hotline init"), std::string::npos) << missing.err;
}

TEST_F(CliTest, ServeRefusesAReadableKeyAndSaysHowToFixIt) {
  ASSERT_EQ(hl({"init", "--dir", node, "--party", "alpha"}).exit_code, 0);
  ::chmod((tmp / "node/identity.key").c_str(), 0644);
  auto r = hl({"serve", "--dir", node, "--listen", "127.0.0.1:0", "--peer-listen", "127.0.0.1:0"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("chmod 600"), std::string::npos) << r.err;
}

TEST_F(CliTest, UsageErrorsExitWithTwo) {
  auto r = hl({"serve"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--dir"), std::string::npos) << r.err;
  auto bad = hl({"serve", "--dir", node, "--listen", "nonsense"});
  EXPECT_NE(bad.exit_code, 0);
}

// Exit codes come from the error's category (common/error_category.h):
// 2 for usage, 1 for every other category; `--help` says so.
TEST_F(CliTest, ExitCodeFollowsTheErrorCategory) {
  ASSERT_EQ(hl({"init", "--dir", node, "--party", "alpha"}).exit_code, 0);
  struct Case {
    std::vector<std::string> args;
    int exit_code;
    std::string says;
  };
  const std::vector<Case> cases = {
      {{"serve", "--dir", node, "--tls-cert", "x.pem"}, 2, "go together"},    // usage
      {{"serve", "--dir", node, "--listen", "nonsense"}, 2, "nonsense"},      // usage
      {{"init", "--dir", node, "--party", "again"}, 1, ""},                   // conflict
      {{"key", "show", "--dir", (tmp / "nothing").string()}, 1, ""},          // not_found
      {{"init", "--dir", (tmp / "other").string(), "--party", "-x"}, 1, ""},  // invalid_input
  };
  for (const auto& c : cases) {
    auto r = hl(c.args);
    EXPECT_EQ(r.exit_code, c.exit_code) << c.args[0] << " " << c.args[1] << ": " << r.err;
    EXPECT_NE(r.err.find(c.says), std::string::npos) << r.err;
  }
  auto help = hl({"--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("Exit codes: 0 done; 1 refused or failed"), std::string::npos)
      << help.out;
}

class ServeTest : public CliTest, public ::testing::WithParamInterface<int> {};

TEST_P(ServeTest, ServesHealthAndVersionAndStopsCleanly) {
  ASSERT_EQ(hl({"init", "--dir", node, "--party", "alpha"}).exit_code, 0);
  Process serve(
      {kBin, "serve", "--dir", node, "--listen", "127.0.0.1:0", "--peer-listen", "127.0.0.1:0"},
      tmp / "serve");
  auto status_file = tmp / "node/run/serve.json";
  ASSERT_TRUE(
      eventually([&] { return std::filesystem::exists(status_file); }, std::chrono::seconds(20)))
      << serve.err();
  auto status = nlohmann::json::parse(read_file(status_file));
  std::string url = status["operator_url"];
  auto port = static_cast<std::uint16_t>(std::stoi(url.substr(url.rfind(':') + 1)));

  tls::ClientTlsConfig cfg;
  cfg.insecure_skip_verify = true;  // the self-signed operator certificate, on 127.0.0.1
  net::HttpsClient client(cfg, "127.0.0.1", port);
  net::HttpRequest get;
  get.method = "GET";
  get.target = "/health";
  auto health = client.request(get);
  EXPECT_EQ(health.status, 200);
  auto hj = nlohmann::json::parse(health.body);
  EXPECT_EQ(hj["status"], "ok");
  EXPECT_EQ(hj["party"], "alpha");
  get.target = "/version";
  auto version = nlohmann::json::parse(client.request(get).body);
  EXPECT_EQ(version["protocol"], 1);
  EXPECT_TRUE(version["version"].is_string());
  get.target = "/v1/nope";  // the API's 404; other paths are the web app's
  auto missing = client.request(get);
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(nlohmann::json::parse(missing.body)["error"]["code"], "not_found");
  client.close();

  serve.signal(GetParam());
  auto code = serve.wait_for(std::chrono::seconds(10));
  ASSERT_TRUE(code.has_value()) << "serve did not stop";
  EXPECT_EQ(*code, 0) << serve.err();
  EXPECT_NE(serve.err().find("event=stopped"), std::string::npos) << serve.err();
  EXPECT_FALSE(std::filesystem::exists(status_file));
}

INSTANTIATE_TEST_SUITE_P(Signals, ServeTest, ::testing::Values(SIGTERM, SIGINT));

}  // namespace cli_test
}  // namespace hotline
