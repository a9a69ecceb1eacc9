// Arithmetic modulo SM2's prime p and its group order n: 256-bit integers as four 64-bit limbs,
// least significant first, in Montgomery form (R = 2^256). Internal to sm2.c.
#ifndef STRAND_SM2_FIELD_H
#define STRAND_SM2_FIELD_H
#include <stdint.h>
#include <string.h>

typedef unsigned __int128 u128;
typedef uint64_t u64;
typedef u64 felem[4];

// The modulus and -m^-1 mod 2^64, and R^2 mod m to enter Montgomery form.
typedef struct {
    felem m;
    u64 m0inv;
    felem r2;
} modulus;

static inline void fe_copy(felem r, const felem a) { memcpy(r, a, sizeof(felem)); }
static inline int fe_is_zero(const felem a) { return (a[0] | a[1] | a[2] | a[3]) == 0; }
static inline int fe_equal(const felem a, const felem b) {
    return ((a[0] ^ b[0]) | (a[1] ^ b[1]) | (a[2] ^ b[2]) | (a[3] ^ b[3])) == 0;
}

// Carry chains through clang's portable builtins, which become adc and sbb.
#define ADDC(r, a, b, cin, cout) (r) = __builtin_addcll((a), (b), (cin), &(cout))
#define SUBB(r, a, b, bin, bout) (r) = __builtin_subcll((a), (b), (bin), &(bout))

// r = a - m if a (with a carry limb `top`) >= m, else a: constant-time.
static inline void fe_reduce_once(felem r, const felem a, u64 top, const felem m) {
    unsigned long long b0, b1, b2, b3, t0, t1, t2, t3, ignored;
    SUBB(t0, a[0], m[0], 0, b0);
    SUBB(t1, a[1], m[1], b0, b1);
    SUBB(t2, a[2], m[2], b1, b2);
    SUBB(t3, a[3], m[3], b2, b3);
    SUBB(ignored, top, 0, b3, b3);                 // a borrow out of the top limb: a < m
    (void)ignored;
    u64 keep = (u64)0 - (u64)b3;                    // all ones: keep a
    r[0] = (a[0] & keep) | (t0 & ~keep);
    r[1] = (a[1] & keep) | (t1 & ~keep);
    r[2] = (a[2] & keep) | (t2 & ~keep);
    r[3] = (a[3] & keep) | (t3 & ~keep);
}

static inline void fe_add(felem r, const felem a, const felem b, const modulus *M) {
    unsigned long long c0, c1, c2, c3;
    felem t;
    ADDC(t[0], a[0], b[0], 0, c0);
    ADDC(t[1], a[1], b[1], c0, c1);
    ADDC(t[2], a[2], b[2], c1, c2);
    ADDC(t[3], a[3], b[3], c2, c3);
    fe_reduce_once(r, t, c3, M->m);
}

static inline void fe_sub(felem r, const felem a, const felem b, const modulus *M) {
    unsigned long long b0, b1, b2, b3, c0, c1, c2, c3;
    felem t;
    SUBB(t[0], a[0], b[0], 0, b0);
    SUBB(t[1], a[1], b[1], b0, b1);
    SUBB(t[2], a[2], b[2], b1, b2);
    SUBB(t[3], a[3], b[3], b2, b3);
    // Add m back when it went below zero.
    u64 mask = (u64)0 - (u64)b3;
    ADDC(r[0], t[0], M->m[0] & mask, 0, c0);
    ADDC(r[1], t[1], M->m[1] & mask, c0, c1);
    ADDC(r[2], t[2], M->m[2] & mask, c1, c2);
    ADDC(r[3], t[3], M->m[3] & mask, c2, c3);
    (void)c3;
}

// Montgomery multiplication, CIOS: r = a b R^-1 mod m, for a, b < m.
static inline void fe_mul(felem r, const felem a, const felem b, const modulus *M) {
    u64 t0 = 0, t1 = 0, t2 = 0, t3 = 0, t4 = 0;
    const u64 *m = M->m;
    for (int i = 0; i < 4; i++) {
        u64 bi = b[i];
        u128 c;
        c = (u128)a[0] * bi + t0; t0 = (u64)c; c >>= 64;
        c += (u128)a[1] * bi + t1; t1 = (u64)c; c >>= 64;
        c += (u128)a[2] * bi + t2; t2 = (u64)c; c >>= 64;
        c += (u128)a[3] * bi + t3; t3 = (u64)c; c >>= 64;
        c += t4; t4 = (u64)c; u64 t5 = (u64)(c >> 64);
        u64 q = t0 * M->m0inv;
        c = (u128)q * m[0] + t0; c >>= 64;
        c += (u128)q * m[1] + t1; t0 = (u64)c; c >>= 64;
        c += (u128)q * m[2] + t2; t1 = (u64)c; c >>= 64;
        c += (u128)q * m[3] + t3; t2 = (u64)c; c >>= 64;
        c += t4; t3 = (u64)c; c >>= 64;
        t4 = t5 + (u64)c;
    }
    felem t = {t0, t1, t2, t3};
    fe_reduce_once(r, t, t4, m);
}

static inline void fe_sqr(felem r, const felem a, const modulus *M) { fe_mul(r, a, a, M); }

static inline void fe_to_mont(felem r, const felem a, const modulus *M) { fe_mul(r, a, M->r2, M); }

static inline void fe_from_mont(felem r, const felem a, const modulus *M) {
    const felem one = {1, 0, 0, 0};
    fe_mul(r, a, one, M);
}

// r = a^e for a public exponent e (big-endian bit scan), a in Montgomery form; `one` is R mod m.
static void fe_pow(felem r, const felem a, const felem e, const felem one, const modulus *M) {
    felem acc;
    fe_copy(acc, one);
    for (int i = 255; i >= 0; i--) {
        fe_sqr(acc, acc, M);
        if ((e[i / 64] >> (i % 64)) & 1) fe_mul(acc, acc, a, M);
    }
    fe_copy(r, acc);
}

static inline void fe_from_bytes(felem r, const uint8_t b[32]) {
    for (int i = 0; i < 4; i++) {
        u64 w = 0;
        for (int j = 0; j < 8; j++) w = (w << 8) | b[(3 - i) * 8 + j];
        r[i] = w;
    }
}

static inline void fe_to_bytes(uint8_t b[32], const felem a) {
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 8; j++) b[(3 - i) * 8 + j] = (uint8_t)(a[i] >> (56 - 8 * j));
}

// a < m, as integers (variable-time: for public values).
static inline int fe_less(const felem a, const felem m) {
    for (int i = 3; i >= 0; i--) {
        if (a[i] != m[i]) return a[i] < m[i];
    }
    return 0;
}

#endif
