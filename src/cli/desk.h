// The duty desk as the item commands (`hotline alert|request|case|dispute|
// attachment|messages|send`) see it: one interface, two ways to reach a node.
//
//   --dir DIR                  local: the node's data directory on this
//                              machine (desk_local.cpp); the person acting is
//                              --as NAME, as before logins existed.
//   --url https://HOST:PORT    remote: a running node's operators' API with
//   --token hl_...             an API token (desk_remote.cpp); the person
//   [--pin-sha256 HEX|--cert F] acting is the token's user.
//
// Without --dir or --url, the environment (HOTLINE_URL, HOTLINE_TOKEN,
// HOTLINE_PIN_SHA256) and then the config file written by `hotline remote
// set` ($HOTLINE_CONFIG, default ~/.config/hotline/cli.json) give the
// remote settings. A token or pin from the environment or the file is only
// ever used with the URL it was given with there.
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <istream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "hotline/model/labels.h"
#include "hotline/service/desk_service.h"
#include "hotline/service/iodef_service.h"
#include "hotline/service/stix_service.h"

namespace hotline::cli {

// ---- choosing the node ------------------------------------------------------

// The options that say which node, as typed.
struct Target {
  std::string dir;
  std::string url, token, pin_sha256, cert;
};
// --dir, --url, --token, --pin-sha256, --cert on `cmd`.
void add_target_options(CLI::App* cmd, Target& t);

// The help of --as on a command that acts: "Your name: the person DOING
// (required with --dir; ...)".
std::string as_help(const std::string& doing);

// What the command does: read (or send a desk message, which names nobody),
// or act on an item (with --dir, --as must name the person).
enum class Use { read, act };

// The remote settings after the command line, the environment and the
// config file had their say.
struct RemoteSettings {
  std::string url;  // https://HOST:PORT
  std::string host;
  std::uint16_t port = 443;
  std::string token;
  std::optional<std::array<std::uint8_t, 32>> pin;  // the certificate's SHA-256
  // How the hints printed by `show` and `request new` spell the node: the
  // options typed (the token as TOKEN), or "" with the environment or file.
  std::string hint;
};

// The config file: $HOTLINE_CONFIG, or ~/.config/hotline/cli.json.
std::filesystem::path config_path();
struct ConfigFile {
  std::string url, token, pin_sha256;
};
// nullopt when there is none. Error config_insecure when group or others
// may read or write it (or it is not ours), config_invalid when it is not
// the JSON `remote set` writes.
std::optional<ConfigFile> read_config(const std::filesystem::path& path);
// Writes it with mode 0600 (its folder 0700 when made), atomically.
void write_config(const std::filesystem::path& path, const ConfigFile& c);
// Writes `bytes` to `path` through a temporary file of mode 0600 beside it,
// fsynced and renamed into place once complete (Error io_error otherwise).
void write_private_file(const std::filesystem::path& path, const std::string& bytes);

// Parses "https://HOST[:PORT][/]" into s.host / s.port (Error usage).
void parse_api_url(const std::string& url, RemoteSettings& s);
// 64 hex digits, colons allowed (as `openssl x509 -fingerprint -sha256`
// prints them); Error usage otherwise.
std::array<std::uint8_t, 32> parse_pin(const std::string& text);
// The SHA-256 of the PEM certificate in `file` (what --cert pins).
std::array<std::uint8_t, 32> pin_of_certificate(const std::string& file);

// nullopt when --dir is given (or nothing remote is configured: the caller
// then says what to give).
std::optional<RemoteSettings> resolve_remote(const Target& t);

// ---- the desk ---------------------------------------------------------------

struct ListQuery {
  std::string kind;  // service::kAlert, kRequest, kCase, kRound
  std::string peer;  // "" = all
  bool all = false;  // closed ones too
  bool incoming = false, outgoing = false;
  std::size_t limit = 100;
};

struct AttachmentRow {
  std::string sha256;
  std::int64_t size = 0;
  bool complete = false;
  std::int64_t have = 0;
  struct Transfer {
    std::string peer;
    bool outbound = false;
    std::string state, error;
  };
  std::vector<Transfer> transfers;  // local only (the API does not list them)
};

struct MessageRow {
  std::string id, peer;
  bool outbound = false;
  std::optional<std::int64_t> seq;  // local only
  std::string text, sent_at;
  // Outbound: when the peer receipted it; inbound: when it arrived.
  std::optional<std::string> received_at;
};

template <class Row>
struct Listing {
  std::vector<Row> rows;
  nlohmann::json json;  // what --json prints
};

struct SentMessage {
  std::string id;
  std::int64_t seq = 0;
};

class Desk {
 public:
  virtual ~Desk() = default;

  virtual bool remote() const = 0;
  // " --dir D", " --url U --token TOKEN", or "" (env/config): how the
  // printed hints spell the node.
  virtual std::string target_hint() const = 0;
  // " --as NAME" locally (the hints' placeholder), "" over the API.
  virtual std::string actor_hint() const = 0;

  // This node's party name.
  virtual std::string party() = 0;
  // Who acts: --as locally, the token's user remotely.
  virtual std::string actor() = 0;

  // Error peer_unknown unless this node knows `peer` (checked before any
  // file is attached).
  virtual void check_peer(const std::string& peer) = 0;
  // Puts the files on the node (local: into the vault; remote: uploads) and
  // returns what an action's "attachments" carries.
  virtual std::vector<service::AttachmentNote> attach(const std::vector<std::string>& paths) = 0;

