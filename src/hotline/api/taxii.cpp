#include "hotline/api/taxii.h"
#include "hotline/common/ascii.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>
#include <tuple>

#include "hotline/common/encoding.h"
#include "hotline/common/error.h"

namespace hotline::api::taxii {
namespace {

[[noreturn]] void invalid(const std::string& message) {
  throw Error(ErrorCategory::invalid_input, "taxii_filter_invalid", message);
}

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  while (true) {
    auto at = s.find(sep);
    out.push_back(trim_blanks(s.substr(0, at)));
    if (at == std::string_view::npos) return out;
    s.remove_prefix(at + 1);
  }
}

// One media range of an Accept header: allows TAXII 2.1 unless q=0.
bool range_allows(std::string_view range) {
  auto params = split(range, ';');
  const std::string type = ascii_lower(params[0]);
  bool version_ok = true;
  for (std::size_t i = 1; i < params.size(); ++i) {
    auto eq = params[i].find('=');
    const std::string name = ascii_lower(trim_blanks(params[i].substr(0, eq)));
    const std::string value =
        eq == std::string_view::npos ? "" : std::string(trim_blanks(params[i].substr(eq + 1)));
    if (name == "q" && (value == "0" || value.find_first_not_of("0.") == std::string::npos)) {
      return false;
    }
    if (name == "version") version_ok = value == "2.1";
  }
  if (type == "*/*" || type == "application/*") return true;
  return type == "application/taxii+json" && version_ok;
}

const char* reason(int status) {
  switch (status) {
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 406:
      return "Not Acceptable";
    case 413:
      return "Payload Too Large";
    case 415:
      return "Unsupported Media Type";
    case 429:
      return "Too Many Requests";
    case 503:
      return "Service Unavailable";
    default:
      return status >= 500 ? "Internal Server Error" : "Error";
  }
}

// The key entries are sorted and paged by.
std::string key_of(const Entry& e) {
  return e.date_added + "\n" + e.id + "\n" + e.version;
}

std::vector<std::string> list_of(const std::map<std::string, std::string>& query,
                                 const std::string& name) {
  std::vector<std::string> out;
  auto it = query.find(name);
  if (it == query.end()) return out;
  for (auto part : split(it->second, ',')) {
    if (part.empty()) invalid(name + ": expected a comma-separated list, found an empty member");
    out.emplace_back(part);
  }
  return out;
}

std::size_t parse_limit(const std::string& text) {
  if (text.empty() || text.size() > 9 || text.find_first_not_of("0123456789") != std::string::npos)
    invalid("limit: expected a positive integer, found \"" + text + "\"");
  const auto n = std::stoul(text);
  if (n == 0) invalid("limit: expected a positive integer, found 0");
  return std::min<std::size_t>(n, kMaxPage);
}

std::string decode_next(const std::string& token) {
  try {
    auto bytes = base64url_decode(token);
    std::string key(bytes.begin(), bytes.end());
    if (std::count(key.begin(), key.end(), '\n') == 2) return key;
  } catch (const Error&) {
  }
  invalid("next: expected a value this server gave in an envelope's \"next\", found \"" + token +
          "\"");
}

// The versions filter over the entries of one object (sorted by version).
bool version_passes(const std::vector<const Entry*>& versions, const Entry& e,
                    const std::vector<std::string>& wanted) {
  for (const auto& w : wanted) {
    if (w == "all") return true;
    if (w == "last" && versions.back()->version == e.version) return true;
    if (w == "first" && versions.front()->version == e.version) return true;
    if (w.size() > 5 && w == canonical_timestamp(e.version, "version")) return true;
  }
  return false;
}

template <class V>
bool in_or_empty(const std::vector<V>& list, const std::string& value) {
  return list.empty() || std::find(list.begin(), list.end(), value) != list.end();
}

net::HttpResponse with_dates(net::HttpResponse r, const Page& page) {
  if (!page.entries.empty()) {
    r.headers["X-TAXII-Date-Added-First"] = page.entries.front()->date_added;
    r.headers["X-TAXII-Date-Added-Last"] = page.entries.back()->date_added;
  }
  return r;
}

nlohmann::json page_head(const Page& page) {
  nlohmann::json body = {{"more", page.more}};
  if (page.more) body["next"] = page.next;
  return body;
}

}  // namespace

bool accepts_taxii(std::string_view accept) {
  if (trim_blanks(accept).empty()) return true;
  for (auto range : split(accept, ','))
    if (range_allows(range)) return true;
  return false;
}

net::HttpResponse ok(const nlohmann::json& body) {
  net::HttpResponse r;
  r.content_type = kTaxiiMediaType;
  r.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return r;
}

net::HttpResponse error_response(int status, const std::string& title,
                                 const std::string& description, const std::string& code) {
  auto r = ok({{"title", title},
               {"description", description},
               {"error_code", code},
               {"http_status", std::to_string(status)}});
  r.status = status;
  return r;
}

net::HttpResponse to_taxii_error(net::HttpResponse response) {
  if (response.status < 400 || response.content_type != "application/json") return response;
  auto body = nlohmann::json::parse(response.body, nullptr, false);
  if (!body.is_object() || !body.contains("error") || !body["error"].is_object()) return response;
  auto r = error_response(response.status, reason(response.status),
                          body["error"].value("message", ""), body["error"].value("code", ""));
  r.headers = std::move(response.headers);
  return r;
}

