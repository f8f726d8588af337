// The web app served by a real `hotline serve --web-root DIR` (real TLS on
// 127.0.0.1): index.html for / and the app's own routes, hashed assets with
// the long cache and their .gz when asked, the security headers on every
// answer (the API's too), path traversal refused without reading anything
// outside the folder, and a missing app answered 404 web_app_missing.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "hotline/net/https_client.h"
#include "support/process.h"

namespace hotline::it {
namespace web_app_test {

namespace fs = std::filesystem;
using hotline::testing::Process;

const std::string kIndex = "<!doctype html><title>Hotline</title><div id=\"root\"></div>\n";
const std::string kScript = "console.log('hotline app abc123');\n";
const std::string kScriptGz = "\x1f\x8b this stands for the gzip of app-abc123.js";
const std::string kSecret = "SECRET-OUTSIDE-THE-WEB-ROOT";

const std::map<std::string, std::string> kSecurityHeaders = {
    {"content-security-policy",
     "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
     "font-src 'self'; connect-src 'self'; media-src 'self' data: blob:; object-src 'none'; "
     "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"},
    {"x-content-type-options", "nosniff"},
    {"referrer-policy", "no-referrer"},
    {"x-frame-options", "DENY"},
    {"cross-origin-opener-policy", "same-origin"},
    {"strict-transport-security", "max-age=31536000"},
};

void write(const fs::path& p, const std::string& text) {
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << text;
}

std::string header(const net::HttpResponse& r, const std::string& name) {
  auto it = r.headers.find(name);
  return it == r.headers.end() ? "" : it->second;
}

std::string error_code(const net::HttpResponse& r) {
  auto j = nlohmann::json::parse(r.body, nullptr, false);
  return j.is_object() && j.contains("error") ? j["error"].value("code", "") : "";
}

void expect_security_headers(const net::HttpResponse& r, const std::string& what) {
  for (const auto& [name, value] : kSecurityHeaders) {
    EXPECT_EQ(header(r, name), value) << what << ": header " << name;
  }
}

class WebApp : public ::testing::Test {
 protected:
  void SetUp() override {
    node_ = scratch_ / "node";
    auto r = testing::run({HOTLINE_BIN, "init", "--dir", node_.string(), "--party", "alpha"},
                          scratch_ / "init", std::chrono::seconds(60));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    // Outside the web root: a file that must never be served, reached only
    // through traversal or the symlinks below.
    write(scratch_ / "secret.txt", kSecret);
    root_ = scratch_ / "web";
    fs::create_directories(root_);
  }

  void make_app() {
    write(root_ / "index.html", kIndex);
    write(root_ / "assets" / "app-abc123.js", kScript);
    write(root_ / "assets" / "app-abc123.js.gz", kScriptGz);
    write(root_ / ".env", kSecret);
    fs::create_symlink(scratch_ / "secret.txt", root_ / "leak.txt");
    fs::create_directory_symlink(scratch_.path(), root_ / "up");
  }

  // Starts `BIN serve --web-root DIR` (no --web-root when DIR is empty) on
  // free ports; false when it did not come up.
  bool start(const fs::path& web_root, const std::string& bin = HOTLINE_BIN) {
    std::vector<std::string> args = {bin,        "serve",       "--dir",         node_.string(),
                                     "--listen", "127.0.0.1:0", "--peer-listen", "127.0.0.1:0"};
    if (!web_root.empty()) {
      args.push_back("--web-root");
      args.push_back(web_root.string());
    }
    serve_ = std::make_unique<Process>(args, scratch_ / "serve");
    auto status = node_ / "run" / "serve.json";
    if (!testing::eventually([&] { return fs::exists(status) || !serve_->running(); },
                             std::chrono::seconds(30)) ||
        !fs::exists(status)) {
      return false;
    }
    std::string url = nlohmann::json::parse(testing::read_file(status))["operator_url"];
    port_ = static_cast<std::uint16_t>(std::stoi(url.substr(url.rfind(':') + 1)));
    return true;
  }

