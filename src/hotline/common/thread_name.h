// Names the calling thread, so that `top -H`, `ps -L`, perf and gdb show
// what each of a node's threads is for (delivery, receipts, peer-io, ...).
#pragma once

namespace hotline {

// Linux keeps at most 15 characters; longer names are cut there.
void name_this_thread(const char* name) noexcept;

}  // namespace hotline
