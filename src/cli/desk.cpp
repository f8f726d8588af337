// Choosing the node an item command works on: --dir, or a running node's
// API from the command line, the environment or the config file.
#include "desk.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

#include "hotline/common/encoding.h"
#include "hotline/common/error.h"
#include "hotline/tls/certificate.h"
#include "item_format.h"

namespace hotline::cli {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

[[noreturn]] void usage(const std::string& message) {
  throw Error(ErrorCategory::usage, "usage", message);
}

std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v != nullptr ? std::string(v) : std::string();
}

std::string trimmed(std::string s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
  std::size_t b = 0;
  while (b < s.size() && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  return s.substr(b);
}

// URLs compare without a trailing slash.
std::string url_key(std::string url) {
  url = trimmed(url);
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url;
}

std::string mode_text(mode_t m) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%04o", static_cast<unsigned>(m & 07777));
  return buf;
}

const char* kWhichNode =
    "say which node: --dir DIR (its data directory, on the node's machine), or --url "
    "https://HOST:PORT --token hl_... (a running node's API; or set HOTLINE_URL and "
    "HOTLINE_TOKEN, or save them once with `hotline remote set --url URL --token TOKEN`)";

}  // namespace

// ---- options ----------------------------------------------------------------

void add_target_options(CLI::App* cmd, Target& t) {
  auto* dir = cmd->add_option("--dir", t.dir, "The node's data directory (on this machine)");
  auto* url = cmd->add_option("--url", t.url,
                              "Or a running node's API: https://HOST:PORT (default: HOTLINE_URL, "
                              "then the file `hotline remote set` writes)");
  auto* token = cmd->add_option("--token", t.token,
                                "The API token (hl_...) for --url (default: HOTLINE_TOKEN, then "
                                "`hotline remote set`); you act as its user");
  auto* pin = cmd->add_option("--pin-sha256", t.pin_sha256,
                              "Trust the node's certificate by its SHA-256 (hex; default: "
                              "HOTLINE_PIN_SHA256); without a pin, the system's trusted CAs");
  auto* cert = cmd->add_option("--cert", t.cert,
                               "Trust the node's certificate in this PEM file (a copy of "
                               "NODE/tls/operator.crt)");
  pin->excludes(cert);
  for (auto* o : {url, token, pin, cert}) dir->excludes(o);
}

std::string as_help(const std::string& doing) {
  return "Your name: the person " + doing +
         " (required with --dir; over the API you act as the token's user)";
}

// ---- settings ---------------------------------------------------------------

fs::path config_path() {
  if (auto p = env("HOTLINE_CONFIG"); !p.empty()) return p;
  auto home = env("HOME");
  if (home.empty()) {
    throw Error(ErrorCategory::invalid_input, "config_unreadable",
                "HOME is not set: give the config file's path in HOTLINE_CONFIG");
  }
  return fs::path(home) / ".config" / "hotline" / "cli.json";
}

std::optional<ConfigFile> read_config(const fs::path& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return std::nullopt;
    throw Error(ErrorCategory::invalid_input, "config_unreadable",
                "cannot read " + path.string() + ": " + std::strerror(errno));
  }
  if (st.st_uid != ::getuid()) {
    throw Error(ErrorCategory::invalid_input, "config_insecure",
                path.string() +
                    " belongs to another user; it holds an API token, so only "
                    "a file of your own is used");
  }
  if ((st.st_mode & 077) != 0) {
    throw Error(ErrorCategory::invalid_input, "config_insecure",
                path.string() + " can be read or changed by other users (mode " +
                    mode_text(st.st_mode) +
                    ") and it holds an API token; make it yours only: chmod 600 " + path.string());
  }
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw Error(ErrorCategory::invalid_input, "config_unreadable", "cannot read " + path.string());
  std::stringstream ss;
  ss << in.rdbuf();
  json j;
  try {
    j = json::parse(ss.str());
  } catch (const json::exception&) {
    throw Error(ErrorCategory::invalid_input, "config_invalid",
                path.string() + " is not JSON; write it again with `hotline remote set`");
  }
  ConfigFile c;
  auto text = [&](const char* key) -> std::string {
    if (!j.is_object() || !j.contains(key) || j[key].is_null()) return "";
    if (!j[key].is_string()) {
      throw Error(ErrorCategory::invalid_input, "config_invalid",
                  path.string() + ": \"" + key + "\" must be a string");
    }
    return j[key].get<std::string>();
  };
  if (!j.is_object()) {
    throw Error(ErrorCategory::invalid_input, "config_invalid",
                path.string() + " must hold {\"url\", \"token\", \"pin_sha256\"}");
  }
  c.url = text("url");
  c.token = text("token");
  c.pin_sha256 = text("pin_sha256");
  if (c.url.empty()) {
    throw Error(ErrorCategory::invalid_input, "config_invalid",
                path.string() + " names no \"url\"; write it again with `hotline remote set`");
  }
  return c;
}

