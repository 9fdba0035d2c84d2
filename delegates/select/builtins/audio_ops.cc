// LiteRT's audio custom operators, as its kernels compute them (tflite/kernels/audio_spectrogram.cc,
// mfcc.cc and internal/spectrogram.cc, mfcc_mel_filterbank.cc, mfcc_dct.cc):
//   AudioSpectrogram: [samples, channels] float32 -> [channels, frames, fft_length / 2 + 1], frames =
//     1 + (samples - window_size) / stride; each frame is a periodic-Hann-windowed slice zero-padded to the
//     next power of two, transformed in double; |X|^2 rounded to float, or its float square root. The
//     window queue is LiteRT's streaming one, which carries on from one channel to the next.
//   Mfcc: [channels, frames, bins] squared magnitudes and an int32 sample rate -> [channels, frames,
//     dct_coefficient_count]: HTK-style triangular mel filterbank over sqrt(bins) (DC excluded), log with a
//     1e-12 floor, DCT-II scaled by sqrt(2 / filterbank_channel_count). Its options are read as integers,
//     as LiteRT does. A spectrum too short for the filterbank gives zeros, as LiteRT's does.
#include <cmath>
#include <complex>
#include <deque>
#include <vector>

#include "delegates/select/builtins/custom_ops.h"
#include "delegates/select/kernels/fft.h"

