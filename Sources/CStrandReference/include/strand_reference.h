#ifndef STRAND_REFERENCE_H
#define STRAND_REFERENCE_H
// Plain C implementations that `strand bench` measures Strand's Swift code against.
#include <stddef.h>
#include <stdint.h>

/// Keccak-256 (Ethereum padding) of `length` bytes at `input` into `out`.
void strand_reference_keccak256(const uint8_t *input, size_t length, uint8_t out[32]);

#endif
