// The library's double-precision discrete Fourier transform (fft.cc), for kernels beyond the FFT ops
// (AudioSpectrogram).
#pragma once

#include <complex>
#include <vector>

namespace edgelite::select {

// In place, any length (radix-2, or Bluestein's chirp-z); `inverse` uses e^{+i...} and does not scale.
void FftInPlace(std::vector<std::complex<double>>& a, bool inverse);

}  // namespace edgelite::select
