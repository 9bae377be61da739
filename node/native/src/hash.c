/* keccak-256 (Ethereum's pre-standard SHA-3) and SHA-256, the two hashes of the protocol. */
#include "nets.h"

#include <string.h>

static const uint64_t KECCAK_RC[24] = {
    0x0000000000000001ULL, 0x0000000000008082ULL, 0x800000000000808aULL, 0x8000000080008000ULL,
    0x000000000000808bULL, 0x0000000080000001ULL, 0x8000000080008081ULL, 0x8000000000008009ULL,
    0x000000000000008aULL, 0x0000000000000088ULL, 0x0000000080008009ULL, 0x000000008000000aULL,
    0x000000008000808bULL, 0x800000000000008bULL, 0x8000000000008089ULL, 0x8000000000008003ULL,
    0x8000000000008002ULL, 0x8000000000000080ULL, 0x000000000000800aULL, 0x800000008000000aULL,
    0x8000000080008081ULL, 0x8000000000008080ULL, 0x0000000080000001ULL, 0x8000000080008008ULL,
};
#define ROTL64(x, n) (((x) << (n)) | ((x) >> (64 - (n))))

/* Keccak-f[1600], rounds unrolled lane by lane (theta, rho and pi, chi, iota); generated
   from the specification's rotation offsets. */
static void keccak_f1600(uint64_t s[25]) {
    uint64_t c0, c1, c2, c3, c4, d0, d1, d2, d3, d4;
    uint64_t b0, b1, b2, b3, b4, b5, b6, b7, b8, b9, b10, b11, b12, b13, b14, b15, b16, b17, b18, b19, b20, b21, b22, b23, b24;
    for (int round = 0; round < 24; round++) {
        c0 = s[0] ^ s[5] ^ s[10] ^ s[15] ^ s[20];
        c1 = s[1] ^ s[6] ^ s[11] ^ s[16] ^ s[21];
        c2 = s[2] ^ s[7] ^ s[12] ^ s[17] ^ s[22];
        c3 = s[3] ^ s[8] ^ s[13] ^ s[18] ^ s[23];
        c4 = s[4] ^ s[9] ^ s[14] ^ s[19] ^ s[24];
        d0 = c4 ^ ROTL64(c1, 1);
        d1 = c0 ^ ROTL64(c2, 1);
        d2 = c1 ^ ROTL64(c3, 1);
        d3 = c2 ^ ROTL64(c4, 1);
        d4 = c3 ^ ROTL64(c0, 1);
        b0 = s[0] ^ d0;
        b10 = ROTL64(s[1] ^ d1, 1);
        b20 = ROTL64(s[2] ^ d2, 62);
        b5 = ROTL64(s[3] ^ d3, 28);
        b15 = ROTL64(s[4] ^ d4, 27);
        b16 = ROTL64(s[5] ^ d0, 36);
        b1 = ROTL64(s[6] ^ d1, 44);
        b11 = ROTL64(s[7] ^ d2, 6);
        b21 = ROTL64(s[8] ^ d3, 55);
        b6 = ROTL64(s[9] ^ d4, 20);
        b7 = ROTL64(s[10] ^ d0, 3);
        b17 = ROTL64(s[11] ^ d1, 10);
        b2 = ROTL64(s[12] ^ d2, 43);
        b12 = ROTL64(s[13] ^ d3, 25);
        b22 = ROTL64(s[14] ^ d4, 39);
        b23 = ROTL64(s[15] ^ d0, 41);
        b8 = ROTL64(s[16] ^ d1, 45);
        b18 = ROTL64(s[17] ^ d2, 15);
        b3 = ROTL64(s[18] ^ d3, 21);
        b13 = ROTL64(s[19] ^ d4, 8);
        b14 = ROTL64(s[20] ^ d0, 18);
        b24 = ROTL64(s[21] ^ d1, 2);
        b9 = ROTL64(s[22] ^ d2, 61);
        b19 = ROTL64(s[23] ^ d3, 56);
        b4 = ROTL64(s[24] ^ d4, 14);
        s[0] = b0 ^ (~b1 & b2);
        s[1] = b1 ^ (~b2 & b3);
        s[2] = b2 ^ (~b3 & b4);
        s[3] = b3 ^ (~b4 & b0);
        s[4] = b4 ^ (~b0 & b1);
        s[5] = b5 ^ (~b6 & b7);
        s[6] = b6 ^ (~b7 & b8);
        s[7] = b7 ^ (~b8 & b9);
        s[8] = b8 ^ (~b9 & b5);
        s[9] = b9 ^ (~b5 & b6);
        s[10] = b10 ^ (~b11 & b12);
        s[11] = b11 ^ (~b12 & b13);
        s[12] = b12 ^ (~b13 & b14);
        s[13] = b13 ^ (~b14 & b10);
        s[14] = b14 ^ (~b10 & b11);
        s[15] = b15 ^ (~b16 & b17);
        s[16] = b16 ^ (~b17 & b18);
        s[17] = b17 ^ (~b18 & b19);
        s[18] = b18 ^ (~b19 & b15);
        s[19] = b19 ^ (~b15 & b16);
        s[20] = b20 ^ (~b21 & b22);
        s[21] = b21 ^ (~b22 & b23);
        s[22] = b22 ^ (~b23 & b24);
        s[23] = b23 ^ (~b24 & b20);
        s[24] = b24 ^ (~b20 & b21);
        s[0] ^= KECCAK_RC[round];
    }
}

