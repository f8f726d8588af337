// `hotline alert|request|case export ID --format iodef` (a case also
// `--format stix`, a STIX 2.1 bundle) and `hotline
// alert|case import --format iodef FILE --peer P`: IODEF v2 (RFC 7970,
// docs/interop.md) out of and into the duty desk.
#include <cstdio>
#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>
#include <sstream>
#include <string>

#include "desk.h"
#include "hotline/common/error.h"
#include "hotline/common/escape.h"
#include "hotline/interop/iodef.h"
#include "hotline/service/desk_service.h"
#include "item_commands.h"

namespace hotline::cli {
namespace {

// At most the import limit (and one byte more, so that the node's error
// says "too large" rather than this reading everything).
std::string read_input(const std::string& file) {
  std::string bytes;
  auto slurp = [&](std::istream& in) {
    std::string chunk(64 * 1024, '\0');
    while (bytes.size() <= interop::kMaxIodefBytes &&
           in.read(chunk.data(), static_cast<std::streamsize>(chunk.size())).gcount() > 0) {
      bytes.append(chunk.data(), static_cast<std::size_t>(in.gcount()));
    }
  };
  if (file == "-") {
    slurp(std::cin);
    return bytes;
  }
  std::ifstream in(file, std::ios::binary);
  if (!in) throw Error(ErrorCategory::usage, "usage", "cannot read " + escape_text(file));
  slurp(in);
  return bytes;
}

}  // namespace

void add_export_command(CLI::App* parent, const std::string& kind, const std::string& noun) {
  struct Opts {
    Target target;
    std::string id, format, out;
  };
  auto o = std::make_shared<Opts>();
  // A case also as a STIX 2.1 bundle (service/stix_service.h).
  const bool stix = kind == service::kCase;
  auto* cmd = parent->add_subcommand(
      "export", "Export the " + noun + " in a format other tools read (iodef: IODEF v2, RFC 7970" +
                    (stix ? "; stix: a STIX 2.1 bundle)." : ")."));
  add_target_options(cmd, o->target);
  cmd->add_option("id", o->id, "The " + noun + "'s id (or its first or last 8 characters)")
      ->required();
  cmd->add_option("--format", o->format, stix ? "iodef or stix" : "iodef")
      ->required()
      ->check(stix ? CLI::IsMember({"iodef", "stix"}) : CLI::IsMember({"iodef"}));
  cmd->add_option("-o,--out", o->out, "Write it to this file (default: standard output)");
  cmd->callback([o, kind] {
    auto desk = open_desk(o->target, "", Use::read);
    if (o->format == "stix") {
      const std::string text = desk->export_stix(o->id).dump(2) + "\n";
      if (o->out.empty() || o->out == "-") {
        std::fwrite(text.data(), 1, text.size(), stdout);
        return;
      }
      write_private_file(o->out, text);
      std::fprintf(stderr, "STIX 2.1 bundle written to %s (%zu bytes).\n",
                   escape_text(o->out).c_str(), text.size());
      return;
    }
    const std::string xml = desk->export_iodef(kind, o->id);
    if (o->out.empty()) {
      std::fwrite(xml.data(), 1, xml.size(), stdout);
      return;
    }
    write_private_file(o->out, xml);
    std::fprintf(stderr, "IODEF document written to %s (%zu bytes).\n", escape_text(o->out).c_str(),
                 xml.size());
  });
}

namespace {

void print_stix_summary(const service::StixImported& r) {
  std::printf(
      "Case %s: STIX bundle of %zu objects imported: %zu indicator%s added, %zu updated, "
      "%zu sighting%s; %zu shared action%s for the peer.\n",
      service::short_id(r.item.record.id).c_str(), r.objects, r.added, r.added == 1 ? "" : "s",
      r.updated, r.sightings, r.sightings == 1 ? "" : "s", r.envelopes,
      r.envelopes == 1 ? "" : "s");
  if (!r.unmapped.empty()) {
    std::printf("Kept unmapped as the attachment %s:\n", escape_text(r.attachment).c_str());
    for (const auto& [type, n] : r.unmapped)
      std::printf("  %s: %zu\n", escape_text(type).c_str(), n);
  }
  if (!r.warnings.empty()) {
    std::printf("Warnings (%zu):\n", r.warnings.size());
    for (const auto& w : r.warnings) std::printf("  %s\n", escape_text(w).c_str());
  }
}

void import_stix_file(Desk& desk, const std::string& file, const std::string& case_id,
                      const std::string& peer, const std::string& title) {
  if (case_id.empty() == (peer.empty() || title.empty())) {
    throw Error(ErrorCategory::usage, "usage",
                "--format stix takes --case ID, or --peer P and --title T (a new case)");
  }
  auto progress = [](std::size_t objects, std::size_t bytes) {
    std::fprintf(stderr, "%zu objects read (%zu bytes)\n", objects, bytes);
  };
  if (file == "-") {
    print_stix_summary(desk.import_stix(case_id, peer, title, std::cin, progress));
    return;
  }
  std::ifstream in(file, std::ios::binary);  // streamed: one object in memory at a time
  if (!in) throw Error(ErrorCategory::usage, "usage", "cannot read " + escape_text(file));
  print_stix_summary(desk.import_stix(case_id, peer, title, in, progress));
}

}  // namespace

void add_import_command(CLI::App* parent, const std::string& kind, const std::string& /*noun*/) {
  struct Opts {
    Target target;
    std::string file, format, peer, as, case_id, title;
  };
  auto o = std::make_shared<Opts>();
  const bool alert = kind == service::kAlert;
  auto* cmd = parent->add_subcommand(
      "import", alert ? "Raise an alert to a peer from an IODEF v2 document (RFC 7970)."
                      : "Open a case with a peer from an IODEF v2 document (RFC 7970): its "
                        "indicators become the case's; or import a STIX 2.1 bundle into a "
                        "case (--format stix --case ID, or --peer P --title T for a new one).");
  add_target_options(cmd, o->target);
  cmd->add_option("file", o->file, "The document (- for standard input)")->required();
  cmd->add_option("--format", o->format, alert ? "iodef" : "iodef or stix")
      ->required()
      ->check(alert ? CLI::IsMember({"iodef"}) : CLI::IsMember({"iodef", "stix"}));
  cmd->add_option("--peer", o->peer, "The peer's name (see `hotline peer list`)");
  if (!alert) {
    cmd->add_option("--case", o->case_id, "stix: the case to import into");
    cmd->add_option("--title", o->title, "stix: the new case's title (with --peer)");
  }
  cmd->add_option("--as", o->as, as_help(alert ? "raising it" : "opening it"));
  cmd->callback([o, kind] {
    auto desk = open_desk(o->target, o->as, Use::act);
    if (o->format == "stix") {
      import_stix_file(*desk, o->file, o->case_id, o->peer, o->title);
      return;
    }
    if (o->peer.empty()) throw Error(ErrorCategory::usage, "usage", "--peer is required");
    const auto r = desk->import_iodef(kind, o->peer, read_input(o->file));
    std::printf("%s %s %s with %s from IODEF: \"%s\" (%s, %zu indicator%s).\n",
                kind == service::kAlert ? "Alert" : "Case",
                service::short_id(r.item.record.id).c_str(),
                kind == service::kAlert ? "raised" : "opened", escape_text(r.item.peer).c_str(),
                escape_text(r.item.record.title).c_str(),
                r.item.document["labels"].value("tlp", std::string("?")).c_str(), r.indicators,
                r.indicators == 1 ? "" : "s");
    if (!r.not_kept.empty()) {
      std::printf("Not kept (Hotline has no place for them): %zu element%s\n", r.not_kept.size(),
                  r.not_kept.size() == 1 ? "" : "s");
      for (const auto& p : r.not_kept) std::printf("  %s\n", escape_text(p).c_str());
    }
  });
}

}  // namespace hotline::cli
