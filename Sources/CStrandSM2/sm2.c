#include "strand_sm2.h"
#include "sm2_field.h"
#include <pthread.h>
#include <stdlib.h>

// GB/T 32918.5's recommended curve y^2 = x^3 - 3x + b over F_p, of prime order n.
static modulus P = {{0xFFFFFFFFFFFFFFFFull, 0xFFFFFFFF00000000ull, 0xFFFFFFFFFFFFFFFFull, 0xFFFFFFFEFFFFFFFFull}, 1, {0}};
static modulus N = {{0x53BBF40939D54123ull, 0x7203DF6B21C6052Bull, 0xFFFFFFFFFFFFFFFFull, 0xFFFFFFFEFFFFFFFFull}, 0, {0}};
static const felem B_PLAIN = {0xDDBCBD414D940E93ull, 0xF39789F515AB8F92ull, 0x4D5A9E4BCF6509A7ull, 0x28E9FA9E9D9F5E34ull};
static const felem GX_PLAIN = {0x715A4589334C74C7ull, 0x8FE30BBFF2660BE1ull, 0x5F9904466A39C994ull, 0x32C4AE2C1F198119ull};
static const felem GY_PLAIN = {0x02DF32E52139F0A0ull, 0xD0A9877CC62A4740ull, 0x59BDCEE36B692153ull, 0xBC3736A2F4F6779Cull};

typedef struct { felem x, y, z; } jacobian;   // Z = 0: the point at infinity
typedef struct { felem x, y; } affine;

static felem ONE_P, ONE_N, B_MONT;            // R mod p, R mod n, b in Montgomery form
static felem N_MINUS_2;
// COMB[i][j - 1] = j * 16^i * G, affine, Montgomery form: the generator's multiples by window.
static affine COMB[64][15];
// G_ODD[i] = (2i + 1) G, affine, Montgomery form: the generator's digits in verification's wNAF.
static affine G_ODD[64];

// MARK: Arithmetic modulo p, for its special form

// p = 2^256 - 2^224 - 2^96 + 2^64 - 1, so -p^-1 mod 2^64 = 1: each Montgomery round's quotient is
// the low limb itself, and adding q·p is adding q·(2^256 + 2^64) and subtracting q·(2^224 + 2^96)
// (shifts and additions, no multiplications).
static inline __attribute__((always_inline)) void fp_reduce(felem r, u64 t[8]) {
    // With q = t0, (t + q p) / 2^64 = (t >> 64) + q (p + 1) / 2^64, and (p + 1) / 2^64 is the
    // three-limb M' = 2^192 - 2^160 - 2^32 + 1: three multiplications a round, unsigned carries.
    const u64 m0 = 0xFFFFFFFF00000001ull, m1 = 0xFFFFFFFFFFFFFFFFull, m2 = 0xFFFFFFFEFFFFFFFFull;
    u64 pending = 0;
    for (int i = 0; i < 4; i++) {
        u64 q = t[i];
        u128 c = (u128)q * m0 + t[i + 1];        t[i + 1] = (u64)c; c >>= 64;
        c += (u128)q * m1 + t[i + 2];            t[i + 2] = (u64)c; c >>= 64;
        c += (u128)q * m2 + t[i + 3];            t[i + 3] = (u64)c; c >>= 64;
        // The carry out of limb i + 4 belongs to limb i + 5, which the next round adds to last
        // (after the fourth round: the top).
        c += (u128)t[i + 4] + pending;           t[i + 4] = (u64)c;
        pending = (u64)(c >> 64);
    }
    fe_reduce_once(r, t + 4, pending, P.m);
}

static inline __attribute__((always_inline)) void fp_mul(felem r, const felem a, const felem b) {
    u64 t[8];
    u128 c;
    c = (u128)a[0] * b[0];                       t[0] = (u64)c; c >>= 64;
    c += (u128)a[1] * b[0];                      t[1] = (u64)c; c >>= 64;
    c += (u128)a[2] * b[0];                      t[2] = (u64)c; c >>= 64;
    c += (u128)a[3] * b[0];                      t[3] = (u64)c; t[4] = (u64)(c >> 64);
    for (int i = 1; i < 4; i++) {
        u64 bi = b[i];
        c = (u128)a[0] * bi + t[i];              t[i] = (u64)c; c >>= 64;
        c += (u128)a[1] * bi + t[i + 1];         t[i + 1] = (u64)c; c >>= 64;
        c += (u128)a[2] * bi + t[i + 2];         t[i + 2] = (u64)c; c >>= 64;
        c += (u128)a[3] * bi + t[i + 3];         t[i + 3] = (u64)c; t[i + 4] = (u64)(c >> 64);
    }
    fp_reduce(r, t);
}

