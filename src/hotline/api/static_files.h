// The built web app (web/dist: index.html, assets/<name>-<hash>.js|css and
// a .gz beside each compressible file), served by `hotline serve` on the
// operators' listener beside the API (docs/operations.md, "The web app").
//
// The folder is loaded once, at start, into memory (the app is a few MiB;
// Limits below) and never read again: a request only looks its path up in
// a map, so no request path ever reaches the file system. While loading,
// hidden names (".x", and everything under a hidden folder) are skipped;
// so are files that are not regular, symlinks whose target lies outside the
// folder and symlinked folders (not entered), and their paths answer 404.
// Changed files need a restart.
//
// Answers (GET and HEAD; any other method 405 with "Allow: GET, HEAD"):
//   - a file of the folder: its bytes and Content-Type; under /assets/
//     (Vite's hashed names, never changed in place)
//     "Cache-Control: public, max-age=31536000, immutable", elsewhere
//     "Cache-Control: no-cache";
//   - a missing file under /assets/: 404 not_found (an old page asking for
//     the assets of an earlier build gets no HTML in place of a script);
//   - any other path: index.html with "Cache-Control: no-cache", so that
//     the app's own routes (/requests/abc) load the app, which shows them;
//   - a path with a segment starting with "." ("..", ".", a hidden name;
//     also %-encoded), a backslash, a NUL or a broken %-escape: 404
//     not_found, looked up nowhere;
//   - "Accept-Encoding: gzip" and a "<file>.gz" beside the file: the .gz
//     with "Content-Encoding: gzip"; every file that has a .gz carries
//     "Vary: Accept-Encoding";
//   - every file answer carries an ETag (of the bytes sent: the .gz has
//     its own); "If-None-Match" naming it gets 304 and no body, so a
//     "no-cache" page costs one short round trip when it did not change;
//   - no app (the folder has no index.html, or there is no folder): 404
//     web_app_missing with a sentence saying how to build it.
// The listener adds the security headers (api/serve.h,
// operator_security_headers) to all of these.
//
// Ownership and threads: a WebApp owns copies of the files; it does not
// change after load(), and handle() and check_head() are const and
// thread-safe.
#pragma once

#include <cstddef>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hotline/net/http_types.h"

namespace hotline::api {

class WebApp {
 public:
  struct Limits {
    std::size_t max_files = 4096;
    std::size_t max_file_bytes = 32 * 1024 * 1024;
    std::size_t max_total_bytes = 128 * 1024 * 1024;
  };

  // No app: every page answers 404 web_app_missing.
  WebApp() = default;

  // Loads every file of `root`. Throws Error "web_root_invalid" when root
  // is not a readable folder, "web_root_too_large" past a limit (naming
  // the limit and the file). A folder without index.html loads, without an
  // app (has_app() false).
  static WebApp load(const std::filesystem::path& root, const Limits& limits);
  static WebApp load(const std::filesystem::path& root) { return load(root, Limits{}); }

  bool has_app() const { return files_.count("/index.html") > 0; }
  const std::filesystem::path& root() const { return root_; }
  std::size_t file_count() const { return files_.size(); }
  std::size_t total_bytes() const { return total_bytes_; }
  // Entries left out while loading (hidden, not regular, pointing outside).
  std::size_t skipped() const { return skipped_; }

  // The answer to a request whose target is not the API's (is_api_target).
  net::HttpResponse handle(const net::HttpRequest& request) const;

  // For net::ServerLimits::check_head (a request with a body to come): 405
  // for a method other than GET and HEAD, before the body is read; nullopt
  // otherwise.
  std::optional<net::HttpResponse> check_head(const net::HttpRequest& head) const;

 private:
  struct File {
    std::string body;
    std::string content_type;
    std::string etag;  // "\"<first 128 bits of its SHA-256, hex>\""
  };
  net::HttpResponse file_response(const std::string& path, const File& file,
                                  const net::HttpRequest& request) const;

  std::filesystem::path root_;
  std::map<std::string, File, std::less<>> files_;  // "/assets/app-1a2b.js" -> file
  std::vector<std::string> refused_;                // skipped entries: 404 for them and below
  std::size_t total_bytes_ = 0;
  std::size_t skipped_ = 0;
};

// True for the targets the API answers: /v1 and below, /taxii2 and below,
// /health, /version,
// and a target that is not a path (which the API refuses with 400).
bool is_api_target(std::string_view target);

// The Content-Type of a file name by its extension (.js, .css, .svg, .png,
// .woff2, .ico, .json, .mp3, .wav, .ogg, .map, .html, .txt, ...);
// "application/octet-stream" for one not known.
std::string content_type_for(std::string_view name);

// Whether an Accept-Encoding value accepts gzip (a "gzip" or "x-gzip"
// coding, or "*", without q=0).
bool accepts_gzip(std::string_view accept_encoding);

}  // namespace hotline::api
