#include "strand_intrinsics.h"

#include <immintrin.h>
#include <string.h>

// Keccak-f[1600] on eight states at once, one state per 64-bit element of each AVX-512
// register: register i holds lane i of all eight. Used for batches of short messages (Merkle
// nodes and leaves, receipts, transactions), which otherwise pay one scalar permutation each,
// and of long ones of about one length (a change log's chunks).

static const uint64_t round_constants[24] = {
    0x0000000000000001ULL, 0x0000000000008082ULL, 0x800000000000808AULL, 0x8000000080008000ULL,
    0x000000000000808BULL, 0x0000000080000001ULL, 0x8000000080008081ULL, 0x8000000000008009ULL,
    0x000000000000008AULL, 0x0000000000000088ULL, 0x0000000080008009ULL, 0x000000008000000AULL,
    0x000000008000808BULL, 0x800000000000008BULL, 0x8000000000008089ULL, 0x8000000000008003ULL,
    0x8000000000008002ULL, 0x8000000000000080ULL, 0x000000000000800AULL, 0x800000008000000AULL,
    0x8000000080008081ULL, 0x8000000000008080ULL, 0x0000000080000001ULL, 0x8000000080008008ULL,
};

// Rotation of lane x + 5y (rho).
static const int rotations[25] = {
    0, 1, 62, 28, 27,
    36, 44, 6, 55, 20,
    3, 10, 43, 25, 39,
    41, 45, 15, 21, 8,
    18, 2, 61, 56, 14,
};

#define AVX512 __attribute__((target("avx512f")))

AVX512 static inline __m512i rotate(__m512i v, int bits) {
    return _mm512_rolv_epi64(v, _mm512_set1_epi64(bits));
}

AVX512 static void permute_x8(__m512i a[25]) {
    for (int round = 0; round < 24; round++) {
        __m512i c[5], d[5], b[25];
        for (int x = 0; x < 5; x++) {
            // a ^ b ^ c in one instruction (truth table 0x96).
            __m512i three = _mm512_ternarylogic_epi64(a[x], a[x + 5], a[x + 10], 0x96);
            c[x] = _mm512_ternarylogic_epi64(three, a[x + 15], a[x + 20], 0x96);
        }
        for (int x = 0; x < 5; x++) {
            d[x] = _mm512_xor_si512(c[(x + 4) % 5], rotate(c[(x + 1) % 5], 1));
        }
        for (int y = 0; y < 5; y++) {
            for (int x = 0; x < 5; x++) {
                // rho and pi: lane (x, y) moves to (y, 2x + 3y).
                int to = y + 5 * ((2 * x + 3 * y) % 5);
                b[to] = rotate(_mm512_xor_si512(a[x + 5 * y], d[x]), rotations[x + 5 * y]);
            }
        }
        for (int y = 0; y < 5; y++) {
            for (int x = 0; x < 5; x++) {
                // chi: b ^ (~b1 & b2) (truth table 0xD2).
                a[x + 5 * y] = _mm512_ternarylogic_epi64(b[x + 5 * y], b[(x + 1) % 5 + 5 * y], b[(x + 2) % 5 + 5 * y], 0xD2);
            }
        }
        a[0] = _mm512_xor_si512(a[0], _mm512_set1_epi64((long long)round_constants[round]));
    }
}

int strand_keccak256_x8_supported;

__attribute__((constructor)) static void strand_detect_keccak256_x8(void) {
    __builtin_cpu_init();
    strand_keccak256_x8_supported = __builtin_cpu_supports("avx512f") != 0;
}

AVX512 void strand_keccak256_x8(const uint8_t *const messages[8], const size_t lengths[8], size_t count, uint8_t *digests) {
    // Message m takes lengths[m] / 136 + 1 blocks (Keccak's rate for 256-bit output; the last
    // one padded). All eight states are permuted at every step; a message's digest is taken
    // when its last block has been absorbed, and what its lane does afterwards is ignored.
    size_t blocks[8] = {0}, most = 0;
    for (size_t m = 0; m < count; m++) {
        blocks[m] = lengths[m] / 136 + 1;
        if (blocks[m] > most) most = blocks[m];
    }
    __m512i a[25];
    for (int lane = 0; lane < 25; lane++) a[lane] = _mm512_setzero_si512();
    const __m512i stride = _mm512_set_epi64(7 * 17, 6 * 17, 5 * 17, 4 * 17, 3 * 17, 2 * 17, 1 * 17, 0);
    uint64_t block[8][17];
    for (size_t step = 0; step < most; step++) {
        int finishing = 0;
        for (size_t m = 0; m < 8; m++) {
            uint8_t *bytes = (uint8_t *)block[m];
            if (m >= count || step >= blocks[m]) {
                memset(bytes, 0, 136);
                continue;
            }
            const uint8_t *from = messages[m] + 136 * step;
            if (step + 1 < blocks[m]) {
                memcpy(bytes, from, 136);
                continue;
            }
            size_t tail = lengths[m] - 136 * step;
            memset(bytes, 0, 136);
            memcpy(bytes, from, tail);
            bytes[tail] ^= 0x01;
            bytes[135] ^= 0x80;
            finishing = 1;
        }
        for (int lane = 0; lane < 17; lane++) {
            a[lane] = _mm512_xor_si512(a[lane], _mm512_i64gather_epi64(stride, (const long long *)&block[0][lane], 8));
        }
        permute_x8(a);
        if (!finishing) continue;
        uint64_t out[4][8];
        for (int lane = 0; lane < 4; lane++) _mm512_storeu_si512((void *)out[lane], a[lane]);
        for (size_t m = 0; m < count; m++) {
            if (step + 1 != blocks[m]) continue;
            for (int lane = 0; lane < 4; lane++) memcpy(digests + 32 * m + 8 * lane, &out[lane][m], 8);
        }
    }
}
