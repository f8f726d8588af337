// net::HttpsServer and net::HttpsClient over real TLS on 127.0.0.1: no mocks.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>
#include <algorithm>
#include <atomic>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <future>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <sstream>
#include <string_view>
#include <thread>

#include "hotline/api/operator_routes.h"
#include "hotline/api/serve.h"
#include "hotline/common/encoding.h"
#include "hotline/common/error.h"
#include "hotline/net/http_types.h"
#include "hotline/net/https_client.h"
#include "hotline/net/https_server.h"
#include "hotline/tls/tls.h"
#include "test_seeds.h"

namespace hotline::api {
namespace https_test {

using namespace std::chrono_literals;
using tls::ClientTlsConfig;
using tls::Ed25519PublicKey;
using tls::Ed25519Seed;

using test::seed_of;

std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// One operator certificate for the whole suite (key generation is cheap, but
// every test needs one).
class Https : public ::testing::Test {
 public:
  static net::HttpRequest get(std::string target) {
    net::HttpRequest r;
    r.method = "GET";
    r.target = std::move(target);
    return r;
  }

 protected:
  static void SetUpTestSuite() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "hotline-api-XXXXXX").string();
    dir_ = ::mkdtemp(tmpl.data());
    tls::generate_operator_certificate("Test Party", dir_ / "op.crt", dir_ / "op.key");
  }
  static void TearDownTestSuite() { std::filesystem::remove_all(dir_); }

  static tls::Context operator_tls() {
    return tls::operator_server_context(dir_ / "op.crt", dir_ / "op.key");
  }
  static ClientTlsConfig pinned_operator() {
    ClientTlsConfig config;
    config.server_cert_sha256 = tls::certificate_sha256(read_file(dir_ / "op.crt"));
    return config;
  }

  // Starts a server on a free port with `handler`, counting calls.
  std::unique_ptr<net::HttpsServer> start(tls::Context ctx, net::Handler handler,
                                          net::ServerOptions opts = {}) {
    opts.port = 0;
    opts.stop_timeout = 3s;
    auto server = std::make_unique<net::HttpsServer>(std::move(ctx), opts,
                                                     [this, handler](const net::HttpRequest& r) {
                                                       ++calls_;
                                                       return handler(r);
                                                     });
    server->start();
    EXPECT_NE(server->port(), 0);
    return server;
  }

  static OperatorInfo info() { return {"Test Party", "0.1.0", "pubkey", "fp"}; }

  static inline std::filesystem::path dir_;
  std::atomic<int> calls_{0};
};

// A bare TLS connection made with OpenSSL directly, to send bytes that no
// HTTP client would.
class RawTls {
 public:
  explicit RawTls(std::uint16_t port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    timeval tv{5, 0};  // no test may hang on a read
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    ctx_ = SSL_CTX_new(TLS_client_method());
    SSL_CTX_set_verify(ctx_, SSL_VERIFY_NONE, nullptr);
    ssl_ = SSL_new(ctx_);
    SSL_set_fd(ssl_, fd_);
  }
  ~RawTls() {
    SSL_free(ssl_);
    SSL_CTX_free(ctx_);
    ::close(fd_);
  }
  bool tcp_connected() const { return connected_; }
  bool handshake() { return connected_ && SSL_connect(ssl_) == 1; }
  void write(const std::string& data) {
    ASSERT_EQ(SSL_write(ssl_, data.data(), static_cast<int>(data.size())),
              static_cast<int>(data.size()));
  }
  // Everything until the server closes (or 5 s of silence).
  std::string read_all() {
    std::string out;
    char buf[4096];
    for (int i = 0; i < 10000; ++i) {
      int n = SSL_read(ssl_, buf, sizeof buf);
      if (n <= 0) break;
      out.append(buf, static_cast<std::size_t>(n));
    }
    ERR_clear_error();
    return out;
  }

 private:
  int fd_ = -1;
  bool connected_ = false;
  SSL_CTX* ctx_ = nullptr;
  SSL* ssl_ = nullptr;
};

template <class Pred>
bool eventually(Pred pred, std::chrono::milliseconds timeout = 2s) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (pred()) return true;
    std::this_thread::sleep_for(10ms);
  }
  return pred();
}

// A GET whose response is read as its bytes arrive (net::HttpsClient returns only
// whole responses). Blocking OpenSSL with a short receive timeout, so every
// wait below ends by its deadline.
class StreamReader {
 public:
  explicit StreamReader(std::uint16_t port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    timeval tv{0, 100 * 1000};  // each SSL_read waits at most 100 ms
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    ctx_ = SSL_CTX_new(TLS_client_method());
    SSL_CTX_set_verify(ctx_, SSL_VERIFY_NONE, nullptr);
    ssl_ = SSL_new(ctx_);
    SSL_set_fd(ssl_, fd_);
  }
  ~StreamReader() {
    SSL_free(ssl_);
    SSL_CTX_free(ctx_);
    if (fd_ >= 0) ::close(fd_);
  }
  StreamReader(const StreamReader&) = delete;
  StreamReader& operator=(const StreamReader&) = delete;

  // Handshakes and sends `method target`; false if either failed.
  bool send(const std::string& target, const std::string& method = "GET") {
    if (!connected_) return false;
    auto deadline = std::chrono::steady_clock::now() + 5s;
    for (;;) {
      int rc = SSL_connect(ssl_);
      if (rc == 1) break;
      int err = SSL_get_error(ssl_, rc);
      ERR_clear_error();
      if (err != SSL_ERROR_WANT_READ || std::chrono::steady_clock::now() > deadline) return false;
    }
    std::string req =
        method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n";
    return SSL_write(ssl_, req.data(), static_cast<int>(req.size())) ==
           static_cast<int>(req.size());
  }

