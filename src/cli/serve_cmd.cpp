// hotline serve: run the node until SIGTERM or SIGINT.
#include <unistd.h>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <system_error>
#include <vector>

#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include "commands.h"
#include "hotline/api/operator_api.h"
#include "hotline/api/serve.h"
#include "hotline/api/static_files.h"
#include "hotline/common/escape.h"
#include "hotline/node/node_server.h"
#include "hotline/service/desk_service.h"
#include "hotline/service/node_dir.h"
#include "hotline/version.h"
#include "listen_address.h"
#include "web_dist.h"

namespace hotline::cli {
namespace {

std::filesystem::path own_status_file(const service::NodePaths& paths) {
  return paths.run_dir / ("serve-" + std::to_string(::getpid()) + ".json");
}

// Writes run/serve.json atomically so scripts (and the demo) can find the
// URLs of a node started with port 0; and run/serve-<pid>.json, the same
// for this process alone (several serve processes may share one node whose
// records are in PostgreSQL: serve.json names the last one started).
void write_status(const service::NodePaths& paths, const nlohmann::json& status) {
  std::filesystem::create_directories(paths.run_dir);
  for (const auto& file : {paths.serve_status, own_status_file(paths)}) {
    auto tmp = file;
    tmp += ".tmp" + std::to_string(::getpid());
    {
      std::ofstream out(tmp);
      out << status.dump(2) << "\n";
    }
    std::filesystem::rename(tmp, file);
  }
}

// At the end: this process's file, and serve.json unless a later process
// has written it since.
void remove_status(const service::NodePaths& paths) {
  std::error_code ec;
  std::filesystem::remove(own_status_file(paths), ec);
  std::ifstream in(paths.serve_status);
  long pid = 0;
  try {
    pid = nlohmann::json::parse(in).value("pid", 0L);
  } catch (const std::exception&) {
  }
  in.close();
  if (pid == static_cast<long>(::getpid())) std::filesystem::remove(paths.serve_status, ec);
}

// The web app's folder: --web-root; else <dir of this executable>/../
// share/hotline/web (an installed node); else the checkout's web/dist of
// this build (kBuildWebDist). nullopt: none of them exists.
std::optional<std::filesystem::path> find_web_root(const std::string& flag) {
  namespace fs = std::filesystem;
  if (!flag.empty()) return fs::path(flag);
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    fs::path installed =
        (exe.parent_path() / ".." / "share" / "hotline" / "web").lexically_normal();
    if (fs::is_directory(installed, ec)) return installed;
  }
  fs::path built = kBuildWebDist;
  if (!built.empty() && fs::is_directory(built, ec)) return built;
  return std::nullopt;
}

// Loads the web app (api/static_files.h) and logs where it is served from,
// or that it is missing. A --web-root that is not a folder is an error.
api::WebApp open_web_app(const std::string& flag) {
  auto root = find_web_root(flag);
  if (!root) {
    spdlog::warn(
        "event=web_app_missing looked_in=\"<hotline dir>/../share/hotline/web, {}\" "
        "hint=\"build it with: npm --prefix web run build; or pass --web-root DIR\"",
        escape_text(kBuildWebDist));
    return api::WebApp();
  }
  api::WebApp app = api::WebApp::load(*root);
  if (!app.has_app()) {
    spdlog::warn(
        "event=web_app_missing root=\"{}\" reason=\"no index.html\" "
        "hint=\"build it with: npm --prefix web run build\"",
        escape_text(app.root().string()));
  } else {
    spdlog::info("event=web_app root=\"{}\" files={} bytes={} skipped={}",
                 escape_text(app.root().string()), app.file_count(), app.total_bytes(),
                 app.skipped());
  }
  return app;
}

}  // namespace