static uint64_t load64_le(const uint8_t *p) {
    uint64_t v;
    memcpy(&v, p, 8); /* x86-64 and every target we build for are little-endian */
    return v;
}

void nets_keccak256(const uint8_t *data, size_t len, uint8_t out[32]) {
    enum { RATE = 136 };
    uint64_t st[25] = {0};
    while (len >= RATE) {
        for (int i = 0; i < RATE / 8; i++) st[i] ^= load64_le(data + 8 * i);
        keccak_f1600(st);
        data += RATE;
        len -= RATE;
    }
    uint8_t block[RATE] = {0};
    memcpy(block, data, len);
    block[len] ^= 0x01;
    block[RATE - 1] ^= 0x80;
    for (int i = 0; i < RATE / 8; i++) st[i] ^= load64_le(block + 8 * i);
    keccak_f1600(st);
    memcpy(out, st, 32);
}

static const uint32_t SHA_K[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

#define ROTR32(x, n) (((x) >> (n)) | ((x) << (32 - (n))))

static void sha256_block(uint32_t h[8], const uint8_t *p) {
    uint32_t w[64];
    for (int i = 0; i < 16; i++)
        w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 | (uint32_t)p[4 * i + 2] << 8 |
               p[4 * i + 3];
    for (int i = 16; i < 64; i++) {
        uint32_t s0 = ROTR32(w[i - 15], 7) ^ ROTR32(w[i - 15], 18) ^ (w[i - 15] >> 3);
        uint32_t s1 = ROTR32(w[i - 2], 17) ^ ROTR32(w[i - 2], 19) ^ (w[i - 2] >> 10);
        w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], k = h[7];
    for (int i = 0; i < 64; i++) {
        uint32_t S1 = ROTR32(e, 6) ^ ROTR32(e, 11) ^ ROTR32(e, 25);
        uint32_t ch = (e & f) ^ (~e & g);
        uint32_t t1 = k + S1 + ch + SHA_K[i] + w[i];
        uint32_t S0 = ROTR32(a, 2) ^ ROTR32(a, 13) ^ ROTR32(a, 22);
        uint32_t maj = (a & b) ^ (a & c) ^ (b & c);
        uint32_t t2 = S0 + maj;
        k = g;
        g = f;
        f = e;
        e = d + t1;
        d = c;
        c = b;
        b = a;
        a = t1 + t2;
    }
    h[0] += a;
    h[1] += b;
    h[2] += c;
    h[3] += d;
    h[4] += e;
    h[5] += f;
    h[6] += g;
    h[7] += k;
}

#if defined(__x86_64__)
#include <cpuid.h>
#include <immintrin.h>

/* The same compression with the SHA extensions (sha256rnds2 does two rounds; msg1/msg2 the
   schedule), used when the CPU has them: about four times faster per block. */
__attribute__((target("sha,sse4.1,ssse3"))) static void sha256_block_shani(uint32_t h[8],
                                                                           const uint8_t *p) {
    const __m128i byteswap = _mm_set_epi64x(0x0c0d0e0f08090a0bLL, 0x0405060700010203LL);
    __m128i dcba = _mm_loadu_si128((const __m128i *)&h[0]);
    __m128i hgfe = _mm_loadu_si128((const __m128i *)&h[4]);
    __m128i cdab = _mm_shuffle_epi32(dcba, 0xB1);
    __m128i efgh = _mm_shuffle_epi32(hgfe, 0x1B);
    __m128i abef = _mm_alignr_epi8(cdab, efgh, 8);
    __m128i cdgh = _mm_blend_epi16(efgh, cdab, 0xF0);
    const __m128i abef_in = abef, cdgh_in = cdgh;
    __m128i w[4];
    for (int i = 0; i < 16; i++) {
        __m128i m;
        if (i < 4) {
            m = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(p + 16 * i)), byteswap);
        } else {
            m = _mm_sha256msg1_epu32(w[i % 4], w[(i + 1) % 4]);
            m = _mm_add_epi32(m, _mm_alignr_epi8(w[(i + 3) % 4], w[(i + 2) % 4], 4));
            m = _mm_sha256msg2_epu32(m, w[(i + 3) % 4]);
        }
        w[i % 4] = m;
        __m128i k = _mm_add_epi32(m, _mm_loadu_si128((const __m128i *)&SHA_K[4 * i]));
        cdgh = _mm_sha256rnds2_epu32(cdgh, abef, k);
        abef = _mm_sha256rnds2_epu32(abef, cdgh, _mm_shuffle_epi32(k, 0x0E));
    }
    abef = _mm_add_epi32(abef, abef_in);
    cdgh = _mm_add_epi32(cdgh, cdgh_in);
    __m128i feba = _mm_shuffle_epi32(abef, 0x1B);
    __m128i dchg = _mm_shuffle_epi32(cdgh, 0xB1);
    _mm_storeu_si128((__m128i *)&h[0], _mm_blend_epi16(feba, dchg, 0xF0));
    _mm_storeu_si128((__m128i *)&h[4], _mm_alignr_epi8(dchg, feba, 8));
}