namespace edgelite::select {
namespace {

// ---- AudioSpectrogram ----
struct SpectrogramGeometry {
  int64_t window, stride, fft_length, bins, frames;
};

SpectrogramGeometry Geometry(const OpContext& c) {
  SpectrogramGeometry g;
  g.window = CustomInt(c, "window_size");
  g.stride = CustomInt(c, "stride");
  if (g.window < 2) c.Fail("window_size ", g.window, " must be at least 2");
  if (g.stride < 1) c.Fail("stride ", g.stride, " must be positive");
  g.fft_length = 1;
  while (g.fft_length < g.window) g.fft_length <<= 1;
  g.bins = g.fft_length / 2 + 1;
  const int64_t samples = c.input(0).dim(0);
  g.frames = samples < g.window ? 0 : 1 + (samples - g.window) / g.stride;
  return g;
}

void SpectrogramCheck(OpContext& c) {
  const TensorView x = c.input(0);
  if (x.type() != kLiteFloat32 || x.rank() != 2) c.Fail("input must be a 2-D float32 tensor [samples, channels]");
  c.ExpectOutputType(0, kLiteFloat32);
  Geometry(c);
}

void SpectrogramShape(OpContext& c) {
  const SpectrogramGeometry g = Geometry(c);
  c.ResizeOutput(0, {c.input(0).dim(1), static_cast<int32_t>(g.frames), static_cast<int32_t>(g.bins)});
}

void SpectrogramEval(OpContext& c) {
  const SpectrogramGeometry g = Geometry(c);
  const bool squared = CustomInt(c, "magnitude_squared", 0) != 0;
  const TensorView x = c.input(0);
  const int64_t samples = x.dim(0), channels = x.dim(1);
  std::vector<double> hann(g.window);
  for (int64_t i = 0; i < g.window; ++i) hann[i] = 0.5 - 0.5 * std::cos(2.0 * M_PI * i / g.window);
  float* out = c.output(0).data<float>();
  std::deque<float> queue;
  int64_t to_next = g.window;  // samples still needed before the next frame
  std::vector<std::complex<double>> line(g.fft_length);
  for (int64_t ch = 0; ch < channels; ++ch) {
    int64_t frames = 0, start = 0;
    while (to_next <= samples - start) {
      for (int64_t k = 0; k < to_next; ++k) queue.push_back(x.data<float>()[(start + k) * channels + ch]);
      start += to_next;
      while (static_cast<int64_t>(queue.size()) > g.window) queue.pop_front();
      to_next = g.stride;
      if (frames == g.frames) c.Fail("channel ", ch, " gives more frames than the output holds (LiteRT fails too)");
      for (int64_t j = 0; j < g.fft_length; ++j) line[j] = j < g.window ? queue[j] * hann[j] : 0.0;
      FftInPlace(line, false);
      float* row = out + (ch * g.frames + frames) * g.bins;
      for (int64_t k = 0; k < g.bins; ++k) {
        const float power = static_cast<float>(std::norm(line[k]));
        row[k] = squared ? power : std::sqrt(power);
      }
      ++frames;
    }
    for (int64_t k = start; k < samples; ++k) queue.push_back(x.data<float>()[k * channels + ch]);
    to_next -= samples - start;
    if (frames != g.frames) c.Fail("channel ", ch, " gives ", frames, " frames, not ", g.frames, " (LiteRT fails too)");
  }
}

// ---- Mfcc ----
struct MfccParams {
  double lower, upper;
  int64_t channels, coefficients;
};

MfccParams ReadMfcc(const OpContext& c) {
  MfccParams p{static_cast<double>(CustomInt(c, "lower_frequency_limit")),
               static_cast<double>(CustomInt(c, "upper_frequency_limit")), CustomInt(c, "filterbank_channel_count"),
               CustomInt(c, "dct_coefficient_count")};
  if (p.channels < 1) c.Fail("filterbank_channel_count must be positive");
  if (p.lower < 0 || p.upper <= p.lower) c.Fail("need 0 <= lower_frequency_limit < upper_frequency_limit");
  if (p.coefficients < 1 || p.coefficients > p.channels) {
    c.Fail("dct_coefficient_count must be in [1, filterbank_channel_count]");
  }
  return p;
}

void MfccCheck(OpContext& c) {
  const TensorView s = c.input(0), rate = c.input(1);
  if (s.type() != kLiteFloat32 || s.rank() != 3) c.Fail("spectrogram must be a 3-D float32 tensor");
  if (s.dim(2) < 2) c.Fail("spectrogram needs at least 2 bins");
  if (rate.type() != kLiteInt32 || rate.num_elements() != 1) c.Fail("sample_rate must be one int32");
  c.ExpectOutputType(0, kLiteFloat32);
  ReadMfcc(c);
}

void MfccShape(OpContext& c) {
  c.ResizeOutput(0, {c.input(0).dim(0), c.input(0).dim(1), static_cast<int32_t>(ReadMfcc(c).coefficients)});
}

double Mel(double hz) { return 1127.0 * std::log1p(hz / 700.0); }

void MfccEval(OpContext& c) {
  const MfccParams p = ReadMfcc(c);
  const TensorView s = c.input(0);
  const int64_t bins = s.dim(2), rows = s.dim(0) * s.dim(1);
  const double rate = c.input(1).data<int32_t>()[0];
  if (rate <= 0) c.Fail("sample_rate ", rate, " must be positive");
  // The filterbank: channel centres evenly spaced in mel; each bin in [start, end] adds its weight to the
  // channel whose right slope it is on and the rest to the next channel's left slope.
  std::vector<double> centre(p.channels + 1);
  const double mel_low = Mel(p.lower), spacing = (Mel(p.upper) - mel_low) / static_cast<double>(p.channels + 1);
  for (int64_t i = 0; i <= p.channels; ++i) centre[i] = mel_low + spacing * static_cast<double>(i + 1);
  const double hz_per_bin = 0.5 * rate / static_cast<double>(bins - 1);
  const int64_t start = static_cast<int64_t>(1.5 + p.lower / hz_per_bin);
  const int64_t end = static_cast<int64_t>(p.upper / hz_per_bin);
  std::vector<int64_t> band(bins, -2);
  std::vector<double> weight(bins, 0.0);
  for (int64_t i = 0, ch = 0; i < bins; ++i) {
    if (i < start || i > end) continue;
    const double m = Mel(static_cast<double>(i) * hz_per_bin);
    while (ch < p.channels && centre[ch] < m) ++ch;
    band[i] = ch - 1;
    weight[i] = band[i] >= 0 ? (centre[ch] - m) / (centre[ch] - centre[ch - 1])
                             : (centre[0] - m) / (centre[0] - mel_low);
  }
  std::vector<double> cosines(p.coefficients * p.channels);
  const double norm = std::sqrt(2.0 / static_cast<double>(p.channels)), arg = M_PI / static_cast<double>(p.channels);
  for (int64_t i = 0; i < p.coefficients; ++i) {
    for (int64_t j = 0; j < p.channels; ++j) cosines[i * p.channels + j] = norm * std::cos(i * arg * (j + 0.5));
  }
  float* out = c.output(0).data<float>();
  std::vector<double> mel(p.channels);
  for (int64_t r = 0; r < rows; ++r) {
    const float* frame = s.data<float>() + r * bins;
    float* y = out + r * p.coefficients;
    if (bins <= end) {  // LiteRT's filterbank leaves its output empty: the DCT of nothing
      std::fill(y, y + p.coefficients, 0.0f);
      continue;
    }
    std::fill(mel.begin(), mel.end(), 0.0);
    for (int64_t i = start; i <= end; ++i) {
      const double magnitude = std::sqrt(static_cast<double>(frame[i])), weighted = magnitude * weight[i];
      if (band[i] >= 0) mel[band[i]] += weighted;
      if (band[i] + 1 < p.channels) mel[band[i] + 1] += magnitude - weighted;
    }
    for (double& v : mel) v = std::log(std::max(v, 1e-12));
    for (int64_t i = 0; i < p.coefficients; ++i) {
      double sum = 0.0;
      for (int64_t j = 0; j < p.channels; ++j) sum += cosines[i * p.channels + j] * mel[j];
      y[i] = static_cast<float>(sum);
    }
  }
}

}  // namespace

const std::vector<KernelDef>& AudioKernels() {
  static const std::vector<KernelDef> kernels = {
      KernelDef{"AudioSpectrogram", 1, 1, 1, SpectrogramCheck, SpectrogramShape, SpectrogramEval},
      KernelDef{"Mfcc", 2, 2, 1, MfccCheck, MfccShape, MfccEval},
  };
  return kernels;
}

}  // namespace edgelite::select
