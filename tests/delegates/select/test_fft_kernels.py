"""FFT, IFFT, RFFT and IRFFT (1-D, 2-D, 3-D) of libedgelite_select.so against numpy.fft, over lengths
that are powers of two and lengths that are not, complex64 and complex128, and fft_length cropping and
padding the input as TF does."""

import numpy as np
import pytest

from flex_encoding import Type
from select_harness import SelectError

RNG = np.random.default_rng(5)


def complex_input(shape, dtype):
    return (RNG.standard_normal(shape) + 1j * RNG.standard_normal(shape)).astype(dtype)


def tol(dtype):
    return dict(rtol=1e-5, atol=1e-4) if dtype in (np.complex64, np.float32) else dict(rtol=1e-10, atol=1e-10)


@pytest.mark.parametrize("dtype", [np.complex64, np.complex128])
@pytest.mark.parametrize("op,dims,inverse", [("FFT", 1, False), ("IFFT", 1, True), ("FFT2D", 2, False),
                                             ("IFFT2D", 2, True), ("FFT3D", 3, False), ("IFFT3D", 3, True)])
@pytest.mark.parametrize("shape", [(2, 3, 8, 4), (1, 5, 6, 7), (2, 1, 1, 1)])
def test_complex_fft(select_lib, op, dims, inverse, shape, dtype):
    x = complex_input(shape, dtype)
    (y,) = select_lib.run(op, [x], [dtype], {"Tcomplex": Type(dtype)})
    axes = tuple(range(-dims, 0))
    ref = np.fft.ifftn(x, axes=axes) if inverse else np.fft.fftn(x, axes=axes)
    assert y.dtype == dtype and y.shape == x.shape
    np.testing.assert_allclose(y, ref, **tol(dtype))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("op,lengths,shape", [
    ("RFFT", [8], (3, 8)), ("RFFT", [7], (2, 7)), ("RFFT", [5], (2, 9)),       # crop
    ("RFFT", [12], (2, 9)), ("RFFT2D", [4, 6], (2, 4, 6)), ("RFFT2D", [3, 10], (5, 8)),  # pad and crop
    ("RFFT3D", [2, 3, 4], (1, 2, 3, 4)), ("RFFT", [1], (4, 3))])
def test_rfft(select_lib, op, lengths, shape, dtype):
    x = RNG.standard_normal(shape).astype(dtype)
    cdtype = np.complex64 if dtype == np.float32 else np.complex128
    (y,) = select_lib.run(op, [x, np.array(lengths, np.int32)], [cdtype])
    ref = np.fft.rfftn(x, s=lengths, axes=tuple(range(-len(lengths), 0)))
    assert y.shape == ref.shape
    np.testing.assert_allclose(y, ref, **tol(dtype))


@pytest.mark.parametrize("dtype", [np.complex64, np.complex128])
@pytest.mark.parametrize("op,lengths,shape", [
    ("IRFFT", [8], (3, 5)), ("IRFFT", [7], (2, 4)), ("IRFFT", [6], (2, 9)), ("IRFFT", [12], (2, 3)),
    ("IRFFT2D", [4, 6], (2, 4, 4)), ("IRFFT2D", [3, 9], (6, 3)), ("IRFFT3D", [2, 4, 4], (2, 2, 4, 3))])
def test_irfft(select_lib, op, lengths, shape, dtype):
    x = complex_input(shape, dtype)
    rdtype = np.float32 if dtype == np.complex64 else np.float64
    (y,) = select_lib.run(op, [x, np.array(lengths, np.int32)], [rdtype])
    # numpy.fft.irfftn crops or pads the input the same way (the last axis to n // 2 + 1).
    ref = np.fft.irfftn(x, s=lengths, axes=tuple(range(-len(lengths), 0)))
    assert y.shape == ref.shape and y.dtype == rdtype
    np.testing.assert_allclose(y, ref, **tol(rdtype))


def test_irfft_of_rfft_round_trips(select_lib):
    x = RNG.standard_normal((4, 10)).astype(np.float32)
    (spectrum,) = select_lib.run("RFFT", [x, np.array([10], np.int32)], [np.complex64])
    (back,) = select_lib.run("IRFFT", [spectrum, np.array([10], np.int32)], [np.float32])
    np.testing.assert_allclose(back, x, atol=1e-5)


def test_fft_errors(select_lib):
    with pytest.raises(SelectError, match="FlexFFT2D .*input must have rank >= 2"):
        select_lib.run("FFT2D", [complex_input((4,), np.complex64)], [np.complex64])
    with pytest.raises(SelectError, match="FlexFFT .*input has type float32; this kernel supports complex64"):
        select_lib.run("FFT", [np.ones(4, np.float32)], [np.float32])
    with pytest.raises(SelectError, match="fft_length must have 2 values, has 1"):
        select_lib.run("RFFT2D", [np.ones((2, 4), np.float32), np.array([4], np.int32)], [np.complex64])
    with pytest.raises(SelectError, match="fft_length -2 is negative"):
        select_lib.run("RFFT", [np.ones((2, 4), np.float32), np.array([-2], np.int32)], [np.complex64])