/* Two independent compressions interleaved: each sha256rnds2 waits on the one before it in
   its own chain, so two chains in flight keep the SHA unit busy (about 1.7x the throughput of
   one chain on the trace's short lines and node pairs). Same arithmetic as above, twice. */
__attribute__((target("sha,sse4.1,ssse3"))) static void sha256_block2_shani(uint32_t ha[8],
                                                                            const uint8_t *pa,
                                                                            uint32_t hb[8],
                                                                            const uint8_t *pb) {
    const __m128i byteswap = _mm_set_epi64x(0x0c0d0e0f08090a0bLL, 0x0405060700010203LL);
    __m128i dcba_a = _mm_loadu_si128((const __m128i *)&ha[0]);
    __m128i hgfe_a = _mm_loadu_si128((const __m128i *)&ha[4]);
    __m128i dcba_b = _mm_loadu_si128((const __m128i *)&hb[0]);
    __m128i hgfe_b = _mm_loadu_si128((const __m128i *)&hb[4]);
    __m128i cdab_a = _mm_shuffle_epi32(dcba_a, 0xB1), efgh_a = _mm_shuffle_epi32(hgfe_a, 0x1B);
    __m128i cdab_b = _mm_shuffle_epi32(dcba_b, 0xB1), efgh_b = _mm_shuffle_epi32(hgfe_b, 0x1B);
    __m128i abef_a = _mm_alignr_epi8(cdab_a, efgh_a, 8), cdgh_a = _mm_blend_epi16(efgh_a, cdab_a, 0xF0);
    __m128i abef_b = _mm_alignr_epi8(cdab_b, efgh_b, 8), cdgh_b = _mm_blend_epi16(efgh_b, cdab_b, 0xF0);
    const __m128i abef_a_in = abef_a, cdgh_a_in = cdgh_a, abef_b_in = abef_b, cdgh_b_in = cdgh_b;
    __m128i wa[4], wb[4];
    for (int i = 0; i < 16; i++) {
        __m128i ma, mb;
        if (i < 4) {
            ma = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(pa + 16 * i)), byteswap);
            mb = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(pb + 16 * i)), byteswap);
        } else {
            ma = _mm_sha256msg1_epu32(wa[i % 4], wa[(i + 1) % 4]);
            mb = _mm_sha256msg1_epu32(wb[i % 4], wb[(i + 1) % 4]);
            ma = _mm_add_epi32(ma, _mm_alignr_epi8(wa[(i + 3) % 4], wa[(i + 2) % 4], 4));
            mb = _mm_add_epi32(mb, _mm_alignr_epi8(wb[(i + 3) % 4], wb[(i + 2) % 4], 4));
            ma = _mm_sha256msg2_epu32(ma, wa[(i + 3) % 4]);
            mb = _mm_sha256msg2_epu32(mb, wb[(i + 3) % 4]);
        }
        wa[i % 4] = ma;
        wb[i % 4] = mb;
        const __m128i k = _mm_loadu_si128((const __m128i *)&SHA_K[4 * i]);
        __m128i ka = _mm_add_epi32(ma, k), kb = _mm_add_epi32(mb, k);
        cdgh_a = _mm_sha256rnds2_epu32(cdgh_a, abef_a, ka);
        cdgh_b = _mm_sha256rnds2_epu32(cdgh_b, abef_b, kb);
        abef_a = _mm_sha256rnds2_epu32(abef_a, cdgh_a, _mm_shuffle_epi32(ka, 0x0E));
        abef_b = _mm_sha256rnds2_epu32(abef_b, cdgh_b, _mm_shuffle_epi32(kb, 0x0E));
    }
    abef_a = _mm_add_epi32(abef_a, abef_a_in);
    cdgh_a = _mm_add_epi32(cdgh_a, cdgh_a_in);
    abef_b = _mm_add_epi32(abef_b, abef_b_in);
    cdgh_b = _mm_add_epi32(cdgh_b, cdgh_b_in);
    __m128i feba_a = _mm_shuffle_epi32(abef_a, 0x1B), dchg_a = _mm_shuffle_epi32(cdgh_a, 0xB1);
    __m128i feba_b = _mm_shuffle_epi32(abef_b, 0x1B), dchg_b = _mm_shuffle_epi32(cdgh_b, 0xB1);
    _mm_storeu_si128((__m128i *)&ha[0], _mm_blend_epi16(feba_a, dchg_a, 0xF0));
    _mm_storeu_si128((__m128i *)&ha[4], _mm_alignr_epi8(dchg_a, feba_a, 8));
    _mm_storeu_si128((__m128i *)&hb[0], _mm_blend_epi16(feba_b, dchg_b, 0xF0));
    _mm_storeu_si128((__m128i *)&hb[4], _mm_alignr_epi8(dchg_b, feba_b, 8));
}

