#include "hotline/common/file_mode.h"

#include <sys/stat.h>

#include <cstdio>
#include <string>

#include "hotline/common/error.h"

namespace hotline {

void require_owner_only(const std::filesystem::path& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0 || (st.st_mode & 077) == 0) return;
  const bool dir = S_ISDIR(st.st_mode);
  char mode[8];
  std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
  throw Error(ErrorCategory::internal, "file_permissions",
              std::string(dir ? "folder " : "file ") + path.string() + " has mode " + mode +
                  ", which lets other users of this machine read or change it; refusing to use "
                  "it. Fix with: chmod " +
                  (dir ? "700 " : "600 ") + path.string());
}

}  // namespace hotline
