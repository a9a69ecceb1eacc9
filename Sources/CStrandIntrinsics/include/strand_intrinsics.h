#ifndef STRAND_INTRINSICS_H
#define STRAND_INTRINSICS_H

#include <stdint.h>

/// What the hot loops need that Swift does not offer cheaply: compiler intrinsics, and a
/// per-process value set before `main`, which Swift code can read without the check a lazy
/// Swift global costs on every access (a call the optimizer cannot see through).

/// Asks the CPU to bring the cache line at `address` closer, owned for a write soon (a line
/// another core wrote moves once, not once to read and again to write).
static inline void strand_prefetch_for_write(const void *address) {
    __builtin_prefetch(address, 1, 3);
}

/// A random secret, drawn once per process at load time: the seed of Strand's key hashes.
extern uint64_t strand_hash_seed_value;

static inline uint64_t strand_hash_seed(void) {
    return strand_hash_seed_value;
}

#endif
