// Bad input on the peer listener of a real `hotline serve` (bravo): the test
// talks to it directly with net::HttpsClient over mutual TLS as alpha (whose
// key bravo has pinned), and as a stranger. Each refusal must carry the
// documented status and error code and leave bravo's store as it was.
//
// Only bravo runs: alpha's own delivery worker must not send seq 1 first.
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "hotline/common/encoding.h"
#include "hotline/crypto/random.h"
#include "hotline/link/receipt.h"
#include "hotline/net/https_client.h"
#include "hotline/tls/context.h"
#include "link_harness.h"

namespace hotline::it {
namespace link_bad_input_test {

tls::Ed25519Seed seed_of(const crypto::KeyPair& k) {
  tls::Ed25519Seed s{};
  std::copy(k.seed().begin(), k.seed().end(), s.begin());
  return s;
}

struct Reply {
  int status = 0;
  nlohmann::json doc;
  std::string body;
};

class LinkBadInput : public TwoNodes {
 protected:
  void SetUp() override {
    Options o;
    o.max_body_mib = 1;
    o.peer_bravo_on_alpha = false;  // alpha never runs here anyway
    ASSERT_NO_FATAL_FAILURE(setup(o));
    ASSERT_NO_FATAL_FAILURE(start(kBravo));
    alpha_ = std::make_unique<crypto::KeyPair>(crypto::KeyPair::load(dir(kAlpha) / "identity.key"));
    bravo_pub_ = service::read_public_key(dir(kBravo));
    link_ = link::link_id(alpha_->public_key(), bravo_pub_);
    bravo_ = std::make_unique<service::Node>(service::open_node(dir(kBravo)));
    // bravo queues one heartbeat for alpha when it starts; let it settle so
    // the "nothing changed" comparisons see a still store.
    ASSERT_TRUE(testing::eventually([&] { return counts().last_out >= 1; }, 10s))
        << "bravo never queued its start-up heartbeat: " << counts().str();
    // ... and whatever else it queues at start (a signed tree head): wait
    // until its store is still for a second.
    auto last = counts();
    auto still_since = Clock::now();
    auto deadline = Clock::now() + 10s;
    while (Clock::now() - still_since < 1s && Clock::now() < deadline) {
      std::this_thread::sleep_for(100ms);
      auto c = counts();
      if (!(c == last)) still_since = Clock::now();
      last = c;
    }
    ASSERT_LT(Clock::now(), deadline) << "bravo's store never became still";
    client_ = make_client(*alpha_, "alpha");
  }

  void TearDown() override {
    client_.reset();
    bravo_.reset();
    TwoNodes::TearDown();
  }

  std::unique_ptr<net::HttpsClient> make_client(const crypto::KeyPair& who,
                                                const std::string& name) {
    net::ClientOptions co;
    co.connect_timeout = 5s;
    co.read_timeout = 15s;
    return std::make_unique<net::HttpsClient>(
        tls::peer_client_context(seed_of(who), name, bravo_pub_.bytes), "127.0.0.1",
        node(kBravo).peer_port, co);
  }

  LinkCounts counts() { return link_counts(*bravo_->store, link_); }

  Reply post(const std::string& body, net::HttpsClient* client = nullptr) {
    net::HttpRequest req;
    req.method = "POST";
    req.target = "/v1/envelopes";
    req.headers["content-type"] = "application/x-ndjson";
    req.body = body;
    auto res = (client ? client : client_.get())->request(req);
    Reply r;
    r.status = res.status;
    r.body = res.body;
    try {
      r.doc = nlohmann::json::parse(res.body);
    } catch (const std::exception&) {
      r.doc = nlohmann::json{{"unparsable", res.body}};
    }
    return r;
  }

  // An envelope from alpha to bravo, sealed with alpha's key.
  link::Envelope envelope(std::int64_t seq, const std::string& prev, const std::string& text) {
    link::Envelope e;
    e.id = crypto::new_id();
    e.link = link_;
    e.from = alpha_->public_key().encoded();
    e.to = bravo_pub_.encoded();
    e.seq = seq;
    e.prev = prev;
    e.sent_at = format_timestamp(now_ms());
    e.type = service::kDeskMessage;
    e.body = {{"text", text}};
    return e;
  }
  std::string sealed(std::int64_t seq, const std::string& prev, const std::string& text) {
    return link::canonical(link::seal(envelope(seq, prev, text), *alpha_));
  }
  static std::string replace_once(std::string s, const std::string& from, const std::string& to) {
    auto at = s.find(from);
    EXPECT_NE(at, std::string::npos) << "'" << from << "' not in " << s;
    if (at != std::string::npos) s.replace(at, from.size(), to);
    return s;
  }

