// hotline match: finds the indicators of the node's cases in log files (or
// stdin) at once (interop/matcher.h) and prints each hit with the file, the
// line and the case(s) the indicator belongs to.
//
// Exit status as grep's: 0 some indicator was found, 1 none was, 2 an error
// (a file that cannot be read, a node that cannot be opened; the other files
// are still scanned and their hits printed). --report-sightings records one
// sighting per case and indicator found (service::record_sightings, one
// transaction), which the case's peer then sees.
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "commands.h"
#include "desk.h"
#include "hotline/common/error.h"
#include "hotline/common/escape.h"
#include "hotline/common/time.h"
#include "hotline/interop/matcher.h"
#include "hotline/model/indicator.h"
#include "hotline/service/desk_service.h"
#include "hotline/service/node_dir.h"
#include "item_format.h"

namespace hotline::cli {
namespace {

using nlohmann::json;

constexpr int kExitHits = 0, kExitNoHits = 1, kExitError = 2;
constexpr std::size_t kBlock = 4 << 20;  // bytes read at once

struct MatchOpts {
  Target target;
  std::string case_id, as;
  bool all = false, json = false, report = false;
  std::vector<std::string> files;
};

struct CaseRef {
  std::string id, title;
};

// The indicators to look for, each once, with the cases that hold it.
struct Watchlist {
  std::vector<interop::MatchIndicator> indicators;
  std::vector<std::vector<CaseRef>> cases;  // by indicator
  std::size_t case_count = 0, skipped = 0;
};

Watchlist watchlist(Desk& desk, const MatchOpts& o) {
  std::vector<service::ItemView> views;
  if (!o.case_id.empty()) {
    views.push_back(desk.show(service::kCase, o.case_id));
  } else {
    ListQuery q;
    q.kind = service::kCase;
    q.all = o.all;
    q.limit = 100000;
    views = desk.list(q);
  }
  Watchlist w;
  w.case_count = views.size();
  std::map<std::pair<std::string, std::string>, std::size_t> seen;
  for (const auto& v : views) {
    const CaseRef ref{v.record.id, v.record.title};
    for (const auto& i : v.document.value("indicators", json::array())) {
      const std::string type = i.value("type", ""), value = i.value("value", "");
      std::string normal;
      try {
        normal = model::normalize_indicator(type, value);
      } catch (const Error&) {
        ++w.skipped;  // a legacy type (before typed indicators) or value
        continue;
      }
      auto [it, fresh] = seen.emplace(std::make_pair(type, normal), w.indicators.size());
      if (fresh) {
        w.indicators.push_back({type, normal});
        w.cases.emplace_back();
      }
      w.cases[it->second].push_back(ref);
    }
  }
  return w;
}

std::string cases_text(const std::vector<CaseRef>& cases) {
  std::string s = cases.size() == 1 ? "in case " : "in cases ";
  for (std::size_t i = 0; i < cases.size(); ++i) {
    if (i) s += ", ";
    s += escape_text(cases[i].title, 120) + " (" + service::short_id(cases[i].id) + ")";
  }
  return s;
}

class Scan {
 public:
  Scan(const interop::Matcher& m, const Watchlist& w, bool as_json)
      : m_(m), w_(w), json_(as_json), counts_(m.indicators().size(), 0) {}

  // Scans one file ("-": stdin); false when it could not be read (said on
  // stderr).
  bool file(const std::string& name) {
    const bool in = name == "-";
    const std::string shown = in ? "(standard input)" : escape_text(name, 512);
    const int fd = in ? 0 : ::open(name.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return fail(shown, errno);
    std::unique_ptr<char[]> buf(new char[kBlock]);
    interop::MatchStream stream(m_);
    last_line_ = 0;
    on_line_.clear();
    auto on_hit = [&](const interop::MatchHit& h) { print(shown, h); };
    while (true) {
      const ssize_t n = ::read(fd, buf.get(), kBlock);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        const int err = errno;
        if (!in) ::close(fd);
        return fail(shown, err);
      }
      if (n == 0) break;
      stream.feed(std::string_view(buf.get(), static_cast<std::size_t>(n)), on_hit);
    }
    stream.finish(on_hit);
    if (!in) ::close(fd);
    bytes_ += stream.bytes();
    ++files_;
    return true;
  }

