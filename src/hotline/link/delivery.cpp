#include "hotline/link/delivery.h"

#include <algorithm>
#include <deque>
#include <future>
#include <memory>

#include <nlohmann/json.hpp>

#include "hotline/common/error.h"
#include "hotline/crypto/canonical_json.h"
#include "hotline/link/receipt.h"

namespace hotline::link {

using store::Direction;

DeliveryWorker::DeliveryWorker(store::Store& store, LinkContext ctx,
                               std::unique_ptr<Transport> transport, DeliveryOptions options,
                               EventFn on_event, std::function<TimePoint()> clock)
    : store_(store),
      ctx_(std::move(ctx)),
      transport_(std::move(transport)),
      opt_(options),
      on_event_(std::move(on_event)),
      clock_(std::move(clock)) {}

DeliveryWorker::~DeliveryWorker() {
  stop();
}

void DeliveryWorker::start() {
  std::lock_guard lock(mu_);
  if (thread_.joinable()) return;
  stop_ = false;
  thread_ = std::thread([this] { run(); });
}

void DeliveryWorker::stop() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void DeliveryWorker::notify() {
  {
    std::lock_guard lock(mu_);
    wake_ = true;
  }
  cv_.notify_all();
}

void DeliveryWorker::on_delivered(std::function<void(std::int64_t seq)> fn) {
  std::lock_guard lock(mu_);
  on_delivered_ = std::move(fn);
}

DeliveryStatus DeliveryWorker::status() const {
  std::lock_guard lock(mu_);
  return status_;
}

void DeliveryWorker::run() {
  while (true) {
    std::chrono::milliseconds wait = opt_.poll;
    {
      std::unique_lock lock(mu_);
      if (backoff_.count() > 0) wait = backoff_;
      cv_.wait_for(lock, wait, [&] { return stop_ || (wake_ && backoff_.count() == 0); });
      if (stop_) return;
      wake_ = false;
    }
    try {
      // Drain while there is work, then go back to waiting.
      deliver_pipelined();
    } catch (const std::exception& e) {
      record_failure(e.what());
    }
  }
}

void DeliveryWorker::record_failure(const std::string& what) {
  bool was_connected;
  {
    std::lock_guard lock(mu_);
    was_connected = status_.connected;
    status_.connected = false;
    status_.last_error = what;
    // Exponential backoff with full jitter, so that two nodes recovering at
    // once do not retry in lockstep.
    auto ceiling =
        backoff_.count() == 0 ? opt_.initial_backoff : std::min(backoff_ * 2, opt_.max_backoff);
    std::uniform_int_distribution<std::int64_t> jitter(ceiling.count() / 2, ceiling.count());
    backoff_ = std::chrono::milliseconds(jitter(rng_));
    if (backoff_.count() == 0) backoff_ = std::chrono::milliseconds(1);
  }
  if (was_connected && on_event_) on_event_("link_unreachable", what);
}

void DeliveryWorker::requeue_from(std::int64_t expected) {
  std::int64_t requeued = 0;
  {
    auto tx = store_.write();
    auto pending = tx->pending_outbox(ctx_.link, 1);
    std::int64_t first_pending =
        pending.empty() ? tx->last_seq(ctx_.link, Direction::outbound) + 1 : pending[0].seq;
    for (std::int64_t seq = std::max<std::int64_t>(expected, 1); seq < first_pending; ++seq) {
      auto env = tx->find_envelope_by_seq(ctx_.link, Direction::outbound, seq);
      if (!env) break;
      tx->enqueue_outbox(store::OutboxItem{ctx_.link, seq, env->id, 0, std::nullopt});
      ++requeued;
    }
    tx->commit();
  }
  // Receipts the peer signed for these envelopes are kept: they are the
  // evidence that the peer once held what it now says it lacks.
  if (requeued > 0 && on_event_) {
    on_event_("peer_behind", ctx_.peer_name + " asked again for seq " + std::to_string(expected) +
                                 " onwards although it had receipted them; " +
                                 std::to_string(requeued) + " envelopes queued again");
  }
}

DeliveryWorker::Batch DeliveryWorker::read_batch(std::int64_t after_seq) {
  // The head of the queue (past what is already in flight) and the
  // envelopes' exact bytes.
  Batch b;
  auto tx = store_.read();
  for (auto& it : tx->pending_outbox(ctx_.link, opt_.max_batch * 2)) {
    if (it.seq <= after_seq) continue;
    if (b.items.size() == opt_.max_batch) break;
    auto rec = tx->find_envelope(it.envelope_id);
    if (!rec)
      throw Error("store_inconsistent", "queued envelope " + it.envelope_id + " is missing");
    b.envelopes.push_back(std::move(*rec));
    b.items.push_back(std::move(it));
  }
  tx->commit();
  return b;
}

std::string DeliveryWorker::body_of(const Batch& b) {
  std::string body;
  for (const auto& e : b.envelopes) {
    body += e.canonical;
    body += '\n';
  }
  return body;
}

Transport::Reply DeliveryWorker::send(const Batch& b) {
  return transport_->post_envelopes(body_of(b));
}

std::size_t DeliveryWorker::deliver_once() {
  Batch b = read_batch(0);
  if (b.items.empty()) return 0;
  return process_reply(b, send(b));
}

// Keeps up to `depth` batches on the wire (each on a connection of its own,
// so the receiver always has the next one), and stores the receipts of each
// answered batch on another thread while the next answers come in. Answers
// are taken in seq order. A partial batch first in line means the queue is
// empty: it is sent on this thread when its answer is awaited, alone.
std::size_t DeliveryWorker::deliver_pipelined() {
  const std::size_t depth =
      std::max<std::size_t>(1, std::min(opt_.max_in_flight, transport_->max_in_flight()));
  struct InFlight {
    Batch batch;
    std::future<Transport::Reply> reply;
    bool sending;  // on its own thread now (else sent when its answer is awaited)
  };
  std::deque<InFlight> flight;
  std::future<std::size_t> previous;  // the last answered batch's receipts being stored
  std::size_t total = 0;
  std::int64_t sent_through = 0;
  auto collect = [&] {
    if (previous.valid()) total += previous.get();
  };
  try {
    while (true) {
      bool stopping;
      {
        std::lock_guard lock(mu_);
        stopping = stop_;
      }
      while (!stopping && flight.size() < depth && (flight.empty() || flight.back().sending)) {
        Batch b = read_batch(sent_through);
        if (b.items.empty()) break;
        sent_through = b.items.back().seq;
        // On its own thread when another batch may follow it, or follows one.
        const bool overlap = depth > 1 && (!flight.empty() || b.items.size() == opt_.max_batch);
        auto body = std::make_shared<std::string>(body_of(b));
        auto reply = std::async(overlap ? std::launch::async : std::launch::deferred,
                                [this, body] { return transport_->post_envelopes(*body); });
        flight.push_back(InFlight{std::move(b), std::move(reply), overlap});
      }
      if (flight.empty()) {
        if (!previous.valid()) break;
        // Receipts still being stored: once they are, look at the queue again.
        collect();
        continue;
      }
      InFlight f = std::move(flight.front());
      flight.pop_front();
      Transport::Reply reply = f.reply.get();
      collect();
      previous =
          std::async(std::launch::async, [this, batch = std::move(f.batch), r = std::move(reply)] {
            return process_reply(batch, r);
          });
      if (stopping && flight.empty()) break;
    }
    collect();
  } catch (...) {
    // Every thread started here uses this worker: wait for them all. The
    // queue keeps whatever was not receipted; the next round starts from its
    // head.
    for (auto& f : flight) {
      if (f.sending && f.reply.valid()) f.reply.wait();  // a deferred one is never sent
    }
    if (previous.valid()) previous.wait();
    throw;
  }
  return total;
}

std::size_t DeliveryWorker::process_reply(const Batch& b, const Transport::Reply& reply) {
  const auto& items = b.items;
  const auto& envelopes = b.envelopes;
  nlohmann::json doc;
  try {
    doc = crypto::parse_strict(reply.body);  // strict, and faster than nlohmann's parser
  } catch (const std::exception&) {
    throw Error("peer_bad_reply", "peer answered HTTP " + std::to_string(reply.status) +
                                      " with a body that is not JSON");
  }
  if (!doc.is_object() || !doc.contains("receipts") || !doc["receipts"].is_array()) {
    std::string msg = "peer answered HTTP " + std::to_string(reply.status);
    if (doc.is_object() && doc.contains("error") && doc["error"].is_object()) {
      msg += ": " + doc["error"].value("code", std::string()) + ": " +
             doc["error"].value("message", std::string());
    }
    throw Error("peer_refused", msg);
  }

  // Verify every receipt before storing any: a bad one is the peer's bug or
  // an attack, and must not remove anything from the queue.
  const auto& receipts = doc["receipts"];
  if (receipts.size() > items.size())
    throw Error("peer_bad_reply", "peer sent more receipts than envelopes");
  const TimePoint now = clock_();
  std::vector<store::ReceiptRecord> records;
  std::int64_t skew_flags = 0;
  for (std::size_t i = 0; i < receipts.size(); ++i) {
    Receipt r = receipt_from_json(receipts[i]);
    verify_signature(r, ctx_.peer);
    const auto& env = envelopes[i];
    if (r.link != ctx_.link || r.seq != env.seq || r.envelope != env.digest ||
        r.envelope_id != env.id) {
      throw Error("peer_bad_reply", "receipt " + std::to_string(i) +
                                        " does not match envelope seq " + std::to_string(env.seq));
    }
    auto skew =
        std::chrono::duration_cast<std::chrono::milliseconds>(parse_timestamp(r.received_at) - now)
            .count();
    // The receipt cannot be older than the envelope it receipts, nor in our
    // future: either means the two clocks disagree beyond the agreement.
    auto sent = parse_timestamp(env.sent_at);
    auto before_send =
        std::chrono::duration_cast<std::chrono::milliseconds>(sent - parse_timestamp(r.received_at))
            .count();
    if (skew > opt_.clock_tolerance_ms || before_send > opt_.clock_tolerance_ms) {
      ++skew_flags;
      if (on_event_) {
        on_event_("receipt_clock_skew", "receipt for seq " + std::to_string(r.seq) +
                                            " says received_at " + r.received_at +
                                            ", outside the agreed tolerance of " +
                                            std::to_string(opt_.clock_tolerance_ms) + " ms");
      }
    }
    records.push_back(store::ReceiptRecord{ctx_.link, Direction::outbound, r.seq, r.envelope,
                                           r.received_at, r.index, canonical(r)});
  }
  {
    auto tx = store_.write();
    for (const auto& rec : records) {
      if (!tx->find_receipt(ctx_.link, Direction::outbound, rec.seq)) tx->insert_receipt(rec);
      tx->remove_outbox(ctx_.link, rec.seq);
    }
    tx->commit();
  }

  bool came_up = false;
  std::function<void(std::int64_t)> delivered_fn;
  {
    std::lock_guard lock(mu_);
    delivered_fn = on_delivered_;
    came_up = !status_.connected;
    status_.connected = true;
    status_.last_contact = format_timestamp(now);
    status_.delivered += static_cast<std::int64_t>(records.size());
    status_.skew_flags += skew_flags;
    backoff_ = std::chrono::milliseconds(0);
    if (!doc["error"].is_null())
      status_.last_error = doc["error"].dump();
    else
      status_.last_error.reset();
  }
  if (came_up && on_event_) on_event_("link_reachable", "delivering to " + ctx_.peer_name);
  if (delivered_fn && !records.empty()) delivered_fn(records.back().seq);

  if (!doc["error"].is_null()) {
    const auto& err = doc["error"];
    std::string code = err.value("code", std::string("unknown"));
    // The peer is behind us (say, restored from a backup): send again from
    // where it stands. Our envelopes are kept, so nothing is lost.
    if (code == "seq_gap" && err.contains("expected_seq") &&
        err["expected_seq"].is_number_integer()) {
      auto expected = err["expected_seq"].get<std::int64_t>();
      requeue_from(expected);
    }
    throw Error("peer_refused", "peer refused envelope seq " +
                                    std::to_string(envelopes[records.size()].seq) + ": " + code +
                                    ": " + err.value("message", std::string()));
  }
  return records.size();
}

}  // namespace hotline::link
