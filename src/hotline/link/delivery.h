// The delivery worker of one link: sends the outbox in seq order and
// collects receipts (docs/protocol.md §4.4).
//
// Invariant: an outbox item is removed only in the transaction that stores
// its verified receipt. A crash at any point therefore leaves the item
// queued, it is sent again, and the receiver answers a duplicate with its
// original receipt: at-least-once on the wire, exactly-once in effect.
//
// Ownership and threads: the node owns one DeliveryWorker per link
// (NodeServer). The worker owns its Transport and its threads: a
// "delivery" thread between start() and stop(), and while it sends, a
// "link-send" thread per batch on the wire (Transport::post_envelopes()) and
// a "receipts" thread that checks and stores the answers. The Store must
// outlive the worker; stop() (or the destructor) joins every thread it
// started, so nothing runs after it returns.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "hotline/common/time.h"
#include "hotline/link/link_context.h"
#include "hotline/store/store.h"

namespace hotline::link {

// How envelopes reach the peer. The node implements it over mutual TLS
// (node/peer_transport); tests may implement it in-process.
class Transport {
 public:
  struct Reply {
    int status = 0;
    std::string body;
  };
  virtual ~Transport() = default;
  // POSTs an NDJSON batch to the peer's /v1/envelopes. Throws hotline::Error
  // when the peer cannot be reached. Called from the worker's threads, up
  // to max_in_flight() calls at once: an implementation that allows more
  // than one must be thread-safe for that many.
  virtual Reply post_envelopes(const std::string& batch) = 0;
  // How many post_envelopes() calls may run at once (on other threads).
  virtual std::size_t max_in_flight() const { return 1; }
};

struct DeliveryOptions {
  // Envelopes per batch: fewer, larger batches cost less per envelope at
  // both ends (one transaction, one receipt signature, one round trip);
  // 512 measured ~15 % faster than 256 (docs/benchmarks-history.md).
  std::size_t max_batch = 512;
  // And bytes per batch (the request body: each envelope and its newline),
  // within the smallest body limit a peer may set (--max-body-mib 1). A
  // batch always holds at least one envelope.
  std::size_t max_batch_bytes = 1024 * 1024;
  // Full batches sent before the first one's receipts are back (at most the
  // transport's max_in_flight()): the receiver checks batch n+1's
  // signatures while it stores batch n, and never waits for our next one.
  std::size_t max_in_flight = 2;
  std::chrono::milliseconds poll{200};  // picks up items queued by other processes
  std::chrono::milliseconds initial_backoff{100};
  std::chrono::milliseconds max_backoff{30'000};
  std::int64_t clock_tolerance_ms = 5000;
};

struct DeliveryStatus {
  bool connected = false;  // the last exchange with the peer succeeded
  std::optional<std::string> last_contact;
  std::optional<std::string> last_error;
  std::int64_t delivered = 0;   // receipts collected since start
  std::int64_t skew_flags = 0;  // receipts whose received_at was out of tolerance
};

// Something worth an operator's attention (link up/down, clock skew, a peer
// refusing an envelope). The node records it and logs it. Called on the
// worker's threads ("delivery" or "receipts"), one call at a time, with no
// lock of the worker held; it must not call the worker's stop().
using EventFn = std::function<void(const std::string& kind, const std::string& detail)>;

class DeliveryWorker {
 public:
  DeliveryWorker(
      store::Store& store, LinkContext ctx, std::unique_ptr<Transport> transport,
      DeliveryOptions options, EventFn on_event,
      std::function<TimePoint()> clock = [] { return now_ms(); });
  ~DeliveryWorker();
  DeliveryWorker(const DeliveryWorker&) = delete;
  DeliveryWorker& operator=(const DeliveryWorker&) = delete;

  // start(), stop(), notify(), on_delivered() and status() are thread-safe.
  // start() after stop() starts again; both are idempotent.
  void start();
  void stop();    // returns after the current exchange ends and its threads are joined
  void notify();  // something was queued: send now
  // Called after receipts up to `seq` are stored, on the thread that stored
  // them ("receipts", or the caller of deliver_once()).
  void on_delivered(std::function<void(std::int64_t seq)> fn);
  DeliveryStatus status() const;
  const LinkContext& context() const { return ctx_; }

  // One round: send up to max_batch queued envelopes and store their
  // receipts, on the calling thread. Returns the number receipted. For tests
  // and benches, on a worker that is not started.
  std::size_t deliver_once();

 private:
  struct Batch {
    std::vector<store::OutboxItem> items;
    std::vector<store::EnvelopeRecord> envelopes;
    bool full = false;  // a cap (count or bytes) ended it: more may be queued
  };
  Batch read_batch(std::int64_t after_seq);
  static std::string body_of(const Batch& b);
  Transport::Reply send(const Batch& b);
  // The link's metrics (link_metrics.h): a batch posted; receipts stored
  // for its first `receipted` envelopes.
  void count_sent(const Batch& b, const std::string& body) const;
  void count_delivered(const Batch& b, std::size_t receipted) const;
  std::size_t process_reply(const Batch& b, const Transport::Reply& reply);
  std::size_t deliver_pipelined();
  void run();
  void record_failure(const std::string& what);
  void requeue_from(std::int64_t expected_seq);

  store::Store& store_;
  LinkContext ctx_;
  std::unique_ptr<Transport> transport_;
  DeliveryOptions opt_;
  EventFn on_event_;
  std::function<TimePoint()> clock_;
  std::function<void(std::int64_t)> on_delivered_;

  // mu_ guards on_delivered_ and the members below but thread_.
  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  bool wake_ = false;
  DeliveryStatus status_;
  std::chrono::milliseconds backoff_{0};
  std::mt19937_64 rng_{std::random_device{}()};
  std::thread thread_;
};

}  // namespace hotline::link
