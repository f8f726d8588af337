// `hotline alert|request|case list` and `... show`: the same two commands for
// the three kinds of item, so they read, filter, audit and print alike.
#pragma once

#include <string>

#include <CLI/CLI.hpp>

namespace hotline::cli {

struct ListSpec {
  std::string kind;                // service::kAlert, kRequest or kCase
  std::string help;                // the subcommand's description
  std::string peer_help;           // "Only alerts with this peer"
  std::string all_help;            // "Closed ones too"
  std::string none_all;            // shown when nothing matches with --all
  std::string none_open;           // shown when nothing open matches
  bool direction_filters = false;  // --incoming / --outgoing (requests)
};
void add_list_command(CLI::App* parent, const ListSpec& spec);

// noun: "alert", "request", "case" (for the id option's help).
void add_show_command(CLI::App* parent, const std::string& kind, const std::string& noun,
                      const std::string& help);

// `share ID NAME...`, `unshare ID NAME...` and `readers ID`: who needs to
// know of a TLP:RED item (service/need_to_know.h).
void add_share_commands(CLI::App* parent, const std::string& kind, const std::string& noun);

// `export ID --format iodef [--out FILE]` (iodef_cmd.cpp): the item as an
// IODEF v2 document (service/iodef_service.h), on stdout or into FILE.
void add_export_command(CLI::App* parent, const std::string& kind, const std::string& noun);
// `import --format iodef FILE --peer P` (kind kAlert: an alert raised to P;
// kCase: a case opened with P). FILE "-" reads stdin.
void add_import_command(CLI::App* parent, const std::string& kind, const std::string& noun);

}  // namespace hotline::cli
