// GET /v1/vocabulary: the codes the web app's screens show by name (request
// kinds, priorities, decline reasons, dispute grounds, TLP and PAP labels,
// RSIT classes and types, Budapest offences, item states and actions per
// kind, translation languages). Codes only: the app's message catalogues
// give the names. Read from the model's own tables, so a code the model
// adds appears here without another change.
#include <string>
#include <vector>

#include "hotline/api/api_json.h"
#include "hotline/api/api_routes.h"
#include "hotline/model/alert.h"
#include "hotline/model/case_file.h"
#include "hotline/model/dispute.h"
#include "hotline/model/labels.h"
#include "hotline/model/request.h"
#include "hotline/model/review_round.h"
#include "hotline/service/item_replay.h"
#include "hotline/service/translations.h"

namespace hotline::api {
namespace {

using nlohmann::json;

template <class Range>
json codes(const Range& values) {
  json out = json::array();
  for (const auto& v : values) out.push_back(std::string(model::to_string(v)));
  return out;
}

json vocabulary() {
  using model::DeclineReason;
  static constexpr DeclineReason kDeclineReasons[] = {
      DeclineReason::outside_scope,  DeclineReason::insufficient_information,
      DeclineReason::legal_obstacle, DeclineReason::not_competent,
      DeclineReason::duplicate,      DeclineReason::other};
  static constexpr model::RequestKind kRequestKinds[] = {
      model::RequestKind::information, model::RequestKind::preservation,
      model::RequestKind::takedown, model::RequestKind::assistance};
  static constexpr model::Priority kPriorities[] = {model::Priority::urgent,
                                                    model::Priority::normal};
  json rsit_types = json::array();
  for (const auto& t : model::rsit_types()) rsit_types.push_back(model::rsit_code(t));
  json rsit_classes = json::array();
  for (auto c : model::rsit_classes()) rsit_classes.push_back(std::string(c));
  json offences = json::array();
  for (const auto& o : model::budapest_offences()) offences.push_back(std::string(o.code));
  json states = json::object();
  for (const char* kind :
       {service::kAlert, service::kRequest, service::kCase, service::kDispute, service::kRound})
    states[kind] = item_states(kind);
  return {{"request_kinds", codes(kRequestKinds)},
          {"priorities", codes(kPriorities)},
          {"decline_reasons", codes(kDeclineReasons)},
          {"dispute_grounds", codes(model::kDisputeGrounds)},
          {"tlp", codes(model::kTlpLevels)},
          {"pap", codes(model::kPapLevels)},
          {"rsit_classes", rsit_classes},
          {"rsit_types", rsit_types},
          {"offences", offences},
          {"states", states},
          {"actions",
           {{service::kAlert, codes(model::kAlertActions)},
            {service::kRequest, codes(model::kRequestActions)},
            {service::kCase, codes(model::kCaseActions)},
            {service::kDispute, codes(model::kDisputeActions)},
            {service::kRound, codes(model::kRoundActions)}}},
          {"translation_languages", service::translation_languages()}};
}

}  // namespace

void add_vocabulary_routes(std::vector<Route>& routes, RouteContext&) {
  routes.push_back(
      {"GET", "/v1/vocabulary", Access::signed_in, service::Permission::read_items, [](ApiCall&) {
         static const json v = vocabulary();
         return json_response(200, v);
       }});
}

}  // namespace hotline::api