  std::uint64_t hits() const { return hits_; }
  std::uint64_t bytes() const { return bytes_; }
  std::size_t files() const { return files_; }
  std::size_t indicators_found() const {
    std::size_t n = 0;
    for (auto c : counts_) n += c > 0;
    return n;
  }
  // Lines holding each indicator, by index.
  const std::vector<std::uint64_t>& counts() const { return counts_; }

 private:
  bool fail(const std::string& shown, int err) {
    std::fprintf(stderr, "hotline match: %s: %s\n", shown.c_str(), std::strerror(err));
    return false;
  }

  void print(const std::string& shown, const interop::MatchHit& h) {
    // One report per indicator and line, however often the line holds it.
    if (h.line != last_line_) {
      last_line_ = h.line;
      on_line_.clear();
    }
    for (auto i : on_line_) {
      if (i == h.indicator) return;
    }
    on_line_.push_back(h.indicator);
    ++hits_;
    ++counts_[h.indicator];
    const auto& ind = m_.indicators()[h.indicator];
    const auto& cases = w_.cases[h.indicator];
    const std::string context = escape_text(h.context, 4 * interop::Matcher::kContextBytes);
    if (json_) {
      json c = json::array();
      for (const auto& r : cases) c.push_back({{"id", r.id}, {"title", escape_text(r.title)}});
      json j = {{"file", shown},      {"line", h.line},    {"column", h.column},
                {"offset", h.offset}, {"type", ind.type},  {"value", escape_text(ind.value)},
                {"cases", c},         {"context", context}};
      std::printf("%s\n", j.dump().c_str());
      return;
    }
    std::printf("%s:%llu: %s (%s) %s\n    %s\n", shown.c_str(),
                static_cast<unsigned long long>(h.line), escape_text(ind.value, 300).c_str(),
                ind.type.c_str(), cases_text(cases).c_str(), context.c_str());
  }

