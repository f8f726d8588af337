// STUB: to be written (issue 20); every function throws "store_unsupported".
#include "hotline/store/postgres/ledger_tables.h"

#include "hotline/common/error.h"
#include "hotline/store/postgres/schema.h"

#pragma GCC diagnostic ignored "-Wunused-parameter"

namespace hotline::store::postgres {
namespace {

[[noreturn]] void ledger_not_yet(const char* what) {
  throw Error(ErrorCategory::internal, "store_unsupported",
              std::string("The PostgreSQL store cannot yet ") + what);
}

}  // namespace

const char* const kLedgerSchema = "";

std::int64_t ledger_size(Conn& c) {
  ledger_not_yet("ledger_size");
}

std::int64_t append_to_log(Conn& c, LogFrontier& frontier, std::string_view kind,
                           std::string_view link, Direction direction, std::int64_t seq,
                           std::string_view canonical) {
  ledger_not_yet("append_to_log");
}

std::vector<LedgerLeafRecord> list_ledger_leaves(Conn& c, std::int64_t from, std::int64_t limit) {
  ledger_not_yet("list_ledger_leaves");
}

std::optional<std::string> ledger_node(Conn& c, int level, std::int64_t index) {
  ledger_not_yet("ledger_node");
}

void insert_tree_head(Conn& c, const TreeHeadRecord& h) {
  ledger_not_yet("insert_tree_head");
}

void set_tree_head_status(Conn& c, std::string_view link, std::int64_t size,
                          std::string_view status) {
  ledger_not_yet("set_tree_head_status");
}

std::vector<TreeHeadRecord> list_tree_heads(Conn& c, std::string_view link) {
  ledger_not_yet("list_tree_heads");
}

}  // namespace hotline::store::postgres
