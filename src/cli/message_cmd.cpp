// hotline send / hotline messages: free-text messages between duty desks.
#include <cstdio>
#include <string>

#include <nlohmann/json.hpp>

#include "commands.h"
#include "hotline/common/time.h"
#include "hotline/service/link_service.h"

namespace hotline::cli {

void add_message_commands(CLI::App& app) {
  auto* send = app.add_subcommand(
      "send",
      "Send a free-text message to a peer's duty desk. It is signed, queued in the database and "
      "delivered by the running node; `hotline messages` shows when the peer receipted it.");
  struct SendOpts {
    std::string dir, to, text;
  };
  auto s = std::make_shared<SendOpts>();
  send->add_option("--dir", s->dir, "The node's data directory")->required();
  send->add_option("--to", s->to, "The peer's name (see `hotline peer list`)")->required();
  send->add_option("text", s->text, "The message")->required();
  send->callback([s] {
    auto node = service::open_node(s->dir);
    auto e = service::send_desk_message(node, s->to, s->text, now_ms());
    std::printf("Queued for %s as seq %lld (id %s).\n", s->to.c_str(),
                static_cast<long long>(e.seq), e.id.c_str());
  });

  auto* msgs =
      app.add_subcommand("messages", "List desk messages, oldest first, with delivery status.");
  struct ListOpts {
    std::string dir, peer;
    std::size_t limit = 50;
    bool json = false;
  };
  auto l = std::make_shared<ListOpts>();
  msgs->add_option("--dir", l->dir, "The node's data directory")->required();
  msgs->add_option("--peer", l->peer, "Only messages with this peer");
  msgs->add_option("--limit", l->limit, "How many of the most recent to show")
      ->check(CLI::Range(1, 10000))
      ->capture_default_str();
  msgs->add_flag("--json", l->json, "Print JSON");
  msgs->callback([l] {
    auto node = service::open_node(l->dir);
    auto list = service::list_desk_messages(*node.store, l->peer, l->limit);
    if (l->json) {
      auto arr = nlohmann::json::array();
      for (const auto& v : list) {
        const auto& m = v.message;
        bool out = m.direction == store::Direction::outbound;
        arr.push_back(
            {{"id", m.envelope_id},
             {"peer", v.peer},
             {"direction", std::string(store::to_string(m.direction))},
             {"seq", m.seq},
             {"text", m.text},
             {"sent_at", m.sent_at},
             {"received_at", out ? (v.receipted_at ? nlohmann::json(*v.receipted_at) : nullptr)
                                 : nlohmann::json(m.received_at.value_or(""))}});
      }
      std::printf("%s\n", arr.dump(2).c_str());
      return;
    }
    if (list.empty()) {
      std::printf("No desk messages yet.\n");
      return;
    }
    for (const auto& v : list) {
      const auto& m = v.message;
      if (m.direction == store::Direction::outbound) {
        std::printf(
            "%s  to %s  #%lld  %s\n  %s\n", m.sent_at.c_str(), v.peer.c_str(),
            static_cast<long long>(m.seq),
            v.receipted_at ? ("receipted " + *v.receipted_at).c_str() : "queued, not yet receipted",
            m.text.c_str());
      } else {
        std::printf("%s  from %s  #%lld  received %s\n  %s\n", m.sent_at.c_str(), v.peer.c_str(),
                    static_cast<long long>(m.seq), m.received_at.value_or("?").c_str(),
                    m.text.c_str());
      }
    }
  });
}

}  // namespace hotline::cli
