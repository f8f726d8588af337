// The operators' side of the attack suite (tests/attack): one real node
// (`hotline serve` on 127.0.0.1), users made in this process on its data
// directory, and a bare TLS client that can choose its source address
// (127.0.0.2 is another place than 127.0.0.1 on the loopback) and send
// bytes no HTTP client would. Every wait is bounded.
#pragma once

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <signal.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>

#include "hotline/crypto/password.h"
#include "hotline/net/https_client.h"
#include "hotline/service/node_dir.h"
#include "hotline/service/user_service.h"
#include "support/process.h"

namespace hotline::attack {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

// A TLS connection from `source` (an address of this machine) to
// 127.0.0.1:port, blocking with a receive timeout of `read_timeout`.
class RawClient {
 public:
  RawClient(std::uint16_t port, const std::string& source = "127.0.0.1",
            std::chrono::milliseconds read_timeout = 2000ms) {
    ::signal(SIGPIPE, SIG_IGN);  // a write after the server closed fails, not kills us
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in from{};
    from.sin_family = AF_INET;
    ::inet_pton(AF_INET, source.c_str(), &from.sin_addr);
    ::bind(fd_, reinterpret_cast<sockaddr*>(&from), sizeof from);
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(port);
    to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    timeval tv{static_cast<time_t>(read_timeout.count() / 1000),
               static_cast<suseconds_t>((read_timeout.count() % 1000) * 1000)};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&to), sizeof to) == 0;
    ctx_ = SSL_CTX_new(TLS_client_method());
    SSL_CTX_set_verify(ctx_, SSL_VERIFY_NONE, nullptr);  // loopback, the node's own certificate
    ssl_ = SSL_new(ctx_);
    SSL_set_fd(ssl_, fd_);
    handshaken_ = connected_ && SSL_connect(ssl_) == 1;
    ERR_clear_error();
  }
  ~RawClient() {
    SSL_free(ssl_);
    SSL_CTX_free(ctx_);
    ::close(fd_);
  }
  RawClient(const RawClient&) = delete;
  RawClient& operator=(const RawClient&) = delete;

  bool ok() const { return handshaken_; }
  // Bytes written (all of `data`, or fewer when the server went away).
  std::size_t write(const std::string& data) {
    if (!handshaken_) return 0;
    int n = SSL_write(ssl_, data.data(), static_cast<int>(data.size()));
    ERR_clear_error();
    return n > 0 ? static_cast<std::size_t>(n) : 0;
  }
  // Whatever arrives until `needle` is in it (an empty needle: until the
  // end), the server closes, or a receive timeout passes.
  std::string read_until(const std::string& needle) {
    std::string out;
    char buf[4096];
    while (handshaken_ && (needle.empty() || out.find(needle) == std::string::npos)) {
      int n = SSL_read(ssl_, buf, sizeof buf);
      if (n <= 0) break;
      out.append(buf, static_cast<std::size_t>(n));
    }
    ERR_clear_error();
    return out;
  }
  // A whole request with a JSON body; the answer's status line and body.
  std::string request(const std::string& method, const std::string& target, const std::string& body,
                      const std::string& extra_headers = "") {
    write(method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n" +
          "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
          "\r\n" + extra_headers + "\r\n" + body);
    return read_until("");  // Connection: close: the answer ends with the connection
  }

 private:
  int fd_ = -1;
  bool connected_ = false;
  bool handshaken_ = false;
  SSL_CTX* ctx_ = nullptr;
  SSL* ssl_ = nullptr;
};

// "HTTP/1.1 401 ..." -> 401; 0 when there is no status line.
inline int status_of(const std::string& answer) {
  if (answer.rfind("HTTP/1.1 ", 0) != 0 || answer.size() < 12) return 0;
  return std::stoi(answer.substr(9, 3));
}

// One node with its `hotline serve`, stopped and removed at the end.
class OperatorNode {
 public:
  OperatorNode() {
    dir_ = scratch_ / "node";
    service::init_node(dir_, "alpha");
  }
  ~OperatorNode() {
    if (proc_) {
      proc_->signal(SIGTERM);
      proc_->wait_for(10s);
    }
  }

  const std::filesystem::path& dir() const { return dir_; }
  std::uint16_t port() const { return port_; }
  pid_t pid() const { return proc_ ? proc_->pid() : -1; }

  // Starts `hotline serve` and waits (at most 20 s) until it listens.
  bool start() {
    std::vector<std::string> args = {
        std::string(HOTLINE_BIN), "serve",      "--dir", dir_.string(), "--listen", "127.0.0.1:0",
        "--peer-listen",          "127.0.0.1:0"};
    proc_ = std::make_unique<testing::Process>(args, scratch_ / "serve");
    const auto status = dir_ / "run" / "serve.json";
    const std::string pid = "\"pid\": " + std::to_string(proc_->pid());
    for (auto deadline = Clock::now() + 20s; Clock::now() < deadline;) {
      std::error_code ec;
      if (std::filesystem::exists(status, ec)) {
        const std::string text = testing::read_file(status);
        auto at = text.find("\"operator_url\": \"https://127.0.0.1:");
        if (text.find(pid) != std::string::npos && at != std::string::npos) {
          port_ = static_cast<std::uint16_t>(std::stoi(text.substr(at + 35)));
          return true;
        }
      }
      if (!proc_->running()) return false;
      std::this_thread::sleep_for(20ms);
    }
    return false;
  }

  // The server's resident memory in KiB (from /proc), 0 when unknown.
  long rss_kib() const {
    const std::string text =
        testing::read_file("/proc/" + std::to_string(proc_->pid()) + "/status");
    auto at = text.find("VmRSS:");
    return at == std::string::npos ? 0 : std::stol(text.substr(at + 6));
  }

  // A user (cheap hash: the node checks any cost) and an API token for it.
  std::string user_with_token(const std::string& name, std::vector<service::Role> roles) {
    auto n = service::open_node(dir_);
    service::AccountPolicy cheap;
    cheap.password_cost = crypto::kTestPasswordCost;
    service::add_user(*n.store, name, "", roles, kPassword, now_ms(), cheap);
    return service::create_api_token(*n.store, name, "attack-test", now_ms()).token;
  }

  // An authorised request as a real client makes it: status and time taken.
  std::pair<int, Clock::duration> timed_get(const std::string& token, const std::string& target) {
    tls::ClientTlsConfig cfg;
    cfg.insecure_skip_verify = true;  // loopback, the node's own certificate
    net::HttpsClient client(cfg, "127.0.0.1", port_);
    net::HttpRequest r;
    r.method = "GET";
    r.target = target;
    r.headers["Authorization"] = "Bearer " + token;
    const auto start = Clock::now();
    const int status = client.request(r).status;
    return {status, Clock::now() - start};
  }

  static constexpr const char* kPassword = "correct horse battery staple";

 private:
  testing::ScratchDir scratch_;
  std::filesystem::path dir_;
  std::unique_ptr<testing::Process> proc_;
  std::uint16_t port_ = 0;
};

}  // namespace hotline::attack
