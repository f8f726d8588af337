// Store::transaction_seconds (store.h).
#include "hotline/store/store.h"

namespace hotline::store {

metrics::Histogram& Store::transaction_seconds(bool write) {
  static constexpr const char* kName = "hotline_store_transaction_seconds";
  static constexpr const char* kHelp =
      "Store transactions of this process, from asking to commit (write: waiting for the "
      "writer included)";
  static metrics::Histogram& w = metrics::Registry::global().histogram(
      kName, kHelp, metrics::transaction_seconds_buckets(), {{"kind", "write"}});
  static metrics::Histogram& r = metrics::Registry::global().histogram(
      kName, kHelp, metrics::transaction_seconds_buckets(), {{"kind", "read"}});
  return write ? w : r;
}

}  // namespace hotline::store
