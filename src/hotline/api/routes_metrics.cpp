// GET /metrics: the Prometheus text exposition format 0.0.4 (docs/operations.md,
// "Metrics"). Not behind the API's credentials: a scraper shows the metrics
// token ("Authorization: Bearer hlm_...", service/metrics_service.h) or
// comes from an address of the allow-list (`hotline serve --metrics-allow`).
// API tokens and session cookies are not accepted. Refused: 401 (no or a
// wrong token; a wrong one counts against the address like a bad
// credential) or, when neither a token nor an allow-list is set, 403.
#include <arpa/inet.h>
#include <sys/resource.h>
#include <unistd.h>

#include <array>
#include <cctype>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "hotline/api/api_routes.h"
#include "hotline/common/error.h"
#include "hotline/common/ip_address.h"
#include "hotline/common/metrics.h"
#include "hotline/service/metrics_service.h"

namespace hotline::api {
namespace {

// ---- the allow-list ------------------------------------------------------

struct Network {
  int family = AF_INET;
  std::array<unsigned char, 16> bytes{};
  int prefix = 32;
};

std::optional<Network> parse_address(const std::string& text) {
  Network n;
  if (inet_pton(AF_INET, text.c_str(), n.bytes.data()) == 1) {
    n.family = AF_INET;
    n.prefix = 32;
    return n;
  }
  if (inet_pton(AF_INET6, text.c_str(), n.bytes.data()) == 1) {
    n.family = AF_INET6;
    n.prefix = 128;
    return n;
  }
  return std::nullopt;
}

// "203.0.113.5", "10.0.0.0/8", "::1", "2001:db8::/32". Error usage otherwise.
Network parse_network(const std::string& entry) {
  auto bad = [&](const std::string& why) {
    return Error(ErrorCategory::usage, "metrics_allow_invalid",
                 "--metrics-allow wants addresses or networks like 10.0.0.0/8 or ::1, found \"" +
                     entry + "\": " + why);
  };
  const auto slash = entry.find('/');
  auto n = parse_address(entry.substr(0, slash));
  if (!n) throw bad("not an IP address");
  if (slash != std::string::npos) {
    const std::string bits = entry.substr(slash + 1);
    const int max = n->prefix;
    if (bits.empty() || bits.size() > 3 ||
        bits.find_first_not_of("0123456789") != std::string::npos)
      throw bad("the prefix length is not a number");
    const int p = std::stoi(bits);
    if (p > max) throw bad("the prefix length is above " + std::to_string(max));
    n->prefix = p;
  }
  return *n;
}

bool contains(const Network& network, const Network& a) {
  if (network.family != a.family) return false;
  int bits = network.prefix;
  for (std::size_t i = 0; bits > 0; ++i, bits -= 8) {
    const unsigned mask = bits >= 8 ? 0xFFu : (0xFFu << (8 - bits)) & 0xFFu;
    if ((network.bytes[i] & mask) != (a.bytes[i] & mask)) return false;
  }
  return true;
}

bool allowed(const std::vector<Network>& allow, const std::string& address) {
  auto a = parse_address(address);
  if (!a) return false;
  if (a->family == AF_INET6) {  // ::ffff:a.b.c.d counts as a.b.c.d
    static constexpr unsigned char kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF};
    if (std::memcmp(a->bytes.data(), kMapped, 12) == 0) {
      Network v4;
      std::memcpy(v4.bytes.data(), a->bytes.data() + 12, 4);
      for (const auto& n : allow) {
        if (contains(n, v4)) return true;
      }
    }
  }
  for (const auto& n : allow) {
    if (contains(n, *a)) return true;
  }
  return false;
}

// ---- the process ---------------------------------------------------------

std::string read_all(const char* path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// /proc/self/stat's fields after the command's closing parenthesis (field 3
// is the first); empty when unreadable.
std::vector<std::string> stat_fields() {
  const std::string stat = read_all("/proc/self/stat");
  const auto close = stat.rfind(')');
  std::vector<std::string> out;
  if (close == std::string::npos) return out;
  std::istringstream in(stat.substr(close + 1));
  for (std::string f; in >> f;) out.push_back(f);
  return out;
}

double boot_time_seconds() {
  std::istringstream in(read_all("/proc/stat"));
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("btime ", 0) == 0) return std::stod(line.substr(6));
  }
  return 0;
}

