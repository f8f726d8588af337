// hotline webhook set|show|clear|test: the HTTPS endpoint that receives
// escalations (see hotline/node/webhook.h and docs/operations.md).
#include <array>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "commands.h"
#include "hotline/common/encoding.h"
#include "hotline/common/error.h"
#include "hotline/common/time.h"
#include "hotline/crypto/random.h"
#include "hotline/node/webhook.h"
#include "hotline/service/node_dir.h"

namespace hotline::cli {
namespace {

std::string read_secret_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(ErrorCategory::internal, "io_error", "cannot read the secret file " + path);
  std::ostringstream ss;
  ss << in.rdbuf();
  std::string secret = ss.str();
  // A trailing newline (from an editor or `echo`) is not part of the secret.
  while (!secret.empty() && (secret.back() == '\n' || secret.back() == '\r' ||
                             secret.back() == ' ' || secret.back() == '\t')) {
    secret.pop_back();
  }
  if (secret.empty())
    throw Error(ErrorCategory::invalid_input, "webhook_invalid",
                "the secret file " + path + " is empty");
  return secret;
}

std::string new_secret() {
  std::array<std::uint8_t, 32> bytes{};
  crypto::random_bytes(bytes);
  return to_hex(bytes);  // 64 characters: easy to paste into the receiver's configuration
}

struct Summary {
  std::map<std::string, std::int64_t> counts;  // webhook_state -> count
  std::int64_t last_error_id = 0;              // newest pending escalation with an error
  std::string last_error;
};

Summary summarize(store::Store& store) {
  return store.snapshot([](store::Transaction& tx) {
    Summary s;
    for (const char* state : {"pending", "delivered", "withheld", "no_webhook"}) {
      s.counts[state] = 0;
    }
    std::int64_t after = 0;
    // Bounded: a million escalations would be far beyond any real desk.
    for (int page = 0; page < 1000; ++page) {
      auto batch = tx.list_escalations(after, 1000);
      for (const auto& e : batch) {
        ++s.counts[e.webhook_state];
        if (e.webhook_state == "pending" && !e.last_error.empty()) {
          s.last_error_id = e.id;
          s.last_error = e.last_error;
        }
        after = e.id;
      }
      if (batch.size() < 1000) break;
    }
    return s;
  });
}

std::string trust_text(const service::WebhookConfig& c) {
  return c.pin_sha256 ? "certificate pinned, SHA-256 " + *c.pin_sha256
                      : "system trust store, host name checked";
}

}  // namespace