  virtual service::ItemView raise_alert(const std::string& to, const service::AlertInput& in) = 0;
  // A communication check to the peer (service::send_check).
  virtual service::ItemView send_check(const std::string& to) = 0;
  // A dispute with `peer`. in.subject.item may be a typed id (the full id
  // or 8+ characters of it): the node resolves it among the items it shares
  // with `peer`.
  virtual service::ItemView open_dispute(const std::string& peer,
                                         const service::DisputeInput& in) = 0;
  // `approver`: local only (Error usage over the API).
  virtual service::ItemView create_request(const std::string& to, const service::RequestInput& in,
                                           const std::optional<std::string>& approver) = 0;
  virtual service::ItemView approve(const std::string& typed_id) = 0;
  virtual service::ItemView open_case(const std::string& peer, const std::string& title,
                                      const model::Labels& labels) = 0;
  virtual service::ItemView add_note(const std::string& typed_id, const std::string& text) = 0;
  // A review round (service::propose_round): its agenda gets the points the
  // node finds in the records before the ones in `in.plan.agenda`.
  virtual service::ItemView propose_round(const std::string& peer,
                                          const service::RoundInput& in) = 0;

  // The shared `action` with `args` on the item of `kind` the operator typed.
  // A refusal because the action is the other side's says, in plain words,
  // whose it is.
  service::ItemView act(const std::string& kind, const std::string& typed_id,
                        const std::string& action, nlohmann::json args);

  // The full id of the item of `kind` the operator typed (the full id or its
  // first or last 8+ characters); says so when it is an item of another kind.
  virtual std::string resolve(const std::string& kind, const std::string& typed_id) = 0;
  virtual std::vector<service::ItemView> list(const ListQuery& q) = 0;
  virtual service::ItemView show(const std::string& kind, const std::string& typed_id) = 0;
  // The case as a STIX 2.1 bundle (service/stix_service.h).
  virtual nlohmann::json export_stix(const std::string& typed_id) = 0;

  // "(acknowledge within 1 h, respond within 3 days)" for an item of
  // `agreement_kind` ("alert", "request.information") and priority, from the
  // agreement in force with `peer`; "" when there is none.
  virtual std::string deadline_terms(const std::string& peer, const std::string& agreement_kind,
                                     model::Priority priority) = 0;

  // Who needs to know of a TLP:RED item (service/need_to_know.h), and
  // replacing that list.
  virtual service::NeedToKnow need_to_know(const std::string& kind,
                                           const std::string& typed_id) = 0;
  virtual service::NeedToKnow set_need_to_know(const std::string& kind, const std::string& typed_id,
                                               const std::vector<std::string>& people) = 0;

  // The indicators `value` finds across the cases (GET /v1/indicators,
  // service::find_indicator): its "indicators" array. `type` "" = guessed.
  virtual nlohmann::json find_indicators(const std::string& value, const std::string& type) = 0;

  virtual Listing<AttachmentRow> attachments() = 0;
  // Writes the attachment to `out` (mode 0600), its SHA-256 checked.
  virtual void get_attachment(const std::string& sha256, const std::string& out) = 0;

  // IODEF v2 (service/iodef_service.h): the document of the alert, request
  // or case (`kind`) the operator typed; a document imported as an alert
  // raised to `peer` (kind kAlert) or a case opened with it (kCase).
  virtual std::string export_iodef(const std::string& kind, const std::string& typed_id) = 0;
  virtual service::IodefImported import_iodef(const std::string& kind, const std::string& peer,
                                              const std::string& bytes) = 0;
  // STIX 2.1 (service/stix_service.h): the bundle read from `in` into the
  // case the operator typed or, when `typed_case` is empty, into a new case
  // with `peer` titled `title`; `progress` every 10,000 objects.
  virtual service::StixImported import_stix(
      const std::string& typed_case, const std::string& peer, const std::string& title,
      std::istream& in, const std::function<void(std::size_t, std::size_t)>& progress) = 0;

  virtual SentMessage send_message(const std::string& to, const std::string& text) = 0;
  virtual Listing<MessageRow> messages(const std::string& peer, std::size_t limit) = 0;

 protected:
  virtual service::ItemView do_act(const std::string& kind, const std::string& typed_id,
                                   const std::string& action, nlohmann::json args) = 0;
  // The name of the item's peer (for the wrong-side message).
  virtual std::string peer_of(const std::string& kind, const std::string& typed_id) = 0;
};

// The desk the options name. Local: `as` is the person (required with
// Use::act, Error usage). Remote: `as` must be empty (Error usage naming
// the token's user). Neither --dir nor remote settings: Error usage saying
// what to give. Nothing is opened or contacted until first used.
std::unique_ptr<Desk> open_desk(const Target& t, const std::string& as, Use use);

std::unique_ptr<Desk> make_local_desk(const std::string& dir, const std::string& as);
std::unique_ptr<Desk> make_remote_desk(RemoteSettings settings);

// A small client of the operators' API (desk_remote.cpp), for `hotline
// remote`: GET `target`, the JSON answer; API errors as hotline::Error.
nlohmann::json api_get(const RemoteSettings& s, const std::string& target);

}  // namespace hotline::cli
