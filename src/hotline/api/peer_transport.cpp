#include "hotline/api/peer_transport.h"

#include <algorithm>

#include "hotline/api/https_client.h"
#include "hotline/common/error.h"

namespace hotline::api {
namespace {

class PeerTransport final : public link::Transport {
 public:
  PeerTransport(tls::Context ctx, std::string host, std::uint16_t port)
      : client_(std::move(ctx), std::move(host), port, options()) {}

  Reply post_envelopes(const std::string& batch) override {
    HttpRequest req;
    req.method = "POST";
    req.target = "/v1/envelopes";
    req.headers["content-type"] = "application/x-ndjson";
    req.body = batch;
    HttpResponse res = client_.request(req);
    return Reply{res.status, std::move(res.body)};
  }

 private:
  static ClientOptions options() {
    ClientOptions o;
    o.connect_timeout = std::chrono::seconds(3);
    o.read_timeout = std::chrono::seconds(20);
    return o;
  }
  HttpsClient client_;
};

}  // namespace

std::unique_ptr<link::Transport> make_peer_transport(const crypto::KeyPair& self,
                                                     const std::string& self_name,
                                                     const crypto::PublicKey& peer_key,
                                                     const std::string& url) {
  // url was validated by `peer add`: https://HOST:PORT[/]
  std::string rest = url.substr(std::string("https://").size());
  if (!rest.empty() && rest.back() == '/') rest.pop_back();
  auto colon = rest.rfind(':');
  std::string host = rest.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  auto port = static_cast<std::uint16_t>(std::stoi(rest.substr(colon + 1)));
  tls::Ed25519Seed seed{};
  std::copy(self.seed().begin(), self.seed().end(), seed.begin());
  auto ctx = tls::peer_client_context(seed, self_name, peer_key.bytes);
  return std::make_unique<PeerTransport>(std::move(ctx), host, port);
}

}  // namespace hotline::api