  // Reads until what arrived contains `needle`, the server closed, or
  // `timeout` passed; true if `needle` arrived.
  bool read_until(std::string_view needle, std::chrono::milliseconds timeout = 5s) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (text_.find(needle) == std::string::npos && !closed_ &&
           std::chrono::steady_clock::now() < deadline) {
      read_once();
    }
    return text_.find(needle) != std::string::npos;
  }

  // Reads until the server closes the connection; false after `timeout`.
  bool read_to_close(std::chrono::milliseconds timeout = 5s) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!closed_ && std::chrono::steady_clock::now() < deadline) read_once();
    return closed_;
  }

  // Goes away without a TLS close_notify, as a closed browser tab does.
  void drop() {
    ::close(fd_);
    fd_ = -1;
    closed_ = true;
  }

  const std::string& text() const { return text_; }
  // The status line and headers, names in lower case.
  std::string head_lower() const {
    std::string head = text_.substr(0, text_.find("\r\n\r\n"));
    std::transform(head.begin(), head.end(), head.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return head;
  }
  std::string body() const {
    auto end = text_.find("\r\n\r\n");
    return end == std::string::npos ? "" : text_.substr(end + 4);
  }

 private:
  void read_once() {
    char buf[4096];
    int n = SSL_read(ssl_, buf, sizeof buf);
    if (n > 0) {
      text_.append(buf, static_cast<std::size_t>(n));
      return;
    }
    int err = SSL_get_error(ssl_, n);
    ERR_clear_error();
    // WANT_READ: the receive timeout passed with nothing new. Anything else
    // (close_notify, EOF, reset) ends the connection.
    if (err != SSL_ERROR_WANT_READ) closed_ = true;
  }

  int fd_ = -1;
  bool connected_ = false;
  bool closed_ = false;
  SSL_CTX* ctx_ = nullptr;
  SSL* ssl_ = nullptr;
  std::string text_;
};

// A net::BodyStream that calls a function.
class FnStream : public net::BodyStream {
 public:
  FnStream(std::function<std::optional<std::string>()> fn, std::chrono::milliseconds interval)
      : fn_(std::move(fn)) {
    poll_interval = interval;
  }
  std::optional<std::string> next() override {
    ++calls;
    return fn_();
  }
  std::atomic<int> calls{0};

 private:
  std::function<std::optional<std::string>()> fn_;
};

net::HttpResponse event_stream(std::shared_ptr<net::BodyStream> stream, std::string first = "") {
  net::HttpResponse res;
  res.content_type = "text/event-stream";
  res.headers["X-Accel-Buffering"] = "no";
  res.body = std::move(first);
  res.stream = std::move(stream);
  return res;
}

TEST_F(Https, HealthAndVersionAreJson) {
  auto server =
      start(operator_tls(), [](const net::HttpRequest& r) { return handle_operator(r, info()); });
  net::HttpsClient client(pinned_operator(), "127.0.0.1", server->port());

  net::HttpResponse health = client.request(get("/health"));
  EXPECT_EQ(health.status, 200);
  EXPECT_EQ(health.content_type, "application/json");
  auto body = nlohmann::json::parse(health.body);
  EXPECT_EQ(body["status"], "ok");
  EXPECT_EQ(body["party"], "Test Party");

  net::HttpResponse version = client.request(get("/version?x=1"));
  EXPECT_EQ(version.status, 200);
  body = nlohmann::json::parse(version.body);
  EXPECT_EQ(body["version"], "0.1.0");
  EXPECT_EQ(body["protocol"], 1);

  net::HttpRequest head = get("/health");
  head.method = "HEAD";
  net::HttpResponse h = client.request(head);
  EXPECT_EQ(h.status, 200);
  EXPECT_TRUE(h.body.empty());
}

// A request target's query string can hold what a person wrote (an
// attachment's file name, a search), so the log shows the path only, even at
// debug level and when the handler fails (docs/threat-model.md).
TEST_F(Https, TheLogShowsNoQueryString) {
  std::ostringstream captured;
  auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(captured);
  auto previous = spdlog::default_logger();
  auto logger = std::make_shared<spdlog::logger>("capture", sink);
  logger->set_level(spdlog::level::debug);
  spdlog::set_default_logger(logger);
  {
    auto server = start(operator_tls(), [](const net::HttpRequest& r) -> net::HttpResponse {
      if (r.target.rfind("/fail", 0) == 0) throw std::runtime_error("handler failed");
      net::HttpResponse ok;
      ok.status = 200;
      ok.content_type = "application/json";
      ok.body = R"({"ok":true})";
      return ok;
    });
    net::HttpsClient client(pinned_operator(), "127.0.0.1", server->port());
    EXPECT_EQ(client.request(get("/v1/attachments?name=Informant%20K.txt")).status, 200);
    EXPECT_EQ(client.request(get("/fail?name=Informant%20K.txt")).status, 500);
    server->stop();
  }
  spdlog::set_default_logger(previous);
  const std::string log = captured.str();
  EXPECT_NE(log.find("/v1/attachments?"), std::string::npos) << log;  // the path is there
  EXPECT_NE(log.find("/fail?"), std::string::npos) << log;
  EXPECT_EQ(log.find("Informant"), std::string::npos) << log;
}

