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

/// Raw LMDB, as a C program would use it: the reference for the ledger's commit.
/// Opens (creating) an environment in directory `path` with one unnamed database;
/// `no_sync` skips fsync on commit. Returns an LMDB error code (0 = success).
int strand_reference_lmdb_open(const char *path, int no_sync, size_t map_size, void **env_out);

/// One write transaction that puts `count` entries, packed back to back in `keys` and
/// `values` with their sizes in `key_sizes` and `value_sizes`, then commits.
int strand_reference_lmdb_put_batch(void *env, const uint8_t *keys, const size_t *key_sizes,
                                    const uint8_t *values, const size_t *value_sizes, size_t count);

void strand_reference_lmdb_close(void *env);

/// OpenSSL's SM2 (EVP, SM3, an explicit signer ID): the reference for Strand's SM2. A key from a
/// public key (x ‖ y) and, to sign, a private key; NULL when OpenSSL refuses the point or key.
void *strand_reference_sm2_key(const uint8_t public_key[64], const uint8_t *private_key);
void strand_reference_sm2_key_free(void *key);
/// 1 valid, 0 invalid, -1 OpenSSL failed. `message` is M; OpenSSL computes Z and e itself.
int strand_reference_sm2_verify(void *key, const uint8_t *message, size_t length, const uint8_t r[32], const uint8_t s[32],
                                const uint8_t *id, size_t id_length);
/// 1 with (r, s) written, 0 on failure.
int strand_reference_sm2_sign(void *key, const uint8_t *message, size_t length, uint8_t r[32], uint8_t s[32],
                              const uint8_t *id, size_t id_length);

#endif