static inline __attribute__((always_inline)) void fp_sqr(felem r, const felem a) {
    // Cross products once, doubled, then the squares on the diagonal.
    u64 t[8];
    u128 c;
    c = (u128)a[0] * a[1];                       t[1] = (u64)c; c >>= 64;
    c += (u128)a[0] * a[2];                      t[2] = (u64)c; c >>= 64;
    c += (u128)a[0] * a[3];                      t[3] = (u64)c; t[4] = (u64)(c >> 64);
    c = (u128)a[1] * a[2] + t[3];                t[3] = (u64)c; c >>= 64;
    c += (u128)a[1] * a[3] + t[4];               t[4] = (u64)c; t[5] = (u64)(c >> 64);
    c = (u128)a[2] * a[3] + t[5];                t[5] = (u64)c; t[6] = (u64)(c >> 64);
    t[7] = t[6] >> 63;
    t[6] = (t[6] << 1) | (t[5] >> 63);
    t[5] = (t[5] << 1) | (t[4] >> 63);
    t[4] = (t[4] << 1) | (t[3] >> 63);
    t[3] = (t[3] << 1) | (t[2] >> 63);
    t[2] = (t[2] << 1) | (t[1] >> 63);
    t[1] = t[1] << 1;
    c = (u128)a[0] * a[0];                       t[0] = (u64)c; c >>= 64;
    c += t[1];                                   t[1] = (u64)c; c >>= 64;
    c += (u128)a[1] * a[1] + t[2];               t[2] = (u64)c; c >>= 64;
    c += t[3];                                   t[3] = (u64)c; c >>= 64;
    c += (u128)a[2] * a[2] + t[4];               t[4] = (u64)c; c >>= 64;
    c += t[5];                                   t[5] = (u64)c; c >>= 64;
    c += (u128)a[3] * a[3] + t[6];               t[6] = (u64)c; c >>= 64;
    c += t[7];                                   t[7] = (u64)c;
    fp_reduce(r, t);
}

static inline void fp_sqr_n(felem r, const felem a, int n) {
    fe_copy(r, a);
    for (int i = 0; i < n; i++) fp_sqr(r, r);
}

// a^(p - 2) = a^-1 by an addition chain over p - 2's runs of ones: 31, a zero, 128, 32 zeros,
// 32, 30, then 01.
static void fp_inv(felem r, const felem a) {
    felem x2, x3, x6, x12, x15, x30, x31, x32, t;
    fp_sqr(t, a);          fp_mul(x2, t, a);
    fp_sqr(t, x2);         fp_mul(x3, t, a);
    fp_sqr_n(t, x3, 3);    fp_mul(x6, t, x3);
    fp_sqr_n(t, x6, 6);    fp_mul(x12, t, x6);
    fp_sqr_n(t, x12, 3);   fp_mul(x15, t, x3);
    fp_sqr_n(t, x15, 15);  fp_mul(x30, t, x15);
    fp_sqr(t, x30);        fp_mul(x31, t, a);
    fp_sqr(t, x31);        fp_mul(x32, t, a);
    fp_sqr(t, x31);                                       // 31 ones, then a zero
    for (int i = 0; i < 4; i++) { fp_sqr_n(t, t, 32); fp_mul(t, t, x32); }   // 128 ones
    fp_sqr_n(t, t, 32);                                   // 32 zeros
    fp_sqr_n(t, t, 32);    fp_mul(t, t, x32);             // 32 ones
    fp_sqr_n(t, t, 30);    fp_mul(t, t, x30);             // 30 ones
    fp_sqr_n(t, t, 2);     fp_mul(r, t, a);               // 0, 1
}

// MARK: Points