  // Posts `body`, expects the status and error code, no receipt, and that
  // bravo stored nothing.
  void expect_refused(const std::string& what, const std::string& body, int status,
                      const std::string& code, std::optional<std::int64_t> expected_seq = {}) {
    SCOPED_TRACE(what);
    auto before = counts();
    Reply r;
    try {
      r = post(body);
    } catch (const Error& e) {
      ADD_FAILURE() << what << ": request threw " << e.code() << ": " << e.what();
      return;
    }
    EXPECT_EQ(r.status, status) << r.body;
    ASSERT_TRUE(r.doc.contains("error") && r.doc["error"].is_object()) << r.body;
    EXPECT_EQ(r.doc["error"].value("code", ""), code) << r.body;
    EXPECT_FALSE(r.doc["error"].value("message", "").empty()) << r.body;
    if (expected_seq) {
      EXPECT_EQ(r.doc["error"].value("expected_seq", std::int64_t{-1}), *expected_seq) << r.body;
    }
    if (r.doc.contains("receipts")) {
      EXPECT_TRUE(r.doc["receipts"].empty()) << r.body;
    }
    auto after = counts();
    EXPECT_EQ(after.envelopes, before.envelopes)
        << "bravo's store changed: " << before.str() << " -> " << after.str();
    EXPECT_EQ(after.last_in, before.last_in);
  }