TEST_F(Https, NotFoundAndMethodNotAllowed) {
  auto server =
      start(operator_tls(), [](const net::HttpRequest& r) { return handle_operator(r, info()); });
  net::HttpsClient client(pinned_operator(), "127.0.0.1", server->port());

  net::HttpResponse missing = client.request(get("/nope"));
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(nlohmann::json::parse(missing.body)["error"]["code"], "not_found");

  net::HttpRequest post = get("/health");
  post.method = "POST";
  post.body = "{}";
  net::HttpResponse wrong = client.request(post);
  EXPECT_EQ(wrong.status, 405);
  EXPECT_EQ(nlohmann::json::parse(wrong.body)["error"]["code"], "method_not_allowed");
  EXPECT_EQ(wrong.headers["allow"], "GET, HEAD");
  EXPECT_EQ(client.connections_opened(), 1u) << "error replies keep the connection";
}

TEST_F(Https, KeepAliveReusesOneConnectionFor100Requests) {
  std::mutex mu;
  std::set<std::string> remotes;
  auto server = start(operator_tls(), [&](const net::HttpRequest& r) {
    std::lock_guard lock(mu);
    remotes.insert(r.remote_address);
    net::HttpResponse res;
    res.body = r.body;
    return res;
  });
  net::HttpsClient client(pinned_operator(), "127.0.0.1", server->port());
  for (int i = 0; i < 100; ++i) {
    net::HttpRequest r = get("/echo");
    r.method = "POST";
    r.body = "{\"i\":" + std::to_string(i) + "}";
    r.headers["content-type"] = "application/json";
    net::HttpResponse res = client.request(r);
    ASSERT_EQ(res.status, 200);
    ASSERT_EQ(res.body, r.body);
  }
  EXPECT_EQ(calls_, 100);
  EXPECT_EQ(remotes.size(), 1u);
  EXPECT_EQ(client.connections_opened(), 1u);
  EXPECT_EQ(server->stats().connections_accepted, 1u);
}

TEST_F(Https, HeadersReachTheHandlerLowercased) {
  net::HttpRequest seen;
  auto server = start(operator_tls(), [&](const net::HttpRequest& r) {
    seen = r;
    return net::HttpResponse{201, "text/plain", {{"X-Reply", "yes"}}, "made", nullptr};
  });
  net::HttpsClient client(pinned_operator(), "127.0.0.1", server->port());
  net::HttpRequest r = get("/things?a=b");
  r.method = "PUT";
  r.headers["X-Custom-Thing"] = "Value";
  r.body = "payload";
  net::HttpResponse res = client.request(r);
  EXPECT_EQ(res.status, 201);
  EXPECT_EQ(res.content_type, "text/plain");
  EXPECT_EQ(res.headers["x-reply"], "yes");
  EXPECT_EQ(res.body, "made");
  EXPECT_EQ(seen.method, "PUT");
  EXPECT_EQ(seen.target, "/things?a=b");
  EXPECT_EQ(seen.headers["x-custom-thing"], "Value");
  EXPECT_EQ(seen.body, "payload");
  EXPECT_FALSE(seen.peer_key.has_value()) << "no client certificate on the operator listener";
  EXPECT_EQ(seen.remote_address.rfind("127.0.0.1:", 0), 0u) << seen.remote_address;
}

TEST_F(Https, OversizedBodyGets413AndTheClientRecovers) {
  net::ServerOptions opts;
  opts.limits.max_body_bytes = 1024;
  auto server = start(
      operator_tls(), [](const net::HttpRequest&) { return net::HttpResponse{}; }, opts);
  net::HttpsClient client(pinned_operator(), "127.0.0.1", server->port());

  net::HttpRequest big = get("/upload");
  big.method = "POST";
  big.body.assign(2048, 'x');
  net::HttpResponse res = client.request(big);
  EXPECT_EQ(res.status, 413);
  EXPECT_EQ(nlohmann::json::parse(res.body)["error"]["code"], "payload_too_large");
  EXPECT_EQ(calls_, 0);

  big.body.assign(1024, 'x');  // exactly the limit is fine
  EXPECT_EQ(client.request(big).status, 200);
  EXPECT_EQ(calls_, 1);
}

TEST_F(Https, PerRouteBodyLimitRefusesBeforeReadingTheBody) {
  net::ServerOptions opts;
  opts.limits.max_body_bytes = 1 << 20;
  opts.limits.body_limit_for = [](const std::string& method, const std::string& target) {
    return method == "POST" && target == "/upload" ? std::size_t{1 << 20} : std::size_t{100};
  };
  int calls = 0;
  auto server = start(
      operator_tls(),
      [&calls](const net::HttpRequest&) {
        ++calls;
        return net::HttpResponse{};
      },
      opts);
  net::HttpsClient client(pinned_operator(), "127.0.0.1", server->port());

  net::HttpRequest json = get("/v1/alerts");
  json.method = "POST";
  json.body.assign(101, 'x');
  net::HttpResponse res = client.request(json);
  EXPECT_EQ(res.status, 413);
  EXPECT_NE(res.body.find("exceeds 100 bytes"), std::string::npos) << res.body;
  EXPECT_EQ(calls, 0) << "the handler never sees a refused body";

  json.body.assign(100, 'x');
  EXPECT_EQ(client.request(json).status, 200);
  net::HttpRequest upload = get("/upload");
  upload.method = "POST";
  upload.body.assign(64 * 1024, 'x');
  EXPECT_EQ(client.request(upload).status, 200);
  EXPECT_EQ(calls, 2);
}