static void point_double(jacobian *r, const jacobian *a) {
    // dbl-2001-b (a = -3): 3M + 5S.
    felem delta, gamma, beta, alpha, t0, t1;
    if (fe_is_zero(a->z)) { *r = *a; return; }
    fp_sqr(delta, a->z);
    fp_sqr(gamma, a->y);
    fp_mul(beta, a->x, gamma);
    fe_sub(t0, a->x, delta, &P);
    fe_add(t1, a->x, delta, &P);
    fp_mul(alpha, t0, t1);
    fe_add(t0, alpha, alpha, &P);
    fe_add(alpha, alpha, t0, &P);                  // alpha = 3 (X - delta)(X + delta)
    fe_add(t0, a->y, a->z, &P);
    fp_sqr(t0, t0);
    fe_sub(t0, t0, gamma, &P);
    fe_sub(r->z, t0, delta, &P);                   // Z3 = (Y + Z)^2 - gamma - delta
    fe_add(beta, beta, beta, &P);
    fe_add(beta, beta, beta, &P);                  // 4 beta
    fp_sqr(t0, alpha);
    fe_add(t1, beta, beta, &P);
    fe_sub(r->x, t0, t1, &P);                      // X3 = alpha^2 - 8 beta
    fe_sub(t0, beta, r->x, &P);
    fp_mul(t0, alpha, t0);
    fp_sqr(gamma, gamma);
    fe_add(gamma, gamma, gamma, &P);
    fe_add(gamma, gamma, gamma, &P);
    fe_add(gamma, gamma, gamma, &P);               // 8 gamma^2
    fe_sub(r->y, t0, gamma, &P);                   // Y3 = alpha (4 beta - X3) - 8 gamma^2
}

// r = a + b (add-2007-bl), variable-time: handles infinity, equal and opposite points.
static void point_add(jacobian *r, const jacobian *a, const jacobian *b) {
    if (fe_is_zero(a->z)) { *r = *b; return; }
    if (fe_is_zero(b->z)) { *r = *a; return; }
    felem z1z1, z2z2, u1, u2, s1, s2, h, i, j, rr, v, t;
    fp_sqr(z1z1, a->z);
    fp_sqr(z2z2, b->z);
    fp_mul(u1, a->x, z2z2);
    fp_mul(u2, b->x, z1z1);
    fp_mul(t, b->z, z2z2);
    fp_mul(s1, a->y, t);
    fp_mul(t, a->z, z1z1);
    fp_mul(s2, b->y, t);
    fe_sub(h, u2, u1, &P);
    fe_sub(rr, s2, s1, &P);
    if (fe_is_zero(h)) {
        if (fe_is_zero(rr)) { point_double(r, a); return; }
        memset(r, 0, sizeof(*r));
        return;
    }
    fe_add(rr, rr, rr, &P);
    fe_add(t, h, h, &P);
    fp_sqr(i, t);
    fp_mul(j, h, i);
    fp_mul(v, u1, i);
    fe_add(t, a->z, b->z, &P);
    fp_sqr(t, t);
    fe_sub(t, t, z1z1, &P);
    fe_sub(t, t, z2z2, &P);
    fp_mul(r->z, t, h);
    fp_sqr(t, rr);
    fe_sub(t, t, j, &P);
    fe_sub(t, t, v, &P);
    fe_sub(r->x, t, v, &P);
    fe_sub(t, v, r->x, &P);
    fp_mul(t, rr, t);
    fp_mul(s1, s1, j);
    fe_add(s1, s1, s1, &P);
    fe_sub(r->y, t, s1, &P);
}

