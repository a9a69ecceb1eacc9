#include "strand_intrinsics.h"

#include <sys/random.h>
#include <time.h>

uint64_t strand_hash_seed_value;

/// Runs when the binary is loaded, before any Swift code.
__attribute__((constructor)) static void strand_draw_hash_seed(void) {
    uint64_t seed = 0;
    if (getrandom(&seed, sizeof seed, 0) != (ssize_t)sizeof seed) {
        // No entropy source at all (never on Linux ≥ 3.17): fall back to the clock and ASLR.
        struct timespec now;
        clock_gettime(CLOCK_MONOTONIC, &now);
        seed = (uint64_t)now.tv_nsec ^ ((uint64_t)now.tv_sec << 32) ^ (uint64_t)(uintptr_t)&seed;
    }
    strand_hash_seed_value = seed;
}