  const interop::Matcher& m_;
  const Watchlist& w_;
  bool json_;
  std::uint64_t hits_ = 0, bytes_ = 0;
  std::size_t files_ = 0;
  std::uint64_t last_line_ = 0;
  std::vector<std::size_t> on_line_;
  std::vector<std::uint64_t> counts_;
};

// One sighting per (case, indicator found), all in one transaction, each
// sent to the case's peer. First and last seen: when the scan started and
// ended (the log lines' own times are not parsed). Where: how many lines of
// how many files, not their names (they stay on this node).
void report_sightings(const MatchOpts& o, const Watchlist& w, const Scan& scan, TimePoint began,
                      TimePoint ended) {
  std::vector<service::SightingInput> batch;
  const auto& ind = w.indicators;
  for (std::size_t i = 0; i < ind.size(); ++i) {
    const auto count = scan.counts()[i];
    if (count == 0) continue;
    for (const auto& c : w.cases[i]) {
      service::SightingInput s;
      s.case_id = c.id;
      s.type = ind[i].type;
      s.value = ind[i].value;
      s.first_seen = began;
      s.last_seen = ended;
      s.count = static_cast<int>(std::min<std::uint64_t>(count, 1000000000));
      s.where = "hotline match: " + std::to_string(count) + " log line" + (count == 1 ? "" : "s") +
                " in " + std::to_string(scan.files()) + " file" + (scan.files() == 1 ? "" : "s");
      batch.push_back(std::move(s));
    }
  }
  if (batch.empty()) return;
  auto node = service::open_node(o.target.dir);
  const auto ctx = cli_audit(o.as);
  auto views = service::record_sightings(node, batch, o.as, now_ms(), &ctx);
  std::fprintf(stderr, "hotline match: %zu sightings recorded on %zu cases, sent to the peers\n",
               batch.size(), views.size());
}

int run(const MatchOpts& o) {
  if (o.report) {
    if (o.target.dir.empty()) {
      throw Error(ErrorCategory::usage, "usage",
                  "--report-sightings records on the node on this machine: give --dir");
    }
    require_actor(o.as);
  }
  const auto t0 = std::chrono::steady_clock::now();
  auto desk = open_desk(o.target, "", Use::read);
  const Watchlist w = watchlist(*desk, o);
  const interop::Matcher m(w.indicators);
  const auto t1 = std::chrono::steady_clock::now();
  Scan scan(m, w, o.json);
  const TimePoint began = now_ms();
  bool failed = false;
  const std::vector<std::string> files = o.files.empty() ? std::vector<std::string>{"-"} : o.files;
  for (const auto& f : files) failed |= !scan.file(f);
  std::fflush(stdout);
  const auto t2 = std::chrono::steady_clock::now();
  const double build = std::chrono::duration<double>(t1 - t0).count();
  const double secs = std::chrono::duration<double>(t2 - t1).count();
  auto n = [](std::size_t count, const char* one, const char* many) {
    return std::to_string(count) + " " + (count == 1 ? one : many);
  };
  std::fprintf(stderr,
               "hotline match: %s of %s (%zu not searchable) loaded in %.2f s; %s, %.1f MB in "
               "%.2f s (%.0f MB/s); %s of %s\n",
               n(w.indicators.size(), "indicator", "indicators").c_str(),
               n(w.case_count, "case", "cases").c_str(), w.skipped, build,
               n(scan.files(), "file", "files").c_str(), static_cast<double>(scan.bytes()) / 1e6,
               secs, secs > 0 ? static_cast<double>(scan.bytes()) / 1e6 / secs : 0.0,
               n(static_cast<std::size_t>(scan.hits()), "hit", "hits").c_str(),
               n(scan.indicators_found(), "indicator", "indicators").c_str());
  if (failed) return kExitError;
  if (o.report) {
    desk.reset();
    report_sightings(o, w, scan, began, now_ms());
  }
  return scan.hits() > 0 ? kExitHits : kExitNoHits;
}

}  // namespace

void add_match_command(CLI::App& app) {
  auto o = std::make_shared<MatchOpts>();
  auto* cmd = app.add_subcommand(
      "match",
      "Find the cases' indicators in log files (or standard input): every indicator at once, "
      "each hit a whole token (a domain also in its subdomains, an address also in the ranges "
      "holding it). Prints FILE:LINE: INDICATOR (type) in case TITLE (ID) and the line. Exit "
      "status: 0 found, 1 none found, 2 an error.");
  add_target_options(cmd, o->target);
  auto* one = cmd->add_option("--case", o->case_id,
                              "Only this case's indicators (its id or 8+ characters of it)");
  auto* all = cmd->add_flag("--all", o->all,
                            "Every case's indicators, closed cases too (default: open cases)");
  one->excludes(all);
  cmd->add_flag("--json", o->json,
                "One JSON object per hit and line: file, line, column, offset, type, value, "
                "cases [{id, title}], context");
  cmd->add_flag("--report-sightings", o->report,
                "Record what was found as sightings on the cases (one per case and indicator: the "
                "lines found, first/last seen = the scan's start and end), sent to the peers; "
                "needs --dir and --as");
  cmd->add_option("--as", o->as, as_help("reporting the sightings"));
  cmd->add_option("files", o->files, "Files to scan; none or - : standard input");
  cmd->callback([o] {
    int rc = kExitError;
    try {
      rc = run(*o);
    } catch (const Error& e) {
      std::fprintf(stderr, "hotline: %s\n", e.what());
      rc = kExitError;
    }
    if (rc != 0) throw CLI::RuntimeError(rc);
  });
}

}  // namespace hotline::cli
