// net::ServerOptions::response_headers on a real HTTPS server: on the
// handler's answers, on HEAD, on a streamed answer and on the server's own
// refusals (413), never replacing a header the answer set itself; and
// api::serve gives the operators' listener the security headers.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "../../support/process.h"
#include "hotline/api/serve.h"
#include "hotline/net/http_types.h"
#include "hotline/net/https_client.h"
#include "hotline/net/https_server.h"
#include "hotline/tls/tls.h"

namespace hotline::api {
namespace listener_headers_test {

using namespace std::chrono_literals;

std::string header(const net::HttpResponse& r, const std::string& name) {
  auto it = r.headers.find(name);
  return it == r.headers.end() ? "" : it->second;
}

// One event, then the end.
struct OneEvent : net::BodyStream {
  bool sent = false;
  std::optional<std::string> next() override {
    if (sent) return std::nullopt;
    sent = true;
    return std::string("data: x\n\n");
  }
};

TEST(ListenerHeaders, OnEveryAnswerUnlessTheAnswerSetsThem) {
  hotline::testing::ScratchDir dir;
  tls::generate_operator_certificate("Test Party", dir / "op.crt", dir / "op.key");
  net::ServerOptions opts;
  opts.port = 0;
  opts.stop_timeout = 3s;
  opts.limits.max_body_bytes = 1024;
  opts.response_headers = {{"X-Listener", "yes"}, {"Cache-Control", "from-listener"}};
  net::HttpsServer server(tls::operator_server_context(dir / "op.crt", dir / "op.key"), opts,
                          [](const net::HttpRequest& r) {
                            net::HttpResponse answer;
                            answer.body = "{}";
                            if (r.target == "/own") answer.headers["Cache-Control"] = "no-store";
                            if (r.target == "/stream") {
                              answer.body.clear();
                              answer.stream = std::make_shared<OneEvent>();
                            }
                            return answer;
                          });
  server.start();

  tls::ClientTlsConfig cfg;
  cfg.insecure_skip_verify = true;  // loopback, the certificate just made
  auto send = [&](const std::string& method, const std::string& target, std::string body = "") {
    net::HttpsClient client(cfg, "127.0.0.1", server.port());
    net::HttpRequest r;
    r.method = method;
    r.target = target;
    r.body = std::move(body);
    return client.request(r);
  };

  auto plain = send("GET", "/plain");
  EXPECT_EQ(header(plain, "x-listener"), "yes");
  EXPECT_EQ(header(plain, "cache-control"), "from-listener");
  auto own = send("GET", "/own");
  EXPECT_EQ(header(own, "x-listener"), "yes");
  EXPECT_EQ(header(own, "cache-control"), "no-store") << "the answer's own header stays";
  EXPECT_EQ(header(send("HEAD", "/plain"), "x-listener"), "yes");
  auto stream = send("GET", "/stream");
  EXPECT_EQ(stream.body, "data: x\n\n");
  EXPECT_EQ(header(stream, "x-listener"), "yes");
  auto too_large = send("POST", "/plain", std::string(4096, 'x'));
  EXPECT_EQ(too_large.status, 413);
  EXPECT_EQ(header(too_large, "x-listener"), "yes");
  server.stop();
}

TEST(ListenerHeaders, TheOperatorsListenerSendsTheSecurityHeaders) {
  const auto& headers = operator_security_headers();
  auto value = [&](const std::string& name) {
    for (const auto& [n, v] : headers)
      if (n == name) return v;
    return std::string();
  };
  EXPECT_NE(value("Content-Security-Policy").find("frame-ancestors 'none'"), std::string::npos);
  EXPECT_NE(value("Content-Security-Policy").find("script-src 'self';"), std::string::npos);
  EXPECT_EQ(value("Content-Security-Policy").find("unsafe"), std::string::npos);
  EXPECT_EQ(value("X-Frame-Options"), "DENY");
  EXPECT_EQ(value("X-Content-Type-Options"), "nosniff");
  EXPECT_EQ(value("Referrer-Policy"), "no-referrer");
  EXPECT_EQ(value("Cross-Origin-Opener-Policy"), "same-origin");
  EXPECT_EQ(value("Strict-Transport-Security"), "max-age=31536000");
}

}  // namespace listener_headers_test
}  // namespace hotline::api
