// A reader of the operators' event stream (GET /v1/events as Server-Sent
// Events) over real TLS to 127.0.0.1, reading as the response arrives
// (net::HttpsClient reads only whole responses), and the parser of its text.
//
// Threads: one StreamReader on one thread.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace hotline::it {

// A GET that keeps reading the response as it arrives (HttpsClient reads
// only whole responses): for the event stream.
class StreamReader {
 public:
  StreamReader(std::uint16_t port, const std::string& target,
               const std::map<std::string, std::string>& headers) {
    ctx_ = SSL_CTX_new(TLS_client_method());
    SSL_CTX_set_min_proto_version(ctx_, TLS1_3_VERSION);
    SSL_CTX_set_verify(ctx_, SSL_VERIFY_NONE, nullptr);  // loopback, the node's own certificate
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
      throw std::runtime_error("connect failed");
    }
    timeval tv{0, 200 * 1000};  // reads return every 200 ms at the latest
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ssl_ = SSL_new(ctx_);
    SSL_set_fd(ssl_, fd_);
    if (SSL_connect(ssl_) != 1) throw std::runtime_error("TLS handshake failed");
    std::string req =
        "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n";
    for (const auto& [k, v] : headers) req += k + ": " + v + "\r\n";
    req += "\r\n";
    if (SSL_write(ssl_, req.data(), static_cast<int>(req.size())) <= 0) {
      throw std::runtime_error("write failed");
    }
  }
  ~StreamReader() {
    if (ssl_) SSL_free(ssl_);
    if (fd_ >= 0) ::close(fd_);
    if (ctx_) SSL_CTX_free(ctx_);
  }
  StreamReader(const StreamReader&) = delete;
  StreamReader& operator=(const StreamReader&) = delete;

  // Reads until `pred(everything so far)` or the timeout; returns it.
  template <class Pred>
  const std::string& read_until(Pred pred, std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    char buf[4096];
    while (!pred(data_) && std::chrono::steady_clock::now() < deadline && !closed_) {
      int n = SSL_read(ssl_, buf, sizeof buf);
      if (n > 0) {
        data_.append(buf, static_cast<std::size_t>(n));
      } else {
        int err = SSL_get_error(ssl_, n);
        if (err == SSL_ERROR_ZERO_RETURN ||
            (err == SSL_ERROR_SYSCALL && errno != EAGAIN && errno != EWOULDBLOCK)) {
          closed_ = true;
        }
        ERR_clear_error();
      }
    }
    return data_;
  }
  bool closed() const { return closed_; }

 private:
  SSL_CTX* ctx_ = nullptr;
  SSL* ssl_ = nullptr;
  int fd_ = -1;
  std::string data_;
  bool closed_ = false;
};

// The events in an SSE text: {id, event kind, data JSON}.
struct SseEvent {
  std::int64_t id = 0;
  std::string kind;
  nlohmann::json data;
};
inline std::vector<SseEvent> parse_sse(const std::string& text) {
  std::vector<SseEvent> out;
  auto body = text.find("\r\n\r\n");
  std::size_t pos = body == std::string::npos ? 0 : body + 4;
  while (true) {
    auto end = text.find("\n\n", pos);
    if (end == std::string::npos) break;
    std::string block = text.substr(pos, end - pos);
    pos = end + 2;
    SseEvent e;
    std::istringstream lines(block);
    for (std::string line; std::getline(lines, line);) {
      if (line.rfind("id: ", 0) == 0) e.id = std::stoll(line.substr(4));
      if (line.rfind("event: ", 0) == 0) e.kind = line.substr(7);
      if (line.rfind("data: ", 0) == 0) e.data = nlohmann::json::parse(line.substr(6));
    }
    if (e.id > 0) out.push_back(std::move(e));
  }
  return out;
}

}  // namespace hotline::it
