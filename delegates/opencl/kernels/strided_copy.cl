// One element per work-item over an index space of up to 8 axes (D0 outermost ... D7 innermost, unused
// axes 1): out[OBASE + sum idx_k * OS_k] = in[IBASE + sum idx_k * IS_k]. The builders plan it on the host
// (axes of count 1 dropped, contiguous axes merged); it serves TRANSPOSE, STRIDED_SLICE/SLICE (negative
// steps included), DEPTH_TO_SPACE/SPACE_TO_DEPTH (6-axis views) and each input of CONCATENATION (ACT: its
// fused activation, float tensors only). ELEM is the element type (real unless defined). TOTAL is the
// product of the D_k.
#ifdef ELEM
#define EL_SC_T ELEM
#else
#define EL_SC_T real
#endif
// Peels axis k off the linear index g (innermost first).
#define EL_SC_AXIS(k)        \
  {                          \
    const int r = g % D##k;  \
    g /= D##k;               \
    i += r * IS##k;          \
    o += r * OS##k;          \
  }

__kernel void KERNEL_NAME(__global const EL_SC_T* in, __global EL_SC_T* out) {
  int g = get_global_id(0);
  if (g >= TOTAL) return;
  int i = IBASE, o = OBASE;
  EL_SC_AXIS(7) EL_SC_AXIS(6) EL_SC_AXIS(5) EL_SC_AXIS(4)
  EL_SC_AXIS(3) EL_SC_AXIS(2) EL_SC_AXIS(1) EL_SC_AXIS(0)
#if defined(ACT) && ACT != 0
  out[o] = (EL_SC_T)el_activate((float)in[i], ACT);
#else
  out[o] = in[i];
#endif
}

#undef EL_SC_AXIS
#undef EL_SC_T
