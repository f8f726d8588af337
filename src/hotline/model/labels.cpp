#include "hotline/model/labels.h"

#include <algorithm>
#include <utility>

#include "hotline/common/error.h"
#include "hotline/common/uuid.h"

namespace hotline::model {
namespace {

using nlohmann::json;

constexpr std::array<std::string_view, 5> kTlpNames{"TLP:CLEAR", "TLP:GREEN", "TLP:AMBER",
                                                    "TLP:AMBER+STRICT", "TLP:RED"};
constexpr std::array<std::string_view, 4> kPapNames{"PAP:CLEAR", "PAP:GREEN", "PAP:AMBER",
                                                    "PAP:RED"};

constexpr std::array<std::string_view, 6> kReliability{
    "Completely reliable",  "Usually reliable", "Fairly reliable",
    "Not usually reliable", "Unreliable",       "Reliability cannot be judged"};
constexpr std::array<std::string_view, 6> kCredibility{
    "Confirmed by other sources", "Probably true", "Possibly true", "Doubtful", "Improbable",
    "Truth cannot be judged"};

// Generated from tests/vectors/taxonomies/rsit.csv (class, class_label, type,
// type_label, description); labels_test checks it against the file.
constexpr RsitType kRsit[] = {
    {"abusive-content", "Abusive Content", "spam", "Spam",
     "Or 'Unsolicited Bulk Email', this means that the recipient has not granted verifiable "
     "permission for the message to be sent and that the message is sent as part of a larger "
     "collection of messages, all having a functionally comparable content. This IOC refers to "
     "resources which make up spam infrastructure, for example, harvesters like address "
     "verification, URLs in spam emails, etc."},
    {"abusive-content", "Abusive Content", "harmful-speech", "Harmful Speech",
     "Bullying, harassment or discrimination of somebody, e.g., cyber stalking, racism or threats "
     "against one or more individuals."},
    {"abusive-content", "Abusive Content", "violence",
     "(Child) Sexual Exploitation/Sexual/Violent Content",
     "Child Sexual Exploitation (CSE), sexual content, glorification of violence, etc."},
    {"malicious-code", "Malicious Code", "infected-system", "Infected System",
     "System infected with malware, e.g., a PC, smartphone or server infected with a rootkit. Most "
     "often this refers to a connection to a sinkholed command and control server."},
    {"malicious-code", "Malicious Code", "c2-server", "C2 Server",
     "Command and control server contacted by malware on infected systems."},
    {"malicious-code", "Malicious Code", "malware-distribution", "Malware Distribution",
     "URI used for malware distribution, e.g., a download URL included in fake invoice malware "
     "spam or exploit kits (on websites)."},
    {"malicious-code", "Malicious Code", "malware-configuration", "Malware Configuration",
     "URI hosting a malware configuration file, e.g., web injects for a banking trojan."},
    {"information-gathering", "Information Gathering", "scanner", "Scanning",
     "Attacks that send requests to a system to discover weaknesses. This also includes testing "
     "processes to gather information on hosts, services and accounts. This includes fingerd, DNS "
     "querying, ICMP, SMTP (EXPN, RCPT, etc) port scanning."},
    {"information-gathering", "Information Gathering", "sniffing", "Sniffing",
     "Observing and recording of network traffic (i.e. wiretapping)."},
    {"information-gathering", "Information Gathering", "social-engineering", "Social Engineering",
     "Gathering information from a human being in a non-technical way (e.g., using lies, tricks, "
     "bribes, or threats)."},
    {"intrusion-attempts", "Intrusion Attempts", "ids-alert",
     "Exploitation of Known Vulnerabilities",
     "An attempt to compromise a system or to disrupt any service by exploiting vulnerabilities "
     "with a standardised identifier such as CVE name (e.g., using a buffer overflow, backdoor, "
     "cross site scripting)"},
    {"intrusion-attempts", "Intrusion Attempts", "brute-force", "Login Attempts",
     "Multiple brute-force login attempts (including guessing or cracking of passwords). This IOC "
     "refers to a resource, which has been observed to perform brute-force attacks over a given "
     "application protocol."},
    {"intrusion-attempts", "Intrusion Attempts", "exploit", "New Attack Signature",
     "An attack using an unknown exploit."},
    {"intrusions", "Intrusions", "privileged-account-compromise", "Privileged Account Compromise",
     "Compromise of a system where the attacker has gained administrative privileges."},
    {"intrusions", "Intrusions", "unprivileged-account-compromise",
     "Unprivileged Account Compromise",
     "Compromise of a system using an unprivileged (user/service) account."},
    {"intrusions", "Intrusions", "application-compromise", "Application Compromise",
     "Compromise of an application by exploiting (un)known software vulnerabilities, e.g., SQL "
     "injection."},
    {"intrusions", "Intrusions", "system-compromise", "System Compromise",
     "Compromise of a system, e.g., unauthorised logins or commands. This includes attempts to "
     "compromise honeypot systems."},
    {"intrusions", "Intrusions", "burglary", "Burglary",
     "Physical intrusion, e.g., into a corporate building or data centre."},
    {"availability", "Availability", "dos", "Denial of Service",
     "Denial of Service attack, e.g., sending specially crafted requests to a web application "
     "which causes the application to crash or slow down."},
    {"availability", "Availability", "ddos", "Distributed Denial of Service",
     "Distributed Denial of Service attack, e.g., SYN flood or UDP-based reflection/amplification "
     "attacks."},
    {"availability", "Availability", "misconfiguration", "Misconfiguration",
     "Software misconfiguration resulting in service availability issues, e.g., DNS server with "
     "outdated DNSSEC Root Zone KSK."},
    {"availability", "Availability", "sabotage", "Sabotage",
     "Intentional actions maliciously threatening to, attempting to or actually damaging a system "
     "or component with the aim of disrupting the availability of a service. These can happen both "
     "at logical and physical levels, from malicious firewall rules dropping all traffic, to "
     "wire-cutting, bomb threats or arson."},
    {"availability", "Availability", "outage", "Outage",
     "An outage caused, for example, by air conditioning failure or natural disaster."},
    {"information-content-security", "Information Content Security",
     "unauthorised-information-access", "Unauthorised Access to Information",
     "Unauthorised access to information, e.g., by abusing stolen login credentials for a system "
     "or application, intercepting traffic or gaining access to physical documents."},
    {"information-content-security", "Information Content Security",
     "unauthorised-information-modification", "Unauthorised Modification of Information",
     "Unauthorised modification of information, e.g., by an attacker abusing stolen login "
     "credentials for a system or application, or ransomware encrypting data. Also includes "
     "defacements."},
    {"information-content-security", "Information Content Security", "data-loss", "Data Loss",
     "Loss of data caused by, for example, hard disk failure or physical theft."},
    {"information-content-security", "Information Content Security", "data-leak",
     "Leak of Confidential Information",
     "Leaked confidential information, e.g., credentials or personal data."},
    {"fraud", "Fraud", "unauthorised-use-of-resources", "Unauthorised Use of Resources",
     "Using resources for unauthorised purposes including profit-making ventures, e.g., the use of "
     "email to participate in illegal profit chain letters or pyramid schemes."},
    {"fraud", "Fraud", "copyright", "Copyright",
     "Offering or installing copies of unlicensed commercial software or other copyright protected "
     "materials (also known as Warez)."},
    {"fraud", "Fraud", "masquerade", "Masquerade",
     "Type of attack in which one entity illegitimately impersonates the identity of another in "
     "order to benefit from it."},
    {"fraud", "Fraud", "phishing", "Phishing",
     "Masquerading as another entity in order to persuade the user to reveal private credentials. "
     "This IOC most often refers to a URL, which is used to phish user credentials."},
    {"vulnerable", "Vulnerable", "weak-crypto", "Weak Cryptography",
     "Publicly accessible services offering weak cryptography, e.g., web servers susceptible to "
     "POODLE/FREAK attacks."},
    {"vulnerable", "Vulnerable", "ddos-amplifier", "DDoS Amplifier",
     "Publicly accessible services that can be abused for conducting DDoS reflection/amplification "
     "attacks, e.g., DNS open-resolvers or NTP servers with monlist enabled."},
    {"vulnerable", "Vulnerable", "potentially-unwanted-accessible",
     "Potentially Unwanted Accessible Services",
     "Potentially unwanted publicly accessible services, e.g., Telnet, RDP or VNC."},
    {"vulnerable", "Vulnerable", "information-disclosure", "Information Disclosure",
     "Publicly accessible services potentially disclosing sensitive information, e.g., SNMP or "
     "Redis."},
    {"vulnerable", "Vulnerable", "vulnerable-system", "Vulnerable System",
     "A system which is vulnerable to certain attacks, e.g., misconfigured client proxy settings "
     "(such as WPAD), outdated operating system version, or cross-site scripting vulnerabilities."},
    {"other", "Other", "other", "Uncategorised",
     "All incidents which don't fit in one of the given categories should be put into this class "
     "or the incident is not categorised."},
    {"other", "Other", "undetermined", "Undetermined",
     "The categorisation of the incident is unknown/undetermined."},
    {"test", "Test", "test", "Test", "Meant for testing."},
};

constexpr Offence kOffences[] = {
    {"budapest:art2", 2, "Illegal access"},
    {"budapest:art3", 3, "Illegal interception"},
    {"budapest:art4", 4, "Data interference"},
    {"budapest:art5", 5, "System interference"},
    {"budapest:art6", 6, "Misuse of devices"},
    {"budapest:art7", 7, "Computer-related forgery"},
    {"budapest:art8", 8, "Computer-related fraud"},
    {"budapest:art9", 9, "Offences related to child pornography"},
    {"budapest:art10", 10, "Offences related to infringements of copyright and related rights"},
    {"budapest:art11", 11, "Attempt and aiding or abetting"},
};

template <std::size_t N>
std::optional<std::size_t> find_name(const std::array<std::string_view, N>& names,
                                     std::string_view text) {
  for (std::size_t i = 0; i < N; ++i) {
    if (names[i] == text) return i;
  }
  return std::nullopt;
}

const JsonCheck kLabels{"labels_invalid", "labels"};

void check_codes(const std::vector<std::string>& codes, const std::string& path, bool rsit) {
  for (std::size_t i = 0; i < codes.size(); ++i) {
    const std::string& c = codes[i];
    bool known = rsit ? find_rsit(c) != nullptr : find_offence(c) != nullptr;
    if (!known) {
      kLabels.fail(
          element_path(path, i),
          quote_value(c) + (rsit ? " is not an RSIT code (\"class:type\", e.g. \"fraud:phishing\")"
                                 : " is not a Budapest Convention offence (budapest:art2 .. "
                                   "budapest:art11)"));
    }
    if (std::find(codes.begin(), codes.begin() + static_cast<std::ptrdiff_t>(i), c) !=
        codes.begin() + static_cast<std::ptrdiff_t>(i))
      kLabels.fail(element_path(path, i), quote_value(c) + " is listed twice");
  }
}

std::vector<std::string> code_list(const json& j, const std::string& path) {
  std::vector<std::string> out;
  const json& a = kLabels.array(j, path);
  for (std::size_t i = 0; i < a.size(); ++i)
    out.push_back(kLabels.string(a[i], element_path(path, i)));
  return out;
}

}  // namespace

std::string_view to_string(Tlp tlp) {
  return kTlpNames[static_cast<std::size_t>(tlp)];
}

std::optional<Tlp> parse_tlp(std::string_view text) {
  auto i = find_name(kTlpNames, text);
  if (!i) return std::nullopt;
  return static_cast<Tlp>(*i);
}

std::string_view to_string(Pap pap) {
  return kPapNames[static_cast<std::size_t>(pap)];
}

std::optional<Pap> parse_pap(std::string_view text) {
  auto i = find_name(kPapNames, text);
  if (!i) return std::nullopt;
  return static_cast<Pap>(*i);
}

bool is_reliability(char grade) {
  return grade >= 'A' && grade <= 'F';
}

bool is_credibility(int grade) {
  return grade >= 1 && grade <= 6;
}

std::string_view reliability_description(char grade) {
  if (!is_reliability(grade)) return {};
  return kReliability[static_cast<std::size_t>(grade - 'A')];
}

std::string_view credibility_description(int grade) {
  if (!is_credibility(grade)) return {};
  return kCredibility[static_cast<std::size_t>(grade - 1)];
}

std::span<const RsitType> rsit_types() {
  return kRsit;
}

std::string rsit_code(const RsitType& type) {
  return std::string(type.class_name) + ":" + std::string(type.type_name);
}

const RsitType* find_rsit(std::string_view code) {
  auto colon = code.find(':');
  if (colon == std::string_view::npos) return nullptr;
  std::string_view cls = code.substr(0, colon), type = code.substr(colon + 1);
  for (const RsitType& t : kRsit) {
    if (t.class_name == cls && t.type_name == type) return &t;
  }
  return nullptr;
}

std::vector<std::string_view> rsit_classes() {
  std::vector<std::string_view> out;
  for (const RsitType& t : kRsit) {
    if (std::find(out.begin(), out.end(), t.class_name) == out.end()) out.push_back(t.class_name);
  }
  return out;
}

std::span<const Offence> budapest_offences() {
  return kOffences;
}

const Offence* find_offence(std::string_view code) {
  for (const Offence& o : kOffences) {
    if (o.code == code) return &o;
  }
  return nullptr;
}

json to_json(const Labels& labels) {
  json j = json::object();
  j["tlp"] = to_string(labels.tlp);
  j["pap"] = to_string(labels.pap);
  j["reliability"] = labels.reliability ? json(std::string(1, *labels.reliability)) : json(nullptr);
  j["credibility"] = labels.credibility ? json(*labels.credibility) : json(nullptr);
  j["rsit"] = labels.rsit;
  j["offences"] = labels.offences;
  return j;
}

Labels labels_from_json(const json& j) {
  const std::string root;
  kLabels.object(j, root, {"tlp", "pap", "reliability", "credibility", "rsit", "offences"});
  Labels l;
  l.tlp = static_cast<Tlp>(kLabels.one_of(j["tlp"], "tlp", kTlpNames));
  l.pap = static_cast<Pap>(kLabels.one_of(j["pap"], "pap", kPapNames));
  if (!j["reliability"].is_null()) {
    std::string r = kLabels.string(j["reliability"], "reliability");
    if (r.size() != 1 || !is_reliability(r[0]))
      kLabels.fail("reliability", "must be one of A, B, C, D, E, F or null, not " + quote_value(r));
    l.reliability = r[0];
  }
  if (!j["credibility"].is_null())
    l.credibility = static_cast<int>(kLabels.integer(j["credibility"], "credibility", 1, 6));
  l.rsit = code_list(j["rsit"], "rsit");
  l.offences = code_list(j["offences"], "offences");
  validate(l);
  return l;
}

void validate(const Labels& labels) {
  if (static_cast<std::size_t>(labels.tlp) >= kTlpNames.size())
    kLabels.fail("tlp", "is out of range");
  if (static_cast<std::size_t>(labels.pap) >= kPapNames.size())
    kLabels.fail("pap", "is out of range");
  if (labels.reliability && !is_reliability(*labels.reliability))
    kLabels.fail("reliability", "must be one of A, B, C, D, E, F or null");
  if (labels.credibility && !is_credibility(*labels.credibility))
    kLabels.fail("credibility", "must be an integer from 1 to 6 or null");
  check_codes(labels.rsit, "rsit", true);
  check_codes(labels.offences, "offences", false);
}

bool may_leave_node(const Labels& labels) {
  return labels.tlp != Tlp::red;
}

// ---------------------------------------------------------------------------
namespace detail {

void illegal_transition(std::string_view item, std::string_view id, std::string_view state,
                        std::string_view action, const std::vector<std::string_view>& possible,
                        std::string_view why) {
  std::string msg = std::string(item) + " " + std::string(id) + " is '" + std::string(state) +
                    "'; '" + std::string(action) + "' is not possible there (possible: " +
                    (possible.empty() ? std::string("none") : list_of(possible)) + ")";
  if (!why.empty()) msg += "; " + std::string(why);
  throw Error(ErrorCategory::conflict, "illegal_transition", msg);
}

void wrong_side(std::string_view item, std::string_view id, std::string_view action,
                std::string_view role, Side required, Side given) {
  throw Error(ErrorCategory::conflict, "wrong_side",
              std::string(item) + " " + std::string(id) + ": '" + std::string(action) +
                  "' is for " + std::string(role) + " (" + std::string(to_string(required)) +
                  "), not " + std::string(to_string(given)));
}

}  // namespace detail
}  // namespace hotline::model
