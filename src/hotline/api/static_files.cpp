#include "hotline/api/static_files.h"
#include "hotline/common/ascii.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <fstream>
#include <system_error>
#include <utility>

#include "hotline/common/encoding.h"
#include "hotline/common/error.h"
#include "hotline/crypto/sha256.h"

namespace hotline::api {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kAssets = "/assets/";

bool starts_with(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// The %-decoded path of `target` (no query), or nullopt when it must not
// be looked up: not a path, a broken escape, a NUL or backslash, a segment
// that starts with "." ("..", ".", a hidden name).
std::optional<std::string> safe_path(std::string_view target) {
  target = target.substr(0, target.find_first_of("?#"));
  if (target.empty() || target.front() != '/') return std::nullopt;
  std::string path;
  path.reserve(target.size());
  for (std::size_t i = 0; i < target.size(); ++i) {
    char c = target[i];
    if (c == '%') {
      if (i + 2 >= target.size()) return std::nullopt;
      int hi = hex_digit(target[i + 1]), lo = hex_digit(target[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      c = static_cast<char>(hi * 16 + lo);
      i += 2;
    }
    if (c == '\0' || c == '\\') return std::nullopt;
    path.push_back(c);
  }
  std::size_t start = 1;
  while (start <= path.size()) {
    std::size_t slash = std::min(path.find('/', start), path.size());
    std::string_view segment = std::string_view(path).substr(start, slash - start);
    if (!segment.empty() && segment.front() == '.') return std::nullopt;
    start = slash + 1;
  }
  return path;
}

net::HttpResponse not_found(const std::string& what) {
  auto r = net::json_error(404, "not_found", "no such file: " + what);
  r.headers["Cache-Control"] = "no-store";
  return r;
}

net::HttpResponse web_app_missing() {
  auto r = net::json_error(
      404, "web_app_missing",
      "the web app is not built or not found; build it with `npm --prefix web run build` (or "
      "`make build`) and restart, or start `hotline serve --web-root DIR` with the built app");
  r.headers["Cache-Control"] = "no-store";
  return r;
}

net::HttpResponse method_not_allowed(const net::HttpRequest& request) {
  auto r = net::json_error(405, "method_not_allowed",
                           request.method + " is not allowed on the web app's pages; use GET");
  r.headers["Allow"] = "GET, HEAD";
  r.headers["Cache-Control"] = "no-store";
  return r;
}

bool is_read(const net::HttpRequest& request) {
  return request.method == "GET" || request.method == "HEAD";
}

// True when `path` (canonical) lies inside `root` (canonical).
bool inside(const fs::path& path, const fs::path& root) {
  auto [r, p] = std::mismatch(root.begin(), root.end(), path.begin(), path.end());
  return r == root.end();
}

bool hidden(const fs::path& name) {
  const std::string s = name.filename().string();
  return !s.empty() && s.front() == '.';
}

// The file's bytes, at most `limit` of them (Error web_root_too_large past it).
std::string read_limited(const fs::path& path, std::size_t limit) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw Error(ErrorCategory::internal, "web_root_invalid",
                "cannot read " + path.string() + " of the web app's folder");
  }
  std::string body;
  std::array<char, 64 * 1024> buf{};
  while (in) {
    in.read(buf.data(), buf.size());
    body.append(buf.data(), static_cast<std::size_t>(in.gcount()));
    if (body.size() > limit) {
      throw Error(ErrorCategory::too_large, "web_root_too_large",
                  "the web app's file " + path.string() + " is larger than " +
                      std::to_string(limit) + " bytes");
    }
  }
  return body;
}

// Whether an If-None-Match value names `etag` (or is "*"); weak
// validators (W/"…") compare by their tag (RFC 9110, section 13.1.2).
bool etag_matches(std::string_view if_none_match, const std::string& etag) {
  while (!if_none_match.empty()) {
    auto comma = if_none_match.find(',');
    std::string_view tag = trim_blanks(if_none_match.substr(0, comma));
    if_none_match =
        comma == std::string_view::npos ? std::string_view() : if_none_match.substr(comma + 1);
    if (starts_with(tag, "W/")) tag.remove_prefix(2);
    if (tag == "*" || tag == etag) return true;
  }
  return false;
}

}  // namespace

bool is_api_target(std::string_view target) {
  std::string_view path = target.substr(0, target.find('?'));
  if (path.empty() || path.front() != '/') return true;
  return path == "/v1" || starts_with(path, "/v1/") || path == "/health" || path == "/version" ||
         path == "/metrics" || path == "/taxii2" || starts_with(path, "/taxii2/");
}

std::string content_type_for(std::string_view name) {
  static const std::map<std::string, std::string, std::less<>> kTypes = {
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".json", "application/json"},
      {".map", "application/json"},
      {".webmanifest", "application/manifest+json"},
      {".txt", "text/plain; charset=utf-8"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".jpg", "image/jpeg"},
      {".jpeg", "image/jpeg"},
      {".gif", "image/gif"},
      {".webp", "image/webp"},
      {".ico", "image/x-icon"},
      {".woff2", "font/woff2"},
      {".woff", "font/woff"},
      {".ttf", "font/ttf"},
      {".mp3", "audio/mpeg"},
      {".wav", "audio/wav"},
      {".ogg", "audio/ogg"},
      {".gz", "application/gzip"},
      {".wasm", "application/wasm"},
  };
  auto dot = name.rfind('.');
  auto slash = name.rfind('/');
  if (dot == std::string_view::npos || (slash != std::string_view::npos && dot < slash)) {
    return "application/octet-stream";
  }
  auto it = kTypes.find(ascii_lower(name.substr(dot)));
  return it == kTypes.end() ? "application/octet-stream" : it->second;
}