void write_private_file(const fs::path& path, const std::string& bytes) {
  const fs::path folder = path.parent_path().empty() ? fs::path(".") : path.parent_path();
  const fs::path tmp =
      folder / ("." + path.filename().string() + ".tmp-" + std::to_string(::getpid()));
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    throw Error(ErrorCategory::internal, "io_error",
                "cannot write " + tmp.string() + ": " + std::strerror(errno));
  }
  bool ok = ::fchmod(fd, 0600) == 0;  // whatever the umask
  std::size_t off = 0;
  while (ok && off < bytes.size()) {
    auto n = ::write(fd, bytes.data() + off, bytes.size() - off);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) ok = false;
    if (n > 0) off += static_cast<std::size_t>(n);
  }
  ok = ok && ::fsync(fd) == 0;
  const int saved = errno;
  ::close(fd);
  if (!ok || ::rename(tmp.c_str(), path.c_str()) != 0) {
    const int err = ok ? errno : saved;
    ::unlink(tmp.c_str());
    throw Error(ErrorCategory::internal, "io_error",
                "cannot write " + path.string() + ": " + std::strerror(err));
  }
}

void write_config(const fs::path& path, const ConfigFile& c) {
  const fs::path folder = path.parent_path().empty() ? fs::path(".") : path.parent_path();
  std::error_code ec;
  if (!fs::exists(folder, ec)) {
    fs::create_directories(folder, ec);
    if (ec) {
      throw Error(ErrorCategory::internal, "io_error",
                  "cannot create " + folder.string() + ": " + ec.message());
    }
    fs::permissions(folder, fs::perms::owner_all, fs::perm_options::replace, ec);
  }
  json j = {{"url", c.url}, {"token", c.token}};
  if (!c.pin_sha256.empty()) j["pin_sha256"] = c.pin_sha256;
  write_private_file(path, j.dump(2) + "\n");
}

void parse_api_url(const std::string& typed, RemoteSettings& s) {
  const std::string url = url_key(typed);
  const std::string scheme = "https://";
  if (url.rfind("http://", 0) == 0) {
    usage("--url: the API speaks HTTPS only: https://HOST:PORT, not " + url);
  }
  if (url.rfind(scheme, 0) != 0 || url.size() == scheme.size()) {
    usage("--url: '" + typed + "' is not the address of a node's API; give https://HOST:PORT");
  }
  std::string rest = url.substr(scheme.size());
  if (rest.find_first_of("/?#@") != std::string::npos) {
    usage("--url: give only https://HOST:PORT (no path, query or user), not " + url);
  }
  std::string port;
  if (rest[0] == '[') {
    auto close = rest.find(']');
    if (close == std::string::npos) usage("--url: unclosed '[' in " + url);
    s.host = rest.substr(1, close - 1);
    if (close + 1 < rest.size()) {
      if (rest[close + 1] != ':') usage("--url: expected ':PORT' after the address in " + url);
      port = rest.substr(close + 2);
    }
  } else {
    auto colon = rest.find(':');
    if (colon != std::string::npos && rest.find(':', colon + 1) != std::string::npos) {
      usage("--url: an IPv6 address goes in brackets: https://[ADDRESS]:PORT");
    }
    s.host = rest.substr(0, colon);
    if (colon != std::string::npos) port = rest.substr(colon + 1);
  }
  if (s.host.empty()) usage("--url: no host in " + url);
  s.port = 443;
  if (!port.empty() || rest.back() == ':') {
    int p = 0;
    bool digits = !port.empty() && port.size() <= 5;
    for (char c : port) {
      if (!std::isdigit(static_cast<unsigned char>(c))) digits = false;
    }
    if (digits) p = std::stoi(port);
    if (!digits || p < 1 || p > 65535) usage("--url: '" + port + "' is not a port (1 to 65535)");
    s.port = static_cast<std::uint16_t>(p);
  }
  s.url = url;
}