// r = a + b with b affine (madd-2007-bl), for a not at infinity and a != ±b: the caller rules
// those out (variable-time code) or selects around them (constant-time code).
static void point_add_affine_unchecked(jacobian *r, const jacobian *a, const affine *b) {
    felem z1z1, u2, s2, h, hh, i, j, rr, v, t;
    fp_sqr(z1z1, a->z);
    fp_mul(u2, b->x, z1z1);
    fp_mul(t, a->z, z1z1);
    fp_mul(s2, b->y, t);
    fe_sub(h, u2, a->x, &P);
    fp_sqr(hh, h);
    fe_add(i, hh, hh, &P);
    fe_add(i, i, i, &P);
    fp_mul(j, h, i);
    fe_sub(rr, s2, a->y, &P);
    fe_add(rr, rr, rr, &P);
    fp_mul(v, a->x, i);
    fe_add(t, a->z, h, &P);
    fp_sqr(t, t);
    fe_sub(t, t, z1z1, &P);
    fe_sub(r->z, t, hh, &P);
    fp_sqr(t, rr);
    fe_sub(t, t, j, &P);
    fe_sub(t, t, v, &P);
    fe_sub(r->x, t, v, &P);
    fe_sub(t, v, r->x, &P);
    fp_mul(t, rr, t);
    fp_mul(u2, a->y, j);
    fe_add(u2, u2, u2, &P);
    fe_sub(r->y, t, u2, &P);
}

static void point_add_affine(jacobian *r, const jacobian *a, const affine *b) {
    if (fe_is_zero(a->z)) {
        fe_copy(r->x, b->x); fe_copy(r->y, b->y); fe_copy(r->z, ONE_P);
        return;
    }
    jacobian lifted;
    fe_copy(lifted.x, b->x); fe_copy(lifted.y, b->y); fe_copy(lifted.z, ONE_P);
    // Equal x (after scaling) means a = ±b: the general addition handles both.
    felem z1z1, u2;
    fp_sqr(z1z1, a->z);
    fp_mul(u2, b->x, z1z1);
    if (fe_equal(u2, a->x)) { point_add(r, a, &lifted); return; }
    point_add_affine_unchecked(r, a, b);
}

static void to_affine(affine *r, const jacobian *a) {
    felem zinv, zinv2;
    fp_inv(zinv, a->z);
    fp_sqr(zinv2, zinv);
    fp_mul(r->x, a->x, zinv2);
    fp_mul(zinv2, zinv2, zinv);
    fp_mul(r->y, a->y, zinv2);
}

// y^2 = x^3 - 3x + b, for Montgomery-form coordinates.
static int on_curve(const felem x, const felem y) {
    felem lhs, rhs, t;
    fp_sqr(lhs, y);
    fp_sqr(rhs, x);
    fp_mul(rhs, rhs, x);
    fe_add(t, x, x, &P);
    fe_add(t, t, x, &P);
    fe_sub(rhs, rhs, t, &P);
    fe_add(rhs, rhs, B_MONT, &P);
    return fe_equal(lhs, rhs);
}

// MARK: Tables

static u64 inverse_mod_2_64(u64 a) {
    u64 x = a;                                     // correct to 3 bits for odd a; Newton doubles them
    for (int i = 0; i < 6; i++) x *= 2 - a * x;
    return x;
}

// R^2 mod m by doubling R mod m 256 times.
static void r_squared(felem r2, felem one, const modulus *M) {
    felem x;
    u128 carry = 1;                                // 2^256 - m = ~m + 1 = R mod m (m > 2^255)
    for (int i = 0; i < 4; i++) { carry += (u64)~M->m[i]; x[i] = (u64)carry; carry >>= 64; }
    fe_copy(one, x);
    for (int i = 0; i < 256; i++) fe_add(x, x, x, M);
    fe_copy(r2, x);
}

static void setup(void) {
    N.m0inv = (u64)0 - inverse_mod_2_64(N.m[0]);
    P.m0inv = (u64)0 - inverse_mod_2_64(P.m[0]);
    r_squared(P.r2, ONE_P, &P);
    r_squared(N.r2, ONE_N, &N);
    const felem two = {2, 0, 0, 0};
    fe_sub(N_MINUS_2, (felem){0, 0, 0, 0}, two, &N);
    fe_to_mont(B_MONT, B_PLAIN, &P);
    jacobian base;
    fe_to_mont(base.x, GX_PLAIN, &P);
    fe_to_mont(base.y, GY_PLAIN, &P);
    fe_copy(base.z, ONE_P);
    jacobian odd = base, twice_g;
    point_double(&twice_g, &base);
    for (int i = 0; i < 64; i++) {
        to_affine(&G_ODD[i], &odd);
        point_add(&odd, &odd, &twice_g);
    }
    for (int window = 0; window < 64; window++) {
        jacobian multiple = base;
        for (int j = 1; j <= 15; j++) {
            to_affine(&COMB[window][j - 1], &multiple);
            point_add(&multiple, &multiple, &base);
        }
        for (int d = 0; d < 4; d++) point_double(&base, &base);
    }
}