std::string canonical_timestamp(std::string_view text, std::string_view what) {
  auto bad = [&] {
    invalid(std::string(what) + ": expected a timestamp like 2026-11-27T09:44:49.123Z, found \"" +
            std::string(text) + "\"");
  };
  if (text.size() < 20 || text.back() != 'Z') bad();
  static constexpr std::string_view kForm = "dddd-dd-ddTdd:dd:dd";
  for (std::size_t i = 0; i < kForm.size(); ++i) {
    const bool digit = std::isdigit(static_cast<unsigned char>(text[i])) != 0;
    if (kForm[i] == 'd' ? !digit : text[i] != kForm[i]) bad();
  }
  std::string out(text.substr(0, kForm.size()));
  std::string_view rest = text.substr(kForm.size(), text.size() - kForm.size() - 1);
  std::string fraction;
  if (!rest.empty()) {
    if (rest.front() != '.' || rest.size() < 2 || rest.size() > 10) bad();
    fraction = rest.substr(1);
    if (fraction.find_first_not_of("0123456789") != std::string::npos) bad();
  }
  fraction.resize(9, '0');
  return out + "." + fraction + "Z";
}

Entry make_entry(nlohmann::json object, std::string date_added, std::size_t tag) {
  Entry e;
  e.tag = tag;
  e.id = object.value("id", "");
  e.type = object.value("type", "");
  e.spec_version = object.value("spec_version", "2.1");
  e.version = object.value("modified", object.value("created", date_added));
  e.date_added = std::move(date_added);
  e.object = std::move(object);
  return e;
}

void spread_ties(std::vector<Entry>& all) {
  std::sort(all.begin(), all.end(),
            [](const Entry& a, const Entry& b) { return key_of(a) < key_of(b); });
  std::string run;
  int k = 0;
  for (auto& e : all) {
    if (e.date_added.size() != 24 || e.date_added.back() != 'Z') continue;  // not ours
    k = e.date_added == run ? std::min(k + 1, 999) : 0;
    run = e.date_added;
    const std::string micro = std::to_string(1000 + k).substr(1);
    e.date_added = run.substr(0, 23) + micro + "Z";
  }
}

Filter parse_filter(const std::map<std::string, std::string>& query,
                    std::initializer_list<const char*> allowed) {
  Filter f;
  std::set<std::string> known{"added_after", "limit", "next"};
  for (const char* a : allowed) known.insert(std::string("match[") + a + "]");
  for (const auto& [name, value] : query) {
    if (!known.count(name))
      invalid("unknown parameter \"" + name + "\"; this endpoint takes " + [&] {
        std::string all;
        for (const auto& k : known) all += (all.empty() ? "" : ", ") + k;
        return all;
      }());
  }
  if (auto it = query.find("added_after"); it != query.end())
    f.added_after = canonical_timestamp(it->second, "added_after");
  if (auto it = query.find("limit"); it != query.end()) f.limit = parse_limit(it->second);
  if (auto it = query.find("next"); it != query.end()) f.after = decode_next(it->second);
  f.ids = list_of(query, "match[id]");
  f.types = list_of(query, "match[type]");
  f.spec_versions = list_of(query, "match[spec_version]");
  if (query.count("match[version]")) {
    f.versions.clear();
    for (auto& v : list_of(query, "match[version]")) {
      f.versions.push_back(
          v == "last" || v == "first" || v == "all" ? v : canonical_timestamp(v, "match[version]"));
    }
  }
  return f;
}

Page select(const std::vector<Entry>& all, const Filter& f) {
  // Each object's versions, oldest first, among those of the asked ids,
  // types and spec versions.
  std::map<std::string, std::vector<const Entry*>> by_id;
  for (const auto& e : all) {
    if (in_or_empty(f.ids, e.id) && in_or_empty(f.types, e.type) &&
        in_or_empty(f.spec_versions, e.spec_version)) {
      by_id[e.id].push_back(&e);
    }
  }
  std::vector<const Entry*> chosen;
  for (auto& [id, versions] : by_id) {
    std::sort(versions.begin(), versions.end(), [](const Entry* a, const Entry* b) {
      return canonical_timestamp(a->version, "version") <
             canonical_timestamp(b->version, "version");
    });
    for (const Entry* e : versions) {
      if (!version_passes(versions, *e, f.versions)) continue;
      if (f.added_after && canonical_timestamp(e->date_added, "date_added") <= *f.added_after)
        continue;
      if (f.after && key_of(*e) <= *f.after) continue;
      chosen.push_back(e);
    }
  }
  std::sort(chosen.begin(), chosen.end(),
            [](const Entry* a, const Entry* b) { return key_of(*a) < key_of(*b); });
  Page page;
  page.more = chosen.size() > f.limit;
  if (page.more) chosen.resize(f.limit);
  page.entries = std::move(chosen);
  if (page.more) page.next = base64url_encode(as_bytes(key_of(*page.entries.back())));
  return page;
}

net::HttpResponse envelope(const Page& page) {
  auto body = page_head(page);
  if (!page.entries.empty()) {
    body["objects"] = nlohmann::json::array();
    for (const Entry* e : page.entries) body["objects"].push_back(e->object);
  }
  return with_dates(ok(body), page);
}

net::HttpResponse manifest(const Page& page) {
  auto body = page_head(page);
  if (!page.entries.empty()) {
    body["objects"] = nlohmann::json::array();
    for (const Entry* e : page.entries) {
      body["objects"].push_back({{"id", e->id},
                                 {"date_added", e->date_added},
                                 {"version", e->version},
                                 {"media_type", kStixMediaType}});
    }
  }
  return with_dates(ok(body), page);
}

net::HttpResponse versions(const Page& page) {
  auto body = page_head(page);
  if (!page.entries.empty()) {
    body["versions"] = nlohmann::json::array();
    for (const Entry* e : page.entries) body["versions"].push_back(e->version);
  }
  return with_dates(ok(body), page);
}

}  // namespace hotline::api::taxii
