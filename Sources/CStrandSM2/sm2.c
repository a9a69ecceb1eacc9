#include "strand_sm2.h"
#include "sm2_curve.h"
#include <pthread.h>
#include <stdlib.h>

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
