// The 256-entry byte lookup with byte shuffles (SSSE3's pshufb in AVX2 and AVX-512BW form), which index a
// 16-byte table by the low four bits of each byte and give 0 where the index byte's top bit is set. With
// the table split in 16 rows T_h of 16 bytes (h the high nibble), the index x < 128 is looked up in eight
// prepared rows A_k = T_k ^ T_(k-1) (A_0 = T_0) by indices x - 16k, saturating: the index stays
// non-negative for k <= h exactly, so the XOR of the eight lookups telescopes to T_h[x & 15]; x >= 128
// saturates negative and contributes nothing. x ^ 0x80 does the same for the upper half with rows 8..15.
// That is 16 shuffles per vector, against one load and one store per byte for the scalar loop (the
// portable build, which has no byte shuffle, keeps that loop).
#include "interpreter/kernels/optimized/lut_u8.h"

#if defined(__AVX512BW__) || defined(__AVX2__)
#include <immintrin.h>
#endif

namespace edgelite {
namespace optimized {
namespace EL_ISA_NS {
namespace {

void LookupScalar(const uint8_t* in, uint8_t* out, int64_t n, const uint8_t table[256]) {
  for (int64_t i = 0; i < n; ++i) out[i] = table[in[i]];
}

#if defined(__AVX512BW__) || defined(__AVX2__)

// The prepared rows: A_0..A_7 for indices below 128, then the same for the upper half.
struct PreparedRows {
  alignas(16) uint8_t row[16][16];
};

PreparedRows Prepare(const uint8_t table[256]) {
  PreparedRows p;
  for (int half = 0; half < 2; ++half) {
    for (int k = 0; k < 8; ++k) {
      const uint8_t* t = table + (half * 8 + k) * 16;
      for (int l = 0; l < 16; ++l) p.row[half * 8 + k][l] = k == 0 ? t[l] : static_cast<uint8_t>(t[l] ^ t[l - 16]);
    }
  }
  return p;
}

#if defined(__AVX512BW__)
using VecU8 = __m512i;
constexpr int kBytes = 64;
// The zero-masked form with a full mask is the plain broadcast; GCC 12's unmasked one trips
// -Wuninitialized on its undefined pass-through operand.
inline VecU8 BroadcastRow(const uint8_t* row) {
  return _mm512_maskz_broadcast_i32x4(0xFFFF, _mm_load_si128(reinterpret_cast<const __m128i*>(row)));
}
inline VecU8 LoadU8(const uint8_t* p) { return _mm512_loadu_si512(p); }
inline void StoreU8(uint8_t* p, VecU8 v) { _mm512_storeu_si512(p, v); }
inline VecU8 Shuffle(VecU8 table, VecU8 index) { return _mm512_shuffle_epi8(table, index); }
inline VecU8 Xor(VecU8 a, VecU8 b) { return _mm512_xor_si512(a, b); }
inline VecU8 SubsI8(VecU8 a, VecU8 b) { return _mm512_subs_epi8(a, b); }
inline VecU8 Splat(int8_t v) { return _mm512_set1_epi8(v); }
#else
using VecU8 = __m256i;
constexpr int kBytes = 32;
inline VecU8 BroadcastRow(const uint8_t* row) {
  return _mm256_broadcastsi128_si256(_mm_load_si128(reinterpret_cast<const __m128i*>(row)));
}
inline VecU8 LoadU8(const uint8_t* p) { return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)); }
inline void StoreU8(uint8_t* p, VecU8 v) { _mm256_storeu_si256(reinterpret_cast<__m256i*>(p), v); }
inline VecU8 Shuffle(VecU8 table, VecU8 index) { return _mm256_shuffle_epi8(table, index); }
inline VecU8 Xor(VecU8 a, VecU8 b) { return _mm256_xor_si256(a, b); }
inline VecU8 SubsI8(VecU8 a, VecU8 b) { return _mm256_subs_epi8(a, b); }
inline VecU8 Splat(int8_t v) { return _mm256_set1_epi8(v); }
#endif

void LookupVector(const uint8_t* in, uint8_t* out, int64_t n, const uint8_t table[256]) {
  const PreparedRows p = Prepare(table);
  VecU8 rows[16];
  for (int k = 0; k < 16; ++k) rows[k] = BroadcastRow(p.row[k]);
  const VecU8 step = Splat(16), top_bit = Splat(static_cast<int8_t>(0x80));
  int64_t i = 0;
  for (; i + kBytes <= n; i += kBytes) {
    VecU8 lo = LoadU8(in + i);
    VecU8 hi = Xor(lo, top_bit);
    VecU8 y = Xor(Shuffle(rows[0], lo), Shuffle(rows[8], hi));
    for (int k = 1; k < 8; ++k) {
      lo = SubsI8(lo, step);
      hi = SubsI8(hi, step);
      y = Xor(y, Xor(Shuffle(rows[k], lo), Shuffle(rows[8 + k], hi)));
    }
    StoreU8(out + i, y);
  }
  LookupScalar(in + i, out + i, n - i, table);
}

#endif

}  // namespace

#if defined(__AVX512BW__) || defined(__AVX2__)
extern const LutU8Kernels kLutU8 = {LookupVector};
#else
extern const LutU8Kernels kLutU8 = {LookupScalar};
#endif

}  // namespace EL_ISA_NS
}  // namespace optimized
}  // namespace edgelite
