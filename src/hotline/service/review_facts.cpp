#include "hotline/service/review_facts.h"

#include <algorithm>
#include <mutex>
#include <string_view>

#include "hotline/common/error.h"
#include "hotline/common/time.h"
#include "hotline/model/time_zone.h"
#include "hotline/service/deadline_service.h"
#include "hotline/service/link_support.h"

namespace hotline::service {
namespace {
namespace review_facts_detail {

using review::Act;
using review::Millis;
using review::Party;
using store::Direction;

Millis millis_of(std::string_view text) {
  return parse_timestamp(text).time_since_epoch().count();
}

const std::string& tzdb() {
  static std::once_flag once;
  static std::string version;
  std::call_once(once, [] { version = model::tzdb_version(); });
  return version;
}

}  // namespace review_facts_detail
}  // namespace

std::vector<review::AgreementInForce> agreements_in_force(store::Transaction& tx,
                                                          const std::string& link) {
  using namespace review_facts_detail;
  std::vector<review::AgreementInForce> out;
  for (const auto& rec : tx.list_agreements(link)) {
    if (rec.state == "proposed" || !rec.in_force_from) continue;
    out.push_back(
        review::AgreementInForce{rec.digest, millis_of(*rec.in_force_from), parse_agreement(rec)});
  }
  std::stable_sort(out.begin(), out.end(), [](const auto& x, const auto& y) {
    return x.document.amendment < y.document.amendment;
  });
  if (out.empty()) {
    throw Error(ErrorCategory::conflict, "agreement_missing",
                "the link " + link +
                    " has no accepted agreement: the review judges every item by the "
                    "agreement in force when it was received");
  }
  return out;
}

review::Party our_party(const model::Agreement& agreement, const std::string& our_key) {
  using namespace review_facts_detail;
  if (agreement.a.public_key == our_key) return Party::a;
  if (agreement.b.public_key == our_key) return Party::b;
  throw Error(ErrorCategory::internal, "agreement_invalid",
              "the agreement of link " + agreement.link +
                  " names neither party with this node's key " + our_key);
}

review::Cut held_cut(store::Transaction& tx, const std::string& link, review::Party ours) {
  using namespace review_facts_detail;
  std::int64_t out = tx.last_seq(link, Direction::outbound);
  const auto pending = tx.pending_outbox(link, 1);
  if (!pending.empty()) out = std::min(out, pending.front().seq - 1);
  const std::int64_t in = tx.last_seq(link, Direction::inbound);
  return ours == Party::a ? review::Cut{out, in} : review::Cut{in, out};
}

review::ReviewContext review_context(store::Transaction& tx, const std::string& link,
                                     review::Millis from, review::Millis to,
                                     const review::Cut& cut) {
  using namespace review_facts_detail;
  review::ReviewContext ctx;
  ctx.link = link;
  ctx.from = from;
  ctx.to = to;
  ctx.cut = cut;
  ctx.tzdb = tzdb();
  ctx.agreements = agreements_in_force(tx, link);
  for (const auto& a : ctx.agreements) {
    for (const auto* p : {&a.document.a, &a.document.b}) {
      if (!ctx.zones.count(p->time_zone)) ctx.zones.emplace(p->time_zone, zone_named(p->time_zone));
    }
  }
  return ctx;
}

}  // namespace hotline::service