static int cpu_has_sha(void) {
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & (1u << 19)) || !(c & (1u << 9))) return 0;
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return 0;
    return (b >> 29) & 1;
}
#endif

typedef void (*sha256_block_fn)(uint32_t h[8], const uint8_t *p);

static sha256_block_fn pick_block(void) {
#if defined(__x86_64__)
    if (cpu_has_sha()) return sha256_block_shani;
#endif
    return sha256_block;
}

static sha256_block_fn sha256_compress = NULL;

static void sha256_block2_portable(uint32_t ha[8], const uint8_t *pa, uint32_t hb[8],
                                   const uint8_t *pb) {
    sha256_block(ha, pa);
    sha256_block(hb, pb);
}

typedef void (*sha256_block2_fn)(uint32_t ha[8], const uint8_t *pa, uint32_t hb[8],
                                 const uint8_t *pb);
static sha256_block2_fn sha256_compress2 = NULL;

/* 1 when the SHA extensions are used (the tests compare both compressions with hashlib). */
int nets_sha256_accelerated(int portable_only) {
    sha256_compress = portable_only ? sha256_block : pick_block();
    sha256_compress2 = sha256_block2_portable;
#if defined(__x86_64__)
    if (sha256_compress == sha256_block_shani) sha256_compress2 = sha256_block2_shani;
#endif
    return sha256_compress != sha256_block;
}


