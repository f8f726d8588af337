#include "hotline/node/escalation_job.h"

#include "hotline/common/time.h"

namespace hotline::node {

void EscalationJob::step() {
  if (!watch_.check(node_, now_ms()).empty()) links_.notify_all();
}

}  // namespace hotline::node
