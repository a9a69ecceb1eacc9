#ifndef STRAND_SM2_H
#define STRAND_SM2_H
// SM2 digital signatures (GB/T 32918.2) on the recommended curve (GB/T 32918.5), written for
// this curve: Montgomery arithmetic on 64-bit limbs (the prime's low limb is 2^64 - 1, so the
// reduction needs no multiply for its quotient), a = -3 doubling, a precomputed table of the
// generator's multiples, wNAF for the public key's. Verification is variable-time (everything
// it handles is public) and compares in projective coordinates, skipping the final inversion;
// signing is constant-time in the private key and the nonce.
//
// Every integer and coordinate is 32 bytes, big-endian. `digest` is e = SM3(Z ‖ M), computed by
// the caller (Z from the signer's ID and public key), as GB/T 32918.2 defines it.
#include <stdint.h>

/// 1 if (r, s) is a valid signature of `digest` by the public key (x ‖ y); 0 otherwise,
/// including a key off the curve or r, s outside [1, n - 1].
int strand_sm2_verify(const uint8_t digest[32], const uint8_t r[32], const uint8_t s[32], const uint8_t public_key[64]);

/// A public key prepared for many verifications (a hot sender's): checked once, its multiples
/// precomputed in affine form. NULL for a key off the curve or with a coordinate not below p.
typedef struct strand_sm2_key strand_sm2_key;
strand_sm2_key *strand_sm2_key_new(const uint8_t public_key[64]);
void strand_sm2_key_free(strand_sm2_key *key);
/// `strand_sm2_verify` with a prepared key: the same answers.
int strand_sm2_verify_prepared(const uint8_t digest[32], const uint8_t r[32], const uint8_t s[32], const strand_sm2_key *key);

/// Signs `digest` with `private_key` and the secret nonce `k`. Returns 1 with (r, s) written;
/// 0 when this `k` cannot be used (outside [1, n - 1], or r = 0, r + k = n, s = 0: draw another)
/// or the key is outside [1, n - 2].
int strand_sm2_sign(uint8_t r[32], uint8_t s[32], const uint8_t digest[32], const uint8_t private_key[32], const uint8_t k[32]);

/// The public key (x ‖ y) of `private_key`; 0 if the key is outside [1, n - 2].
int strand_sm2_public_key(uint8_t public_key[64], const uint8_t private_key[32]);

#endif
