// The desk over a running node's operators' API (--url, --token): each use
// case is one HTTPS request (docs/api/openapi.yaml); the node checks the
// token's permissions and keeps its own audit trail. Errors come back as
// {"error":{"code","message"}} and are thrown as hotline::Error, so the CLI
// prints them as it prints local ones.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "desk.h"
#include "hotline/api/api_json.h"
#include "hotline/common/encoding.h"
#include "hotline/common/error.h"
#include "hotline/common/error_category.h"
#include "hotline/crypto/sha256.h"
#include "hotline/model/agreement.h"
#include "hotline/net/https_client.h"
#include "item_format.h"

namespace hotline::cli {
namespace {

using nlohmann::json;

// Percent-encoding of a path segment or query value (RFC 3986 unreserved
// characters stay).
std::string enc(const std::string& s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '.' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

const char* plural(const std::string& kind) {
  if (kind == service::kDispute) return "disputes";
  if (kind == service::kAlert) return "alerts";
  if (kind == service::kRequest) return "requests";
  if (kind == service::kRound) return "rounds";
  return "cases";
}

std::string article(const std::string& kind) {
  return kind == service::kAlert ? "an " : "a ";
}

// One connection to the node's operators' listener, kept for the command.
class Api {
 public:
  explicit Api(RemoteSettings s) : s_(std::move(s)) {}

  json get(const std::string& target) { return parse(send("GET", target, "", "")); }
  json post(const std::string& target, const json& body) {
    return parse(send("POST", target, body.dump(), "application/json"));
  }
  json put(const std::string& target, const json& body) {
    return parse(send("PUT", target, body.dump(), "application/json"));
  }
  json post_bytes(const std::string& target, std::string body) {
    return parse(send("POST", target, std::move(body), "application/octet-stream"));
  }
  std::string get_bytes(const std::string& target) { return send("GET", target, "", "").body; }
  json post_xml(const std::string& target, std::string body) {
    return parse(send("POST", target, std::move(body), "application/xml"));
  }

 private:
  net::HttpResponse send(const std::string& method, const std::string& target, std::string body,
                         const std::string& content_type) {
    net::HttpRequest r;
    r.method = method;
    r.target = target;
    r.headers["accept"] = "application/json";
    if (target != "/health") r.headers["authorization"] = "Bearer " + s_.token;
    if (!content_type.empty()) r.headers["content-type"] = content_type;
    r.body = std::move(body);
    net::HttpResponse resp;
    try {
      if (!client_) {
        tls::ClientTlsConfig tls;
        if (s_.pin) tls.server_cert_sha256 = *s_.pin;
        net::ClientOptions o;
        o.read_timeout = std::chrono::seconds(120);  // uploads of large evidence files
        client_ = std::make_unique<net::HttpsClient>(tls, s_.host, s_.port, o);
      }
      resp = client_->request(r);
    } catch (const Error& e) {
      const std::string code = e.code();
      if (code == "tls_refused") {
        throw Error(e.category(), code,
                    std::string(e.what()) + " — " +
                        (s_.pin ? "the node's certificate is not the one pinned; check "
                                  "--pin-sha256 or --cert (the node's is `openssl x509 "
                                  "-noout -fingerprint -sha256 -in NODE/tls/operator.crt`)"
                                : "the node's certificate is not trusted here; pin it with "
                                  "--pin-sha256 HEX or --cert FILE (NODE/tls/operator.crt)"));
      }
      if (code == "link_unreachable" || code == "link_timeout") {
        throw Error(e.category(), code,
                    std::string(e.what()) + " — is `hotline serve` running there, and is " +
                        s_.url + " its operators' listener (--listen)?");
      }
      throw;
    }
    if (resp.status >= 200 && resp.status < 300) return resp;
    std::string code = "api_error";
    std::string message = "HTTP " + std::to_string(resp.status) + " from " + s_.url + target;
    try {
      auto j = json::parse(resp.body);
      if (j.contains("error") && j["error"].is_object()) {
        code = j["error"].value("code", code);
        message = j["error"].value("message", message);
      }
    } catch (const json::exception&) {
    }
    if (resp.status == 401) {
      message +=
          " — the node did not accept the API token (unknown, revoked, or its user "
          "disabled); check --token, HOTLINE_TOKEN or `hotline remote show`";
    }
    throw Error(category_for_status(resp.status), code, message);
  }

  json parse(const net::HttpResponse& resp) {
    if (resp.body.empty()) return json::object();
    try {
      return json::parse(resp.body);
    } catch (const json::exception&) {
      throw Error(ErrorCategory::invalid_input, "api_error",
                  "the node at " + s_.url + " answered something other than JSON");
    }
  }

  RemoteSettings s_;
  std::unique_ptr<net::HttpsClient> client_;
};

service::NeedToKnow need_to_know_from(const json& j) {
  service::NeedToKnow n;
  n.item = j.value("item", "");
  n.kind = j.value("kind", "");
  n.tlp = j.value("tlp", "");
  if (j.contains("author") && j["author"].is_string()) n.author = j["author"].get<std::string>();
  for (const auto& p : j.value("people", json::array())) {
    if (p.is_string()) n.people.push_back(p.get<std::string>());
  }
  return n;
}

class RemoteDesk final : public Desk {
 public:
  explicit RemoteDesk(RemoteSettings s) : s_(s), api_(std::move(s)) {}

  bool remote() const override { return true; }
  std::string target_hint() const override { return s_.hint; }
  std::string actor_hint() const override { return ""; }

  std::string party() override { return health().value("party", ""); }
  std::string actor() override {
    if (!session_) session_ = api_.get("/v1/session");
    return session_->value("name", "");
  }

  void check_peer(const std::string& peer) override {
    std::string known;
    for (const auto& p : api_.get("/v1/peers").value("peers", json::array())) {
      if (p.value("name", "") == peer) return;
      known += (known.empty() ? "" : ", ") + p.value("name", "");
    }
    throw Error(
        ErrorCategory::not_found, "peer_unknown",
        "no peer named '" + peer + "'" +
            (known.empty() ? std::string("; an admin adds one") : "; known peers: " + known));
  }

  std::vector<service::AttachmentNote> attach(const std::vector<std::string>& paths) override {
    std::vector<service::AttachmentNote> out;
    for (const auto& p : paths) {
      std::ifstream in(p, std::ios::binary);
      if (!in) throw Error(ErrorCategory::invalid_input, "file_unreadable", "cannot read " + p);
      std::stringstream ss;
      ss << in.rdbuf();
      const std::string name = std::filesystem::path(p).filename().string();
      auto j = api_.post_bytes("/v1/attachments?name=" + enc(name), ss.str());
      service::AttachmentNote n;
      n.sha256 = j.value("sha256", "");
      n.size = j.value("size", std::int64_t{0});
      n.name = j.value("name", name);
      out.push_back(std::move(n));
    }
    return out;
  }

  service::ItemView raise_alert(const std::string& to, const service::AlertInput& in) override {
    json body = {{"to", to},
                 {"priority", std::string(model::to_string(in.priority))},
                 {"labels", model::to_json(in.labels)},
                 {"summary", in.summary},
                 {"details", in.details},
                 {"attachments", service::attachments_json(in.files)}};
    return api::item_from_json(api_.post("/v1/alerts", body));
  }

  service::ItemView send_check(const std::string& to) override {
    return api::item_from_json(api_.post("/v1/checks", json{{"to", to}}));
  }

  service::ItemView create_request(const std::string& to, const service::RequestInput& in,
                                   const std::optional<std::string>& approver) override {
    if (approver) {
      throw Error(ErrorCategory::usage, "usage",
                  "--approved-by: over the API a supervisor approves with their own token: "
                  "`hotline request approve ID`; leave --approved-by out (the request waits as a "
                  "draft when the agreement asks for four-eyes)");
    }
    json body = {{"to", to},
                 {"kind", std::string(model::to_string(in.kind))},
                 {"priority", std::string(model::to_string(in.priority))},
                 {"labels", model::to_json(in.labels)},
                 {"subject", in.subject},
                 {"details", in.details},
                 {"attachments", service::attachments_json(in.files)}};
    return api::item_from_json(api_.post("/v1/requests", body));
  }

  service::ItemView approve(const std::string& typed_id) override {
    return checked(service::kRequest, typed_id, [&](const std::string& id) {
      return api::item_from_json(api_.post("/v1/requests/" + enc(id) + "/approve", json::object()));
    });
  }

  service::ItemView open_case(const std::string& peer, const std::string& title,
                              const model::Labels& labels) override {
    json body = {{"peer", peer}, {"title", title}, {"labels", model::to_json(labels)}};
    return api::item_from_json(api_.post("/v1/cases", body));
  }

  service::ItemView open_dispute(const std::string& peer,
                                 const service::DisputeInput& in) override {
    json body = {{"peer", peer},
                 {"title", in.title},
                 {"labels", model::to_json(in.labels)},
                 {"ground", std::string(model::to_string(in.ground))},
                 {"subject", model::to_json(in.subject)},
                 {"text", in.text},
                 {"lang", in.lang},
                 {"attachments", service::attachments_json(in.files)}};
    return api::item_from_json(api_.post("/v1/disputes", body));
  }

  service::ItemView add_note(const std::string& typed_id, const std::string& text) override {
    return checked(service::kCase, typed_id, [&](const std::string& id) {
      return api::item_from_json(api_.post("/v1/cases/" + enc(id) + "/notes", {{"text", text}}));
    });
  }

  service::ItemView propose_round(const std::string& peer, const service::RoundInput& in) override {
    json participants = json::array();
    for (const auto& p : in.plan.participants) {
      participants.push_back({{"name", p.name},
                              {"role", p.role},
                              {"party", p.side == model::Side::ours ? "ours" : "theirs"}});
    }
    json points = json::array();
    for (const auto& a : in.plan.agenda) points.push_back(a.text);
    json body = {{"peer", peer},
                 {"title", in.plan.title},
                 {"period_from", format_timestamp(in.plan.period_from)},
                 {"period_to", format_timestamp(in.plan.period_to)},
                 {"meeting_at", format_timestamp(in.plan.meeting_at)},
                 {"place", in.plan.place},
                 {"participants", participants},
                 {"agenda", points}};
    return api::item_from_json(api_.post("/v1/rounds", body));
  }

  std::string resolve(const std::string& kind, const std::string& typed_id) override {
    if (!kind.empty()) return show(kind, typed_id).record.id;
    // Any kind: the first that knows it.
    for (const char* k : {service::kAlert, service::kRequest, service::kCase}) {
      try {
        return api::item_from_json(
                   api_.get(std::string("/v1/") + plural(k) + "/" + enc(trim(typed_id))))
            .record.id;
      } catch (const Error& e) {
        if (e.code() != "item_unknown" && e.code() != "item_wrong_kind") throw;
      }
    }
    throw Error(ErrorCategory::not_found, "item_unknown",
                "no alert, request or case whose id is or starts or ends with " + trim(typed_id));
  }

  std::vector<service::ItemView> list(const ListQuery& q) override {
    std::string target = std::string("/v1/") + plural(q.kind) +
                         "?status=" + (q.all ? "all" : "open") +
                         "&limit=" + std::to_string(std::min<std::size_t>(q.limit, 1000));
    if (q.incoming) target += "&direction=incoming";
    if (q.outgoing) target += "&direction=outgoing";
    if (!q.peer.empty()) target += "&peer=" + enc(q.peer);
    std::vector<service::ItemView> out;
    for (const auto& j : api_.get(target).value("items", json::array())) {
      out.push_back(api::item_from_json(j));
    }
    return out;
  }

  std::string export_iodef(const std::string& kind, const std::string& typed_id) override {
    const std::string id = resolve(kind, typed_id);
    return api_.get_bytes(std::string("/v1/") + plural(kind) + "/" + enc(id) + "/iodef");
  }

  service::IodefImported import_iodef(const std::string& kind, const std::string& peer,
                                      const std::string& bytes) override {
    auto j = api_.post_xml(std::string("/v1/") + plural(kind) + "/iodef?peer=" + enc(peer), bytes);
    service::IodefImported out;
    out.item = api::item_from_json(j.at("item"));
    out.indicators = j.value("indicators", std::size_t{0});
    for (const auto& p : j.value("not_kept", json::array())) out.not_kept.push_back(p);
    return out;
  }

  service::StixImported import_stix(const std::string&, const std::string&, const std::string&,
                                    std::istream&,
                                    const std::function<void(std::size_t, std::size_t)>&) override {
    throw Error(ErrorCategory::usage, "usage",
                "a STIX import is stored by the node itself: run it with --dir on the node "
                "(not over the API)");
  }

  service::ItemView show(const std::string& kind, const std::string& typed_id) override {
    return checked(kind, typed_id, [&](const std::string& id) {
      return api::item_from_json(api_.get(std::string("/v1/") + plural(kind) + "/" + enc(id)));
    });
  }

  nlohmann::json export_stix(const std::string& typed_id) override {
    return checked(service::kCase, typed_id, [&](const std::string& id) {
      return api_.get("/v1/cases/" + enc(id) + "/stix");
    });
  }

  std::string deadline_terms(const std::string& peer, const std::string& agreement_kind,
                             model::Priority priority) override {
    try {
      auto j = api_.get("/v1/peers/" + enc(peer) + "/agreement");
      if (!j.contains("current") || !j["current"].is_object()) return "";
      auto ag = model::agreement_from_json(j["current"]["document"]);
      return agreement_terms(ag, health().value("public_key", ""), peer, agreement_kind, priority);
    } catch (const std::exception&) {
      return "";
    }
  }

  service::NeedToKnow need_to_know(const std::string& kind, const std::string& typed_id) override {
    return need_to_know_from(api_.get(std::string("/v1/") + plural(kind) + "/" +
                                      enc(resolve(kind, typed_id)) + "/need-to-know"));
  }
  service::NeedToKnow set_need_to_know(const std::string& kind, const std::string& typed_id,
                                       const std::vector<std::string>& people) override {
    return need_to_know_from(api_.put(
        std::string("/v1/") + plural(kind) + "/" + enc(resolve(kind, typed_id)) + "/need-to-know",
        {{"people", people}}));
  }

  json find_indicators(const std::string& value, const std::string& type) override {
    std::string target = "/v1/indicators?value=" + enc(value);
    if (!type.empty()) target += "&type=" + enc(type);
    return api_.get(target).value("indicators", json::array());
  }

  Listing<AttachmentRow> attachments() override {
    Listing<AttachmentRow> out;
    out.json = api_.get("/v1/attachments").value("attachments", json::array());
    for (const auto& a : out.json) {
      out.rows.push_back({a.value("sha256", ""),
                          a.value("size", std::int64_t{0}),
                          a.value("complete", false),
                          a.value("have", std::int64_t{0}),
                          {}});
    }
    return out;
  }

  void get_attachment(const std::string& sha256, const std::string& out) override {
    const std::string want = trim(sha256);
    const std::string bytes = api_.get_bytes("/v1/attachments/" + enc(want));
    const std::string got = to_hex(crypto::sha256(bytes));
    if (got != want) {
      throw Error(ErrorCategory::internal, "attachment_corrupt",
                  "the node sent " + std::to_string(bytes.size()) + " bytes whose SHA-256 is " +
                      got + ", not " + want + "; nothing written");
    }
    write_private_file(out, bytes);
  }

  SentMessage send_message(const std::string& to, const std::string& text) override {
    auto j = api_.post("/v1/messages", {{"to", to}, {"text", text}});
    return {j.value("id", ""), j.value("seq", std::int64_t{0})};
  }

  Listing<MessageRow> messages(const std::string& peer, std::size_t limit) override {
    std::string target = "/v1/messages?limit=" + std::to_string(std::min<std::size_t>(limit, 1000));
    if (!peer.empty()) target += "&peer=" + enc(peer);
    Listing<MessageRow> out;
    out.json = api_.get(target).value("messages", json::array());
    for (const auto& m : out.json) {
      MessageRow row;
      row.id = m.value("id", "");
      row.peer = m.value("peer", "");
      row.outbound = m.value("direction", "") == "outgoing";
      row.text = m.value("text", "");
      row.sent_at = m.value("sent_at", "");
      if (m.contains("received_at") && m["received_at"].is_string()) {
        row.received_at = m["received_at"].get<std::string>();
      }
      out.rows.push_back(std::move(row));
    }
    return out;
  }

 protected:
  service::ItemView do_act(const std::string& kind, const std::string& typed_id,
                           const std::string& action, json args) override {
    return checked(kind, typed_id, [&](const std::string& id) {
      return api::item_from_json(
          api_.post(std::string("/v1/") + plural(kind) + "/" + enc(id) + "/actions",
                    {{"action", action}, {"args", std::move(args)}}));
    });
  }

  std::string peer_of(const std::string& kind, const std::string& typed_id) override {
    return show(kind, typed_id).peer;
  }

 private:
  const json& health() {
    if (!health_) health_ = api_.get("/health");
    return *health_;
  }

  // Runs `fn` with the typed id; when the node knows no item of `kind` by
  // it, says so if it is an item of another kind (as --dir does).
  template <class Fn>
  auto checked(const std::string& kind, const std::string& typed, Fn fn) -> decltype(fn(typed)) {
    const std::string id = trim(typed);
    try {
      return fn(id);
    } catch (const Error& e) {
      if (e.code() != "item_unknown") throw;
      for (const char* other : {service::kAlert, service::kRequest, service::kCase,
                                service::kDispute, service::kRound}) {
        if (kind == other) continue;
        json j;
        try {
          j = api_.get(std::string("/v1/") + plural(other) + "/" + enc(id));
        } catch (const Error&) {
          continue;
        }
        const std::string full = j.value("id", "");
        throw Error(ErrorCategory::not_found, "item_wrong_kind",
                    id + " is " + article(other) + other + ", not " + article(kind) + kind +
                        " (hotline " + other + " show " + service::short_id(full) + ")");
      }
      throw;
    }
  }

  RemoteSettings s_;
  Api api_;
  std::optional<json> health_, session_;
};

}  // namespace

std::unique_ptr<Desk> make_remote_desk(RemoteSettings settings) {
  return std::make_unique<RemoteDesk>(std::move(settings));
}

json api_get(const RemoteSettings& s, const std::string& target) {
  Api api(s);
  return api.get(target);
}

}  // namespace hotline::cli