/* sha256(prefix || data): the one-byte prefix is the RFC 9162 leaf (0x00) or node (0x01) tag. */
void nets_sha256_prefixed(uint8_t prefix, const uint8_t *data, size_t len, uint8_t out[32]) {
    uint32_t h[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                     0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
    size_t total = len + 1;
    sha256_block_fn compress = sha256_compress;
    if (!compress) compress = sha256_compress = pick_block();
    uint8_t block[64];
    size_t fill = 1;
    block[0] = prefix;
    while (len > 0) {
        size_t take = 64 - fill < len ? 64 - fill : len;
        memcpy(block + fill, data, take);
        fill += take;
        data += take;
        len -= take;
        if (fill == 64) {
            compress(h, block);
            fill = 0;
        }
    }
    block[fill++] = 0x80;
    if (fill > 56) {
        memset(block + fill, 0, 64 - fill);
        compress(h, block);
        fill = 0;
    }
    memset(block + fill, 0, 56 - fill);
    uint64_t bits = (uint64_t)total * 8;
    for (int i = 0; i < 8; i++) block[56 + i] = (uint8_t)(bits >> (56 - 8 * i));
    compress(h, block);
    for (int i = 0; i < 8; i++) {
        out[4 * i] = (uint8_t)(h[i] >> 24);
        out[4 * i + 1] = (uint8_t)(h[i] >> 16);
        out[4 * i + 2] = (uint8_t)(h[i] >> 8);
        out[4 * i + 3] = (uint8_t)h[i];
    }
}

/* Block k (of nb) of the padded message prefix || d[0..len): SHA-256 padding is 0x80 after
   the message, zeros, and the message's bit length in the last 8 bytes of the last block. */
static void padded_block(uint8_t b[64], uint8_t prefix, const uint8_t *d, size_t len, size_t k,
                         size_t nb) {
    size_t total = len + 1, start = 64 * k, pos = start;
    memset(b, 0, 64);
    if (pos == 0) {
        b[0] = prefix;
        pos = 1;
    }
    if (pos < total) {
        size_t take = total - pos;
        if (take > start + 64 - pos) take = start + 64 - pos;
        memcpy(b + (pos - start), d + (pos - 1), take);
        pos += take;
    }
    if (pos == total && pos < start + 64) b[pos - start] = 0x80;
    if (k == nb - 1) {
        uint64_t bits = (uint64_t)total * 8;
        for (int i = 0; i < 8; i++) b[56 + i] = (uint8_t)(bits >> (56 - 8 * i));
    }
}

static void store_digest(const uint32_t h[8], uint8_t out[32]) {
    for (int i = 0; i < 8; i++) {
        out[4 * i] = (uint8_t)(h[i] >> 24);
        out[4 * i + 1] = (uint8_t)(h[i] >> 16);
        out[4 * i + 2] = (uint8_t)(h[i] >> 8);
        out[4 * i + 3] = (uint8_t)h[i];
    }
}

/* Messages of up to PADDED_BLOCKS blocks once padded (a trace line of up to 246 bytes, a node
   pair) are padded whole into a stack buffer: one copy per message instead of a cleared and
   filled block per block; longer ones go block by block (padded_block). */
#define PADDED_BLOCKS 4

/* prefix || d[0..len) with its SHA-256 padding into buf; returns the block count. */
static size_t padded_message(uint8_t buf[64 * PADDED_BLOCKS], uint8_t prefix, const uint8_t *d,
                             size_t len) {
    size_t total = len + 1, nb = (total + 9 + 63) / 64, end = 64 * nb;
    buf[0] = prefix;
    memcpy(buf + 1, d, len);
    buf[total] = 0x80;
    memset(buf + total + 1, 0, end - 8 - total - 1);
    uint64_t bits = (uint64_t)total * 8;
    for (int i = 0; i < 8; i++) buf[end - 8 + i] = (uint8_t)(bits >> (56 - 8 * i));
    return nb;
}

/* sha256(prefix || a) and sha256(prefix || b) together, their blocks compressed in pairs.
   Both digests are stored after both are done, so an output may overlap an input. */
static void sha256_prefixed_pair(uint8_t prefix, const uint8_t *a, size_t la, uint8_t oa[32],
                                 const uint8_t *b, size_t lb, uint8_t ob[32]) {
    uint32_t ha[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                      0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
    uint32_t hb[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                      0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
    if (!sha256_compress2) nets_sha256_accelerated(0);
    size_t na = (la + 1 + 9 + 63) / 64, nb = (lb + 1 + 9 + 63) / 64, k = 0;
    if (na <= PADDED_BLOCKS && nb <= PADDED_BLOCKS) {
        uint8_t ma[64 * PADDED_BLOCKS], mb[64 * PADDED_BLOCKS];
        padded_message(ma, prefix, a, la);
        padded_message(mb, prefix, b, lb);
        for (; k < na && k < nb; k++) sha256_compress2(ha, ma + 64 * k, hb, mb + 64 * k);
        for (size_t j = k; j < na; j++) sha256_compress(ha, ma + 64 * j);
        for (size_t j = k; j < nb; j++) sha256_compress(hb, mb + 64 * j);
        store_digest(ha, oa);
        store_digest(hb, ob);
        return;
    }
    uint8_t ba[64], bb[64];
    for (; k < na && k < nb; k++) {
        padded_block(ba, prefix, a, la, k, na);
        padded_block(bb, prefix, b, lb, k, nb);
        sha256_compress2(ha, ba, hb, bb);
    }
    for (size_t j = k; j < na; j++) {
        padded_block(ba, prefix, a, la, j, na);
        sha256_compress(ha, ba);
    }
    for (size_t j = k; j < nb; j++) {
        padded_block(bb, prefix, b, lb, j, nb);
        sha256_compress(hb, bb);
    }
    store_digest(ha, oa);
    store_digest(hb, ob);
}

/* The simulator's trace leaves: sha256(0x00 || line) of each newline-separated line of
   blob[0..len) (k newlines separate k+1 lines), 32 bytes each into out, which has room for
   max hashes; lines are hashed two at a time. Returns the number of lines, or 0 when they
   exceed max. */
size_t nets_leaf_hashes(const uint8_t *blob, size_t len, uint8_t *out, size_t max) {
    size_t n = 0;
    const uint8_t *p = blob, *end = blob + len;
    const uint8_t *held = NULL; /* a line waiting for a partner */
    size_t held_len = 0;
    for (;;) {
        const uint8_t *nl = memchr(p, '\n', (size_t)(end - p));
        const uint8_t *stop = nl ? nl : end;
        if (n == max) return 0;
        if (held) {
            sha256_prefixed_pair(0, held, held_len, out + 32 * (n - 1), p, (size_t)(stop - p),
                                 out + 32 * n);
            held = NULL;
        } else {
            held = p;
            held_len = (size_t)(stop - p);
        }
        n++;
        if (!nl) break;
        p = nl + 1;
    }
    if (held) nets_sha256_prefixed(0, held, held_len, out + 32 * (n - 1));
    return n;
}

/* RFC 9162 root over leaf hashes, folding pairs level by level in place (an odd last node is
   promoted unchanged), exactly node.merkle.root_from_leaf_hashes. */
void nets_merkle_root(uint8_t *hashes, size_t n, uint8_t out[32]) {
    if (n == 0) {
        static const uint8_t EMPTY[32] = {
            0xe3, 0xb0, 0xc4, 0x42, 0x98, 0xfc, 0x1c, 0x14, 0x9a, 0xfb, 0xf4, 0xc8, 0x99, 0x6f, 0xb9, 0x24,
            0x27, 0xae, 0x41, 0xe4, 0x64, 0x9b, 0x93, 0x4c, 0xa4, 0x95, 0x99, 0x1b, 0x78, 0x52, 0xb8, 0x55};
        memcpy(out, EMPTY, 32);
        return;
    }
    while (n > 1) {
        size_t next = 0, i = 0;
        for (; i + 3 < n; i += 4) { /* two nodes at a time; outputs land at or before inputs */
            sha256_prefixed_pair(1, hashes + 32 * i, 64, hashes + 32 * next,
                                 hashes + 32 * (i + 2), 64, hashes + 32 * (next + 1));
            next += 2;
        }
        for (; i + 1 < n; i += 2) {
            nets_sha256_prefixed(1, hashes + 32 * i, 64, hashes + 32 * next);
            next++;
        }
        if (n % 2) {
            memmove(hashes + 32 * next, hashes + 32 * (n - 1), 32);
            next++;
        }
        n = next;
    }
    memcpy(out, hashes, 32);
}
