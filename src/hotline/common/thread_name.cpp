#include "hotline/common/thread_name.h"

#include <pthread.h>

#include <cstring>

namespace hotline {

void name_this_thread(const char* name) noexcept {
  char cut[16];
  std::strncpy(cut, name, sizeof cut - 1);
  cut[sizeof cut - 1] = '\0';
  // Only fails for names over 15 bytes, which `cut` never is.
  (void)pthread_setname_np(pthread_self(), cut);
}

}  // namespace hotline
