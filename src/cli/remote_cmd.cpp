// hotline remote set|pin|show: the running node a duty officer's terminal talks
// to (its API's URL, an API token, the certificate's pin), saved once in
// the config file so that `hotline alert list` needs no --dir or --url.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "commands.h"
#include "desk.h"
#include "hotline/common/encoding.h"
#include "hotline/common/error.h"
#include "hotline/service/node_dir.h"

namespace hotline::cli {
namespace {

using nlohmann::json;

std::string roles_text(const json& session) {
  std::string out;
  for (const auto& r : session.value("roles", json::array())) {
    if (r.is_string()) out += (out.empty() ? "" : ",") + r.get<std::string>();
  }
  return out.empty() ? "no role" : out;
}

void add_set_command(CLI::App* remote) {
  struct SetOpts {
    std::string url, token, pin, cert;
    bool no_check = false;
  };
  auto s = std::make_shared<SetOpts>();
  auto* set = remote->add_subcommand(
      "set", "Save the node to talk to. Checks it first: the certificate, the token, its user.");
  set->add_option("--url", s->url, "The node's operators' API: https://HOST:PORT")->required();
  set->add_option("--token", s->token,
                  "An API token (hl_..., from `hotline token create`); without it, read from "
                  "standard input (so it stays out of the shell's history)");
  auto* pin = set->add_option("--pin-sha256", s->pin,
                              "Trust the node's certificate by its SHA-256 (hex, colons allowed)");
  auto* cert = set->add_option("--cert", s->cert,
                               "Trust the node's certificate in this PEM file (a copy of "
                               "NODE/tls/operator.crt); its SHA-256 is saved");
  pin->excludes(cert);
  set->add_flag("--no-check", s->no_check, "Save without contacting the node");
  set->callback([s] {
    RemoteSettings rs;
    parse_api_url(s->url, rs);
    if (!s->cert.empty()) rs.pin = pin_of_certificate(s->cert);
    if (!s->pin.empty()) rs.pin = parse_pin(s->pin);
    std::string token = s->token;
    if (token.empty()) {
      if (::isatty(STDIN_FILENO)) std::fprintf(stderr, "API token: ");
      std::getline(std::cin, token);
      while (!token.empty() && (token.back() == '\r' || token.back() == ' ')) token.pop_back();
    }
    if (token.empty()) {
      throw Error(ErrorCategory::usage, "usage",
                  "no API token: give --token hl_... or type it on standard input");
    }
    rs.token = token;
    std::string who;
    if (!s->no_check) {
      auto health = api_get(rs, "/health");
      auto session = api_get(rs, "/v1/session");
      who = ", as " + session.value("name", "?") + " (" + roles_text(session) + ") on " +
            health.value("party", "?");
    }
    const auto path = config_path();
    write_config(path, {rs.url, rs.token, rs.pin ? to_hex(*rs.pin) : ""});
    std::printf("Saved %s (mode 0600): %s%s%s.\n", path.string().c_str(), rs.url.c_str(),
                rs.pin ? ", certificate pinned" : ", certificate checked against the system's CAs",
                who.c_str());
    std::printf(
        "The item commands now use it when given neither --dir nor --url, e.g. hotline alert "
        "list\n");
  });
}

// The admin's side: what to tell the officers.
void add_pin_command(CLI::App* remote) {
  auto pin_dir = std::make_shared<std::string>();
  auto* pin_cmd = remote->add_subcommand(
      "pin",
      "Print the SHA-256 pin of this node's operators' certificate (DIR/tls/operator.crt): give "
      "it, with the URL, to the officers who run `hotline remote set --pin-sha256`.");
  pin_cmd->add_option("--dir", *pin_dir, "The node's data directory")->required();
  pin_cmd->callback([pin_dir] {
    const auto crt = service::NodePaths(*pin_dir).operator_cert;
    std::error_code ec;
    if (!std::filesystem::exists(crt, ec)) {
      throw Error(ErrorCategory::not_found, "node_missing",
                  "no operators' certificate at " + crt.string() + ": is " + *pin_dir +
                      " a node's data directory?");
    }
    const auto hex = to_hex(pin_of_certificate(crt.string()));
    std::printf("%s\n", hex.c_str());
    std::printf("# officers: hotline remote set --url https://HOST:PORT --pin-sha256 %s\n",
                hex.c_str());
  });
}

void add_show_command(CLI::App* remote) {
  auto* show = remote->add_subcommand(
      "show",
      "Show the node this terminal talks to (from HOTLINE_URL/HOTLINE_TOKEN or the config "
      "file) and the token's user; never the token.");
  show->callback([] {
    const auto path = config_path();
    auto rs = resolve_remote(Target{});
    if (!rs) {
      throw Error(ErrorCategory::usage, "usage",
                  "no node configured (" + path.string() +
                      " does not exist and HOTLINE_URL is not set): hotline remote set "
                      "--url https://HOST:PORT --token TOKEN --cert operator.crt");
    }
    const char* env_url = std::getenv("HOTLINE_URL");
    const bool from_env = env_url != nullptr && *env_url != '\0';
    std::printf("url      %s (from %s)\n", rs->url.c_str(),
                from_env ? "HOTLINE_URL" : path.string().c_str());
    std::printf("pin      %s\n",
                rs->pin ? ("sha256 " + to_hex(*rs->pin)).c_str() : "none: the system's CAs");
    auto health = api_get(*rs, "/health");
    auto session = api_get(*rs, "/v1/session");
    std::printf("node     %s\n", health.value("party", "?").c_str());
    std::printf("user     %s (%s)\n", session.value("name", "?").c_str(),
                roles_text(session).c_str());
  });
}

}  // namespace

void add_remote_command(CLI::App& app) {
  auto* remote = app.add_subcommand(
      "remote",
      "The running node this terminal works with over its API: `remote set` saves the URL, an "
      "API token and the certificate's pin (mode 0600), and the item commands (alert, request, "
      "case, attachment, messages, send) then need no --dir or --url.");
  remote->require_subcommand(1);

  add_set_command(remote);
  add_pin_command(remote);
  add_show_command(remote);
}

}  // namespace hotline::cli
