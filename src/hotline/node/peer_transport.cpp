#include "hotline/node/peer_transport.h"

#include <algorithm>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <vector>

#include "hotline/common/error.h"
#include "hotline/common/time.h"
#include "hotline/crypto/random.h"
#include "hotline/net/https_client.h"
#include "hotline/service/link_support.h"

namespace hotline::node {
namespace {

// Two keep-alive connections, so that the delivery worker can have two
// batches in flight (link::DeliveryOptions::max_in_flight); a call takes
// whichever is free.
class PeerTransport final : public link::Transport {
 public:
  static constexpr std::size_t kConnections = 2;

  PeerTransport(tls::Context ctx, std::string host, std::uint16_t port) {
    for (std::size_t i = 0; i < kConnections; ++i) {
      clients_.push_back(std::make_unique<net::HttpsClient>(ctx, host, port, options()));
      free_.push_back(clients_.back().get());
    }
  }

  Reply post_envelopes(const std::string& batch) override {
    net::HttpsClient* client = take();
    struct Return {
      PeerTransport& t;
      net::HttpsClient* c;
      ~Return() { t.give_back(c); }
    } give_back_later{*this, client};
    net::HttpRequest req;
    req.method = "POST";
    req.target = "/v1/envelopes";
    req.headers["content-type"] = "application/x-ndjson";
    req.body = batch;
    net::HttpResponse res = client->request(req);
    return Reply{res.status, std::move(res.body)};
  }

  std::size_t max_in_flight() const override { return kConnections; }

  static net::ClientOptions options() {
    net::ClientOptions o;
    o.connect_timeout = std::chrono::seconds(3);
    o.read_timeout =
        std::chrono::seconds(10);  // a batch takes milliseconds; a stall shows within 10 s
    return o;
  }

 private:
  net::HttpsClient* take() {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return !free_.empty(); });
    net::HttpsClient* c = free_.back();
    free_.pop_back();
    return c;
  }
  void give_back(net::HttpsClient* c) {
    {
      std::lock_guard lock(mu_);
      free_.push_back(c);
    }
    cv_.notify_one();
  }

  std::vector<std::unique_ptr<net::HttpsClient>> clients_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<net::HttpsClient*> free_;
};

tls::Context peer_context(const crypto::KeyPair& self, const std::string& self_name,
                          std::shared_ptr<tls::PeerKeySet> peer_keys) {
  tls::Ed25519Seed seed{};
  crypto::WipeOnExit wipe_seed(seed);  // a private key copy: gone with the scope
  std::copy(self.seed().begin(), self.seed().end(), seed.begin());
  return tls::peer_client_context(seed, self_name, std::move(peer_keys));
}

}  // namespace

std::vector<tls::Ed25519PublicKey> peer_tls_keys(const service::Node& node,
                                                 const store::PeerRecord& p) {
  std::vector<tls::Ed25519PublicKey> out;
  for (const auto& k : service::peer_key_ring(node, p)->get()->tls_keys(format_timestamp(now_ms())))
    out.push_back(k.bytes);
  return out;
}

std::unique_ptr<link::Transport> make_peer_transport(const crypto::KeyPair& self,
                                                     const std::string& self_name,
                                                     std::shared_ptr<tls::PeerKeySet> peer_keys,
                                                     const std::string& url) {
  auto hp = service::parse_peer_url(url);
  return std::make_unique<PeerTransport>(peer_context(self, self_name, std::move(peer_keys)),
                                         hp.host, hp.port);
}

std::unique_ptr<net::HttpsClient> make_peer_client(const crypto::KeyPair& self,
                                                   const std::string& self_name,
                                                   std::shared_ptr<tls::PeerKeySet> peer_keys,
                                                   const std::string& url) {
  auto hp = service::parse_peer_url(url);
  return std::make_unique<net::HttpsClient>(peer_context(self, self_name, std::move(peer_keys)),
                                            hp.host, hp.port, PeerTransport::options());
}

}  // namespace hotline::node
