// The `hotline` command: one binary for setting up a node, running it and
// working with it from a terminal. Each subcommand lives in its own file.
#include <cstdio>
#include <exception>

#include <CLI/CLI.hpp>

#include "commands.h"
#include "hotline/api/serve.h"
#include "hotline/common/error.h"
#include "hotline/common/error_category.h"
#include "hotline/version.h"

int main(int argc, char** argv) {
  hotline::api::use_stderr_logging();
  CLI::App app{
      "Hotline: a signed, receipted and verifiable channel between the cybercrime points of "
      "contact "
      "of two or more parties.\n\n"
      "Start here:\n"
      "  hotline init --dir ./node --party \"Our Office\"   create a node (identity, database, "
      "certificate)\n"
      "  hotline key show --dir ./node                    the public key to give to a peer\n"
      "  hotline serve --dir ./node                       run it (web app and API on "
      "https://127.0.0.1:8443,\n"
      "                                                   peers on https://127.0.0.1:8444)\n"
      "  hotline peer add --dir ./node --name bravo --url https://HOST:PORT --key KEY\n"
      "  hotline agreement propose --dir ./node --peer bravo\n"
      "  hotline send --dir ./node --to bravo \"Routine test, please acknowledge\"\n"
      "  hotline alert raise --dir ./node --to bravo --summary \"Scanning from 203.0.113.0/24\" "
      "--as NAME\n"
      "  hotline request new --dir ./node --to bravo --kind preservation --subject \"Preserve "
      "logs\" --as NAME\n",
      "hotline"};
  app.footer(
      "Exit codes: 0 done; 1 refused or failed (bad input, unknown, not allowed, not possible in "
      "the item's state, unreachable, or a fault of the node: the message says which); 2 wrong "
      "usage.");
  app.set_version_flag("--version", std::string("hotline ") + hotline::kVersion);
  app.require_subcommand(1);
  app.fallthrough();
  hotline::cli::add_init_command(app);
  hotline::cli::add_key_command(app);
  hotline::cli::add_serve_command(app);
  hotline::cli::add_peer_command(app);
  hotline::cli::add_message_commands(app);
  hotline::cli::add_agreement_command(app);
  hotline::cli::add_ledger_command(app);
  hotline::cli::add_webhook_command(app);
  hotline::cli::add_mail_command(app);
  hotline::cli::add_escalation_command(app);
  hotline::cli::add_alert_command(app);
  hotline::cli::add_request_command(app);
  hotline::cli::add_case_command(app);
  hotline::cli::add_indicator_command(app);
  hotline::cli::add_round_command(app);
  hotline::cli::add_check_command(app);
  hotline::cli::add_dispute_command(app);
  hotline::cli::add_attachment_command(app);
  hotline::cli::add_user_command(app);
  hotline::cli::add_token_command(app);
  hotline::cli::add_audit_command(app);
  hotline::cli::add_remote_command(app);
  hotline::cli::add_review_command(app);
  hotline::cli::add_store_command(app);
  hotline::cli::add_taxii_command(app);
  hotline::cli::add_match_command(app);
  hotline::cli::add_metrics_command(app);

  try {
    app.parse(argc, argv);
  } catch (const CLI::RuntimeError& e) {
    return e.get_exit_code();  // a command that ran and failed, with its own code
  } catch (const CLI::ParseError& e) {
    // CLI11 prints the message (or the help); every usage error exits 2.
    int rc = app.exit(e);
    return rc == 0 ? 0 : hotline::exit_code(hotline::ErrorCategory::usage);
  } catch (const hotline::Error& e) {
    std::fprintf(stderr, "hotline: %s\n", e.what());
    return hotline::exit_code(e.category());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "hotline: unexpected error: %s\n", e.what());
    return hotline::exit_code(hotline::ErrorCategory::internal);
  }
  return 0;
}
