// serve(): runs the operators' listener (and any extra Listener) until
// SIGTERM or SIGINT, on the calling thread. SIGHUP, or a change of the
// certificate or key file, loads the operators' certificate again: new
// connections get the renewed one, those in progress finish with theirs
// (a pair that does not load is logged and the one in use stays). `hotline serve` starts the
// node's link side (node::NodeServer, with its own peer listener) first and
// stops it from on_stopping.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "hotline/api/operator_routes.h"
#include "hotline/net/https_server.h"
#include "hotline/tls/context.h"

namespace hotline::api {

// A further listener, built from the same pieces as the operators' (a
// tls::Context, a net::Handler):
//   Listener{.name = "metrics", .port = 9443, .tls = ..., .handler = ...}
struct Listener {
  std::string name;
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;
  tls::Context tls;
  net::Handler handler;
  net::ServerLimits limits;
  int threads = 2;
  std::function<void(std::uint16_t port)> on_listening;
};

struct ServeOptions {
  std::string listen_host = "127.0.0.1";
  std::uint16_t listen_port = 8443;  // 0: any free port (see on_listening)
  // The operators' certificate and key (PEM). When neither file exists a
  // self-signed ECDSA P-256 pair is generated for info.party and logged
  // (event=certificate_generated) with its SHA-256 so operators can pin it.
  std::filesystem::path tls_cert, tls_key;
  OperatorInfo info;
  // Called once the operators' listener accepts connections.
  std::function<void(std::uint16_t port)> on_listening;

  // The operators' request handler; empty: handle_operator(request, info).
  net::Handler operator_handler;
  net::ServerLimits operator_limits;
  int operator_threads = 2;

  std::vector<Listener> extra_listeners;
  // Called after a signal arrived, before the listeners stop (e.g. to stop
  // the delivery workers first).
  std::function<void()> on_stopping;
};

// The headers on every answer of the operators' listener, the API's and
// the web app's alike (net::ServerOptions::response_headers;
// docs/threat-model.md, "The web app in the browser"):
//   Content-Security-Policy   scripts, styles, fonts and connections from
//                             this origin only, no inline script, no
//                             plugins, no <base>, and no framing;
//   X-Frame-Options: DENY     framing refused for browsers without CSP 2;
//   X-Content-Type-Options    nosniff: a file is only what its type says;
//   Referrer-Policy           no-referrer: no item URL leaves in a Referer;
//   Cross-Origin-Opener-Policy  same-origin: an opened page cannot reach
//                             the app's window;
//   Strict-Transport-Security the listener speaks only HTTPS.
const std::vector<std::pair<std::string, std::string>>& operator_security_headers();

// Starts the listeners (throws Error "listen_failed", "tls_certificate_invalid"
// ... if one cannot start), logs event=listening for each, blocks until
// SIGTERM or SIGINT, stops them gracefully and returns 0.
//
// Logs go through spdlog's default logger; if that is still spdlog's stock
// stdout logger it is replaced by one writing key=value lines to stderr.
int serve(const ServeOptions& options);

// Logs go to standard error as key=value lines with a UTC timestamp
// ("2026-11-27T09:44:49.123Z level=info event=…"), so that standard output
// stays for commands' results. Keeps a logger the program named itself.
void use_stderr_logging();

}  // namespace hotline::api
