// TLP:RED and TLP:AMBER+STRICT on this node (support, docs/threat-model.md
// "TLP:RED: content stays out of logs and events; need to know per item").
//
// Content: an item labelled TLP:RED or TLP:AMBER+STRICT (withholds_content)
// keeps its content (title, summary, details, file names, anything a person
// wrote) out of the node's events, log lines and webhook payloads. They name
// such an item by kind, id, priority, TLP and times only (content_free_note).
//
// Readers: an item labelled TLP:RED is readable, through the API, only by
//   - its author: the person of this node who created it (the alert's
//     "raise", the request's "create", the case's "open");
//   - the people on its need-to-know list.
// Everyone else is told it does not exist (item_unknown, HTTP 404): the item,
// its actions and answers, its attachments and the events about it. Nobody
// else is a reader by role: not translators, reviewers or supervisors (a
// request that needs four-eyes approval is shared with the approver first).
// The list of an item that arrives from the peer is, at arrival, every
// enabled user holding the supervisor role (when there is none, every enabled
// operator), so that somebody on duty can see and share it. The author and the
// supervisors who may read the item may change the list (desk_service.h,
// set_need_to_know); every change is in the audit trail.
// TLP:AMBER+STRICT ("the recipient's organisation only") has no per-person
// list: every reader of this node's desk belongs to the organisation.
//
// The CLI at the node's data directory (--dir) reads the database itself and
// is not restricted (its user owns the files); these rules are the API's.
//
// The list is kept in the settings table under kNeedToKnowPrefix + item id,
// as a JSON array of user names, sorted.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "hotline/store/records.h"
#include "hotline/store/store.h"

namespace hotline::service {

inline constexpr const char* kNeedToKnowPrefix = "item.need_to_know.";

// TLP:RED and TLP:AMBER+STRICT (as in ItemRecord::tlp).
bool withholds_content(std::string_view tlp);
// TLP:RED only.
bool needs_to_know(std::string_view tlp);

// "<kind> <id>" plus, for an item whose content is withheld, the label
// "(TLP:RED)"; otherwise "<kind> <id> (<title>)" when `with_title`.
std::string content_free_note(const store::ItemRecord& item, bool with_title);

// The person of this node who created the item ("" for an item from the peer).
std::string author_of(const store::ItemRecord& item);

// The need-to-know list (sorted names; empty when none was set).
std::vector<std::string> need_to_know_list(store::Transaction& tx, const std::string& item_id);
void put_need_to_know_list(store::Transaction& tx, const std::string& item_id,
                           std::vector<std::string> names);
// "alice,bob" ("-" for nobody): the list as the audit trail records it.
std::string join_names(const std::vector<std::string>& names);
// Who is on the list of a TLP:RED item arriving from the peer (see above).
std::vector<std::string> arrival_list(store::Transaction& tx);

// True when `user` may read the item: it is not TLP:RED, or they are its
// author or on its list.
bool may_read(store::Transaction& tx, const store::ItemRecord& item, const std::string& user);
// True unless the file is attached to a TLP:RED item that `user` may not read.
bool may_read_attachment(store::Transaction& tx, const std::string& sha256,
                         const std::string& user);

// The error for an item `user` may not read: the same as for no item at all.
[[noreturn]] void throw_item_unknown(const std::string& kind, const std::string& id);

}  // namespace hotline::service