void add_webhook_command(CLI::App& app) {
  auto* webhook = app.add_subcommand(
      "webhook",
      "The HTTPS endpoint (on-call paging, ticketing) that receives escalations, signed with "
      "HMAC-SHA-256. TLP:RED escalations are never sent.");
  webhook->require_subcommand(1);

  // --- set
  auto* set = webhook->add_subcommand(
      "set",
      "Configure the webhook. Without --secret-file a new secret is generated and printed once: "
      "give it to the receiver's operator. The running node uses the new configuration from its "
      "next delivery round.");
  struct SetOpts {
    std::string dir, url, secret_file, pin;
    bool keep_secret = false;
    bool allow_internal = false;
  };
  auto s = std::make_shared<SetOpts>();
  set->add_option("--dir", s->dir, "The node's data directory")->required();
  set->add_option("--url", s->url, "The receiver, https://HOST[:PORT]/path")->required();
  auto* secret_opt = set->add_option(
      "--secret-file", s->secret_file,
      "A file holding the shared secret (at least 32 bytes; a trailing newline is ignored)");
  auto* keep_opt =
      set->add_flag("--keep-secret", s->keep_secret, "Keep the secret already configured");
  secret_opt->excludes(keep_opt);
  set->add_option("--pin-sha256", s->pin,
                  "Pin the receiver's certificate by its SHA-256 fingerprint (hex, colons "
                  "allowed), for a self-signed receiver; default: the system trust store");
  set->add_flag("--allow-internal", s->allow_internal,
                "Allow this URL's host although it is or resolves to a loopback, private or "
                "link-local address (refused otherwise; the API never allows it)");
  set->callback([s] {
    auto node = service::open_node(s->dir);
    service::WebhookConfig config;
    config.url = s->url;
    config.allow_internal = s->allow_internal;
    if (!s->pin.empty()) config.pin_sha256 = service::normalize_pin_sha256(s->pin);
    bool generated = false;
    if (!s->secret_file.empty()) {
      config.secret = read_secret_file(s->secret_file);
    } else if (s->keep_secret) {
      auto old = node.store->snapshot(
          [](store::Transaction& tx) { return tx.get_setting("webhook.secret"); });
      if (!old || old->empty()) {
        throw Error(ErrorCategory::usage, "usage", "--keep-secret: no secret is configured yet");
      }
      config.secret = *old;
    } else {
      config.secret = new_secret();
      generated = true;
    }
    service::validate_webhook_config(config);
    service::check_webhook_destination(config);
    node.store->transact(
        [&config](store::Transaction& tx) { service::save_webhook_config(tx, config); });
    std::printf("Webhook set: %s\n  TLS     %s\n", config.url.c_str(), trust_text(config).c_str());
    if (generated) {
      std::printf(
          "  secret  %s\n\nThis secret is shown once. Give it to the receiver's operator over a "
          "trusted channel;\nthe receiver checks X-Hotline-Signature with it (docs/operations.md, "
          "\"Escalation webhooks\").\n",
          config.secret.c_str());
    }
    std::printf("Try it: hotline webhook test --dir %s\n", s->dir.c_str());
  });

  // --- show
  auto* show = webhook->add_subcommand(
      "show", "Show the webhook (never its secret) and the escalations' delivery state.");
  struct ShowOpts {
    std::string dir;
    bool json = false;
  };
  auto sh = std::make_shared<ShowOpts>();
  show->add_option("--dir", sh->dir, "The node's data directory")->required();
  show->add_flag("--json", sh->json, "Print JSON");
  show->callback([sh] {
    auto node = service::open_node(sh->dir);
    auto config = node.store->snapshot(
        [](store::Transaction& tx) { return service::load_webhook_config(tx); });
    Summary sum = summarize(*node.store);
    if (sh->json) {
      nlohmann::json j = {
          {"configured", config.has_value()},
          {"url", config ? nlohmann::json(config->url) : nullptr},
          {"pin_sha256",
           config && config->pin_sha256 ? nlohmann::json(*config->pin_sha256) : nullptr},
          {"escalations", sum.counts},
          {"last_error",
           sum.last_error.empty() ? nlohmann::json(nullptr) : nlohmann::json(sum.last_error)},
          {"last_error_escalation",
           sum.last_error.empty() ? nlohmann::json(nullptr) : nlohmann::json(sum.last_error_id)}};
      std::printf("%s\n", j.dump(2).c_str());
      return;
    }
    if (config) {
      std::printf("Webhook  %s\n  TLS         %s\n  secret      set (%zu bytes, not shown)\n",
                  config->url.c_str(), trust_text(*config).c_str(), config->secret.size());
    } else {
      std::printf(
          "No webhook configured. Set one with: hotline webhook set --dir %s --url "
          "https://HOST/path\n",
          sh->dir.c_str());
    }
    std::printf("Escalations: %lld pending, %lld delivered, %lld withheld (TLP:RED)",
                static_cast<long long>(sum.counts["pending"]),
                static_cast<long long>(sum.counts["delivered"]),
                static_cast<long long>(sum.counts["withheld"]));
    if (sum.counts["no_webhook"] > 0) {
      std::printf(", %lld recorded while no webhook was set",
                  static_cast<long long>(sum.counts["no_webhook"]));
    }
    std::printf("\n");
    std::printf(
        "Last error: %s\n",
        sum.last_error.empty()
            ? "none"
            : ("escalation " + std::to_string(sum.last_error_id) + ": " + sum.last_error).c_str());
  });

  // --- clear
  auto* clear = webhook->add_subcommand(
      "clear",
      "Remove the webhook and its secret. Pending escalations stay pending until one is set.");
  auto cdir = std::make_shared<std::string>();
  clear->add_option("--dir", *cdir, "The node's data directory")->required();
  clear->callback([cdir] {
    auto node = service::open_node(*cdir);
    node.store->transact([](store::Transaction& tx) { service::clear_webhook_config(tx); });
    std::printf("Webhook cleared.\n");
  });

  // --- test
  auto* test = webhook->add_subcommand(
      "test",
      "Post a signed test event (X-Hotline-Event: test) to the webhook now and print the "
      "result. Exit 1 when it fails.");
  auto tdir = std::make_shared<std::string>();
  test->add_option("--dir", *tdir, "The node's data directory")->required();
  test->callback([tdir] {
    auto node = service::open_node(*tdir);
    auto config = node.store->snapshot(
        [](store::Transaction& tx) { return service::load_webhook_config(tx); });
    if (!config) {
      throw Error(ErrorCategory::not_found, "webhook_missing",
                  "no webhook configured (hotline webhook set --dir " + *tdir +
                      " --url https://HOST/path)");
    }
    const std::int64_t now =
        std::chrono::duration_cast<std::chrono::seconds>(now_ms().time_since_epoch()).count();
    auto result = node::post_test_event(*config, node.party, now);
    if (!result.ok) {
      throw Error(ErrorCategory::invalid_input, "webhook_test_failed",
                  "webhook test to " + config->url + " failed: " + result.error);
    }
    std::printf("OK: %s answered HTTP %d to the test event (X-Hotline-Delivery: test-%lld).\n",
                config->url.c_str(), result.status, static_cast<long long>(now));
  });
}

}  // namespace hotline::cli
