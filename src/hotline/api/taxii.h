// TAXII 2.1 (OASIS, read-only server side): the protocol's pure parts, with
// no store and no I/O. routes_taxii.cpp serves them on the operators'
// listener under /taxii2/; docs/interop.md says what is published and who
// may read it.
//
//   - media types: a request's Accept must allow kTaxiiMediaType (406
//     otherwise); every answer is of that type;
//   - the error message {"title","description","error_code","http_status"};
//   - the filters of the objects, manifest and versions endpoints
//     (added_after, limit, next, match[id|type|version|spec_version]) and
//     their pagination: entries sorted by (date_added, id, version), "next"
//     an opaque token naming the last entry returned, "more" whether any
//     follow; the X-TAXII-Date-Added-First/Last headers of a page.
//
// Errors (hotline::Error, category invalid_input, code taxii_filter_invalid)
// name the parameter, what was expected and what was found.
//
// Thread-safety: free functions over values; safe from any thread.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "hotline/net/http_types.h"

namespace hotline::api::taxii {

inline constexpr const char* kTaxiiMediaType = "application/taxii+json;version=2.1";
inline constexpr const char* kStixMediaType = "application/stix+json;version=2.1";
// The most entries one page holds (a larger limit is cut to it).
inline constexpr std::size_t kMaxPage = 1000;

// True when an Accept header value allows kTaxiiMediaType: absent or empty,
// "*/*", "application/*", "application/taxii+json" without a version or with
// version=2.1, each unless its q is 0.
bool accepts_taxii(std::string_view accept);

// A TAXII error message as the answer: status, Content-Type kTaxiiMediaType.
net::HttpResponse error_response(int status, const std::string& title,
                                 const std::string& description, const std::string& code);
// The same from the operators' API's own error body ({"error":{"code",
// "message"}}): for answers the router gives before a TAXII handler runs
// (401, 404, 405, 429). Other bodies are kept, the type set to TAXII's.
net::HttpResponse to_taxii_error(net::HttpResponse response);

// A JSON answer of kTaxiiMediaType.
net::HttpResponse ok(const nlohmann::json& body);

// A STIX object of a collection and when it was added to the collection.
struct Entry {
  nlohmann::json object;
  std::string id;
  std::string type;
  std::string version;       // "modified", else "created", else date_added
  std::string spec_version;  // "2.1" when the object does not say
  std::string date_added;    // "2026-11-27T09:44:49.123Z"
  std::size_t tag = 0;       // the caller's: where the object came from
};
Entry make_entry(nlohmann::json object, std::string date_added, std::size_t tag = 0);

// Makes every entry's date_added unique within `all`, so that paging by
// added_after (X-TAXII-Date-Added-Last) loses no entry that shares its
// millisecond with the last one of a page: entries are ordered by (date
// added, id, version) and the k-th of those sharing a millisecond gets k
// microseconds ("2026-11-27T09:44:49.123002Z"). Stable while nothing new
// falls into a millisecond already past. Expects format_timestamp's form.
void spread_ties(std::vector<Entry>& all);

// A STIX timestamp ("2016-11-01T03:04:05Z", up to 9 fractional digits) in
// the one form this code compares: 9 fractional digits. Error
// taxii_filter_invalid naming `what` when it is none.
std::string canonical_timestamp(std::string_view text, std::string_view what);

struct Filter {
  std::optional<std::string> added_after;  // canonical
  std::size_t limit = kMaxPage;
  std::optional<std::string> after;  // from "next": the last entry's key
  std::vector<std::string> ids, types, spec_versions;
  // "last" (the default), "first", "all" and canonical timestamps.
  std::vector<std::string> versions{"last"};
};
// From a request's query. `allowed` names the match[...] fields the
// endpoint takes (the versions endpoint takes only spec_version).
Filter parse_filter(const std::map<std::string, std::string>& query,
                    std::initializer_list<const char*> allowed);

struct Page {
  std::vector<const Entry*> entries;
  bool more = false;
  std::string next;  // set when more
};
// The entries of `all` that pass the filter, one page of them.
Page select(const std::vector<Entry>& all, const Filter& filter);

// The envelope {"more","next"?,"objects"?}, the manifest
// {"more","next"?,"objects":[{id,date_added,version,media_type}]} and the
// versions resource {"more","next"?,"versions"} of a page; each with the
// X-TAXII-Date-Added-First/Last headers when the page has entries.
net::HttpResponse envelope(const Page& page);
net::HttpResponse manifest(const Page& page);
net::HttpResponse versions(const Page& page);

}  // namespace hotline::api::taxii
