#ifndef STRAND_INTRINSICS_H
#define STRAND_INTRINSICS_H

/// Compiler intrinsics Swift does not expose. Static inline, so that they cost an instruction.

/// Asks the CPU to bring the cache line at `address` closer, for a read soon.
static inline void strand_prefetch(const void *address) {
    __builtin_prefetch(address, 0, 3);
}

#endif
