// Each `hotline` subcommand registers itself on the CLI11 app here; the
// registration functions live one per file (init_cmd.cpp, key_cmd.cpp, …).
#pragma once

#include <CLI/CLI.hpp>

namespace hotline::cli {

void add_init_command(CLI::App& app);
void add_key_command(CLI::App& app);
void add_serve_command(CLI::App& app);
void add_peer_command(CLI::App& app);
void add_message_commands(CLI::App& app);
void add_agreement_command(CLI::App& app);
void add_ledger_command(CLI::App& app);
void add_webhook_command(CLI::App& app);
void add_mail_command(CLI::App& app);
void add_escalation_command(CLI::App& app);
void add_alert_command(CLI::App& app);
void add_request_command(CLI::App& app);
void add_case_command(CLI::App& app);
void add_indicator_command(CLI::App& app);
void add_dispute_command(CLI::App& app);
void add_check_command(CLI::App& app);
void add_round_command(CLI::App& app);
void add_attachment_command(CLI::App& app);
void add_user_command(CLI::App& app);
void add_token_command(CLI::App& app);
void add_audit_command(CLI::App& app);
void add_remote_command(CLI::App& app);
void add_review_command(CLI::App& app);
void add_store_command(CLI::App& app);
void add_taxii_command(CLI::App& app);
void add_match_command(CLI::App& app);
void add_metrics_command(CLI::App& app);

// Exit codes: 0 success; a hotline::Error exits with its category's code
// (hotline/common/error_category.h: 2 wrong usage, 1 any other refused or
// failed action, message printed). A check that ran and found a failure
// (`ledger verify`, `ledger check-proof`) exits with kExitFailed.
inline constexpr int kExitFailed = 1;

}  // namespace hotline::cli
