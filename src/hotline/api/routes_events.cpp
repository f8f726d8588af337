// GET /v1/events: what happens on the node, as it happens (new alerts,
// requests and cases from the peer, every item change, escalations, the
// link going down and coming back, ledger alarms), from the node's event
// table, filtered by what the caller may see.
//
// With "Accept: text/event-stream" it is a Server-Sent Events stream:
//   id: <event id>      (a browser's EventSource sends it back as
//   event: <kind>        Last-Event-ID when it reconnects, and the stream
//   data: <JSON>         resumes after it; ?after=N does the same)
// and a ": keep-alive" comment every 15 s. A stream reads the store when the
// API's EventWatch says there are new events (store::Store::wait_for_events,
// which PostgreSQL's NOTIFY wakes whichever process committed them), and at
// least every OperatorApiOptions::event_poll. Event ids are the store's, so
// Last-Event-ID resumes on any process of the node. The caller's credentials are
// checked again every 30 s: the stream ends once the session ends, the
// token is revoked or the user is disabled. Otherwise a JSON page:
// {"events": [...], "last_id": N}.
//
// Events about a TLP:RED item the caller may not read (service/need_to_know.h)
// are left out, and no event carries the content of a TLP:RED or
// AMBER+STRICT item (their details name kind, id and label only). Each read
// is in the audit trail as "events.read": a page (detail "page after=N
// last=M shown=K") and a stream when it opens (detail "stream after=N").
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "hotline/api/api_json.h"
#include "hotline/api/api_routes.h"
#include "hotline/common/error.h"
#include "hotline/common/metrics.h"
#include "hotline/common/uuid.h"
#include "hotline/service/need_to_know.h"
#include "hotline/service/user_service.h"

namespace hotline::api {
namespace {

using nlohmann::json;
using service::Permission;

constexpr std::size_t kPage = 200;
constexpr auto kKeepAlive = std::chrono::seconds(15);
constexpr auto kRecheck = std::chrono::seconds(30);

bool starts_with(const std::string& s, std::string_view head) {
  return s.compare(0, head.size(), head) == 0;
}

// Who may see an event of `kind`.
bool may_see(const store::UserRecord& u, const std::string& kind) {
  if (kind == "ledger_inconsistent") {
    return service::may(u, Permission::read_ledger) || service::may(u, Permission::read_items);
  }
  if (starts_with(kind, "link_") || starts_with(kind, "peer_") || starts_with(kind, "agreement_") ||
      starts_with(kind, "envelope_") || starts_with(kind, "receipt_")) {
    return service::may(u, Permission::read_items) || service::may(u, Permission::manage_peers);
  }
  if (kind == "account_locked") return service::may(u, Permission::manage_users);
  // Items, escalations, attachments, and anything new: the desk's.
  return service::may(u, Permission::read_items);
}

// The item an event is about: "<kind> <uuid>" in its detail.
json item_of(const std::string& detail) {
  std::string_view d = detail;
  std::string_view prev;
  while (!d.empty()) {
    auto space = d.find(' ');
    auto word = d.substr(0, space);
    while (!word.empty() && (word.back() == ':' || word.back() == ',')) word.remove_suffix(1);
    if ((prev == "alert" || prev == "request" || prev == "case" || prev == "round" ||
         prev == "dispute") &&
        is_uuid_v7(word)) {
      return {{"kind", std::string(prev)}, {"id", std::string(word)}};
    }
    prev = word;
    if (space == std::string_view::npos) break;
    d = d.substr(space + 1);
  }
  return nullptr;
}

// The events after `after` (at most `limit` looked at) that `user` may see,
// and the id of the last one looked at (`after` when none).
std::vector<store::EventRecord> visible_events(store::Store& store, const store::UserRecord& user,
                                               std::int64_t after, std::size_t limit,
                                               std::int64_t& last_id) {
  last_id = after;
  return store.snapshot([&](store::Transaction& tx) {
    std::vector<store::EventRecord> out;
    for (auto& e : tx.list_events(after, limit)) {
      last_id = e.id;
      if (!may_see(user, e.kind)) continue;
      json item = item_of(e.detail);
      if (!item.is_null()) {
        auto rec = tx.find_item(item["id"].get<std::string>());
        if (rec && !service::may_read(tx, *rec, user.name)) continue;
      }
      out.push_back(std::move(e));
    }
    return out;
  });
}

void audit_read(store::Store& store, const service::AuditContext& audit, const std::string& detail,
                TimePoint now) {
  store.transact(
      [&](store::Transaction& tx) { service::audit(tx, audit, "events.read", "", detail, now); });
}

json event_payload(const store::EventRecord& e, const std::map<std::string, std::string>& peers) {
  json j = event_json(e);
  auto it = peers.find(e.link);
  j["peer"] = it == peers.end() ? json(nullptr) : json(it->second);
  j["item"] = item_of(e.detail);
  return j;
}

std::map<std::string, std::string> peer_names(store::Store& store) {
  std::map<std::string, std::string> out;
  for (const auto& p : store.snapshot([](store::Transaction& tx) { return tx.list_peers(); })) {
    out[p.link] = p.name;
  }
  return out;
}

class EventStream : public net::BodyStream {
 public:
  EventStream(RouteContext& ctx, net::HttpRequest credentials, store::UserRecord user,
              std::int64_t after)
      : ctx_(ctx), credentials_(std::move(credentials)), user_(std::move(user)), after_(after) {
    poll_interval = ctx.options.event_poll;
    last_write_ = last_check_ = std::chrono::steady_clock::now();
    clients().add(1);
  }
  ~EventStream() override {
    if (watching_) ctx_.event_watch.unsubscribe(*watching_);
    clients().add(-1);
  }