// Issue #17, item 5: a request is refused on its header before "100
// Continue" and before any byte of its body is read.
TEST_F(Https, CheckHeadRefusesBeforeContinueAndBody) {
  net::ServerOptions opts;
  opts.limits.max_body_bytes = 100 * 1024 * 1024;
  opts.limits.check_head = [](const net::HttpRequest& head) -> std::optional<net::HttpResponse> {
    if (head.headers.count("authorization")) return std::nullopt;
    return net::json_error(401, "unauthenticated", "sign in first");
  };
  auto server = start(
      operator_tls(), [](const net::HttpRequest&) { return net::HttpResponse{}; }, opts);
  for (const std::string expect : {"Expect: 100-continue\r\n", ""}) {
    SCOPED_TRACE(expect);
    RawTls raw(server->port());
    ASSERT_TRUE(raw.handshake());
    raw.write("POST /v1/attachments HTTP/1.1\r\nHost: x\r\nContent-Length: 52428800\r\n" + expect +
              "\r\n");
    const std::string answer = raw.read_all();
    EXPECT_EQ(answer.rfind("HTTP/1.1 401", 0), 0u) << answer;
    EXPECT_EQ(answer.find("100 Continue"), std::string::npos) << answer;
  }
  EXPECT_EQ(calls_, 0);
  // With credentials the body is read as usual.
  net::HttpsClient client(pinned_operator(), "127.0.0.1", server->port());
  net::HttpRequest upload = get("/v1/attachments");
  upload.method = "POST";
  upload.headers["authorization"] = "Bearer x";
  upload.body.assign(4096, 'x');
  EXPECT_EQ(client.request(upload).status, 200);
  EXPECT_EQ(calls_, 1);
}

// Issue #17, item 5: connections are capped per source (and in all); one
// more is closed before its handshake, and a freed place can be used again.
TEST_F(Https, ConnectionsPerSourceAreCapped) {
  ::signal(SIGPIPE, SIG_IGN);  // the refused client's hello meets a closed socket
  net::ServerOptions opts;
  opts.limits.max_connections_per_source = 2;
  auto server = start(
      operator_tls(), [](const net::HttpRequest&) { return net::HttpResponse{}; }, opts);
  auto first = std::make_unique<RawTls>(server->port());
  RawTls second(server->port());
  ASSERT_TRUE(first->handshake());
  ASSERT_TRUE(second.handshake());
  {
    RawTls third(server->port());
    EXPECT_FALSE(third.handshake());
  }
  EXPECT_EQ(server->stats().connections_refused, 1u);
  first.reset();
  EXPECT_TRUE(eventually([&] { return server->stats().open_connections == 1; }));
  RawTls again(server->port());
  EXPECT_TRUE(again.handshake());
}

// Issue #17, item 5: slow handlers (password hashing) run on a pool of
// their own with a bounded queue, so the one I/O thread keeps answering;
// a full queue answers 503 at once.
TEST_F(Https, OffloadedHandlersLeaveTheIoThreadFree) {
  net::ServerOptions opts;
  opts.threads = 1;
  opts.limits.offload = [](const std::string&, const std::string& target) {
    return target == "/slow";
  };
  opts.limits.offload_threads = 1;
  opts.limits.offload_queue = 1;
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::atomic<int> slow_started{0};
  auto server = start(
      operator_tls(),
      [&](const net::HttpRequest& r) {
        if (r.target == "/slow") {
          ++slow_started;
          released.wait_for(10s);
        }
        return net::HttpResponse{};
      },
      opts);
  auto slow = [&] {
    net::HttpsClient client(pinned_operator(), "127.0.0.1", server->port());
    return client.request(get("/slow")).status;
  };
  auto a = std::async(std::launch::async, slow);
  ASSERT_TRUE(eventually([&] { return slow_started == 1; }));
  auto b = std::async(std::launch::async, slow);
  ASSERT_TRUE(eventually([&] { return server->stats().offload_pending == 2; }));
  // The pool and its queue are full: the next slow one is refused at once.
  net::HttpsClient client(pinned_operator(), "127.0.0.1", server->port());
  net::HttpResponse busy = client.request(get("/slow"));
  EXPECT_EQ(busy.status, 503);
  EXPECT_EQ(nlohmann::json::parse(busy.body)["error"]["code"], "server_busy");
  // Others are answered meanwhile, by the one I/O thread.
  const auto started = std::chrono::steady_clock::now();
  EXPECT_EQ(client.request(get("/fast")).status, 200);
  EXPECT_LT(std::chrono::steady_clock::now() - started, 2s);
  release.set_value();
  EXPECT_EQ(a.get(), 200);
  EXPECT_EQ(b.get(), 200);
  EXPECT_EQ(server->stats().offload_refused, 1u);
}

TEST_F(Https, GarbageGets400AndClose) {
  auto server = start(operator_tls(), [](const net::HttpRequest&) { return net::HttpResponse{}; });
  RawTls raw(server->port());
  ASSERT_TRUE(raw.handshake());
  raw.write(std::string("\x01\x02 this is not http \xff\r\n\r\n", 25));
  std::string reply = raw.read_all();  // returns only because the server closed
  EXPECT_EQ(reply.rfind("HTTP/1.1 400", 0), 0u) << reply;
  EXPECT_NE(reply.find("\"bad_request\""), std::string::npos) << reply;
  EXPECT_EQ(calls_, 0);
}