std::array<std::uint8_t, 32> parse_pin(const std::string& text) {
  std::string hex;
  for (char c : text) {
    if (c == ':' || std::isspace(static_cast<unsigned char>(c))) continue;
    hex += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  if (hex.rfind("sha256=", 0) == 0) hex = hex.substr(7);
  std::vector<std::uint8_t> bytes;
  try {
    if (hex.size() == 64) bytes = from_hex(hex);
  } catch (const Error&) {
    bytes.clear();
  }
  if (bytes.size() != 32) {
    usage("--pin-sha256: '" + text +
          "' is not a SHA-256 (64 hex digits, colons allowed, as `openssl x509 -noout "
          "-fingerprint -sha256 -in NODE/tls/operator.crt` prints it)");
  }
  std::array<std::uint8_t, 32> out{};
  std::copy(bytes.begin(), bytes.end(), out.begin());
  return out;
}

std::array<std::uint8_t, 32> pin_of_certificate(const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in)
    throw Error(ErrorCategory::invalid_input, "file_unreadable", "--cert: cannot read " + file);
  std::stringstream ss;
  ss << in.rdbuf();
  return tls::certificate_sha256(ss.str());
}

std::optional<RemoteSettings> resolve_remote(const Target& t) {
  if (!t.dir.empty()) return std::nullopt;
  const std::string e_url = trimmed(env("HOTLINE_URL"));
  const std::string e_token = trimmed(env("HOTLINE_TOKEN"));
  const std::string e_pin = trimmed(env("HOTLINE_PIN_SHA256"));

  // The URL: command line, environment, file.
  std::string url = trimmed(t.url);
  if (url.empty()) url = e_url;
  // A token or pin goes only with the URL it came with (or any, when its
  // source names none): never send a saved token to another address.
  const bool env_fits = e_url.empty() || (!url.empty() && url_key(e_url) == url_key(url));
  std::string token = trimmed(t.token);
  if (token.empty() && env_fits) token = e_token;
  std::optional<std::array<std::uint8_t, 32>> pin;
  if (!t.cert.empty()) {
    pin = pin_of_certificate(t.cert);
  } else if (!trimmed(t.pin_sha256).empty()) {
    pin = parse_pin(t.pin_sha256);
  } else if (!e_pin.empty() && env_fits) {
    pin = parse_pin(e_pin);
  }
  if (url.empty() || token.empty() || !pin) {
    if (auto c = read_config(config_path())) {
      if (url.empty()) url = c->url;
      if (url_key(c->url) == url_key(url)) {
        if (token.empty()) token = c->token;
        if (!pin && !c->pin_sha256.empty()) pin = parse_pin(c->pin_sha256);
      }
    }
  }
  if (url.empty()) {
    if (!t.token.empty() || !t.pin_sha256.empty() || !t.cert.empty()) {
      usage("--token, --pin-sha256 and --cert go with --url https://HOST:PORT");
    }
    return std::nullopt;
  }
  RemoteSettings s;
  parse_api_url(url, s);
  if (token.empty()) {
    usage("no API token for " + s.url +
          ": give --token hl_..., set HOTLINE_TOKEN, or save it once with `hotline remote set "
          "--url " +
          s.url + " --token TOKEN` (an admin makes one with `hotline token create`)");
  }
  s.token = token;
  s.pin = pin;
  if (!trimmed(t.url).empty()) {
    s.hint = " --url " + s.url;
    if (!trimmed(t.token).empty()) s.hint += " --token TOKEN";
    if (!t.cert.empty()) s.hint += " --cert " + t.cert;
    if (!trimmed(t.pin_sha256).empty()) s.hint += " --pin-sha256 " + to_hex(*pin);
  }
  return s;
}

// ---- the desk ---------------------------------------------------------------

service::ItemView Desk::act(const std::string& kind, const std::string& typed_id,
                            const std::string& action, nlohmann::json args) {
  try {
    return do_act(kind, typed_id, action, std::move(args));
  } catch (const Error& e) {
    if (e.code() != "wrong_side") throw;
    std::string who = "the peer", us = "this node";
    try {
      who = peer_of(kind, typed_id);
      us = party();
    } catch (const Error&) {
    }
    throw Error(
        e.category(), e.code(),
        std::string(e.what()) + ". That is for " + who + " to do, not this node (" + us + ").");
  }
}

std::unique_ptr<Desk> open_desk(const Target& t, const std::string& as, Use use) {
  if (!t.dir.empty()) {
    if (use == Use::act) require_actor(as);
    return make_local_desk(t.dir, as);
  }
  auto s = resolve_remote(t);
  if (!s) usage(kWhichNode);
  auto desk = make_remote_desk(*s);
  if (!trimmed(as).empty()) {
    std::string who;
    try {
      who = desk->actor();
    } catch (const Error&) {
    }
    usage("--as: over the API you act as the token's user" + (who.empty() ? "" : ", " + who) +
          "; leave --as out (or work with --dir on the node's machine)");
  }
  return desk;
}

}  // namespace hotline::cli
