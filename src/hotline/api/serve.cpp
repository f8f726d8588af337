// serve(): only Asio's signal_set here (no Beast instantiations), so this
// translation unit stays cheap.
#include <utility>  // before Asio: Boost 1.74's awaitable.hpp needs std::exchange

#include "hotline/api/serve.h"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>

#include "hotline/common/encoding.h"
#include "hotline/common/error.h"

namespace hotline::api {
namespace {

std::string url(const std::string& host, std::uint16_t port) {
  bool v6 = host.find(':') != std::string::npos;
  return "https://" + (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

void ensure_operator_certificate(const ServeOptions& options) {
  namespace fs = std::filesystem;
  bool cert = fs::exists(options.tls_cert), key = fs::exists(options.tls_key);
  if (cert && key) return;
  if (cert != key) {
    throw Error(ErrorCategory::internal, "tls_certificate_invalid",
                "found only one of " + options.tls_cert.string() + " and " +
                    options.tls_key.string() + "; provide both or remove both to generate a pair");
  }
  tls::generate_operator_certificate(options.info.party, options.tls_cert, options.tls_key);
  std::ifstream in(options.tls_cert);
  std::stringstream pem;
  pem << in.rdbuf();
  spdlog::info("event=certificate_generated listener=operator cert={} key={} sha256={}",
               options.tls_cert.string(), options.tls_key.string(),
               to_hex(tls::certificate_sha256(pem.str())));
}

// The operators' certificate files as last loaded, to notice a renewal.
struct CertFiles {
  std::filesystem::path cert, key;
  std::filesystem::file_time_type cert_time{}, key_time{};
  std::uintmax_t cert_size = 0, key_size = 0;

  // Whether either file changed since the last call (or construction).
  bool changed() {
    std::error_code e1, e2, e3, e4;
    auto ct = std::filesystem::last_write_time(cert, e1);
    auto kt = std::filesystem::last_write_time(key, e2);
    auto cs = std::filesystem::file_size(cert, e3);
    auto ks = std::filesystem::file_size(key, e4);
    if (e1 || e2 || e3 || e4) return false;  // being replaced: look again later
    bool diff = ct != cert_time || kt != key_time || cs != cert_size || ks != key_size;
    cert_time = ct;
    key_time = kt;
    cert_size = cs;
    key_size = ks;
    return diff;
  }
};

// Loads the renewed certificate for the connections to come; on failure
// (a half-written pair, a key that does not match) keeps the one in use.
void reload_certificate(net::HttpsServer& server, const ServeOptions& options, const char* why) {
  try {
    server.replace_tls(tls::operator_server_context(options.tls_cert, options.tls_key));
    std::ifstream in(options.tls_cert);
    std::stringstream pem;
    pem << in.rdbuf();
    spdlog::info("event=certificate_reloaded listener=operator reason={} cert={} sha256={}", why,
                 options.tls_cert.string(), to_hex(tls::certificate_sha256(pem.str())));
  } catch (const std::exception& e) {
    spdlog::error(
        "event=certificate_reload_failed listener=operator reason={} error=\"{}\" "
        "detail=\"the certificate in use stays\"",
        why, e.what());
  }
}

}  // namespace

const std::vector<std::pair<std::string, std::string>>& operator_security_headers() {
  static const std::vector<std::pair<std::string, std::string>> kHeaders = {
      {"Content-Security-Policy",
       "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
       "font-src 'self'; connect-src 'self'; media-src 'self' data: blob:; object-src 'none'; "
       "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"},
      {"X-Content-Type-Options", "nosniff"},
      {"Referrer-Policy", "no-referrer"},
      {"X-Frame-Options", "DENY"},
      {"Cross-Origin-Opener-Policy", "same-origin"},
      {"Strict-Transport-Security", "max-age=31536000"},
  };
  return kHeaders;
}

void use_stderr_logging() {
  auto current = spdlog::default_logger();
  if (current && !current->name().empty()) return;  // the program chose its own
  auto logger = spdlog::get("hotline");
  if (!logger) logger = spdlog::stderr_logger_mt("hotline");
  logger->set_pattern("%Y-%m-%dT%H:%M:%S.%eZ level=%l %v", spdlog::pattern_time_type::utc);
  logger->set_level(current ? current->level() : spdlog::level::info);
  logger->flush_on(spdlog::level::info);
  spdlog::set_default_logger(logger);
}

int serve(const ServeOptions& options) {
  use_stderr_logging();

  // Catch the signals before any listener thread exists, so none of them
  // can be killed by a signal arriving during startup.
  boost::asio::io_context signals_io;
  boost::asio::signal_set signals(signals_io, SIGINT, SIGTERM, SIGHUP);
  int received = 0;

  ensure_operator_certificate(options);

  struct Running {
    std::string name;
    std::unique_ptr<net::HttpsServer> server;
  };
  std::vector<Running> running;

  {
    net::ServerOptions so;
    so.name = "operator";
    so.bind_address = options.listen_host;
    so.port = options.listen_port;
    so.threads = options.operator_threads;
    so.pin_connections = true;  // short handlers; see net::ServerOptions
    so.limits = options.operator_limits;
    so.response_headers = operator_security_headers();
    net::Handler handler = options.operator_handler;
    if (!handler) {
      handler = [info = options.info](const net::HttpRequest& r) {
        return handle_operator(r, info);
      };
    }
    auto server = std::make_unique<net::HttpsServer>(
        tls::operator_server_context(options.tls_cert, options.tls_key), so, handler);
    server->start();
    spdlog::info("event=listening listener=operator url={}",
                 url(options.listen_host, server->port()));
    if (options.on_listening) options.on_listening(server->port());
    running.push_back({"operator", std::move(server)});
  }
  for (const Listener& l : options.extra_listeners) {
    net::ServerOptions so;
    so.name = l.name;
    so.bind_address = l.host;
    so.port = l.port;
    so.threads = l.threads;
    so.limits = l.limits;
    auto server = std::make_unique<net::HttpsServer>(l.tls, so, l.handler);
    server->start();  // on failure, the ones started are stopped by unique_ptr
    spdlog::info("event=listening listener={} url={}", l.name, url(l.host, server->port()));
    if (l.on_listening) l.on_listening(server->port());
    running.push_back({l.name, std::move(server)});
  }

  // SIGHUP, or a change of the certificate's files (checked every two
  // seconds), loads the renewed certificate without a restart.
  net::HttpsServer& operators = *running.front().server;
  CertFiles files{options.tls_cert, options.tls_key};
  files.changed();
  boost::asio::steady_timer poll(signals_io);
  std::function<void()> arm_poll = [&] {
    poll.expires_after(std::chrono::seconds(2));
    poll.async_wait([&](const boost::system::error_code& ec) {
      if (ec || received != 0) return;
      if (files.changed()) reload_certificate(operators, options, "files_changed");
      arm_poll();
    });
  };
  std::function<void()> arm_signals = [&] {
    signals.async_wait([&](const boost::system::error_code& ec, int signo) {
      if (ec) return;
      if (signo == SIGHUP) {
        files.changed();
        reload_certificate(operators, options, "SIGHUP");
        arm_signals();
        return;
      }
      received = signo;
      poll.cancel();
    });
  };
  arm_poll();
  arm_signals();
  signals_io.run();  // returns once SIGINT or SIGTERM arrived
  spdlog::info("event=stopping signal={}", received == SIGTERM ? "SIGTERM" : "SIGINT");
  if (options.on_stopping) options.on_stopping();
  for (auto& r : running) {
    r.server->stop();
    auto stats = r.server->stats();
    spdlog::info("event=stopped listener={} connections={} requests={}", r.name,
                 stats.connections_accepted, stats.requests);
  }
  return 0;
}

}  // namespace hotline::api