TEST_F(Https, Tls12OnlyClientIsRefused) {
  auto server = start(operator_tls(), [](const net::HttpRequest&) { return net::HttpResponse{}; });
  ClientTlsConfig config;
  config.insecure_skip_verify = true;
  tls::Context old = tls::client_context(config);
  SSL_CTX_set_min_proto_version(old.native(), TLS1_2_VERSION);
  SSL_CTX_set_max_proto_version(old.native(), TLS1_2_VERSION);
  net::HttpsClient client(old, "127.0.0.1", server->port());
  try {
    client.request(get("/health"));
    FAIL() << "a TLS 1.2 client got through";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), "tls_refused") << e.what();
  }
  EXPECT_EQ(calls_, 0);
  EXPECT_TRUE(eventually([&] { return server->stats().handshakes_failed >= 1; }));
}

TEST_F(Https, ClientPinnedToAnotherCertificateRefusesOperatorServer) {
  auto server = start(operator_tls(), [](const net::HttpRequest&) { return net::HttpResponse{}; });
  ClientTlsConfig config;
  config.server_cert_sha256 = tls::Sha256{};  // all zero: matches nothing
  net::HttpsClient client(config, "127.0.0.1", server->port());
  try {
    client.request(get("/health"));
    FAIL() << "pin not enforced";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), "tls_refused");
    EXPECT_NE(std::string(e.what()).find("does not match the pinned"), std::string::npos)
        << e.what();
  }
  EXPECT_EQ(calls_, 0);
}

// --- mutual TLS (peer links) -------------------------------------------------

class PeerLink : public Https {
 protected:
  Ed25519Seed server_seed = seed_of(1);
  Ed25519Seed client_seed = seed_of(2);
  Ed25519PublicKey server_pub = tls::ed25519_public_key(server_seed);
  Ed25519PublicKey client_pub = tls::ed25519_public_key(client_seed);
  std::shared_ptr<tls::PeerKeySet> allowed = std::make_shared<tls::PeerKeySet>();

  std::unique_ptr<net::HttpsServer> start_peer_listener(std::optional<Ed25519PublicKey>* seen) {
    net::ServerOptions opts;
    opts.name = "peer";
    return start(
        tls::peer_server_context(server_seed, "server party", allowed),
        [seen](const net::HttpRequest& r) {
          *seen = r.peer_key;
          return net::HttpResponse{};
        },
        opts);
  }
};

TEST_F(PeerLink, PinnedPeerIsAcceptedAndHandlerSeesItsKey) {
  allowed->allow(client_pub);
  std::optional<Ed25519PublicKey> seen;
  auto server = start_peer_listener(&seen);
  net::HttpsClient client(tls::peer_client_context(client_seed, "client party", server_pub),
                          "127.0.0.1", server->port());
  net::HttpRequest r = get("/v1/envelopes");
  r.method = "POST";
  r.body = "{}";
  EXPECT_EQ(client.request(r).status, 200);
  ASSERT_TRUE(seen.has_value());
  EXPECT_EQ(*seen, client_pub);
  EXPECT_TRUE(allowed->recent_refusals().empty());
}

TEST_F(PeerLink, UnknownClientKeyIsRefusedInTheHandshake) {
  allowed->allow(client_pub);
  Ed25519Seed stranger_seed = seed_of(3);
  Ed25519PublicKey stranger = tls::ed25519_public_key(stranger_seed);
  std::optional<Ed25519PublicKey> seen;
  auto server = start_peer_listener(&seen);

  net::HttpsClient client(tls::peer_client_context(stranger_seed, "stranger", server_pub),
                          "127.0.0.1", server->port());
  try {
    client.request(get("/v1/envelopes"));
    FAIL() << "an unknown key got through";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), "tls_refused") << e.what();
  }
  EXPECT_EQ(calls_, 0);
  ASSERT_TRUE(eventually([&] { return !allowed->recent_refusals().empty(); }));
  auto refusal = allowed->recent_refusals().front();
  ASSERT_TRUE(refusal.key.has_value());
  EXPECT_EQ(*refusal.key, stranger);
  EXPECT_NE(refusal.reason.find(base64url_encode(stranger)), std::string::npos) << refusal.reason;

  // Peers are added at runtime: once allowed, the same client gets in.
  allowed->allow(stranger);
  EXPECT_EQ(client.request(get("/v1/envelopes")).status, 200);
  ASSERT_TRUE(seen.has_value());
  EXPECT_EQ(*seen, stranger);
}

TEST_F(PeerLink, ClientWithoutCertificateIsRefused) {
  allowed->allow(client_pub);
  std::optional<Ed25519PublicKey> seen;
  auto server = start_peer_listener(&seen);
  ClientTlsConfig config;
  config.server_key = server_pub;  // pins the server, presents nothing
  net::HttpsClient client(config, "127.0.0.1", server->port());
  EXPECT_THROW(client.request(get("/")), Error);
  EXPECT_EQ(calls_, 0);
}

TEST_F(PeerLink, ClientExpectingAnotherServerKeyRefusesTheServer) {
  allowed->allow(client_pub);
  std::optional<Ed25519PublicKey> seen;
  auto server = start_peer_listener(&seen);
  Ed25519PublicKey someone_else = tls::ed25519_public_key(seed_of(9));
  net::HttpsClient client(tls::peer_client_context(client_seed, "client", someone_else),
                          "127.0.0.1", server->port());
  try {
    client.request(get("/"));
    FAIL() << "server key not pinned";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), "tls_refused");
    std::string what = e.what();
    EXPECT_NE(what.find(base64url_encode(server_pub)), std::string::npos) << what;
    EXPECT_NE(what.find(base64url_encode(someone_else)), std::string::npos) << what;
  }
  EXPECT_EQ(calls_, 0);
}