  net::HttpResponse get(const std::string& target, std::map<std::string, std::string> headers = {},
                        const std::string& method = "GET") {
    tls::ClientTlsConfig cfg;
    cfg.insecure_skip_verify = true;  // the node's self-signed certificate, on 127.0.0.1
    net::HttpsClient client(cfg, "127.0.0.1", port_);
    net::HttpRequest r;
    r.method = method;
    r.target = target;
    r.headers = std::move(headers);
    return client.request(r);
  }

  std::string log() const { return serve_ ? serve_->err() : ""; }

  testing::ScratchDir scratch_;
  fs::path node_, root_;
  std::unique_ptr<Process> serve_;
  std::uint16_t port_ = 0;
};

TEST_F(WebApp, RootAnswersIndexWithTheSecurityHeaders) {
  make_app();
  ASSERT_TRUE(start(root_)) << log();
  EXPECT_NE(log().find("event=web_app root="), std::string::npos) << log();
  auto r = get("/");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, kIndex);
  EXPECT_EQ(r.content_type, "text/html; charset=utf-8");
  EXPECT_EQ(header(r, "cache-control"), "no-cache");
  expect_security_headers(r, "GET /");
  for (std::string target : {"/requests/x", "/requests/abc?tab=timeline", "/index.html"}) {
    auto page = get(target);
    EXPECT_EQ(page.status, 200) << target;
    EXPECT_EQ(page.body, kIndex) << target;
    EXPECT_EQ(header(page, "cache-control"), "no-cache") << target;
    expect_security_headers(page, target);
  }
}

TEST_F(WebApp, HashedAssetsAreImmutableAndSentGzippedWhenAsked) {
  make_app();
  ASSERT_TRUE(start(root_)) << log();
  auto plain = get("/assets/app-abc123.js");
  EXPECT_EQ(plain.status, 200);
  EXPECT_EQ(plain.body, kScript);
  EXPECT_EQ(plain.content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ(header(plain, "cache-control"), "public, max-age=31536000, immutable");
  EXPECT_EQ(header(plain, "vary"), "Accept-Encoding");
  EXPECT_EQ(header(plain, "content-encoding"), "");
  expect_security_headers(plain, "the asset");

  auto gz = get("/assets/app-abc123.js", {{"Accept-Encoding", "br, gzip;q=0.8"}});
  EXPECT_EQ(gz.status, 200);
  EXPECT_EQ(gz.body, kScriptGz);
  EXPECT_EQ(header(gz, "content-encoding"), "gzip");
  EXPECT_EQ(gz.content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ(header(gz, "vary"), "Accept-Encoding");

  auto refused_gzip = get("/assets/app-abc123.js", {{"Accept-Encoding", "gzip;q=0"}});
  EXPECT_EQ(refused_gzip.body, kScript);

  auto head = get("/assets/app-abc123.js", {}, "HEAD");
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(header(head, "content-length"), std::to_string(kScript.size()));

  // Validators: the .gz has its own; a copy the browser has gets 304.
  const std::string etag = header(plain, "etag");
  EXPECT_EQ(etag.size(), 34u) << etag;
  EXPECT_NE(header(gz, "etag"), etag);
  auto unchanged = get("/assets/app-abc123.js", {{"If-None-Match", "\"other\", " + etag}});
  EXPECT_EQ(unchanged.status, 304);
  EXPECT_EQ(unchanged.body, "");
  EXPECT_EQ(header(unchanged, "etag"), etag);
  expect_security_headers(unchanged, "a 304");
  auto unchanged_gz = get("/assets/app-abc123.js",
                          {{"If-None-Match", header(gz, "etag")}, {"Accept-Encoding", "gzip"}});
  EXPECT_EQ(unchanged_gz.status, 304);
  EXPECT_EQ(get("/assets/app-abc123.js", {{"If-None-Match", header(gz, "etag")}}).body, kScript)
      << "the plain file is another representation than the .gz";

  auto gone = get("/assets/app-old999.js");  // an earlier build's asset: no HTML in its place
  EXPECT_EQ(gone.status, 404);
  EXPECT_EQ(error_code(gone), "not_found");
}

TEST_F(WebApp, TraversalIsRefusedAndNothingOutsideIsRead) {
  make_app();
  ASSERT_TRUE(start(root_)) << log();
  const std::vector<std::string> attempts = {
      "/../secret.txt",
      "/assets/../../secret.txt",
      "/%2e%2e/secret.txt",
      "/%2E%2E/%2e%2e/secret.txt",
      "/assets/..%2f..%2fsecret.txt",
      "/..%5csecret.txt",
      "/assets%5c..%5c..%5csecret.txt",
      "/index.html%00.js",
      "/%00",
      "/assets/%zz",
      "/.env",
      "/%2eenv",
      "/leak.txt",
      "/up/secret.txt",
      "/up/web/index.html",
  };
  for (const auto& target : attempts) {
    auto r = get(target);
    EXPECT_EQ(r.status, 404) << target << ": " << r.body;
    EXPECT_EQ(r.body.find(kSecret), std::string::npos) << target << " leaked the secret";
    EXPECT_EQ(r.body.find("hotline app"), std::string::npos) << target;
    expect_security_headers(r, target);
  }
}

TEST_F(WebApp, TheApiStillAnswersAndCarriesTheHeaders) {
  make_app();
  ASSERT_TRUE(start(root_)) << log();
  auto missing = get("/v1/nonexistent");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(error_code(missing), "not_found");
  EXPECT_EQ(missing.content_type, "application/json");
  expect_security_headers(missing, "GET /v1/nonexistent");

  auto unauthenticated = get("/v1/alerts");
  EXPECT_EQ(unauthenticated.status, 401);
  EXPECT_EQ(header(unauthenticated, "cache-control"), "no-store");
  expect_security_headers(unauthenticated, "GET /v1/alerts");

  auto health = get("/health");
  EXPECT_EQ(health.status, 200);
  EXPECT_EQ(nlohmann::json::parse(health.body)["status"], "ok");
  expect_security_headers(health, "GET /health");

  auto post = get("/requests/x", {{"Content-Type", "text/plain"}}, "POST");
  EXPECT_EQ(post.status, 405);
  EXPECT_EQ(header(post, "allow"), "GET, HEAD");
  expect_security_headers(post, "POST /requests/x");

  // The listener's own refusals too (here: headers over 16 KiB).
  auto too_large = get("/", {{"X-Filler", std::string(20 * 1024, 'x')}});
  EXPECT_EQ(too_large.status, 431);
  expect_security_headers(too_large, "a request with headers too large");
}

// An installed node: BIN/../share/hotline/web is found without --web-root.
TEST_F(WebApp, TheInstalledShareFolderIsFoundWithoutTheFlag) {
  make_app();
  fs::create_directories(scratch_ / "inst" / "bin");
  fs::create_directories(scratch_ / "inst" / "share" / "hotline");
  const fs::path bin = scratch_ / "inst" / "bin" / "hotline";
  std::error_code ec;
  fs::create_hard_link(HOTLINE_BIN, bin, ec);
  if (ec) fs::copy_file(HOTLINE_BIN, bin);
  fs::rename(root_, scratch_ / "inst" / "share" / "hotline" / "web");
  ASSERT_TRUE(start("", bin.string())) << log();
  EXPECT_NE(log().find("share/hotline/web"), std::string::npos) << log();
  auto r = get("/requests/x");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, kIndex);
}

TEST_F(WebApp, AFolderWithoutTheAppAnswersWebAppMissing) {
  ASSERT_TRUE(start(root_)) << log();  // empty: not built yet
  EXPECT_NE(log().find("event=web_app_missing"), std::string::npos) << log();
  for (std::string target : {"/", "/requests/x"}) {
    auto r = get(target);
    EXPECT_EQ(r.status, 404) << target;
    EXPECT_EQ(error_code(r), "web_app_missing") << target << ": " << r.body;
    EXPECT_NE(r.body.find("npm --prefix web run build"), std::string::npos) << r.body;
    expect_security_headers(r, target);
  }
  EXPECT_EQ(get("/health").status, 200);
}

TEST_F(WebApp, AWebRootThatIsNoFolderStopsTheStart) {
  EXPECT_FALSE(start(scratch_ / "no-such-folder"));
  auto code = serve_->wait_for(std::chrono::seconds(10));
  ASSERT_TRUE(code.has_value());
  EXPECT_NE(*code, 0);
  EXPECT_NE(log().find("is not a folder"), std::string::npos) << log();
  EXPECT_NE(log().find("no-such-folder"), std::string::npos) << log();
}

}  // namespace web_app_test
}  // namespace hotline::it
