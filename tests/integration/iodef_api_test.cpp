// IODEF v2 on the operators' API of two real nodes (`hotline serve`, real
// TLS on 127.0.0.1): an alert, a request and a case exported as IODEF and
// each document checked by xmllint against the IODEF 2.0 schema, offline
// through the catalog in tests/vectors; the RFC 7970 examples imported as a
// case and an alert that reach the peer; hostile documents (an entity
// bomb, external entities, deep nesting, invalid UTF-8, the wrong
// namespace, a 2 GB body) refused with a clear error, nothing stored, and
// the node still working.
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "api_harness.h"
#include "attack/operator_harness.h"

namespace hotline::it {
namespace iodef_api_test {

std::string vector_path(const std::string& rel) {
  return std::string(HOTLINE_VECTORS_DIR) + "/iodef-v2/" + rel;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// xmllint --noout --nonet --schema iodef-2.0.xsd, offline through the
// copied catalog: "" when the document validates, what xmllint said if not.
std::string xmllint_problem(const std::string& xml, const std::filesystem::path& dir) {
  const auto file = dir / "export.xml";
  std::ofstream(file, std::ios::binary) << xml;
  const std::string cmd = "XML_CATALOG_FILES='" + vector_path("schema/catalog.xml") +
                          "' xmllint --noout --nonet --schema '" +
                          vector_path("schema/iodef-2.0.xsd") + "' '" + file.string() + "' 2>&1";
  FILE* p = ::popen(cmd.c_str(), "r");
  std::string out;
  char buf[512];
  while (std::fgets(buf, sizeof buf, p) != nullptr) out += buf;
  const int status = ::pclose(p);
  return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? "" : out.empty() ? "failed" : out;
}

struct Raw {
  int status = 0;
  std::string content_type, body;
};

class IodefApi : public ApiNodes {
 protected:
  Raw raw(Side s, const std::string& method, const std::string& target, const std::string& tok,
          const std::string& body = "", const std::string& type = "application/xml") {
    tls::ClientTlsConfig cfg;
    cfg.insecure_skip_verify = true;
    net::HttpsClient client(cfg, "127.0.0.1", node(s).op_port);
    net::HttpRequest r;
    r.method = method;
    r.target = target;
    r.headers["Authorization"] = "Bearer " + tok;
    if (!body.empty()) r.headers["Content-Type"] = type;
    r.body = body;
    auto res = client.request(r);
    return {res.status, res.content_type, res.body};
  }

  // GET .../iodef: 200, application/xml, and valid per xmllint.
  std::string exported(Side s, const std::string& plural, const std::string& id,
                       const std::string& tok) {
    auto r = raw(s, "GET", "/v1/" + plural + "/" + id + "/iodef", tok);
    EXPECT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.content_type.rfind("application/xml", 0), 0u) << r.content_type;
    EXPECT_EQ(xmllint_problem(r.body, dir(s)), "") << r.body;
    return r.body;
  }

  std::size_t total(Side s, const std::string& plural, const std::string& tok) {
    auto r = call(s, "GET", "/v1/" + plural + "?status=all", nullptr, tok);
    EXPECT_EQ(r.status, 200) << r.body.dump();
    return r.body.value("total", std::size_t{0});
  }
};

TEST_F(IodefApi, AlertRequestAndCaseExportValidateAndRedStaysHome) {
  ASSERT_NO_FATAL_FAILURE(start_linked());
  const auto ana = token(kAlpha, "ana", {service::Role::operator_});

  auto alert =
      call(kAlpha, "POST", "/v1/alerts",
           {{"to", "bravo"},
            {"summary", "Scanning from 203.0.113.7 <script>"},
            {"details", "Ports 22 & 3389"},
            {"labels", {{"tlp", "TLP:GREEN"}, {"rsit", {"information-gathering:scanner"}}}}},
           ana);
  ASSERT_EQ(alert.status, 201) << alert.body.dump();
  const std::string a = exported(kAlpha, "alerts", alert.body["id"], ana);
  EXPECT_NE(a.find("restriction=\"green\""), std::string::npos);
  EXPECT_NE(a.find("Scanning from 203.0.113.7 &lt;script&gt;"), std::string::npos);

  auto req =
      call(kAlpha, "POST", "/v1/requests",
           {{"to", "bravo"}, {"kind", "information"}, {"subject", "Who is 203.0.113.7?"}}, ana);
  ASSERT_EQ(req.status, 201) << req.body.dump();
  const std::string r = exported(kAlpha, "requests", req.body["id"], ana);
  EXPECT_NE(r.find("purpose=\"traceback\""), std::string::npos);

  auto opened =
      call(kAlpha, "POST", "/v1/cases",
           {{"peer", "bravo"}, {"title", "Mail breach"}, {"labels", {{"tlp", "TLP:AMBER"}}}}, ana);
  ASSERT_EQ(opened.status, 201) << opened.body.dump();
  const std::string c = opened.body["id"];
  const std::string sha(64, 'a');
  const char* kSha = sha.c_str();
  for (auto [type, value] : {std::pair{"ipv4-addr", "198.51.100.0/24"},
                             {"sha256", kSha},
                             {"domain-name", "evil.example"}}) {
    auto added =
        call(kAlpha, "POST", "/v1/cases/" + c + "/actions",
             {{"action", "add_indicator"}, {"args", {{"type", type}, {"value", value}}}}, ana);
    ASSERT_EQ(added.status, 200) << added.body.dump();
  }
  const std::string x = exported(kAlpha, "cases", c.substr(c.size() - 8), ana);
  EXPECT_NE(x.find("category=\"ipv4-net\">198.51.100.0/24<"), std::string::npos) << x;
  EXPECT_NE(x.find("<Name>evil.example</Name>"), std::string::npos) << x;

  auto red = call(kAlpha, "POST", "/v1/alerts",
                  {{"to", "bravo"}, {"summary", "Red"}, {"labels", {{"tlp", "TLP:RED"}}}}, ana);
  ASSERT_EQ(red.status, 201);
  auto refused =
      raw(kAlpha, "GET", "/v1/alerts/" + red.body["id"].get<std::string>() + "/iodef", ana);
  EXPECT_EQ(refused.status, 403) << refused.body;
  EXPECT_NE(refused.body.find("tlp_red_not_exported"), std::string::npos) << refused.body;
}

TEST_F(IodefApi, RfcExamplesImportAsACaseAndAnAlertThatReachThePeer) {
  ASSERT_NO_FATAL_FAILURE(start_linked());
  const auto ana = token(kAlpha, "ana", {service::Role::operator_});
  const auto bo = token(kBravo, "bo", {service::Role::operator_});

  auto r = raw(kAlpha, "POST", "/v1/cases/iodef?peer=bravo", ana,
               read_file(vector_path("examples/rfc7970-7.2-indicators-from-campaign.xml")));
  ASSERT_EQ(r.status, 201) << r.body;
  auto j = nlohmann::json::parse(r.body);
  EXPECT_EQ(j["indicators"], 4);
  const std::string c = j["item"]["id"];
  EXPECT_EQ(j["item"]["tlp"], "TLP:GREEN");
  auto seen = wait_for(kBravo, "/v1/cases/" + c, bo,
                       [](const nlohmann::json& b) { return b["indicators"].size() == 4; });
  EXPECT_EQ(seen.body["indicators"][0]["value"], "kj290023j09r34.example.com");

  auto a = raw(kAlpha, "POST", "/v1/alerts/iodef?peer=bravo", ana,
               read_file(vector_path("examples/rfc7970-7.1-minimal.xml")));
  ASSERT_EQ(a.status, 201) << a.body;
  auto aj = nlohmann::json::parse(a.body);
  EXPECT_EQ(aj["item"]["tlp"], "TLP:RED");  // restriction="private"
  EXPECT_EQ(aj["item"]["title"], "IODEF incident csirt.example.com 492382");

  for (const char* bad : {"bad-datetime.xml", "missing-incidentid.xml", "iodef-v1-namespace.xml"}) {
    auto refused = raw(kAlpha, "POST", "/v1/cases/iodef?peer=bravo", ana,
                       read_file(vector_path(std::string("examples/invalid/") + bad)));
    EXPECT_EQ(refused.status, 400) << bad << ": " << refused.body;
    EXPECT_NE(refused.body.find("iodef_invalid"), std::string::npos) << refused.body;
  }
}

const std::string kHead =
    "<IODEF-Document version=\"2.00\" xmlns=\"urn:ietf:params:xml:ns:iodef-2.0\">"
    "<Incident purpose=\"reporting\"><IncidentID name=\"x\">1</IncidentID>"
    "<GenerationTime>2026-01-01T00:00:00Z</GenerationTime>";
const std::string kTail =
    "<Contact type=\"organization\" role=\"creator\"/></Incident></IODEF-Document>";

std::string bomb() {
  std::string b = "<?xml version=\"1.0\"?>\n<!DOCTYPE d [\n<!ENTITY l0 \"lol\">\n";
  for (int i = 1; i <= 9; ++i) {
    b += "<!ENTITY l" + std::to_string(i) + " \"";
    for (int k = 0; k < 10; ++k) b += "&l" + std::to_string(i - 1) + ";";
    b += "\">\n";
  }
  return b + "]>\n" + kHead + "<Description>&l9;</Description>" + kTail;
}

std::string external(const std::string& system) {
  return "<?xml version=\"1.0\"?>\n<!DOCTYPE d [<!ENTITY x SYSTEM \"" + system + "\">]>\n" + kHead +
         "<Description>&x;</Description>" + kTail;
}

std::string deep() {
  std::string d = kHead + "<AdditionalData dtype=\"xml\">";
  for (int i = 0; i < 1000; ++i) d += "<a>";
  for (int i = 0; i < 1000; ++i) d += "</a>";
  return d + "</AdditionalData>" + kTail;
}

TEST_F(IodefApi, HostileDocumentsAreRefusedAndNothingIsStored) {
  ASSERT_NO_FATAL_FAILURE(start_linked());
  const auto ana = token(kAlpha, "ana", {service::Role::operator_});
  const std::size_t cases = total(kAlpha, "cases", ana);
  const std::size_t alerts = total(kAlpha, "alerts", ana);
  std::string wrong_ns = kHead + kTail;
  wrong_ns.replace(wrong_ns.find("iodef-2.0"), 9, "iodef-1.0");
  const std::pair<std::string, std::string> hostile[] = {
      {bomb(), "DOCTYPE"},
      {external("file:///etc/passwd"), "DOCTYPE"},
      {external("http://127.0.0.1:9/x"), "DOCTYPE"},
      {deep(), "nest deeper than"},
      {kHead + "<Description>\xC3\x28</Description>" + kTail, "not UTF-8 at offset"},
      {wrong_ns, "expected the root element <IODEF-Document> in namespace"}};
  for (const char* plural : {"cases", "alerts"}) {
    for (const auto& [doc, says] : hostile) {
      const auto start = std::chrono::steady_clock::now();
      auto r = raw(kAlpha, "POST", std::string("/v1/") + plural + "/iodef?peer=bravo", ana, doc);
      EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
      EXPECT_EQ(r.status, 400) << r.body;
      auto j = nlohmann::json::parse(r.body);
      EXPECT_EQ(j["error"]["code"], "iodef_invalid") << r.body;
      EXPECT_NE(j["error"]["message"].get<std::string>().find(says), std::string::npos) << r.body;
      EXPECT_EQ(j["error"]["message"].get<std::string>().find("root:"), std::string::npos);
    }
  }
  auto json_body = raw(kAlpha, "POST", "/v1/cases/iodef?peer=bravo", ana, "{}", "application/json");
  EXPECT_EQ(json_body.status, 415) << json_body.body;

  // A 2 GB body is refused on its header, before any byte of it is read.
  attack::RawClient c(node(kAlpha).op_port);
  ASSERT_TRUE(c.ok());
  c.write("POST /v1/cases/iodef?peer=bravo HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " +
          ana + "\r\nContent-Type: application/xml\r\nContent-Length: 2147483648\r\n\r\n<IODEF");
  EXPECT_EQ(attack::status_of(c.read_until("\r\n\r\n")), 413);

  EXPECT_EQ(total(kAlpha, "cases", ana), cases);
  EXPECT_EQ(total(kAlpha, "alerts", ana), alerts);
  // The node keeps working: a good document still goes in.
  auto ok = raw(kAlpha, "POST", "/v1/cases/iodef?peer=bravo", ana,
                read_file(vector_path("examples/rfc7970-7.1-minimal.xml")));
  EXPECT_EQ(ok.status, 201) << ok.body;
  EXPECT_EQ(total(kAlpha, "cases", ana), cases + 1);
}

}  // namespace iodef_api_test
}  // namespace hotline::it
