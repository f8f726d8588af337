// The checks of a PostgreSQL connection string that open.h offers to the
// layers above (which never see libpq).
#include <libpq-fe.h>

#include <string>

#include "hotline/common/error.h"
#include "hotline/store/open.h"
#include "hotline/store/postgres/conn.h"

namespace hotline::store {

std::string describe_postgres(const std::string& conninfo) {
  return postgres::describe_conninfo(conninfo);
}

void require_conninfo_without_password(const std::string& conninfo) {
  char* error = nullptr;
  PQconninfoOption* options = PQconninfoParse(conninfo.c_str(), &error);
  if (options == nullptr) {
    // libpq's message names the part it could not read, not the values.
    std::string why = error != nullptr ? error : "out of memory";
    if (error != nullptr) PQfreemem(error);
    while (!why.empty() && (why.back() == '\n' || why.back() == ' ')) why.pop_back();
    throw Error(ErrorCategory::invalid_input, "store_conninfo_invalid",
                "The PostgreSQL connection string is not one libpq can read (expected "
                "\"postgresql://USER@HOST/DB\" or \"host=... dbname=...\"): " +
                    why);
  }
  bool has_password = false;
  for (auto* o = options; o->keyword != nullptr; ++o) {
    if (std::string(o->keyword) == "password" && o->val != nullptr && o->val[0] != '\0') {
      has_password = true;
    }
  }
  PQconninfoFree(options);
  if (has_password) {
    throw Error(ErrorCategory::invalid_input, "store_conninfo_password",
                "The connection string for PostgreSQL " + postgres::describe_conninfo(conninfo) +
                    " holds a password, which would be kept in the node's folder. Remove it "
                    "and give the password to libpq instead: a passfile=/path in the "
                    "connection string, the file ~/.pgpass (mode 0600), or the environment "
                    "variable PGPASSFILE or PGPASSWORD.");
  }
}

}  // namespace hotline::store
