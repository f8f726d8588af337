#include "hotline/interop/iodef.h"

#include <gtest/gtest.h>

#include <unistd.h>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "hotline/common/error.h"

namespace hotline::interop {
namespace iodef_test {

using std::chrono::minutes;

const TimePoint kT0 = parse_timestamp("2026-03-01T10:00:00.000Z");
const IodefParties kParties{"cert-a.example", "cert-b.example"};

std::string vector_path(const std::string& rel) {
  return std::string(HOTLINE_VECTORS_DIR) + "/iodef-v2/" + rel;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// xmllint against the IODEF 2.0 schema, offline through the copied catalog:
// its exit status and what it printed.
std::pair<int, std::string> xmllint(const std::string& xml) {
  const auto dir =
      std::filesystem::temp_directory_path() / ("iodef_test_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  static int n = 0;
  const auto file = dir / ("doc" + std::to_string(++n) + ".xml");
  std::ofstream(file, std::ios::binary) << xml;
  const std::string cmd = "XML_CATALOG_FILES='" + vector_path("schema/catalog.xml") +
                          "' xmllint --noout --nonet --schema '" +
                          vector_path("schema/iodef-2.0.xsd") + "' '" + file.string() + "' 2>&1";
  FILE* p = ::popen(cmd.c_str(), "r");
  std::string out;
  char buf[512];
  while (std::fgets(buf, sizeof buf, p) != nullptr) out += buf;
  const int status = ::pclose(p);
  std::filesystem::remove(file);
  return {WEXITSTATUS(status), out};
}

void expect_valid(const std::string& xml) {
  auto [rc, out] = xmllint(xml);
  EXPECT_EQ(rc, 0) << out << "\n" << xml;
  EXPECT_NO_THROW(validate_iodef(xml));
}

// The error import_iodef throws, or "" when it does not.
std::string import_error(std::string_view bytes, std::string* code = nullptr) {
  try {
    import_iodef(bytes);
  } catch (const Error& e) {
    if (code != nullptr) *code = e.code();
    return e.what();
  }
  return "";
}

model::Labels labels(model::Tlp tlp) {
  model::Labels l;
  l.tlp = tlp;
  l.rsit = {"fraud:phishing"};
  l.reliability = 'B';
  l.credibility = 2;
  return l;
}

model::Alert sample_alert() {
  auto a = model::raise("0190a5b2-7c3d-7e4f-8a9b-0c1d2e3f4a5b", model::Side::ours,
                        model::Priority::urgent, labels(model::Tlp::amber),
                        "Phishing from 198.51.100.7 <now> & \"then\"",
                        "Details\nwith a tab\tand 中文", "claire", kT0);
  a = model::mark_delivered(a, kT0 + minutes(1));
  return model::acknowledge(a, "jonas", model::Side::theirs, kT0 + minutes(5));
}

model::Request sample_request(model::RequestKind kind) {
  auto r = model::draft("0190a5b2-7c3d-7e4f-8a9b-0c1d2e3f4a5c", kind, model::Priority::normal,
                        labels(model::Tlp::green), "Who holds 203.0.113.9?", "Logs attached",
                        "claire", kT0);
  r = model::approve(r, "claire", model::Side::ours, kT0, false);
  return model::send(r, "claire", model::Side::ours, kT0 + minutes(1));
}

const std::vector<model::Indicator> kIndicators{
    {"ipv4-addr", "198.51.100.7"},
    {"ipv4-addr", "192.0.2.0/24"},
    {"ipv6-addr", "2001:db8::1"},
    {"ipv6-addr", "2001:db8::/32"},
    {"domain-name", "evil.example"},
    {"url", "https://evil.example/login?a=1&b=2"},
    {"email-addr", "phisher@evil.example"},
    {"md5", "d41d8cd98f00b204e9800998ecf8427e"},
    {"sha1", "da39a3ee5e6b4b0d3255bfef95601890afd80709"},
    {"sha256", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
    {"file-name", "invoice.pdf.exe"},
    {"autonomous-system", "AS64500"},
};

model::CaseFile sample_case(model::Tlp tlp = model::Tlp::amber_strict) {
  auto c = model::open_case("0190a5b2-7c3d-7e4f-8a9b-0c1d2e3f4a5d", model::Side::ours,
                            "Breach at example.org", labels(tlp), "claire", kT0);
  int m = 0;
  for (const auto& i : kIndicators) {
    c = model::add_indicator(c, i, "claire", model::Side::ours, kT0 + minutes(++m));
  }
  c = model::add_entry(c, "Peer confirms", "jonas", model::Side::theirs, kT0 + minutes(30));
  return model::add_note(c, "private: never exported", "claire", model::Side::ours,
                         kT0 + minutes(31));
}

TEST(IodefExport, AlertValidatesAgainstTheSchema) {
  const std::string xml = export_iodef(sample_alert(), kParties, kT0 + minutes(60));
  expect_valid(xml);
  EXPECT_NE(xml.find("xmlns=\"urn:ietf:params:xml:ns:iodef-2.0\""), std::string::npos);
  EXPECT_NE(xml.find("version=\"2.00\""), std::string::npos);
  EXPECT_NE(xml.find("purpose=\"reporting\""), std::string::npos);
  EXPECT_NE(xml.find("restriction=\"amber\""), std::string::npos);
  EXPECT_NE(xml.find("<IncidentID name=\"cert-a.example\">"), std::string::npos);
  EXPECT_NE(xml.find("&lt;now&gt; &amp;"), std::string::npos);
  EXPECT_NE(xml.find("中文"), std::string::npos);
  EXPECT_NE(xml.find("ext-action=\"acknowledge\""), std::string::npos);
  EXPECT_NE(xml.find("<IncidentCategory>fraud:phishing</IncidentCategory>"), std::string::npos);
}

TEST(IodefExport, RequestPurposeFollowsItsKind) {
  const std::pair<model::RequestKind, const char*> cases[] = {
      {model::RequestKind::information, "traceback"},
      {model::RequestKind::takedown, "mitigation"},
      {model::RequestKind::assistance, "mitigation"},
      {model::RequestKind::preservation, "other"}};
  for (const auto& [kind, purpose] : cases) {
    const std::string xml = export_iodef(sample_request(kind), kParties, kT0 + minutes(60));
    expect_valid(xml);
    EXPECT_NE(xml.find(std::string("purpose=\"") + purpose + "\""), std::string::npos) << purpose;
  }
}

TEST(IodefExport, CaseWithEveryIndicatorTypeValidatesAndLeavesNotesOut) {
  const std::string xml = export_iodef(sample_case(), kParties, kT0 + minutes(60));
  expect_valid(xml);
  EXPECT_EQ(xml.find("private: never exported"), std::string::npos);
  EXPECT_NE(xml.find("restriction=\"need-to-know\""), std::string::npos);
  EXPECT_NE(xml.find("category=\"ipv4-net\""), std::string::npos);
  EXPECT_NE(xml.find("category=\"asn\">64500<"), std::string::npos);
  EXPECT_NE(xml.find("<ds:DigestValue>1B2M2Y8AsgTpgAmY7PhCfg==</ds:DigestValue>"),
            std::string::npos);
}

TEST(IodefExport, EmptyCaseAndEveryTlpValidate) {
  for (auto tlp : model::kTlpLevels) {
    auto c = model::open_case("0190a5b2-7c3d-7e4f-8a9b-0c1d2e3f4a5e", model::Side::theirs, "t",
                              labels(tlp), "x", kT0);
    const std::string xml = export_iodef(c, kParties, kT0);
    expect_valid(xml);
    EXPECT_EQ(import_iodef(xml).tlp, tlp);
  }
}

TEST(IodefRoundTrip, CaseIndicatorsTitleAndTlpComeBack) {
  const auto c = sample_case();
  const IodefIncident in = import_iodef(export_iodef(c, kParties, kT0 + minutes(60)));
  ASSERT_EQ(in.indicators.size(), kIndicators.size());
  for (std::size_t i = 0; i < kIndicators.size(); ++i) {
    EXPECT_EQ(in.indicators[i].type, kIndicators[i].type);
    EXPECT_EQ(in.indicators[i].value, kIndicators[i].value);
  }
  EXPECT_EQ(in.title, "Breach at example.org");
  EXPECT_EQ(in.tlp, model::Tlp::amber_strict);
  EXPECT_EQ(in.id_name, "cert-a.example");
  EXPECT_EQ(in.id, c.id);
  EXPECT_EQ(in.rsit, std::vector<std::string>{"fraud:phishing"});
  EXPECT_TRUE(in.not_kept.empty());
}

TEST(IodefRoundTrip, AlertSummaryAndPriority) {
  const IodefIncident in = import_iodef(export_iodef(sample_alert(), kParties, kT0));
  EXPECT_EQ(in.title, "Phishing from 198.51.100.7 <now> & \"then\"");
  EXPECT_TRUE(in.urgent);
  EXPECT_EQ(in.tlp, model::Tlp::amber);
  EXPECT_EQ(in.report_time, kT0);
}

TEST(IodefRestriction, TableBothWays) {
  EXPECT_EQ(iodef_restriction(model::Tlp::clear), "white");
  EXPECT_EQ(iodef_restriction(model::Tlp::green), "green");
  EXPECT_EQ(iodef_restriction(model::Tlp::amber), "amber");
  EXPECT_EQ(iodef_restriction(model::Tlp::amber_strict), "need-to-know");
  EXPECT_EQ(iodef_restriction(model::Tlp::red), "red");
  EXPECT_EQ(tlp_from_restriction("public"), model::Tlp::clear);
  EXPECT_EQ(tlp_from_restriction("partner"), model::Tlp::green);
  EXPECT_EQ(tlp_from_restriction("private"), model::Tlp::red);
  EXPECT_EQ(tlp_from_restriction("default"), model::Tlp::red);
  EXPECT_EQ(tlp_from_restriction("ext-value"), std::nullopt);
}

TEST(IodefImport, RfcMinimalExample) {
  const std::string xml = read_file(vector_path("examples/rfc7970-7.1-minimal.xml"));
  expect_valid(xml);
  const IodefIncident in = import_iodef(xml);
  EXPECT_EQ(in.id_name, "csirt.example.com");
  EXPECT_EQ(in.id, "492382");
  EXPECT_EQ(in.purpose, "reporting");
  EXPECT_EQ(in.tlp, model::Tlp::red);  // restriction="private"
  EXPECT_EQ(in.generation_time, parse_timestamp("2015-07-18T14:00:00.000Z"));
  EXPECT_EQ(in.title, "IODEF incident csirt.example.com 492382");
  EXPECT_NE(in.details.find("creator: <contact@csirt.example.com>"), std::string::npos);
  EXPECT_TRUE(in.indicators.empty());
}

TEST(IodefImport, RfcIndicatorExampleGivesTheCampaignDomains) {
  const IodefIncident in =
      import_iodef(read_file(vector_path("examples/rfc7970-7.2-indicators-from-campaign.xml")));
  EXPECT_EQ(in.tlp, model::Tlp::green);
  EXPECT_EQ(in.purpose, "watch");
  EXPECT_EQ(in.title.rfind("Summarizes the Indicators of Compromise", 0), 0u);
  const std::vector<std::string> want{"kj290023j09r34.example.com", "09ijk23jfj0k8.example.net",
                                      "klknjwfjiowjefr923.example.org",
                                      "oimireik79msd.example.org"};
  ASSERT_EQ(in.indicators.size(), want.size());
  for (std::size_t i = 0; i < want.size(); ++i) {
    EXPECT_EQ(in.indicators[i].type, "domain-name");
    EXPECT_EQ(in.indicators[i].value, want[i]);
    EXPECT_EQ(in.indicators[i].note, "C2 domains");
    EXPECT_EQ(in.indicators[i].first_seen, parse_timestamp("2014-12-02T16:18:00.000Z"));
  }
}

TEST(IodefImport, InvalidExamplesAreRefusedNamingTheElement) {
  const std::pair<const char*, const char*> cases[] = {
      {"bad-datetime.xml", "/IODEF-Document/Incident/GenerationTime"},
      {"bad-purpose-enum.xml", "/IODEF-Document/Incident"},
      {"iodef-v1-namespace.xml", "urn:ietf:params:xml:ns:iodef-2.0"},
      {"missing-incidentid.xml", "/IODEF-Document/Incident"},
      {"wrong-version.xml", "/IODEF-Document"}};
  for (const auto& [file, where] : cases) {
    const std::string xml = read_file(vector_path(std::string("examples/invalid/") + file));
    EXPECT_NE(xmllint(xml).first, 0) << file;
    std::string code;
    const std::string err = import_error(xml, &code);
    EXPECT_EQ(code, "iodef_invalid") << file;
    EXPECT_NE(err.find(where), std::string::npos) << file << ": " << err;
  }
}

const std::string kMinimalHead =
    "<IODEF-Document version=\"2.00\" xmlns=\"urn:ietf:params:xml:ns:iodef-2.0\">"
    "<Incident purpose=\"reporting\"><IncidentID name=\"x\">1</IncidentID>"
    "<GenerationTime>2026-01-01T00:00:00Z</GenerationTime>";
const std::string kMinimalTail =
    "<Contact type=\"organization\" role=\"creator\"/></Incident></IODEF-Document>";

TEST(IodefHostile, BillionLaughsIsRefusedQuickly) {
  std::string bomb = "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n<!ENTITY lol \"lol\">\n";
  for (int i = 1; i <= 9; ++i) {
    bomb += "<!ENTITY lol" + std::to_string(i) + " \"";
    for (int k = 0; k < 10; ++k)
      bomb += "&lol" + (i == 1 ? std::string() : std::to_string(i - 1)) + ";";
    bomb += "\">\n";
  }
  bomb += "]>\n" + kMinimalHead + "<Description>&lol9;</Description>" + kMinimalTail;
  const auto start = std::chrono::steady_clock::now();
  const std::string err = import_error(bomb);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(1));
  EXPECT_NE(err.find("DOCTYPE"), std::string::npos) << err;
}

TEST(IodefHostile, ExternalEntitiesAreNeverFetched) {
  for (const char* sys : {"file:///etc/passwd", "http://127.0.0.1:9/x"}) {
    const std::string xml =
        std::string("<?xml version=\"1.0\"?>\n<!DOCTYPE d [<!ENTITY xxe SYSTEM \"") + sys +
        "\">]>\n" + kMinimalHead + "<Description>&xxe;</Description>" + kMinimalTail;
    const std::string err = import_error(xml);
    EXPECT_NE(err.find("DOCTYPE"), std::string::npos) << err;
    EXPECT_EQ(err.find("root:"), std::string::npos) << err;
  }
  const std::string dtd =
      "<?xml version=\"1.0\"?>\n<!DOCTYPE d SYSTEM \"http://127.0.0.1:9/d.dtd\">" + kMinimalHead +
      kMinimalTail;
  EXPECT_NE(import_error(dtd).find("DOCTYPE"), std::string::npos);
}

TEST(IodefHostile, UndeclaredEntityIsNotWellFormed) {
  const std::string err =
      import_error(kMinimalHead + "<Description>&xxe;</Description>" + kMinimalTail);
  EXPECT_NE(err.find("not well-formed"), std::string::npos) << err;
}

TEST(IodefHostile, ThousandNestingLevels) {
  std::string deep = kMinimalHead + "<AdditionalData dtype=\"xml\">";
  for (int i = 0; i < 1000; ++i) deep += "<a>";
  for (int i = 0; i < 1000; ++i) deep += "</a>";
  deep += "</AdditionalData>" + kMinimalTail;
  const std::string err = import_error(deep);
  EXPECT_NE(err.find("nest deeper than"), std::string::npos) << err;
}

TEST(IodefHostile, InvalidUtf8) {
  const std::string err =
      import_error(kMinimalHead + "<Description>\xC3\x28</Description>" + kMinimalTail);
  EXPECT_NE(err.find("not UTF-8 at offset"), std::string::npos) << err;
  const std::string latin1 = "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>" + kMinimalHead +
                             "<Description>中文</Description>" + kMinimalTail;
  EXPECT_EQ(import_iodef(latin1).title, "中文");
}

TEST(IodefHostile, OverTheSizeLimit) {
  std::string code;
  std::string big(kMaxIodefBytes + 1, ' ');
  const std::string err = import_error(big, &code);
  EXPECT_EQ(code, "iodef_too_large");
}

TEST(IodefHostile, WrongNamespaceAndTwoIncidents) {
  std::string ns = kMinimalHead + kMinimalTail;
  ns.replace(ns.find("iodef-2.0"), 9, "iodef-1.0");
  EXPECT_NE(import_error(ns).find("expected the root element <IODEF-Document> in namespace"),
            std::string::npos);
  std::string two = kMinimalHead + kMinimalTail;
  const std::string inc =
      two.substr(two.find("<Incident"), two.find("</IODEF") - two.find("<Incident"));
  two.insert(two.find("</IODEF"), inc);
  EXPECT_NE(import_error(two).find("expected exactly one Incident"), std::string::npos);
}

TEST(IodefImport, BadIndicatorValueNamesTheElement) {
  const std::string xml =
      kMinimalHead + kMinimalTail.substr(0, kMinimalTail.find("</Incident>")) +
      "<IndicatorData><Indicator><IndicatorID name=\"x\" version=\"1\">i1</IndicatorID>"
      "<Observable><Address category=\"ipv4-addr\">300.1.1.1</Address></Observable>"
      "</Indicator></IndicatorData></Incident></IODEF-Document>";
  const std::string err = import_error(xml);
  EXPECT_NE(err.find("/IndicatorData/Indicator/Observable/Address"), std::string::npos) << err;
}

TEST(IodefImport, UnknownObservablesAreListedNotDropped) {
  const std::string xml =
      kMinimalHead + kMinimalTail.substr(0, kMinimalTail.find("</Incident>")) +
      "<IndicatorData><Indicator><IndicatorID name=\"x\" version=\"1\">i1</IndicatorID>"
      "<Observable><Address category=\"mac\">00:11:22:33:44:55</Address></Observable>"
      "</Indicator></IndicatorData></Incident></IODEF-Document>";
  const IodefIncident in = import_iodef(xml);
  EXPECT_TRUE(in.indicators.empty());
  ASSERT_EQ(in.not_kept.size(), 1u);
  EXPECT_EQ(in.not_kept[0], "/IODEF-Document/Incident/IndicatorData/Indicator/Observable/Address");
}

}  // namespace iodef_test
}  // namespace hotline::interop
