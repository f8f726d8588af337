#include "hotline/link/link_metrics.h"

#include <array>
#include <atomic>
#include <functional>
#include <map>
#include <mutex>
#include <string>

namespace hotline::link {
namespace {

struct Entry {
  std::string peer;
  LinkMetrics metrics;
};

// More peers than this are looked up under the mutex (an office has a few).
constexpr std::size_t kSlots = 256;
std::array<std::atomic<Entry*>, kSlots> g_slots{};
std::mutex g_mu;

Entry* find(std::string_view peer) {
  for (auto& slot : g_slots) {
    Entry* e = slot.load(std::memory_order_acquire);
    if (!e) return nullptr;
    if (e->peer == peer) return e;
  }
  return nullptr;
}

Entry* make(std::string_view name) {
  auto& r = metrics::Registry::global();
  const metrics::Labels peer = {{"peer", std::string(name)}};
  return new Entry{
      std::string(name),
      LinkMetrics{
          r.counter("hotline_link_envelopes_sent_total",
                    "Envelopes posted to the peer by this process (a retry counts again)", peer),
          r.counter("hotline_link_sent_bytes_total",
                    "Bytes of envelope batches posted to the peer by this process", peer),
          r.counter("hotline_link_envelopes_received_total",
                    "Envelopes from the peer stored by this process (duplicates not counted)",
                    peer),
          r.counter("hotline_link_received_bytes_total",
                    "Bytes of envelope batches received from the peer by this process", peer),
          r.histogram("hotline_link_delivery_seconds",
                      "From an envelope's sent_at (queued) to its receipt stored, this process",
                      metrics::delivery_seconds_buckets(), peer)}};
}

}  // namespace

LinkMetrics& link_metrics(std::string_view peer) {
  if (Entry* e = find(peer)) return e->metrics;
  std::lock_guard lock(g_mu);
  if (Entry* e = find(peer)) return e->metrics;
  for (auto& slot : g_slots) {
    if (!slot.load(std::memory_order_relaxed)) {
      Entry* e = make(peer);  // never freed: lives as long as the process
      slot.store(e, std::memory_order_release);
      return e->metrics;
    }
  }
  // The table is full: an entry of its own each time would leak, so the
  // registry's (under its mutex) is shared through a map here.
  static std::map<std::string, Entry*, std::less<>> overflow;
  auto it = overflow.find(peer);
  if (it == overflow.end()) it = overflow.emplace(std::string(peer), make(peer)).first;
  return it->second->metrics;
}

}  // namespace hotline::link