static pthread_once_t setup_once = PTHREAD_ONCE_INIT;
static inline void ready(void) { pthread_once(&setup_once, setup); }

// MARK: Scalar multiplication

static inline void select_affine(affine *r, const affine *table, unsigned digit) {
    memset(r, 0, sizeof(*r));
    for (unsigned j = 1; j <= 15; j++) {
        u64 mask = (u64)0 - ((((u64)(j ^ digit)) - 1) >> 63);     // all ones iff j == digit
        for (int i = 0; i < 4; i++) {
            r->x[i] |= table[j - 1].x[i] & mask;
            r->y[i] |= table[j - 1].y[i] & mask;
        }
    }
}

static inline void select_jacobian(jacobian *r, const jacobian *a, const jacobian *b, u64 take_b) {
    u64 mask = (u64)0 - take_b;
    for (int i = 0; i < 4; i++) {
        r->x[i] = (a->x[i] & ~mask) | (b->x[i] & mask);
        r->y[i] = (a->y[i] & ~mask) | (b->y[i] & mask);
        r->z[i] = (a->z[i] & ~mask) | (b->z[i] & mask);
    }
}

// k·G in constant time: every window reads all its entries and computes an addition; selects
// keep the accumulator for a zero digit and take the entry while the accumulator is empty.
static void generator_multiple_consttime(jacobian *r, const felem k) {
    jacobian acc;
    memset(&acc, 0, sizeof(acc));
    u64 empty = 1;
    for (int window = 0; window < 64; window++) {
        unsigned digit = (unsigned)(k[window / 16] >> (4 * (window % 16))) & 15;
        affine entry;
        select_affine(&entry, COMB[window], digit);
        jacobian sum, lifted;
        point_add_affine_unchecked(&sum, &acc, &entry);
        fe_copy(lifted.x, entry.x); fe_copy(lifted.y, entry.y); fe_copy(lifted.z, ONE_P);
        u64 nonzero = (u64)((digit + 15) >> 4);     // 1 iff digit != 0
        select_jacobian(&sum, &sum, &lifted, empty);
        select_jacobian(&acc, &acc, &sum, nonzero);
        empty &= nonzero ^ 1;
    }
    *r = acc;
}

// Width-w non-adjacent form of k (variable-time): odd digits below 2^(w-1) in magnitude, any
// two nonzero ones at least w positions apart: t·P costs about 256 doublings and 256 / (w + 1)
// additions.
static int wnaf(int8_t digits[258], const felem k, int w) {
    u64 v[5] = {k[0], k[1], k[2], k[3], 0};
    int length = 0;
    memset(digits, 0, 258);
    for (int i = 0; (v[0] | v[1] | v[2] | v[3] | v[4]) != 0; i++) {
        if (v[0] & 1) {
            int digit = (int)(v[0] & ((1u << w) - 1));
            if (digit >= (1 << (w - 1))) digit -= 1 << w;
            digits[i] = (int8_t)digit;
            length = i + 1;
            // v -= digit, which clears its low w bits.
            u128 c = digit > 0 ? (u128)v[0] - (u64)digit : (u128)v[0] + (u64)(-digit);
            int borrow = digit > 0 && (u64)digit > v[0];
            v[0] = (u64)c;
            if (digit < 0 && (c >> 64)) {
                for (int j = 1; j < 5 && ++v[j] == 0; j++) {}
            } else if (borrow) {
                for (int j = 1; j < 5 && v[j]-- == 0; j++) {}
            }
        }
        for (int j = 0; j < 4; j++) v[j] = (v[j] >> 1) | (v[j + 1] << 63);
        v[4] >>= 1;
    }
    return length;
}

// MARK: Signatures

// The key's point in Montgomery form, checked: coordinates below p, on the curve.
static int load_public_key(jacobian *key, const uint8_t public_key[64]) {
    felem px, py;
    fe_from_bytes(px, public_key);
    fe_from_bytes(py, public_key + 32);
    if (!fe_less(px, P.m) || !fe_less(py, P.m)) return 0;
    fe_to_mont(key->x, px, &P);
    fe_to_mont(key->y, py, &P);
    fe_copy(key->z, ONE_P);
    return on_curve(key->x, key->y);
}