void add_serve_command(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "serve",
      "Run the node: the operators' HTTPS listener (web app and API). Stops cleanly on Ctrl-C or "
      "SIGTERM. Logs go to standard error.");
  struct Opts {
    std::string dir, listen = "127.0.0.1:8443", peer_listen = "127.0.0.1:8444", cert, key;
    std::int64_t heartbeat = 0;
    std::int64_t head_interval = 60;
    std::int64_t resync_wait = 60;
    std::size_t max_body_mib = 16;
    std::size_t max_connections = 1024;
    std::size_t max_connections_per_source = 128;
    bool sync_full = false;
    std::string web_root;
    std::vector<std::string> metrics_allow;
  };
  auto o = std::make_shared<Opts>();
  cmd->add_option("--dir", o->dir, "The node's data directory")->required();
  cmd->add_option("--listen", o->listen,
                  "Address of the operators' listener, HOST:PORT (port 0 picks a free one)")
      ->capture_default_str();
  cmd->add_option("--peer-listen", o->peer_listen,
                  "Address of the peer link listener (mutual TLS with pinned keys), HOST:PORT")
      ->capture_default_str();
  cmd->add_option("--heartbeat-interval", o->heartbeat,
                  "Seconds between heartbeats, overriding the agreement (for drills and tests)")
      ->check(CLI::Range(1, 3600));
  cmd->add_option(
         "--head-interval", o->head_interval,
         "Seconds between signed tree heads of the ledger (sooner after a burst of 1000 entries)")
      ->check(CLI::Range(1, 86400))
      ->capture_default_str();
  cmd->add_option("--resync-wait", o->resync_wait,
                  "After hotline restore: seconds to wait for an unreachable peer when taking back "
                  "what this node sent after the backup, before giving up (nothing is sent "
                  "meanwhile)")
      ->check(CLI::Range(1, 86400))
      ->capture_default_str();
  cmd->add_option("--max-body-mib", o->max_body_mib,
                  "Largest request body accepted from a peer, in MiB")
      ->check(CLI::Range(1, 1024))
      ->capture_default_str();
  cmd->add_option("--max-connections", o->max_connections,
                  "Connections the operators' listener keeps open at once; more are closed at "
                  "once")
      ->check(CLI::Range(1, 100000))
      ->capture_default_str();
  cmd->add_option("--max-connections-per-source", o->max_connections_per_source,
                  "Of those, at most this many from one client address (IPv6: one /64)")
      ->check(CLI::Range(1, 100000))
      ->capture_default_str();
  cmd->add_flag(
      "--sync-full", o->sync_full,
      "fsync every commit (SQLite synchronous=FULL): survives power loss, not only crashes");
  cmd->add_option("--tls-cert", o->cert,
                  "PEM certificate for the operators' listener (default: the self-signed one "
                  "made by init, DIR/tls/operator.crt)");
  cmd->add_option("--tls-key", o->key, "PEM private key matching --tls-cert");
  cmd->add_option("--web-root", o->web_root,
                  "Folder of the built web app, served at / (default: "
                  "<hotline dir>/../share/hotline/web, else the checkout's web/dist)");
  cmd->add_option("--metrics-allow", o->metrics_allow,
                  "Addresses or networks (10.0.0.0/8, ::1) that read GET /metrics without the "
                  "metrics token (hotline metrics token); repeat or separate with commas")
      ->delimiter(',');
  cmd->callback([o] {
    auto listen = parse_listen_address(o->listen, "--listen");
    auto peer_listen = parse_listen_address(o->peer_listen, "--peer-listen");
    auto node = service::open_node(o->dir, o->sync_full);
    // Which store, naming only the database and its host (never the whole
    // connection string).
    spdlog::info(
        "event=store records=\"{}\"",
        escape_text(service::describe_store(node.paths, service::read_store_config(node.paths))));
    if (o->cert.empty() != o->key.empty()) {
      throw Error(ErrorCategory::usage, "usage",
                  "--tls-cert and --tls-key go together: give both or neither");
    }
    api::ServeOptions opts;
    opts.listen_host = listen.host;
    opts.listen_port = listen.port;
    opts.tls_cert = o->cert.empty() ? node.paths.operator_cert : std::filesystem::path(o->cert);
    opts.tls_key = o->key.empty() ? node.paths.operator_key : std::filesystem::path(o->key);
    opts.info.party = node.party;
    opts.info.version = kVersion;
    opts.info.public_key = node.identity.public_key().encoded();
    opts.info.fingerprint = node.identity.public_key().fingerprint();
    api::OperatorApiOptions api_options;
    api_options.info = opts.info;
    api_options.metrics_allow = o->metrics_allow;
    api::OperatorApi operator_api(node, api_options);
    api::use_stderr_logging();
    const api::WebApp web_app = open_web_app(o->web_root);
    // The API's paths to the API, every other one to the web app.
    opts.operator_handler = [&operator_api, &web_app](const net::HttpRequest& r) {
      return api::is_api_target(r.target) ? operator_api.handle(r) : web_app.handle(r);
    };
    // File uploads (POST /v1/attachments) up to the node's attachment limit;
    // JSON bodies are held to OperatorApiOptions::max_json_bytes.
    opts.operator_limits.max_body_bytes = static_cast<std::size_t>(
        node.store->snapshot([](store::Transaction& tx) { return service::attachment_limit(tx); }));
    opts.operator_limits.body_limit_for = [&operator_api](const std::string& method,
                                                          const std::string& target) {
      return operator_api.body_limit(method, target);
    };
    // Who asks is known before any body is read: an upload of a stranger is
    // refused on its header, never read (docs/threat-model.md).
    opts.operator_limits.check_head = [&operator_api, &web_app](const net::HttpRequest& head) {
      return api::is_api_target(head.target) ? operator_api.check_head(head)
                                             : web_app.check_head(head);
    };
    // Password hashing runs off the I/O threads, a few at a time.
    opts.operator_limits.offload = &api::OperatorApi::hashes_passwords;
    opts.operator_limits.offload_threads = 2;
    opts.operator_limits.offload_queue = 16;
    opts.operator_limits.max_connections = o->max_connections;
    opts.operator_limits.max_connections_per_source = o->max_connections_per_source;
    opts.operator_threads = 4;
    node::NodeServerOptions nso;
    nso.peer_host = peer_listen.host;
    nso.peer_port = peer_listen.port;
    nso.max_body_bytes = o->max_body_mib * 1024 * 1024;
    if (o->heartbeat > 0) nso.heartbeat_interval_s = o->heartbeat;
    nso.head_interval = std::chrono::seconds(o->head_interval);
    nso.resync_patience = std::chrono::seconds(o->resync_wait);
    node::NodeServer link_side(node, nso);
    link_side.start();
    opts.on_stopping = [&link_side] { link_side.stop(); };

    auto paths = node.paths;
    auto url = [](const std::string& host, std::uint16_t port) {
      std::string h = host.find(':') != std::string::npos ? "[" + host + "]" : host;
      return "https://" + h + ":" + std::to_string(port);
    };
    std::string peer_url = url(peer_listen.host, link_side.peer_port());
    opts.on_listening = [paths, url, peer_url, host = listen.host](std::uint16_t port) {
      write_status(paths, {{"pid", static_cast<long>(::getpid())},
                           {"operator_url", url(host, port)},
                           {"peer_url", peer_url}});
    };
    int rc = api::serve(opts);
    link_side.stop();
    remove_status(paths);
    if (rc != 0) throw CLI::RuntimeError(rc);
  });
}

}  // namespace hotline::cli