TEST_F(PeerLink, OperatorAndPeerListenersRunSideBySide) {
  allowed->allow(client_pub);
  std::optional<Ed25519PublicKey> seen;
  auto peer = start_peer_listener(&seen);
  auto op =
      start(operator_tls(), [](const net::HttpRequest& r) { return handle_operator(r, info()); });
  net::HttpsClient to_peer(tls::peer_client_context(client_seed, "c", server_pub), "127.0.0.1",
                           peer->port());
  net::HttpsClient to_op(pinned_operator(), "127.0.0.1", op->port());
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(to_peer.request(get("/")).status, 200);
    EXPECT_EQ(to_op.request(get("/health")).status, 200);
  }
  op->stop();
  EXPECT_EQ(to_peer.request(get("/")).status, 200) << "stopping one leaves the other running";
}

// --- lifecycle ---------------------------------------------------------------

TEST_F(Https, StopWithOpenConnectionsReturnsPromptly) {
  auto server = start(operator_tls(), [](const net::HttpRequest&) { return net::HttpResponse{}; });
  net::HttpsClient client(pinned_operator(), "127.0.0.1", server->port());
  EXPECT_EQ(client.request(get("/")).status, 200);  // keep-alive connection stays open
  RawTls silent(server->port());                    // TCP open, no TLS hello
  ASSERT_TRUE(silent.tcp_connected());
  ASSERT_TRUE(eventually([&] { return server->stats().open_connections == 2; }));

  auto t0 = std::chrono::steady_clock::now();
  server->stop();
  auto took = std::chrono::steady_clock::now() - t0;
  EXPECT_LT(took, 1s);
  EXPECT_EQ(server->stats().open_connections, 0u);
  EXPECT_THROW(client.request(get("/")), Error);  // nothing listens any more
}

// Pinned connections (net::ServerOptions::pin_connections, the operators'
// listener): more connections than threads are all served, each stays on
// one thread, and stop() still ends idle and silent ones at once.
TEST_F(Https, PinnedConnectionsAreAllServedAndStopPromptly) {
  net::ServerOptions opts;
  opts.threads = 2;
  opts.pin_connections = true;
  std::mutex mu;
  std::map<std::string, std::set<std::thread::id>> threads_of;  // by remote address
  auto server = start(
      operator_tls(),
      [&](const net::HttpRequest& r) {
        std::lock_guard lock(mu);
        threads_of[r.remote_address].insert(std::this_thread::get_id());
        net::HttpResponse res;
        res.body = r.body;
        return res;
      },
      opts);
  std::vector<std::future<int>> clients;
  for (int c = 0; c < 5; ++c) {
    clients.push_back(std::async(std::launch::async, [port = server->port(), c] {
      net::HttpsClient client(pinned_operator(), "127.0.0.1", port);
      int ok = 0;
      for (int i = 0; i < 20; ++i) {
        net::HttpRequest r = get("/echo");
        r.method = "POST";
        r.body = std::to_string(c) + "/" + std::to_string(i);
        auto res = client.request(r);
        ok += res.status == 200 && res.body == r.body;
      }
      return ok;
    }));
  }
  for (auto& f : clients) {
    ASSERT_EQ(f.wait_for(20s), std::future_status::ready);
    EXPECT_EQ(f.get(), 20);
  }
  EXPECT_EQ(calls_, 100);
  std::set<std::thread::id> all;
  for (const auto& [remote, ids] : threads_of) {
    EXPECT_EQ(ids.size(), 1u) << remote;  // a connection stays on its thread
    all.insert(ids.begin(), ids.end());
  }
  EXPECT_EQ(threads_of.size(), 5u);
  EXPECT_EQ(all.size(), 2u);  // and the connections are spread over both

  net::HttpsClient idle(pinned_operator(), "127.0.0.1", server->port());
  EXPECT_EQ(idle.request(get("/")).status, 200);
  RawTls silent(server->port());
  ASSERT_TRUE(silent.tcp_connected());
  auto t0 = std::chrono::steady_clock::now();
  server->stop();
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 1s);
  EXPECT_EQ(server->stats().open_connections, 0u);
}

TEST_F(Https, StopLetsTheRequestInFlightFinish) {
  std::atomic<bool> entered{false};
  auto server = start(operator_tls(), [&](const net::HttpRequest&) {
    entered = true;
    std::this_thread::sleep_for(300ms);
    return net::HttpResponse{200, "text/plain", {}, "finished", nullptr};
  });
  auto port = server->port();
  auto reply = std::async(std::launch::async, [port] {
    net::HttpsClient client(pinned_operator(), "127.0.0.1", port);
    return client.request(get("/slow"));
  });
  ASSERT_TRUE(eventually([&] { return entered.load(); }));
  server->stop();
  ASSERT_EQ(reply.wait_for(5s), std::future_status::ready);
  net::HttpResponse res = reply.get();
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(res.body, "finished");
  EXPECT_EQ(res.headers["connection"], "close");
}

TEST_F(Https, ClientErrorsNameTheProblem) {
  // Nothing listens on a port we just released.
  std::uint16_t port = 0;
  {
    auto server =
        start(operator_tls(), [](const net::HttpRequest&) { return net::HttpResponse{}; });
    port = server->port();
  }
  net::HttpsClient client(pinned_operator(), "127.0.0.1", port);
  try {
    client.request(get("/"));
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), "link_unreachable") << e.what();
  }

  // A server that accepts TCP but never answers the handshake: timeout.
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(::listen(fd, 4), 0);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  net::ClientOptions quick;
  quick.connect_timeout = 200ms;
  net::HttpsClient stuck(pinned_operator(), "127.0.0.1", ntohs(addr.sin_port), quick);
  auto t0 = std::chrono::steady_clock::now();
  try {
    stuck.request(get("/"));
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), "link_timeout") << e.what();
  }
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 2s);
  ::close(fd);
}

