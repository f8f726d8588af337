// Internal to interop/stix_import*.cpp: the per-object half of the STIX
// import (validation and mapping); stix_import_read.cpp reads the stream and
// hands each object of the bundle to a Mapper. Not thread-safe (one per
// import).
#pragma once

#include <cstddef>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include <nlohmann/json.hpp>

#include "hotline/interop/stix_import.h"

namespace hotline::interop::stix_import_impl {

// Error "stix_invalid": "object <index> (<id>): "<field>": expected ..., found ...".
[[noreturn]] void refuse(std::size_t index, std::string_view id, std::string_view field,
                         const std::string& expected, const std::string& found);
// A JSON value shown in an error: a string quoted and escaped, else its type
// and text, cut short.
std::string shown(const nlohmann::json& value);
bool is_stix_id(std::string_view id, std::string_view type);  // "<type>--<uuid>"

class Mapper {
 public:
  explicit Mapper(const StixImportOptions& options) : options_(options) {}
  void object(std::size_t index, nlohmann::json object);
  StixImport finish(const std::string& bundle_id);

 private:
  struct Pending {  // an indicator or SCO, until the markings are known
    std::vector<StixIndicator> values;
    std::vector<std::string> markings;
  };
  struct PendingSighting {
    std::size_t index;
    nlohmann::json object;
  };

  void indicator(std::size_t index, const std::string& id, nlohmann::json& o);
  void observable(std::size_t index, const std::string& id, const std::string& type,
                  nlohmann::json& o);
  void add_pending(const std::string& id, Pending p);
  void keep(nlohmann::json o);
  std::optional<model::Tlp> tlp_of(const std::vector<std::string>& markings) const;
  void resolve_sightings(StixImport& out);
  void resolve_candidates(StixImport& out);

  const StixImportOptions& options_;
  std::unordered_set<std::string> seen_;              // id + "|" + modified
  std::unordered_map<std::string, Pending> pending_;  // mapped indicator / SCO id -> values
  std::vector<std::string> pending_order_;
  std::unordered_map<std::string, model::Tlp> bundle_tlp_;  // TLP marking-definitions defined here
  std::unordered_map<std::string, std::string> identity_names_;
  std::vector<PendingSighting> sightings_;
  std::vector<nlohmann::json> candidates_;  // relationships, observed-data: used or kept
  std::vector<nlohmann::json> kept_;
  std::vector<std::string> warnings_;
  std::map<std::string, std::size_t> mapped_, unmapped_;
  std::size_t count_ = 0;
};

}  // namespace hotline::interop::stix_import_impl