// P, 3P, …, 15P.
static void odd_multiples(jacobian odd[8], const jacobian *key) {
    jacobian twice;
    odd[0] = *key;
    point_double(&twice, key);
    for (int i = 1; i < 8; i++) point_add(&odd[i], &odd[i - 1], &twice);
}

// The verification itself, for a loaded key given as Jacobian odd multiples or, prepared, as
// affine ones (exactly one of the two): s·G + t·P in one chain of doublings (Shamir's trick),
// t in width-5 NAF over the key's multiples, s in width-8 NAF over G, 3G, …, 127G.
static int verify_core(const uint8_t digest[32], const uint8_t r_bytes[32], const uint8_t s_bytes[32],
                       const jacobian *odd, const affine *odd_affine) {
    felem r, s, e, t;
    fe_from_bytes(r, r_bytes);
    fe_from_bytes(s, s_bytes);
    if (fe_is_zero(r) || fe_is_zero(s) || !fe_less(r, N.m) || !fe_less(s, N.m)) return 0;
    fe_add(t, r, s, &N);
    if (fe_is_zero(t)) return 0;
    int8_t t_digits[258], s_digits[258];
    int t_length = wnaf(t_digits, t, 5), s_length = wnaf(s_digits, s, 8);
    int length = t_length > s_length ? t_length : s_length;
    jacobian acc;
    memset(&acc, 0, sizeof(acc));
    for (int bit = length - 1; bit >= 0; bit--) {
        point_double(&acc, &acc);
        int digit = t_digits[bit];
        if (digit != 0 && odd_affine != NULL) {
            affine term = odd_affine[(digit > 0 ? digit : -digit) / 2];
            if (digit < 0) fe_sub(term.y, (felem){0, 0, 0, 0}, term.y, &P);
            point_add_affine(&acc, &acc, &term);
        } else if (digit != 0) {
            jacobian term = odd[(digit > 0 ? digit : -digit) / 2];
            if (digit < 0) fe_sub(term.y, (felem){0, 0, 0, 0}, term.y, &P);
            point_add(&acc, &acc, &term);
        }
        digit = s_digits[bit];
        if (digit > 0) {
            point_add_affine(&acc, &acc, &G_ODD[digit / 2]);
        } else if (digit < 0) {
            affine negated = G_ODD[-digit / 2];
            fe_sub(negated.y, (felem){0, 0, 0, 0}, negated.y, &P);
            point_add_affine(&acc, &acc, &negated);
        }
    }
    if (fe_is_zero(acc.z)) return 0;

    // Valid iff (e + x1) mod n = r, i.e. x1 ≡ r - e (mod n): compare X with c·Z^2 for c = r - e
    // and, when it is still below p, c + n (x1 lies in [0, p)).
    fe_from_bytes(e, digest);
    fe_reduce_once(e, e, 0, N.m);
    felem c, z2, candidate;
    fe_sub(c, r, e, &N);
    fp_sqr(z2, acc.z);
    fe_to_mont(candidate, c, &P);
    fp_mul(candidate, candidate, z2);
    if (fe_equal(candidate, acc.x)) return 1;
    felem shifted;
    u128 carry = 0;
    for (int i = 0; i < 4; i++) { carry += (u128)c[i] + N.m[i]; shifted[i] = (u64)carry; carry >>= 64; }
    if (carry || !fe_less(shifted, P.m)) return 0;
    fe_to_mont(candidate, shifted, &P);
    fp_mul(candidate, candidate, z2);
    return fe_equal(candidate, acc.x);
}

int strand_sm2_verify(const uint8_t digest[32], const uint8_t r[32], const uint8_t s[32], const uint8_t public_key[64]) {
    ready();
    jacobian key, odd[8];
    if (!load_public_key(&key, public_key)) return 0;
    odd_multiples(odd, &key);
    return verify_core(digest, r, s, odd, NULL);
}

struct strand_sm2_key { affine odd[8]; };

