// hotline send / hotline messages: free-text messages between duty desks.
#include <cstdio>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "commands.h"
#include "desk.h"
#include "hotline/common/escape.h"

namespace hotline::cli {
namespace {

// A message's text for the terminal: control characters made visible
// (escape_lines) and every line indented, so that a message cannot draw
// what looks like another message's header.
std::string printable(const std::string& text) {
  std::string out = "  ";
  for (char c : escape_lines(text)) {
    out += c;
    if (c == '\n') out += "  ";
  }
  return out;
}

}  // namespace

void add_message_commands(CLI::App& app) {
  auto* send = app.add_subcommand(
      "send",
      "Send a free-text message to a peer's duty desk. It is signed, queued in the database and "
      "delivered by the running node; `hotline messages` shows when the peer receipted it.");
  struct SendOpts {
    Target target;
    std::string to, text;
  };
  auto s = std::make_shared<SendOpts>();
  add_target_options(send, s->target);
  send->add_option("--to", s->to, "The peer's name (see `hotline peer list`)")->required();
  send->add_option("text", s->text, "The message")->required();
  send->callback([s] {
    // The node signs and sends it; with --dir nobody is named (no --as).
    auto desk = open_desk(s->target, "", Use::read);
    auto e = desk->send_message(s->to, s->text);
    std::printf("Queued for %s as seq %lld (id %s).\n", s->to.c_str(),
                static_cast<long long>(e.seq), e.id.c_str());
  });

  auto* msgs =
      app.add_subcommand("messages", "List desk messages, oldest first, with delivery status.");
  struct ListOpts {
    Target target;
    std::string peer;
    std::size_t limit = 50;
    bool json = false;
  };
  auto l = std::make_shared<ListOpts>();
  add_target_options(msgs, l->target);
  msgs->add_option("--peer", l->peer, "Only messages with this peer");
  msgs->add_option("--limit", l->limit,
                   "How many of the most recent to show (over the API at most 1000)")
      ->check(CLI::Range(1, 10000))
      ->capture_default_str();
  msgs->add_flag("--json", l->json, "Print JSON");
  msgs->callback([l] {
    auto desk = open_desk(l->target, "", Use::read);
    auto list = desk->messages(l->peer, l->limit);
    if (l->json) {
      // ensure_ascii: whatever a peer put in a text reaches the terminal escaped.
      std::printf("%s\n", list.json.dump(2, ' ', true).c_str());
      return;
    }
    if (list.rows.empty()) {
      std::printf("No desk messages yet.\n");
      return;
    }
    for (const auto& m : list.rows) {
      const std::string seq = m.seq ? "  #" + std::to_string(*m.seq) : "";
      if (m.outbound) {
        std::printf(
            "%s  to %s%s  %s\n%s\n", escape_text(m.sent_at).c_str(), m.peer.c_str(), seq.c_str(),
            m.received_at ? ("receipted " + *m.received_at).c_str() : "queued, not yet receipted",
            printable(m.text).c_str());
      } else {
        std::printf("%s  from %s%s  received %s\n%s\n", escape_text(m.sent_at).c_str(),
                    m.peer.c_str(), seq.c_str(), escape_text(m.received_at.value_or("?")).c_str(),
                    printable(m.text).c_str());
      }
    }
  });
}

}  // namespace hotline::cli
