// PAD/PADV2 (MODE 0: the constant value[0]) and MIRROR_PAD (MODE 1 REFLECT: the edge is not repeated,
// MODE 2 SYMMETRIC: it is), one output element per work-item over up to 8 axes. Per axis k: output size
// D_k, input size N_k, padding before B_k, input step IS_k (unused axes: D=N=1, B=IS=0). The mirrored index
// needs one reflection only: the CPU prepare checks paddings against the axis size. ELEM as in copy.cl.
#ifdef ELEM
#define EL_PAD_T ELEM
#else
#define EL_PAD_T real
#endif
#define EL_PAD_AXIS(k)                                                  \
  {                                                                     \
    int x = g % D##k - B##k;                                            \
    g /= D##k;                                                          \
    if (MODE == 0) {                                                    \
      inside = inside && x >= 0 && x < N##k;                            \
    } else if (x < 0) {                                                 \
      x = MODE == 1 ? -x : -x - 1;                                      \
    } else if (x >= N##k) {                                             \
      x = MODE == 1 ? 2 * N##k - 2 - x : 2 * N##k - 1 - x;              \
    }                                                                   \
    i += x * IS##k;                                                     \
  }

__kernel void KERNEL_NAME(__global const EL_PAD_T* in, __global const EL_PAD_T* value, __global EL_PAD_T* out) {
  const int o = get_global_id(0);
  if (o >= TOTAL) return;
  int g = o, i = 0;
  bool inside = true;
  EL_PAD_AXIS(7) EL_PAD_AXIS(6) EL_PAD_AXIS(5) EL_PAD_AXIS(4)
  EL_PAD_AXIS(3) EL_PAD_AXIS(2) EL_PAD_AXIS(1) EL_PAD_AXIS(0)
  out[o] = inside ? in[i] : value[0];
}

#undef EL_PAD_AXIS
#undef EL_PAD_T