strand_sm2_key *strand_sm2_key_new(const uint8_t public_key[64]) {
    ready();
    jacobian key, odd[8];
    if (!load_public_key(&key, public_key)) return NULL;
    odd_multiples(odd, &key);
    strand_sm2_key *prepared = malloc(sizeof *prepared);
    if (prepared == NULL) return NULL;
    // One inversion for all eight (Montgomery's trick): prefix products of the Z coordinates.
    felem prefix[8], inverse, zinv, zinv2;
    fe_copy(prefix[0], odd[0].z);
    for (int i = 1; i < 8; i++) fp_mul(prefix[i], prefix[i - 1], odd[i].z);
    fp_inv(inverse, prefix[7]);
    for (int i = 7; i >= 0; i--) {
        if (i > 0) {
            fp_mul(zinv, inverse, prefix[i - 1]);
            fp_mul(inverse, inverse, odd[i].z);
        } else {
            fe_copy(zinv, inverse);
        }
        fp_sqr(zinv2, zinv);
        fp_mul(prepared->odd[i].x, odd[i].x, zinv2);
        fp_mul(zinv2, zinv2, zinv);
        fp_mul(prepared->odd[i].y, odd[i].y, zinv2);
    }
    return prepared;
}

void strand_sm2_key_free(strand_sm2_key *key) { free(key); }

int strand_sm2_verify_prepared(const uint8_t digest[32], const uint8_t r[32], const uint8_t s[32], const strand_sm2_key *key) {
    ready();
    return verify_core(digest, r, s, NULL, key->odd);
}

// d in [1, n - 2], so that 1 + d is invertible.
static int valid_private_key(const felem d) {
    felem limit;
    const felem one = {1, 0, 0, 0};
    fe_sub(limit, N.m, one, &N);                    // n - 1
    return !fe_is_zero(d) && fe_less(d, limit);
}

int strand_sm2_public_key(uint8_t public_key[64], const uint8_t private_key[32]) {
    ready();
    felem d;
    fe_from_bytes(d, private_key);
    if (!valid_private_key(d)) return 0;
    jacobian q;
    generator_multiple_consttime(&q, d);
    affine a;
    to_affine(&a, &q);
    felem x, y;
    fe_from_mont(x, a.x, &P);
    fe_from_mont(y, a.y, &P);
    fe_to_bytes(public_key, x);
    fe_to_bytes(public_key + 32, y);
    return 1;
}

int strand_sm2_sign(uint8_t r_out[32], uint8_t s_out[32], const uint8_t digest[32], const uint8_t private_key[32], const uint8_t k_bytes[32]) {
    ready();
    felem d, k, e, x1, r, t;
    fe_from_bytes(d, private_key);
    fe_from_bytes(k, k_bytes);
    if (!valid_private_key(d) || fe_is_zero(k) || !fe_less(k, N.m)) return 0;
    jacobian kg;
    generator_multiple_consttime(&kg, k);
    affine point;
    to_affine(&point, &kg);
    fe_from_mont(x1, point.x, &P);
    fe_reduce_once(x1, x1, 0, N.m);
    fe_from_bytes(e, digest);
    fe_reduce_once(e, e, 0, N.m);
    fe_add(r, e, x1, &N);                           // r = (e + x1) mod n
    fe_add(t, r, k, &N);
    if (fe_is_zero(r) || fe_is_zero(t)) return 0;
    // s = (1 + d)^-1 (k - r d) mod n, in Montgomery form mod n.
    felem dm, km, rm, rd, numerator, denominator, inverse, s;
    const felem one = {1, 0, 0, 0};
    fe_to_mont(dm, d, &N);
    fe_to_mont(km, k, &N);
    fe_to_mont(rm, r, &N);
    fe_mul(rd, rm, dm, &N);
    fe_sub(numerator, km, rd, &N);
    fe_add(denominator, d, one, &N);
    fe_to_mont(denominator, denominator, &N);
    fe_pow(inverse, denominator, N_MINUS_2, ONE_N, &N);
    fe_mul(s, inverse, numerator, &N);
    fe_from_mont(s, s, &N);
    if (fe_is_zero(s)) return 0;
    fe_to_bytes(r_out, r);
    fe_to_bytes(s_out, s);
    return 1;
}