  // hotline_event_stream_clients: the streams open in this process.
  static metrics::Gauge& clients() {
    static metrics::Gauge& g = metrics::Registry::global().gauge(
        "hotline_event_stream_clients", "Event streams (GET /v1/events) open in this process");
    return g;
  }
  EventStream(const EventStream&) = delete;
  EventStream& operator=(const EventStream&) = delete;

  // New events wake the server's loop for this stream (EventWatch) instead
  // of it polling the store every few milliseconds.
  // The first look is at once: events committed before the subscription
  // wake nobody.
  void set_waker(std::function<void()> wake) override {
    watching_ = ctx_.event_watch.subscribe(wake);
    wake();
  }

  std::optional<std::string> next() override {
    const auto now = std::chrono::steady_clock::now();
    if (now - last_check_ >= kRecheck) {
      last_check_ = now;
      try {
        user_ = ctx_.authenticate(credentials_, now_ms()).user;
      } catch (const Error&) {
        return std::nullopt;  // signed out, revoked, disabled or expired
      }
    }
    auto events = visible_events(*ctx_.node.store, user_, after_, kPage, after_);
    std::string out;
    if (!events.empty() && peers_.empty()) peers_ = peer_names(*ctx_.node.store);
    for (const auto& e : events) {
      if (!peers_.count(e.link) && !e.link.empty()) peers_ = peer_names(*ctx_.node.store);
      out += "id: " + std::to_string(e.id) + "\nevent: " + e.kind + "\ndata: " +
             event_payload(e, peers_).dump(-1, ' ', false, json::error_handler_t::replace) + "\n\n";
    }
    if (out.empty() && now - last_write_ >= kKeepAlive) out = ": keep-alive\n\n";
    if (!out.empty()) last_write_ = now;
    return out;
  }

 private:
  RouteContext& ctx_;
  net::HttpRequest credentials_;
  store::UserRecord user_;
  std::int64_t after_;
  std::map<std::string, std::string> peers_;
  std::chrono::steady_clock::time_point last_write_, last_check_;
  std::optional<std::uint64_t> watching_;  // the EventWatch subscription
};

std::int64_t parse_id(const std::string& text, const char* what) {
  std::int64_t n = 0;
  for (char c : text) {
    if (c < '0' || c > '9' || n > (INT64_MAX - 9) / 10) {
      throw Error(ErrorCategory::invalid_input, "request_invalid",
                  std::string(what) + " must be an event id (a whole number)");
    }
    n = n * 10 + (c - '0');
  }
  return n;
}

}  // namespace

void add_event_routes(std::vector<Route>& routes, RouteContext& ctx) {
  EventStream::clients();  // shown from the first scrape on, at 0
  routes.push_back(
      {"GET", "/v1/events", Access::signed_in, Permission::read_items, [&ctx](ApiCall& call) {
         std::int64_t after = call.query_int("after", -1, 0, INT64_MAX);
         auto last = call.http.headers.find("last-event-id");
         if (last != call.http.headers.end() && !last->second.empty()) {
           after = parse_id(last->second, "Last-Event-ID");
         }
         auto accept = call.http.headers.find("accept");
         const bool sse = accept != call.http.headers.end() &&
                          accept->second.find("text/event-stream") != std::string::npos;
         if (after < 0) {
           // No position given: a stream starts from now, a page from the start.
           if (!sse) {
             after = 0;
           } else {
             after = ctx.node.store->snapshot(
                 [](store::Transaction& tx) { return tx.last_event_id(); });
           }
         }
         if (sse) {
           net::HttpRequest credentials;
           for (const char* h : {"authorization", "cookie"}) {
             auto it = call.http.headers.find(h);
             if (it != call.http.headers.end()) credentials.headers[h] = it->second;
           }
           credentials.method = "GET";
           net::HttpResponse r;
           r.content_type = "text/event-stream";
           r.body = "retry: 3000\n\n";
           r.stream =
               std::make_shared<EventStream>(ctx, std::move(credentials), call.user(), after);
           audit_read(*ctx.node.store, call.audit, "stream after=" + std::to_string(after),
                      call.now);
           return r;
         }
         auto limit = static_cast<std::size_t>(call.query_int("limit", 100, 1, 1000));
         std::int64_t last_id = after;
         auto events = visible_events(*ctx.node.store, call.user(), after, limit, last_id);
         auto peers = peer_names(*ctx.node.store);
         json out = json::array();
         for (const auto& e : events) out.push_back(event_payload(e, peers));
         audit_read(*ctx.node.store, call.audit,
                    "page after=" + std::to_string(after) + " last=" + std::to_string(last_id) +
                        " shown=" + std::to_string(out.size()),
                    call.now);
         return json_response(200, {{"events", out}, {"last_id", last_id}});
       }});
}

}  // namespace hotline::api
