// STUB: to be written (issue 20); every function throws "store_unsupported".
#include "hotline/store/postgres/item_tables.h"

#include "hotline/common/error.h"
#include "hotline/store/postgres/schema.h"

#pragma GCC diagnostic ignored "-Wunused-parameter"

namespace hotline::store::postgres {
namespace {

[[noreturn]] void item_not_yet(const char* what) {
  throw Error(ErrorCategory::internal, "store_unsupported",
              std::string("The PostgreSQL store cannot yet ") + what);
}

}  // namespace

const char* const kItemSchema = "";

void put_item(Conn& c, const ItemRecord& item) {
  item_not_yet("put_item");
}

std::optional<ItemRecord> find_item(Conn& c, std::string_view id) {
  item_not_yet("find_item");
}

std::vector<ItemRecord> list_items(Conn& c, std::string_view kind, std::string_view link,
                                   std::int64_t limit) {
  item_not_yet("list_items");
}

std::vector<ItemRecord> list_item_summaries(Conn& c, std::string_view kind, std::string_view link,
                                            std::int64_t limit) {
  item_not_yet("list_item_summaries");
}

std::vector<ItemRecord> find_item_summaries(Conn& c, const ItemQuery& query) {
  item_not_yet("find_item_summaries");
}

void insert_translation(Conn& c, const TranslationRecord& t) {
  item_not_yet("insert_translation");
}

std::vector<TranslationRecord> list_translations(Conn& c, std::string_view item_id) {
  item_not_yet("list_translations");
}

std::optional<TranslationRecord> find_translation(Conn& c, std::string_view id) {
  item_not_yet("find_translation");
}

bool delete_translation(Conn& c, std::string_view id) {
  item_not_yet("delete_translation");
}

std::int64_t insert_escalation(Conn& c, const EscalationRecord& e) {
  item_not_yet("insert_escalation");
}

std::vector<EscalationRecord> list_escalations(Conn& c, std::int64_t after_id, std::int64_t limit) {
  item_not_yet("list_escalations");
}

std::vector<EscalationRecord> pending_escalations(Conn& c, std::int64_t limit) {
  item_not_yet("pending_escalations");
}

void update_escalation_delivery(Conn& c, const EscalationRecord& e) {
  item_not_yet("update_escalation_delivery");
}

void put_attachment_link(Conn& c, const AttachmentLinkRecord& r) {
  item_not_yet("put_attachment_link");
}

std::optional<AttachmentLinkRecord> find_attachment_link(Conn& c, std::string_view sha256,
                                                         std::string_view link,
                                                         Direction direction) {
  item_not_yet("find_attachment_link");
}

std::vector<AttachmentLinkRecord> list_attachment_links(Conn& c, std::string_view state,
                                                        std::int64_t limit) {
  item_not_yet("list_attachment_links");
}

}  // namespace hotline::store::postgres