  std::unique_ptr<crypto::KeyPair> alpha_;
  crypto::PublicKey bravo_pub_;
  std::string link_;
  std::unique_ptr<service::Node> bravo_;
  std::unique_ptr<net::HttpsClient> client_;
};

const std::string kGenesis(link::kGenesisPrev);

TEST_F(LinkBadInput, MalformedEnvelopesAreRefusedAndChangeNothing) {
  const std::string good = sealed(1, kGenesis, "hello bravo");
  ASSERT_NE(good.find("\"seq\":1,"), std::string::npos) << good;

  expect_refused("malformed JSON", "{\"v\":1,", 400, "json_malformed");
  expect_refused("a float", replace_once(good, "\"seq\":1,", "\"seq\":1.0,"), 400, "json_float");
  expect_refused("not canonical (whitespace)", replace_once(good, "{", "{ "), 400,
                 "envelope_not_canonical");
  {
    auto j = nlohmann::json::parse(good);
    j.erase("type");
    expect_refused("missing field", j.dump(), 400, "envelope_missing_field");
  }
  {
    auto e = envelope(1, kGenesis, "version two");
    auto j = nlohmann::json::parse(link::canonical(link::seal(e, *alpha_)));
    j["v"] = 2;
    expect_refused("unknown version", j.dump(), 400, "envelope_unknown_version");
  }
  {
    // From alpha, but signed by another key.
    auto mallory = crypto::KeyPair::generate();
    auto e = envelope(1, kGenesis, "forged");
    e.sig = crypto::encode_signature(mallory.sign(link::signing_input(e)));
    expect_refused("bad signature", link::canonical(e), 403, "envelope_bad_signature");
  }
  {
    // Correctly signed by alpha, for a link that is not alpha<->bravo.
    auto other = crypto::KeyPair::generate();
    auto e = envelope(1, kGenesis, "wrong link");
    e.link = link::link_id(alpha_->public_key(), other.public_key());
    expect_refused("wrong link id", link::canonical(link::seal(e, *alpha_)), 403, "link_mismatch");
  }
  expect_refused("a gap", sealed(5, std::string(64, 'a'), "seq five"), 409, "seq_gap", 1);
  expect_refused("empty body", "", 400, "batch_empty");
  {
    // bravo serves with --max-body-mib 1.
    SCOPED_TRACE("oversized body");
    auto before = counts();
    std::string big;
    big.reserve(2 * 1024 * 1024);
    while (big.size() < 2u * 1024 * 1024) big += good + "\n";
    try {
      auto r = post(big);
      EXPECT_EQ(r.status, 413) << r.body.substr(0, 300);
      EXPECT_EQ(r.doc.value("error", nlohmann::json::object()).value("code", ""),
                "payload_too_large")
          << r.body.substr(0, 300);
    } catch (const Error& e) {
      ADD_FAILURE() << "a 2 MiB body got no 413 answer; the request threw " << e.code() << ": "
                    << e.what();
    }
    auto after = counts();
    EXPECT_EQ(after, before) << before.str() << " -> " << after.str();
  }
  // After all that, the client still works and nothing was stored.
  EXPECT_EQ(counts().last_in, 0);
}

TEST_F(LinkBadInput, DuplicatesConflictsAndBrokenChains) {
  const std::string first = sealed(1, kGenesis, "first");
  const std::string first_digest = to_hex(crypto::sha256(first));
  auto c0 = counts();

  auto r1 = post(first);
  ASSERT_EQ(r1.status, 200) << r1.body;
  ASSERT_TRUE(r1.doc["error"].is_null()) << r1.body;
  ASSERT_EQ(r1.doc["receipts"].size(), 1u) << r1.body;
  auto c1 = counts();
  EXPECT_EQ(c1.last_in, 1);
  EXPECT_EQ(c1.envelopes, c0.envelopes + 1);
  const std::string receipt_text = r1.doc["receipts"][0].dump();
  auto receipt = link::parse_receipt(receipt_text);
  EXPECT_NO_THROW(link::verify_signature(receipt, bravo_pub_));
  EXPECT_EQ(receipt.envelope, first_digest);
  EXPECT_EQ(receipt.seq, 1);
  EXPECT_EQ(receipt.link, link_);
  auto stored = bravo_->store->snapshot(
      [&](store::Transaction& tx) { return tx.find_receipt(link_, store::Direction::inbound, 1); });
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(stored->canonical, receipt_text) << "the receipt sent is not the one stored";

  // The same envelope again: the original receipt, byte for byte; nothing new.
  auto r2 = post(first);
  EXPECT_EQ(r2.status, 200) << r2.body;
  EXPECT_TRUE(r2.doc["error"].is_null()) << r2.body;
  ASSERT_EQ(r2.doc["receipts"].size(), 1u) << r2.body;
  EXPECT_EQ(r2.doc["receipts"][0].dump(), receipt_text);
  EXPECT_EQ(counts(), c1);

  // Another envelope claiming seq 1: the peer rewriting history.
  expect_refused("conflict", sealed(1, kGenesis, "a different first"), 409, "envelope_conflict");
  // seq 2 that does not chain to seq 1.
  expect_refused("wrong prev", sealed(2, std::string(64, 'b'), "unchained"), 409, "prev_mismatch",
                 2);
  expect_refused("a gap after 1", sealed(4, first_digest, "seq four"), 409, "seq_gap", 2);

  // A batch whose second line is refused: the first is stored and receipted.
  const std::string second = sealed(2, first_digest, "second");
  const std::string bad_third = sealed(3, std::string(64, 'c'), "third");
  auto r3 = post(second + "\n" + bad_third + "\n");
  EXPECT_EQ(r3.status, 409) << r3.body;
  EXPECT_EQ(r3.doc["error"].value("code", ""), "prev_mismatch") << r3.body;
  EXPECT_EQ(r3.doc["error"].value("line", -1), 1) << r3.body;
  EXPECT_EQ(r3.doc["receipts"].size(), 1u) << r3.body;
  auto c3 = counts();
  EXPECT_EQ(c3.last_in, 2);
  EXPECT_EQ(c3.envelopes, c1.envelopes + 1);

  // What bravo holds is an intact chain with receipts, and the desk
  // messages "first" and "second", once each.
  auto tx = bravo_->store->read();
  auto rep =
      link::check_chain(*tx, link_, store::Direction::inbound, alpha_->public_key(), bravo_pub_);
  EXPECT_TRUE(rep.ok()) << first_findings(rep);
  EXPECT_EQ(rep.envelopes, 2);
  EXPECT_EQ(rep.receipts, 2);
  std::vector<std::string> texts;
  for (const auto& m : tx->list_desk_messages(link_, 100))
    if (m.direction == store::Direction::inbound) texts.push_back(m.text);
  EXPECT_EQ(texts, (std::vector<std::string>{"first", "second"}));
}

TEST_F(LinkBadInput, UnknownPeerIsRefusedInTheHandshake) {
  auto stranger = crypto::KeyPair::generate();
  auto client = make_client(stranger, "mallory");
  auto before = counts();
  // Even a well-formed envelope: the stranger never gets to send it.
  auto e = envelope(1, kGenesis, "let me in");
  e.from = stranger.public_key().encoded();
  std::string body = link::canonical(link::seal(e, stranger));
  try {
    auto r = post(body, client.get());
    ADD_FAILURE() << "an unknown key got an HTTP answer: " << r.status << " " << r.body;
  } catch (const Error& err) {
    EXPECT_EQ(err.code(), "tls_refused") << err.what();
  }
  const std::string key = stranger.public_key().encoded();
  EXPECT_TRUE(testing::eventually(
      [&] {
        auto l = log(kBravo);
        return l.find("event=peer_refused") != std::string::npos &&
               l.find(key) != std::string::npos;
      },
      5s))
      << "bravo's log does not show the refusal of " << key;
  EXPECT_EQ(counts(), before);
  // Alpha, on the other hand, is let in.
  auto r = post(sealed(1, kGenesis, "alpha is known"));
  EXPECT_EQ(r.status, 200) << r.body;
}

}  // namespace link_bad_input_test
}  // namespace hotline::it
