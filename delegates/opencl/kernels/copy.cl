// Dense copy of n elements: RESHAPE/SQUEEZE (same elements, new shape), DEQUANTIZE's constant blob into
// its output, and the framework's own buffer moves. ELEM is the element type (real unless defined: int
// for int32 tensors).
#ifdef ELEM
#define EL_COPY_T ELEM
#else
#define EL_COPY_T real
#endif

__kernel void KERNEL_NAME(__global const EL_COPY_T* in, __global EL_COPY_T* out, int n) {
  const int i = get_global_id(0);
  if (i < n) out[i] = in[i];
}

#undef EL_COPY_T
