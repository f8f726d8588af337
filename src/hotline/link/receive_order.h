// Puts a link's batches that arrive together back in seq order.
//
// A sender may keep two batches in flight on two connections (delivery.h),
// so batch n+1 can reach the receiver while n is still being checked or
// stored, or even before n. Each batch's signatures are checked at once, in
// parallel with the others (the costly part); only the store step waits for
// its turn. A batch goes
//   * when it starts right after what this link last stored (or repeats
//     what it stored);
//   * when no other batch of the link is being checked or stored and no
//     waiting one starts earlier: at once if nothing is known of the link,
//     otherwise after a short grace (`grace`), in case its predecessor is
//     still on the wire;
//   * after `max_wait` in any case.
// Waiting never decides anything: the store step still checks continuity,
// so a batch that finds a gap is refused with `seq_gap` as before.
//
// Ownership and threads: the node owns one ReceiveOrder for all its links
// (the peer listener's); it must outlive every Ticket. It is thread-safe:
// each batch's Ticket lives on the stack of the thread handling that batch
// (a peer-listener thread), and a Ticket's own functions are called only
// from that thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <set>
#include <string>

namespace hotline::link {

class ReceiveOrder {
 public:
  explicit ReceiveOrder(std::chrono::milliseconds max_wait = std::chrono::seconds(5),
                        std::chrono::milliseconds grace = std::chrono::milliseconds(200))
      : max_wait_(max_wait), grace_(grace) {}

  // One batch of one link, from its arrival to its reply.
  class Ticket {
   public:
    Ticket(ReceiveOrder& order, std::string link);
    ~Ticket();  // the batch is done (stored, refused or failed)
    Ticket(const Ticket&) = delete;
    Ticket& operator=(const Ticket&) = delete;

    // Called once the batch is checked, with its first envelope's seq;
    // returns when it is the batch's turn to be stored.
    void wait_turn(std::int64_t first_seq);
    // The link's envelopes are stored up to `last_seq` (after this batch's
    // commit, or as read from the store when knows_stored() is false).
    void stored_through(std::int64_t last_seq);
    bool knows_stored();

   private:
    ReceiveOrder& order_;
    std::string link_;
    bool storing_ = false;  // past wait_turn()
  };

 private:
  struct LinkState {
    int checking = 0;  // arrived, not yet waiting or storing
    int storing = 0;
    std::multiset<std::int64_t> waiting;  // first seqs of batches waiting for their turn
    std::int64_t stored_through = -1;     // -1: not known yet
  };
  enum class Turn { go, wait, grace };
  static Turn turn(const LinkState& s, std::int64_t first);

  std::chrono::milliseconds max_wait_;
  std::chrono::milliseconds grace_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::map<std::string, LinkState> links_;
};

}  // namespace hotline::link
