// hotline review report|verify|sign|explain|list|show: the review report of a
// link (docs/review.md, "Making, verifying and signing a report"). One node
// makes and signs the report; the other recomputes it from its own records
// (`verify`) and, when it matches, adds its signature (`sign`), which sends
// the agreed report back over the link so that both ledgers keep it.
#include <cstdio>
#include <fstream>
#include <iterator>
#include <memory>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "commands.h"
#include "hotline/common/error.h"
#include "hotline/common/escape.h"
#include "hotline/common/time.h"
#include "hotline/crypto/canonical_json.h"
#include "hotline/render/render.h"
#include "hotline/service/review_service.h"
#include "item_format.h"

namespace hotline::cli {
namespace {

struct ReviewOpts {
  std::string dir, peer, from, to, format = "json", lang = "en", out, file, figure, as;
  bool brief = false;
  std::size_t limit = 50;
};
using ReviewOptsPtr = std::shared_ptr<ReviewOpts>;

[[noreturn]] void usage_error(const std::string& text) {
  throw Error(ErrorCategory::usage, "usage", text);
}

// "2026-03-01" (midnight UTC), a full RFC 3339 timestamp, or "now" (this
// second, for a period that ends as the report is made).
TimePoint parse_day(const std::string& text, const char* option) {
  if (text == "now") {
    const auto ms = now_ms().time_since_epoch().count();
    return TimePoint(std::chrono::milliseconds(ms - ms % 1000));
  }
  try {
    return parse_day_or_timestamp(text);
  } catch (const Error&) {
    usage_error(std::string(option) + " must be a date (2026-03-01, midnight UTC) or a timestamp " +
                "(2026-03-01T00:00:00.000Z), not '" + escape_text(text, 64) + "'");
  }
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw Error(ErrorCategory::not_found, "file_unreadable",
                "cannot read the report file " + escape_text(path));
  }
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// The report in the asked format: canonical JSON, HTML or PDF.
std::string rendered(const nlohmann::json& report, const ReviewOpts& o) {
  if (o.format == "json") return crypto::canonicalize(report) + "\n";
  const auto lang = render::parse_lang(o.lang);
  if (o.format == "html") return render::report_html(report, lang);
  if (o.format == "pdf") return render::report_pdf(report, lang);
  usage_error("--format must be json, html or pdf, not '" + escape_text(o.format, 16) + "'");
}

void write_out(const std::string& bytes, const std::string& path) {
  if (path.empty() || path == "-") {
    std::fwrite(bytes.data(), 1, bytes.size(), stdout);
    return;
  }
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out) {
    throw Error(ErrorCategory::internal, "file_unwritable", "cannot write " + escape_text(path));
  }
}

void add_period_options(CLI::App* cmd, const ReviewOptsPtr& o) {
  cmd->add_option("--dir", o->dir, "The node's data directory")->required();
  cmd->add_option("--peer", o->peer, "The peer's name (see `hotline peer list`)")->required();
  cmd->add_option("--from", o->from, "First day of the period (2026-01-01, UTC)")->required();
  cmd->add_option("--to", o->to,
                  "Day after the period's last (2026-04-01, UTC), a timestamp, or now")
      ->required();
}

void add_report(CLI::App* review, const ReviewOptsPtr& o) {
  auto* cmd = review->add_subcommand(
      "report", "Make the review report of a link for a period, signed by this node.");
  add_period_options(cmd, o);
  cmd->add_option("--format", o->format, "json (the signed record), html or pdf")
      ->capture_default_str();
  cmd->add_option("--lang", o->lang, "en or zh-CN (html and pdf)")->capture_default_str();
  cmd->add_option("-o,--output", o->out, "Write to this file (default: standard output)");
  cmd->add_flag("--brief", o->brief,
                "Leave out the judgements of the items (the peer's verify then names the "
                "figures that differ, not the items)");
  cmd->add_option("--as", o->as, "Who makes it (recorded in the audit trail)");
  cmd->callback([o] {
    auto node = service::open_node(o->dir);
    const auto audit = cli_audit(o->as);
    auto v = service::make_report(node, o->peer, parse_day(o->from, "--from"),
                                  parse_day(o->to, "--to"), now_ms(), !o->brief, &audit);
    write_out(rendered(v.report, *o), o->out);
    const auto& cut = v.report["body"]["cut"];
    std::fprintf(stderr, "Report %s made for %s, cut at a->b %lld, b->a %lld%s%s\n",
                 v.record.id.c_str(), escape_text(v.peer, 64).c_str(),
                 static_cast<long long>(cut["a_to_b"].get<std::int64_t>()),
                 static_cast<long long>(cut["b_to_a"].get<std::int64_t>()),
                 o->out.empty() ? "" : "; written to ", escape_text(o->out).c_str());
  });
}

void add_verify(CLI::App* review, const ReviewOptsPtr& o) {
  auto* cmd = review->add_subcommand(
      "verify",
      "Recompute a report from this node's records: it matches byte for byte, or "
      "each figure and item that differs is named.");
  cmd->add_option("--dir", o->dir, "The node's data directory")->required();
  cmd->add_option("report", o->file, "The report file (JSON)")->required();
  cmd->callback([o] {
    auto node = service::open_node(o->dir);
    auto result = service::verify_report(node, service::parse_report(read_file(o->file)));
    for (const auto& line : result.lines()) std::printf("%s\n", line.c_str());
    if (!result.matches)
      throw Error(ErrorCategory::conflict, "review_mismatch",
                  "the report does not match this node's records");
  });
}

void add_sign(CLI::App* review, const ReviewOptsPtr& o) {
  auto* cmd = review->add_subcommand(
      "sign",
      "Verify a report and, when it matches, add this node's signature and send the "
      "agreed report to the peer (both ledgers keep it).");
  cmd->add_option("--dir", o->dir, "The node's data directory")->required();
  cmd->add_option("report", o->file, "The report file (JSON)")->required();
  cmd->add_option("-o,--output", o->out, "Also write the agreed report to this file");
  cmd->add_option("--as", o->as, "Who signs (recorded in the audit trail)");
  cmd->callback([o] {
    auto node = service::open_node(o->dir);
    const auto audit = cli_audit(o->as);
    auto v =
        service::sign_report(node, service::parse_report(read_file(o->file)), now_ms(), &audit);
    if (!o->out.empty()) write_out(crypto::canonicalize(v.report) + "\n", o->out);
    std::printf("Report %s is agreed (signed by both parties); sent to %s\n", v.record.id.c_str(),
                escape_text(v.peer, 64).c_str());
  });
}

void add_explain(CLI::App* review, const ReviewOptsPtr& o) {
  auto* cmd = review->add_subcommand(
      "explain", "List the items behind one figure of the report, with the receipt times used.");
  add_period_options(cmd, o);
  cmd->add_option("--figure", o->figure,
                  "The figure's JSON pointer, e.g. /directions/0/requests_total/current/received")
      ->required();
  cmd->callback([o] {
    auto node = service::open_node(o->dir);
    auto e = service::explain_figure(node, o->peer, parse_day(o->from, "--from"),
                                     parse_day(o->to, "--to"), o->figure);
    std::printf("%s = %s (%zu item%s)\n", escape_text(e.figure).c_str(), e.value.dump().c_str(),
                e.items.size(), e.items.size() == 1 ? "" : "s");
    for (const auto& line : e.lines) std::printf("  %s\n", escape_text(line).c_str());
  });
}

void add_list_show(CLI::App* review, const ReviewOptsPtr& o) {
  auto* list = review->add_subcommand("list", "List the review reports kept here, newest first.");
  list->add_option("--dir", o->dir, "The node's data directory")->required();
  list->add_option("--peer", o->peer, "Only reports with this peer");
  list->add_option("--limit", o->limit, "At most this many")->capture_default_str();
  list->callback([o] {
    auto node = service::open_node(o->dir);
    auto reports = service::list_reports(*node.store, o->peer, o->limit);
    for (const auto& v : reports) {
      std::printf("%s  %-12s  %s .. %s  %-6s  made by %s\n", v.record.id.substr(0, 16).c_str(),
                  escape_text(v.peer, 12).c_str(), v.record.period_from.substr(0, 10).c_str(),
                  v.record.period_to.substr(0, 10).c_str(), v.record.state.c_str(),
                  v.record.made_by == "ours" ? "us" : "the peer");
    }
    if (reports.empty()) std::printf("No review reports.\n");
  });

  auto* show = review->add_subcommand("show", "Print a kept report (JSON, HTML or PDF).");
  show->add_option("--dir", o->dir, "The node's data directory")->required();
  show->add_option("id", o->file, "The report's id (or its first 8 characters or more)")
      ->required();
  show->add_option("--format", o->format, "json, html or pdf")->capture_default_str();
  show->add_option("--lang", o->lang, "en or zh-CN (html and pdf)")->capture_default_str();
  show->add_option("-o,--output", o->out, "Write to this file (default: standard output)");
  show->callback([o] {
    auto node = service::open_node(o->dir);
    write_out(rendered(service::show_report(*node.store, o->file).report, *o), o->out);
  });
}

}  // namespace

void add_review_command(CLI::App& app) {
  auto* review = app.add_subcommand(
      "review",
      "The review report: figures on the timeliness and quality of both sides' answers, "
      "computed alike by both nodes, verified and signed by both.");
  review->require_subcommand(1);
  auto o = std::make_shared<ReviewOpts>();
  add_report(review, o);
  add_verify(review, o);
  add_sign(review, o);
  add_explain(review, o);
  add_list_show(review, o);
}

}  // namespace hotline::cli