void write_process(std::string& out) {
  using metrics::write_header;
  using metrics::write_sample;
  const double tick = static_cast<double>(sysconf(_SC_CLK_TCK));
  const double page = static_cast<double>(sysconf(_SC_PAGESIZE));
  const auto f = stat_fields();  // f[i] is field i + 3
  if (f.size() > 21 && tick > 0) {
    write_header(out, "process_cpu_seconds_total", "User and system CPU time spent", "counter");
    write_sample(out, "process_cpu_seconds_total", {},
                 (std::stod(f[11]) + std::stod(f[12])) / tick);
    write_header(out, "process_start_time_seconds", "Start time of the process since the epoch",
                 "gauge");
    write_sample(out, "process_start_time_seconds", {},
                 boot_time_seconds() + std::stod(f[19]) / tick);
    write_header(out, "process_virtual_memory_bytes", "Virtual memory size", "gauge");
    write_sample(out, "process_virtual_memory_bytes", {}, std::stod(f[20]));
    write_header(out, "process_resident_memory_bytes", "Resident memory size", "gauge");
    write_sample(out, "process_resident_memory_bytes", {}, std::stod(f[21]) * page);
  }
  std::error_code ec;
  double fds = 0;
  for (auto it = std::filesystem::directory_iterator("/proc/self/fd", ec);
       !ec && it != std::filesystem::directory_iterator(); it.increment(ec)) {
    ++fds;
  }
  write_header(out, "process_open_fds", "Open file descriptors", "gauge");
  write_sample(out, "process_open_fds", {}, fds);
  rlimit lim{};
  if (getrlimit(RLIMIT_NOFILE, &lim) == 0 && lim.rlim_cur != RLIM_INFINITY) {
    write_header(out, "process_max_fds", "Limit on open file descriptors", "gauge");
    write_sample(out, "process_max_fds", {}, static_cast<double>(lim.rlim_cur));
  }
}

// ---- the node, from the store ---------------------------------------------

double seconds_of(TimePoint t) {
  return static_cast<double>(t.time_since_epoch().count()) / 1000.0;
}

void write_rows(std::string& out, const char* name, const char* a, const char* b,
                const std::vector<store::MetricCounts::Row>& rows,
                const metrics::Labels& extra = {}) {
  for (const auto& r : rows) {
    metrics::Labels labels = extra;
    labels.emplace_back(a, r.a);
    if (b) labels.emplace_back(b, r.b);
    metrics::write_sample(out, name, labels, static_cast<double>(r.count));
  }
}

void write_links(std::string& out, const std::vector<service::LinkGauges>& links) {
  using metrics::write_header;
  using metrics::write_sample;
  write_header(out, "hotline_link_queued_envelopes",
               "Envelopes queued for the peer and not yet receipted (node-wide)", "gauge");
  for (const auto& l : links)
    write_sample(out, "hotline_link_queued_envelopes", {{"peer", l.peer}},
                 static_cast<double>(l.queued));
  write_header(out, "hotline_link_up",
               "1 when the last delivery attempt reached the peer and its heartbeats do not say "
               "it is down, else 0 (node-wide)",
               "gauge");
  for (const auto& l : links) write_sample(out, "hotline_link_up", {{"peer", l.peer}}, l.up);
  write_header(out, "hotline_link_last_receipt_timestamp_seconds",
               "When the peer received our newest receipted envelope (its receipt's received_at)",
               "gauge");
  for (const auto& l : links) {
    if (l.last_receipt)
      write_sample(out, "hotline_link_last_receipt_timestamp_seconds", {{"peer", l.peer}},
                   seconds_of(*l.last_receipt));
  }
  write_header(out, "hotline_link_last_contact_timestamp_seconds",
               "The last successful exchange with the peer, either way", "gauge");
  for (const auto& l : links) {
    if (l.last_contact)
      write_sample(out, "hotline_link_last_contact_timestamp_seconds", {{"peer", l.peer}},
                   seconds_of(*l.last_contact));
  }
}

