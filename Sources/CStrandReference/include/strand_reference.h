#ifndef STRAND_REFERENCE_H
#define STRAND_REFERENCE_H
// Plain C implementations that `strand bench` measures Strand's Swift code against.
#include <stddef.h>
#include <stdint.h>

/// Keccak-256 (Ethereum padding) of `length` bytes at `input` into `out`.
void strand_reference_keccak256(const uint8_t *input, size_t length, uint8_t out[32]);

/// Recovers the public key of each of `count` signatures with libsecp256k1 on one
/// context, the way a C node would: parse the 64-byte compact signature, recover.
/// `signatures` holds 64 bytes each (r ‖ s), `recovery_ids` one byte each, `messages`
/// 32 bytes each. Returns how many recovered. The physical floor for sender recovery.
size_t strand_reference_recover(const uint8_t *signatures, const uint8_t *recovery_ids,
                                 const uint8_t *messages, size_t count);

#endif
