#include "hotline/api/peer_transport.h"

#include <algorithm>

#include "hotline/api/https_client.h"
#include "hotline/common/error.h"
#include "hotline/service/link_service.h"

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

  static ClientOptions options() {
    ClientOptions o;
    o.connect_timeout = std::chrono::seconds(3);
    o.read_timeout =
        std::chrono::seconds(10);  // a batch takes milliseconds; a stall shows within 10 s
    return o;
  }

 private:
  HttpsClient client_;
};

tls::Context peer_context(const crypto::KeyPair& self, const std::string& self_name,
                          const crypto::PublicKey& peer_key) {
  tls::Ed25519Seed seed{};
  std::copy(self.seed().begin(), self.seed().end(), seed.begin());
  return tls::peer_client_context(seed, self_name, peer_key.bytes);
}

}  // namespace

std::unique_ptr<link::Transport> make_peer_transport(const crypto::KeyPair& self,
                                                     const std::string& self_name,
                                                     const crypto::PublicKey& peer_key,
                                                     const std::string& url) {
  auto hp = service::parse_peer_url(url);
  return std::make_unique<PeerTransport>(peer_context(self, self_name, peer_key), hp.host, hp.port);
}

std::unique_ptr<HttpsClient> make_peer_client(const crypto::KeyPair& self,
                                              const std::string& self_name,
                                              const crypto::PublicKey& peer_key,
                                              const std::string& url) {
  auto hp = service::parse_peer_url(url);
  return std::make_unique<HttpsClient>(peer_context(self, self_name, peer_key), hp.host, hp.port,
                                       PeerTransport::options());
}

}  // namespace hotline::api