void write_node(std::string& out, const service::NodeGauges& g) {
  using metrics::write_header;
  write_links(out, g.links);
  const auto& c = g.counts;
  write_header(out, "hotline_items", "Alerts, requests, cases, disputes and review rounds by state",
               "gauge");
  write_rows(out, "hotline_items", "kind", "state", c.items);
  write_header(out, "hotline_alerts_unacknowledged",
               "Alerts raised or delivered but not acknowledged, by priority and origin (ours: "
               "we raised it; theirs: we must acknowledge it)",
               "gauge");
  write_rows(out, "hotline_alerts_unacknowledged", "priority", "origin", c.unacknowledged_alerts);
  write_header(out, "hotline_deadlines_missed_total",
               "Deadlines that ran out unmet (escalations at 100 %), by item kind", "counter");
  write_rows(out, "hotline_deadlines_missed_total", "kind", nullptr, c.deadlines_missed);
  write_header(out, "hotline_escalations",
               "Escalations by channel and the current result of their delivery", "gauge");
  write_rows(out, "hotline_escalations", "result", nullptr, c.escalation_webhooks,
             {{"channel", "webhook"}});
  write_rows(out, "hotline_escalations", "result", nullptr, c.escalation_mails,
             {{"channel", "mail"}});
}

net::HttpResponse exposition(RouteContext& ctx) {
  std::string out;
  metrics::write_header(out, "hotline_build_info", "The running version (always 1)", "gauge");
  metrics::write_sample(out, "hotline_build_info", {{"version", ctx.options.info.version}}, 1);
  write_node(out, service::read_node_gauges(*ctx.node.store));
  metrics::Registry::global().write(out);
  write_process(out);
  net::HttpResponse r;
  r.content_type = "text/plain; version=0.0.4; charset=utf-8";
  r.body = std::move(out);
  return r;
}

// A 401 gets its WWW-Authenticate from OperatorApi::handle, like every 401.
net::HttpResponse refuse(int status, const std::string& code, const std::string& message) {
  return net::json_error(status, code, message);
}

// The exposition, or the refusal.
net::HttpResponse answer(RouteContext& ctx, const std::vector<Network>& allow, ApiCall& call) {
  const std::string address = client_address(call.http);
  if (allowed(allow, address)) return exposition(ctx);
  auto auth = call.http.headers.find("authorization");
  if (auth == call.http.headers.end()) {
    return refuse(401, "unauthenticated",
                  "send the metrics token as \"Authorization: Bearer hlm_...\" (hotline metrics "
                  "token), or scrape from an address of --metrics-allow");
  }
  constexpr std::string_view kBearer = "bearer ";
  std::string_view value = auth->second;
  std::string scheme(value.substr(0, kBearer.size()));
  for (char& ch : scheme) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  if (scheme == kBearer &&
      service::metrics_token_matches(*ctx.node.store, value.substr(kBearer.size()))) {
    return exposition(ctx);
  }
  if (ctx.options.rate_limits && !ctx.sign_in_limiter.allow(source_key(address), call.now)) {
    auto r = net::json_error(429, "rate_limited", "too many bad credentials; wait and try again");
    r.headers["Retry-After"] =
        std::to_string(retry_after_seconds(ctx.options.sign_in.refill_every));
    return r;
  }
  return refuse(401, "auth_failed",
                "this is not the metrics token (API tokens and sessions do not read the metrics)");
}

}  // namespace

void add_metrics_routes(std::vector<Route>& routes, RouteContext& ctx) {
  auto allow = std::make_shared<std::vector<Network>>();
  for (const auto& entry : ctx.options.metrics_allow) allow->push_back(parse_network(entry));

  routes.push_back({"GET", "/metrics", Access::anyone, {}, [&ctx, allow](ApiCall& call) {
                      return answer(ctx, *allow, call);
                    }});
}

}  // namespace hotline::api
