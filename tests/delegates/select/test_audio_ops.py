"""AudioSpectrogram and Mfcc (delegates/select/builtins/audio_ops.cc), LiteRT's audio custom operators,
against NumPy and LiteRT on one-node models and on a spectrogram -> MFCC chain."""

import numpy as np
import pytest
from flatbuffers import flexbuffers

from builtin_models import run_edgelite, run_litert
from edgelite.model_builder import ModelBuilder
from testutil import requires_litert

rng = np.random.default_rng(11)


def spectrogram_ref(x, window, stride, squared):
    """One channel, as LiteRT frames it: periodic Hann, zero-padded to the next power of two."""
    fft = 1 << (window - 1).bit_length()
    hann = 0.5 - 0.5 * np.cos(2 * np.pi * np.arange(window) / window)
    frames = 1 + (len(x) - window) // stride if len(x) >= window else 0
    rows = [np.abs(np.fft.rfft(x[f * stride:f * stride + window].astype(np.float64) * hann, n=fft)) ** 2
            for f in range(frames)]
    power = np.array(rows, np.float64).astype(np.float32).reshape(frames, fft // 2 + 1)
    return power if squared else np.sqrt(power)


def _model(spectrogram_options, mfcc_options=None, samples=400, channels=1, rate=16000):
    b = ModelBuilder()
    x = b.add_input("audio", [samples, channels])
    s = b.add_tensor("spectrogram", [])
    b.add_operator("CUSTOM", [x], [s], custom_code="AudioSpectrogram",
                   custom_options=bytes(flexbuffers.Dumps(spectrogram_options)))
    out = s
    if mfcc_options is not None:
        out = b.add_tensor("mfcc", [])
        b.add_operator("CUSTOM", [s, b.add_constant("rate", np.array(rate, np.int32))], [out], custom_code="Mfcc",
                       custom_options=bytes(flexbuffers.Dumps(mfcc_options)))
    b.mark_output(out)
    return b.build()


@requires_litert
@pytest.mark.parametrize("window,stride,squared", [(64, 32, False), (100, 40, True), (30, 30, False)])
def test_audio_spectrogram(window, stride, squared):
    x = rng.standard_normal((400, 1)).astype(np.float32)
    content = _model({"window_size": window, "stride": stride, "magnitude_squared": squared})
    ours, = run_edgelite(content, [x])
    theirs, = run_litert(content, [x])
    expected = spectrogram_ref(x[:, 0], window, stride, squared)
    assert ours.shape == (1,) + expected.shape == theirs.shape
    np.testing.assert_allclose(ours[0], expected, rtol=1e-5, atol=1e-4)
    np.testing.assert_allclose(ours, theirs, rtol=1e-4, atol=1e-4)


@requires_litert
def test_audio_spectrogram_two_channels_as_litert_streams_them():
    x = rng.standard_normal((256, 2)).astype(np.float32)
    content = _model({"window_size": 64, "stride": 64, "magnitude_squared": True}, samples=256, channels=2)
    ours, = run_edgelite(content, [x])
    theirs, = run_litert(content, [x])
    np.testing.assert_allclose(ours, theirs, rtol=1e-4, atol=1e-4)


MFCC = {"upper_frequency_limit": 4000, "lower_frequency_limit": 20, "filterbank_channel_count": 40,
        "dct_coefficient_count": 13}


@requires_litert
@pytest.mark.parametrize("options", [MFCC, dict(MFCC, upper_frequency_limit=7600.0, filterbank_channel_count=20,
                                                dct_coefficient_count=20), dict(MFCC, upper_frequency_limit=9000)])
def test_mfcc_after_spectrogram(options):
    x = rng.standard_normal((16000 // 10, 1)).astype(np.float32)
    content = _model({"window_size": 480, "stride": 160, "magnitude_squared": True}, options, samples=1600)
    ours, = run_edgelite(content, [x])
    theirs, = run_litert(content, [x])
    assert ours.shape == theirs.shape == (1, 8, int(options["dct_coefficient_count"]))
    np.testing.assert_allclose(ours, theirs, rtol=1e-4, atol=1e-3)
    if options["upper_frequency_limit"] > 8000:  # above Nyquist: LiteRT's filterbank gives nothing
        assert not ours.any()


def test_bad_audio_options():
    import edgelite
    content = _model({"window_size": 1, "stride": 2})
    with pytest.raises(edgelite.EdgeliteError, match="window_size 1 must be at least 2"):
        run_edgelite(content, [np.zeros((400, 1), np.float32)])
    content = _model({"window_size": 64, "stride": 32}, dict(MFCC, dct_coefficient_count=50))
    with pytest.raises(edgelite.EdgeliteError,
                       match=r"dct_coefficient_count must be in \[1, filterbank_channel_count\]"):
        run_edgelite(content, [np.zeros((400, 1), np.float32)])
