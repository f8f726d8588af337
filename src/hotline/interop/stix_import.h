// STIX 2.1 import (docs/interop.md): reads a bundle from a std::istream in
// one pass (nlohmann's SAX interface; one object in memory at a time, plus
// what is kept), validates every object, and maps
//   - indicators whose pattern is one of stix_pattern.h's forms (pattern_type
//     "stix") to case indicators: valid_from -> first_seen, confidence,
//     description -> note, the TLP of object_marking_refs -> tlp;
//   - the SCOs ipv4-addr, ipv6-addr, domain-name, url, email-addr, file
//     (hashes MD5, SHA-1, SHA-256; name) and autonomous-system to case
//     indicators;
//   - sightings of a mapped indicator to sightings (count, first_seen,
//     last_seen; where: the description, else the names of the
//     where_sighted_refs identities);
// and keeps every other object (reports, identities, malware, notes, the
// observed-data and relationships it does not account for, indicators with
// other patterns, ...) unchanged in one bundle, for ONE attachment of the
// case, "stix-unmapped-<bundle id>.json". The TLP 2.0 marking-definitions,
// "based-on" relationships from a mapped indicator and observed-data that
// only points at mapped SCOs are accounted for. Values are normalized
// (model/indicator.h) and deduplicated: one indicator per (type, value),
// keeping the earliest first_seen, the latest last_seen, the highest
// confidence, the strictest TLP and the first note. An indicator or SCO whose
// value is valid STIX but not a valid indicator of its type ("domain
// x.example" as a domain-name; the OASIS example bundles have such) is kept
// with the unmapped objects, and named in `warnings`.
//
// Anything invalid refuses the whole bundle: hotline::Error (invalid_input)
// "stix_invalid" naming the object (its index in "objects" and its id) and
// the field, with what was expected and what was found; "stix_pattern_invalid"
// for pattern syntax; "stix_too_large" (too_large) past a limit. The caller
// stores nothing then. Checked: JSON syntax and UTF-8, nesting depth (refused
// as soon as it is passed, whatever the input's depth), string and input
// size, the bundle's type and id, each object's type, id ("type--uuid"),
// spec_version "2.1", created/modified, the required properties of its type
// and the types of the properties read, duplicate ids (the same id and
// modified twice) and duplicate keys.
//
// Pure but for reading `in`; thread-safe on distinct streams.
#pragma once

#include <cstddef>
#include <functional>
#include <istream>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "hotline/interop/stix.h"

namespace hotline::interop {

struct StixImportOptions {
  // Called after every `progress_every` objects with the objects read and the
  // bytes read so far (for an estimate of the total).
  std::function<void(std::size_t objects, std::size_t bytes)> progress;
  std::size_t progress_every = 10000;
  int max_depth = 64;                                  // nested objects and arrays
  std::size_t max_string_bytes = 1 << 20;              // one JSON string (a key or a value)
  std::size_t max_input_bytes = std::size_t{1} << 30;  // the whole bundle
  // Who the imported sightings are by (the import's source).
  model::Side side = model::Side::theirs;
};

struct StixImport {
  std::string bundle_id;
  std::size_t objects = 0;                // in the bundle
  std::vector<StixIndicator> indicators;  // normalized, deduplicated, first seen first
  std::vector<StixSighting> sightings;
  std::map<std::string, std::size_t> mapped;    // STIX type -> objects used
  std::map<std::string, std::size_t> unmapped;  // STIX type -> objects kept as they are
  // {"type":"bundle","id":<bundle id>,"objects":[...]} of the objects kept,
  // or null when every object was used.
  nlohmann::json unmapped_bundle;
  // Objects kept rather than mapped because a value is not a valid
  // indicator of its type (model/indicator.h): "object 42 (indicator--...):
  // "pattern": ..." (escaped text).
  std::vector<std::string> warnings;
  // "stix-unmapped-<bundle id>.json"
  std::string unmapped_name() const;
};

StixImport import_stix(std::istream& in, const StixImportOptions& options = {});

}  // namespace hotline::interop