bool accepts_gzip(std::string_view accept_encoding) {
  while (!accept_encoding.empty()) {
    auto comma = accept_encoding.find(',');
    std::string_view item = accept_encoding.substr(0, comma);
    accept_encoding =
        comma == std::string_view::npos ? std::string_view() : accept_encoding.substr(comma + 1);
    auto semi = item.find(';');
    std::string coding = ascii_lower(trim_blanks(item.substr(0, semi)));
    if (coding != "gzip" && coding != "x-gzip" && coding != "*") continue;
    std::string params = semi == std::string_view::npos ? "" : ascii_lower(item.substr(semi + 1));
    params.erase(std::remove(params.begin(), params.end(), ' '), params.end());
    auto q = params.find("q=");
    if (q == std::string::npos) return true;
    std::string_view value = std::string_view(params).substr(q + 2);
    value = value.substr(0, value.find(';'));
    if (value.find_first_not_of("0.") != std::string_view::npos) return true;  // q > 0
  }
  return false;
}

WebApp WebApp::load(const fs::path& root, const Limits& limits) {
  std::error_code ec;
  if (!fs::is_directory(root, ec)) {
    throw Error(ErrorCategory::invalid_input, "web_root_invalid",
                "the web app's folder " + root.string() +
                    " is not a folder (expected the built "
                    "app: index.html and assets/)");
  }
  WebApp app;
  app.root_ = fs::canonical(root);
  try {
    fs::recursive_directory_iterator it(app.root_), end;
    for (; it != end; ++it) {
      const fs::directory_entry& entry = *it;
      if (hidden(entry.path())) {
        if (entry.is_directory()) it.disable_recursion_pending();
        ++app.skipped_;
        continue;
      }
      std::string key = "/" + entry.path().lexically_relative(app.root_).generic_string();
      if (entry.is_directory() && !entry.is_symlink()) continue;
      const fs::path real = fs::canonical(entry.path(), ec);  // a broken link: ec
      if (ec || entry.is_directory() || !entry.is_regular_file() || !inside(real, app.root_)) {
        app.refused_.push_back(key);  // a symlinked folder, a device, a link leading out
        ++app.skipped_;
        continue;
      }
      if (app.files_.size() >= limits.max_files) {
        throw Error(ErrorCategory::too_large, "web_root_too_large",
                    "the web app's folder " + app.root_.string() + " holds more than " +
                        std::to_string(limits.max_files) + " files");
      }
      std::string body = read_limited(real, limits.max_file_bytes);
      app.total_bytes_ += body.size();
      if (app.total_bytes_ > limits.max_total_bytes) {
        throw Error(ErrorCategory::too_large, "web_root_too_large",
                    "the web app's folder " + app.root_.string() + " holds more than " +
                        std::to_string(limits.max_total_bytes) + " bytes");
      }
      std::string etag = "\"" + to_hex(crypto::sha256(body)).substr(0, 32) + "\"";
      app.files_[key] = File{std::move(body), content_type_for(key), std::move(etag)};
    }
  } catch (const fs::filesystem_error& e) {
    throw Error(ErrorCategory::internal, "web_root_invalid",
                "cannot read the web app's folder " + root.string() + ": " + e.what());
  }
  return app;
}

std::optional<net::HttpResponse> WebApp::check_head(const net::HttpRequest& head) const {
  if (!is_read(head)) return method_not_allowed(head);
  return std::nullopt;
}

net::HttpResponse WebApp::handle(const net::HttpRequest& request) const {
  if (!is_read(request)) return method_not_allowed(request);
  auto path = safe_path(request.target);
  if (!path) return not_found("the path names a parent or hidden name, or a forbidden character");
  for (const std::string& refused : refused_) {
    if (*path == refused || starts_with(*path, refused + "/")) return not_found(*path);
  }
  if (!has_app()) return web_app_missing();
  if (auto it = files_.find(*path); it != files_.end()) {
    return file_response(*path, it->second, request);
  }
  if (starts_with(*path, kAssets)) return not_found(*path);
  return file_response("/index.html", files_.find("/index.html")->second, request);
}

net::HttpResponse WebApp::file_response(const std::string& path, const File& file,
                                        const net::HttpRequest& request) const {
  net::HttpResponse r;
  r.content_type = file.content_type;
  r.headers["Cache-Control"] =
      starts_with(path, kAssets) ? "public, max-age=31536000, immutable" : "no-cache";
  const File* sent = &file;
  auto gz = ends_with(path, ".gz") ? files_.end() : files_.find(path + ".gz");
  if (gz != files_.end()) {
    r.headers["Vary"] = "Accept-Encoding";
    auto accept = request.headers.find("accept-encoding");
    if (accept != request.headers.end() && accepts_gzip(accept->second)) {
      r.headers["Content-Encoding"] = "gzip";
      sent = &gz->second;
    }
  }
  r.headers["ETag"] = sent->etag;
  auto known = request.headers.find("if-none-match");
  if (known != request.headers.end() && etag_matches(known->second, sent->etag)) {
    r.status = 304;  // the browser's copy is this one: no body
    return r;
  }
  r.body = sent->body;
  return r;
}

}  // namespace hotline::api
