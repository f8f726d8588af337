// The web app's files (api/static_files.h) on a real folder, in process:
// which targets are the API's, the Content-Types, the Accept-Encoding
// parse, the load limits, and the paths refused before any lookup.
#include "hotline/api/static_files.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "../../support/process.h"
#include "hotline/common/error.h"

namespace hotline::api {
namespace static_files_test {

namespace fs = std::filesystem;

void write(const fs::path& p, const std::string& text) {
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << text;
}

net::HttpRequest get(const std::string& target) {
  net::HttpRequest r;
  r.method = "GET";
  r.target = target;
  return r;
}

std::string code_of(const std::string& thrower_root, const WebApp::Limits& limits) {
  try {
    WebApp::load(thrower_root, limits);
  } catch (const Error& e) {
    return e.code();
  }
  return "";
}

TEST(StaticFiles, TheApiKeepsItsPathsAndTheAppGetsTheRest) {
  for (std::string t : {"/v1", "/v1/alerts", "/v1/alerts?x=1", "/health", "/version", "*",
                        "https://example.org/"}) {
    EXPECT_TRUE(is_api_target(t)) << t;
  }
  for (std::string t :
       {"/", "/v1x", "/v10/alerts", "/requests/abc", "/assets/a.js", "/health/x", "/index.html"}) {
    EXPECT_FALSE(is_api_target(t)) << t;
  }
}

TEST(StaticFiles, ContentTypesByExtension) {
  EXPECT_EQ(content_type_for("/assets/a-1.js"), "text/javascript; charset=utf-8");
  EXPECT_EQ(content_type_for("/assets/a-1.CSS"), "text/css; charset=utf-8");
  EXPECT_EQ(content_type_for("/logo.svg"), "image/svg+xml");
  EXPECT_EQ(content_type_for("/a.png"), "image/png");
  EXPECT_EQ(content_type_for("/f.woff2"), "font/woff2");
  EXPECT_EQ(content_type_for("/favicon.ico"), "image/x-icon");
  EXPECT_EQ(content_type_for("/m.json"), "application/json");
  EXPECT_EQ(content_type_for("/s.mp3"), "audio/mpeg");
  EXPECT_EQ(content_type_for("/s.wav"), "audio/wav");
  EXPECT_EQ(content_type_for("/s.ogg"), "audio/ogg");
  EXPECT_EQ(content_type_for("/a.js.map"), "application/json");
  EXPECT_EQ(content_type_for("/index.html"), "text/html; charset=utf-8");
  EXPECT_EQ(content_type_for("/robots.txt"), "text/plain; charset=utf-8");
  EXPECT_EQ(content_type_for("/v.d/noext"), "application/octet-stream");
  EXPECT_EQ(content_type_for("/a.exe"), "application/octet-stream");
}

TEST(StaticFiles, AcceptEncodingGzip) {
  EXPECT_TRUE(accepts_gzip("gzip"));
  EXPECT_TRUE(accepts_gzip("gzip, deflate, br, zstd"));
  EXPECT_TRUE(accepts_gzip("br;q=1.0, GZIP;q=0.5"));
  EXPECT_TRUE(accepts_gzip("*"));
  EXPECT_TRUE(accepts_gzip("x-gzip"));
  EXPECT_FALSE(accepts_gzip(""));
  EXPECT_FALSE(accepts_gzip("br, deflate"));
  EXPECT_FALSE(accepts_gzip("gzip;q=0"));
  EXPECT_FALSE(accepts_gzip("gzip; q=0.000, br"));
  EXPECT_FALSE(accepts_gzip("gzipx"));
}

TEST(StaticFiles, LoadRefusesWhatIsNoFolderOrTooLarge) {
  hotline::testing::ScratchDir dir;
  write(dir / "file", "x");
  EXPECT_EQ(code_of((dir / "nothing").string(), {}), "web_root_invalid");
  EXPECT_EQ(code_of((dir / "file").string(), {}), "web_root_invalid");

  write(dir / "web" / "index.html", "<html>");
  write(dir / "web" / "assets" / "a.js", std::string(100, 'a'));
  EXPECT_EQ(code_of((dir / "web").string(), {.max_files = 1}), "web_root_too_large");
  EXPECT_EQ(code_of((dir / "web").string(), {.max_file_bytes = 99}), "web_root_too_large");
  EXPECT_EQ(code_of((dir / "web").string(), {.max_total_bytes = 101}), "web_root_too_large");
  EXPECT_EQ(code_of((dir / "web").string(), {}), "");
}

TEST(StaticFiles, HiddenAndOutsideEntriesAreNotLoadedAndAnswer404) {
  hotline::testing::ScratchDir dir;
  write(dir / "secret", "SECRET");
  write(dir / "web" / "index.html", "<html>");
  write(dir / "web" / ".git" / "config", "SECRET");
  fs::create_symlink(dir / "secret", dir / "web" / "link");
  fs::create_symlink(dir / "web" / "index.html", dir / "web" / "inner-link.html");
  fs::create_symlink(dir / "gone", dir / "web" / "broken");
  auto app = WebApp::load(dir / "web");
  EXPECT_TRUE(app.has_app());
  EXPECT_EQ(app.file_count(), 2u);  // index.html and the link to it
  EXPECT_EQ(app.skipped(), 3u);     // .git, link, broken
  for (std::string t : {"/link", "/link/x", "/.git/config", "/broken", "/a/../link", "/%2e/x",
                        "/a%5cb", "/a%00", "/%", "/%4"}) {
    auto r = app.handle(get(t));
    EXPECT_EQ(r.status, 404) << t;
    EXPECT_EQ(r.body.find("SECRET"), std::string::npos) << t;
  }
  EXPECT_EQ(app.handle(get("/inner-link.html")).body, "<html>");
  EXPECT_EQ(app.handle(get("/deep/app/route")).body, "<html>");
}

TEST(StaticFiles, NoAppAnswersWebAppMissingAndOtherMethods405) {
  WebApp none;
  auto r = none.handle(get("/"));
  EXPECT_EQ(r.status, 404);
  EXPECT_NE(r.body.find("web_app_missing"), std::string::npos);
  net::HttpRequest post = get("/");
  post.method = "POST";
  EXPECT_EQ(none.handle(post).status, 405);
  ASSERT_TRUE(none.check_head(post).has_value());
  EXPECT_EQ(none.check_head(post)->headers.at("Allow"), "GET, HEAD");
  EXPECT_FALSE(none.check_head(get("/")).has_value());
}

}  // namespace static_files_test
}  // namespace hotline::api
