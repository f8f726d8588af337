// hotline indicator find VALUE [--type T] [--json]: which cases hold an
// indicator that VALUE finds (the same value; a domain's parent domains; the
// ranges holding an address; a URL's or e-mail address's host), through
// the node's index of every case's indicators.
#include <cstdio>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "commands.h"
#include "desk.h"
#include "hotline/common/escape.h"

namespace hotline::cli {
namespace {

using nlohmann::json;

std::string hit_text(const json& j, const char* key) {
  return j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : "";
}

// One hit: "case 1a2b3c4d (open, TLP:AMBER) "title": ipv4-addr 198.51.100.0/24 [range]".
void print_hit(const json& h) {
  const json& c = h.value("case", json::object());
  const std::string id = hit_text(c, "id");
  std::string line = "case " + (id.size() > 8 ? id.substr(id.size() - 8) : id) + " (" +
                     hit_text(c, "state") + ", " + hit_text(h, "effective_tlp") + ") \"" +
                     escape_text(hit_text(c, "title"), 120) + "\": " + hit_text(h, "type") + " " +
                     escape_text(hit_text(h, "value"), 300) + " [" + hit_text(h, "matched") + "]";
  if (h.contains("confidence") && h["confidence"].is_number_integer())
    line += " confidence " + std::to_string(h["confidence"].get<int>());
  std::printf("%s\n", line.c_str());
}

}  // namespace

void add_indicator_command(CLI::App& app) {
  auto* ind = app.add_subcommand("indicator", "Indicators across every case.");
  ind->require_subcommand(1);
  struct FindOpts {
    Target target;
    std::string value, type;
    bool json = false;
  };
  auto o = std::make_shared<FindOpts>();
  auto* find = ind->add_subcommand(
      "find",
      "Find the cases holding an indicator that VALUE finds: the same value, a parent domain of "
      "it, a range holding the address, or a URL's or e-mail address's host.");
  add_target_options(find, o->target);
  find->add_option("value", o->value, "The value (an address, domain, URL, hash...)")->required();
  find->add_option("--type", o->type, "Its type (guessed from the value when left out)");
  find->add_flag("--json", o->json, "Print JSON");
  find->callback([o] {
    auto desk = open_desk(o->target, "", Use::read);
    json hits = desk->find_indicators(o->value, o->type);
    if (o->json) {
      std::printf("%s\n", json{{"indicators", hits}}.dump(2, ' ', true).c_str());
      return;
    }
    if (hits.empty()) {
      std::printf("No case holds an indicator that %s finds.\n",
                  escape_text(o->value, 300).c_str());
      return;
    }
    for (const auto& h : hits) print_hit(h);
  });
}

}  // namespace hotline::cli