TEST_F(Https, ClientReconnectsAfterServerDroppedIdleConnection) {
  net::ServerOptions opts;
  opts.limits.idle_timeout = 100ms;
  auto server = start(
      operator_tls(), [](const net::HttpRequest&) { return net::HttpResponse{}; }, opts);
  net::HttpsClient client(pinned_operator(), "127.0.0.1", server->port());
  EXPECT_EQ(client.request(get("/")).status, 200);
  ASSERT_TRUE(eventually([&] { return server->stats().open_connections == 0; }));
  EXPECT_EQ(client.request(get("/")).status, 200);
  EXPECT_EQ(client.connections_opened(), 2u);
}

// --- streamed responses (Server-Sent Events) ---------------------------------

TEST_F(Https, StreamDeliversEventsInOrderThenCloses) {
  // "data: 2" waits until the test has seen "data: 1": proof that the bytes
  // arrive while the stream is still open, not in one piece at the end.
  std::atomic<bool> seen_first{false};
  std::vector<std::optional<std::string>> script = {"data: 1\n\n", "", "data: 2\n\n", std::nullopt};
  auto stream = std::make_shared<FnStream>(
      [&, i = std::size_t{0}]() mutable -> std::optional<std::string> {
        if (i == 2 && !seen_first) return "";  // held back; not part of the script
        return script.at(i++);
      },
      20ms);
  std::weak_ptr<FnStream> weak = stream;
  auto server = start(operator_tls(), [&](const net::HttpRequest&) {
    return event_stream(std::move(stream), "retry: 1000\n\n");
  });

  StreamReader reader(server->port());
  ASSERT_TRUE(reader.send("/events"));
  ASSERT_TRUE(reader.read_until("data: 1\n\n")) << reader.text();
  EXPECT_EQ(reader.text().find("data: 2"), std::string::npos);
  EXPECT_EQ(server->stats().open_streams, 1u);
  seen_first = true;
  ASSERT_TRUE(reader.read_to_close()) << "the connection ends with the stream";

  EXPECT_EQ(reader.text().rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << reader.text();
  std::string head = reader.head_lower();
  EXPECT_NE(head.find("\r\ncontent-type: text/event-stream"), std::string::npos) << head;
  EXPECT_NE(head.find("\r\ncache-control: no-store"), std::string::npos) << head;
  EXPECT_NE(head.find("\r\nconnection: close"), std::string::npos) << head;
  EXPECT_NE(head.find("\r\nx-accel-buffering: no"), std::string::npos) << head;
  EXPECT_EQ(head.find("content-length"), std::string::npos) << head;
  EXPECT_EQ(head.find("transfer-encoding"), std::string::npos) << head;
  EXPECT_EQ(reader.body(), "retry: 1000\n\ndata: 1\n\ndata: 2\n\n");
  EXPECT_TRUE(eventually([&] { return server->stats().open_streams == 0; }));
  EXPECT_TRUE(eventually([&] { return weak.expired(); })) << "the server let the stream go";
  EXPECT_EQ(calls_, 1);
}

TEST_F(Https, StopEndsAnOpenStreamPromptly) {
  // Polls once a minute and never ends: only stop() can end it. With a
  // stop_timeout longer than the wait below, stop() must end the stream
  // itself rather than wait it out.
  auto forever = std::make_shared<FnStream>([] { return std::string(); }, 60s);
  net::ServerOptions opts;
  opts.port = 0;
  opts.stop_timeout = 30s;
  net::HttpsServer server(operator_tls(), opts, [&](const net::HttpRequest&) {
    return event_stream(forever, ": hello\n\n");
  });
  server.start();

  StreamReader reader(server.port());
  ASSERT_TRUE(reader.send("/events"));
  ASSERT_TRUE(reader.read_until(": hello\n\n")) << reader.text();
  ASSERT_TRUE(eventually([&] { return server.stats().open_streams == 1; }));

  auto stopped = std::async(std::launch::async, [&] { server.stop(); });
  ASSERT_EQ(stopped.wait_for(10s), std::future_status::ready) << "stop() waited for the stream";
  EXPECT_TRUE(reader.read_to_close());
  EXPECT_EQ(server.stats().open_streams, 0u);
  EXPECT_EQ(server.stats().open_connections, 0u);
}

TEST_F(Https, ClientLeavingMidStreamIsNoticed) {
  for (bool chatty : {true, false}) {
    SCOPED_TRACE(chatty ? "stream writes every poll" : "stream has nothing to say");
    auto stream = std::make_shared<FnStream>(
        [chatty] { return std::string(chatty ? "data: tick\n\n" : ""); }, 20ms);
    std::weak_ptr<FnStream> weak = stream;
    auto server = start(operator_tls(), [&](const net::HttpRequest&) {
      return event_stream(std::move(stream), ": open\n\n");
    });
    {
      StreamReader reader(server->port());
      ASSERT_TRUE(reader.send("/events"));
      ASSERT_TRUE(reader.read_until(chatty ? "data: tick\n\n" : ": open\n\n")) << reader.text();
      ASSERT_EQ(server->stats().open_streams, 1u);
      reader.drop();
    }
    EXPECT_TRUE(eventually([&] { return server->stats().open_streams == 0; }, 5s));
    EXPECT_TRUE(eventually([&] { return server->stats().open_connections == 0; }, 5s));
    EXPECT_TRUE(eventually([&] { return weak.expired(); }, 5s));
  }
}

TEST_F(Https, StreamsBeyondMaxStreamsGet503) {
  net::ServerOptions opts;
  opts.limits.max_streams = 1;
  auto server = start(
      operator_tls(),
      [](const net::HttpRequest& r) {
        if (r.target != "/events") return net::HttpResponse{};
        return event_stream(std::make_shared<FnStream>([] { return std::string(); }, 20ms));
      },
      opts);

  auto first = std::make_unique<StreamReader>(server->port());
  ASSERT_TRUE(first->send("/events"));
  ASSERT_TRUE(first->read_until("\r\n\r\n")) << first->text();
  ASSERT_EQ(server->stats().open_streams, 1u);

  net::HttpsClient client(pinned_operator(), "127.0.0.1", server->port());
  net::HttpResponse refused = client.request(get("/events"));
  EXPECT_EQ(refused.status, 503);
  EXPECT_EQ(nlohmann::json::parse(refused.body)["error"]["code"], "too_many_streams");
  EXPECT_EQ(client.request(get("/other")).status, 200) << "other requests are not limited";
  EXPECT_EQ(client.connections_opened(), 1u) << "a refused stream keeps the connection";
  EXPECT_EQ(server->stats().open_streams, 1u);

  first->drop();
  ASSERT_TRUE(eventually([&] { return server->stats().open_streams == 0; }, 5s));
  StreamReader second(server->port());
  ASSERT_TRUE(second.send("/events"));
  ASSERT_TRUE(second.read_until("\r\n\r\n")) << second.text();
  EXPECT_EQ(second.text().rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << second.text();
}

TEST_F(Https, HeadOnAStreamedRouteSendsOnlyTheHeaders) {
  auto stream = std::make_shared<FnStream>([] { return std::string("data: x\n\n"); }, 20ms);
  auto server = start(operator_tls(),
                      [&](const net::HttpRequest&) { return event_stream(stream, ": hi\n\n"); });
  net::HttpsClient client(pinned_operator(), "127.0.0.1", server->port());
  net::HttpRequest head = get("/events");
  head.method = "HEAD";
  net::HttpResponse res = client.request(head);
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(res.content_type, "text/event-stream");
  EXPECT_EQ(res.headers["cache-control"], "no-store");
  EXPECT_EQ(res.headers.count("content-length"), 0u);
  EXPECT_TRUE(res.body.empty());
  EXPECT_EQ(client.request(head).status, 200) << "the connection stays usable";
  EXPECT_EQ(client.connections_opened(), 1u);
  EXPECT_EQ(stream->calls, 0);
  EXPECT_EQ(server->stats().open_streams, 0u);
}

TEST_F(Https, StreamThatThrowsEndsTheResponse) {
  auto stream = std::make_shared<FnStream>(
      [n = 0]() mutable -> std::optional<std::string> {
        if (n++ == 0) return "data: 1\n\n";
        throw std::runtime_error("source went away");
      },
      20ms);
  auto server =
      start(operator_tls(), [&](const net::HttpRequest&) { return event_stream(stream); });
  StreamReader reader(server->port());
  ASSERT_TRUE(reader.send("/events"));
  ASSERT_TRUE(reader.read_to_close()) << reader.text();
  EXPECT_EQ(reader.body(), "data: 1\n\n");
  EXPECT_EQ(stream->calls, 2);
  EXPECT_TRUE(eventually([&] { return server->stats().open_streams == 0; }));
}

TEST(JsonError, HasCodeAndMessage) {
  net::HttpResponse r = net::json_error(409, "seq_gap", "expected seq 7");
  EXPECT_EQ(r.status, 409);
  EXPECT_EQ(r.content_type, "application/json");
  EXPECT_EQ(r.body, R"({"error":{"code":"seq_gap","message":"expected seq 7"}})");
}

TEST(Serve, RunsUntilSigtermAndGeneratesTheCertificate) {
  std::string tmpl = (std::filesystem::temp_directory_path() / "hotline-serve-XXXXXX").string();
  std::filesystem::path dir = ::mkdtemp(tmpl.data());
  ServeOptions options;
  options.listen_port = 0;
  options.tls_cert = dir / "operator.crt";
  options.tls_key = dir / "operator.key";
  options.info = {"Serve Party", "9.9.9", "", ""};
  std::promise<std::uint16_t> listening;
  options.on_listening = [&](std::uint16_t port) { listening.set_value(port); };

  auto result = std::async(std::launch::async, [&] { return serve(options); });
  auto port_future = listening.get_future();
  ASSERT_EQ(port_future.wait_for(10s), std::future_status::ready);
  std::uint16_t port = port_future.get();
  EXPECT_TRUE(std::filesystem::exists(options.tls_key));

  ClientTlsConfig config;
  config.server_cert_sha256 = tls::certificate_sha256(read_file(options.tls_cert));
  net::HttpsClient client(config, "127.0.0.1", port);
  net::HttpResponse health = client.request(Https::get("/health"));
  EXPECT_EQ(health.status, 200);
  EXPECT_EQ(nlohmann::json::parse(health.body)["party"], "Serve Party");

  ::kill(::getpid(), SIGTERM);
  ASSERT_EQ(result.wait_for(10s), std::future_status::ready);
  EXPECT_EQ(result.get(), 0);
  std::filesystem::remove_all(dir);
}

}  // namespace https_test
}  // namespace hotline::api
