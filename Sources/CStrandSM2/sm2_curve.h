// SM2's recommended curve (GB/T 32918.5): its constants, the arithmetic modulo p for p's special
// form, and points in Jacobian and affine coordinates. Internal to sm2.c, which includes it once.
#ifndef STRAND_SM2_CURVE_H
#define STRAND_SM2_CURVE_H
#include "sm2_field.h"

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

#endif
