#ifndef STRAND_INTRINSICS_H
#define STRAND_INTRINSICS_H

#include <stddef.h>
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

/// Whether this CPU runs `strand_keccak256_x8` (AVX-512F): asked once, at load time.
extern int strand_keccak256_x8_supported;

static inline int strand_keccak256_x8_ready(void) {
    return strand_keccak256_x8_supported;
}

/// Keccak-256 of `count` (at most 8) messages of any length into `digests` (32 bytes each, in
/// order), in as many steps as the longest takes blocks of 136 bytes: batch messages of about
/// one length. Only where `strand_keccak256_x8_ready()`.
void strand_keccak256_x8(const uint8_t *const messages[8], const size_t lengths[8], size_t count, uint8_t *digests);

#endif
