"""SQUEEZE against np.squeeze: every axis of size 1 or the listed ones (negative, repeated), every movable
dtype with quantization kept, LiteRT, and prepare failures."""

import numpy as np
import pytest

from edgelite.errors import EdgeliteError
from edgelite.testing import run_single_op
from quant_kernel_checks import check, random_values as values

DTYPES = [np.float32, np.int32, np.int64, np.int8, np.uint8, np.int16, np.bool_]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape, dims", [((1, 3, 1, 4), []), ((1, 3, 1, 4), [0]), ((1, 3, 1, 4), [-2]),
                                         ((1, 3, 1, 4), [2, 0]), ((1, 3, 1, 4), [0, -4]), ((1, 1, 1), []),
                                         ((2, 3), []), ((5, 1), [1]), ((1,), [])])
def test_against_numpy(dtype, shape, dims):
    x = values(shape, dtype, len(shape))
    expected = np.squeeze(x, axis=tuple(sorted({d % len(shape) for d in dims})) if dims else None)
    quant = {"input_quantization": [(0.1, 3)], "output_quantization": (0.1, 3)} if dtype in (np.int8,
                                                                                              np.uint8) else {}
    check("SQUEEZE", [x], {"squeeze_dims": dims}, expected, litert=len(dims) != 2 or dims[1] >= 0, **quant)


def test_constant_input_and_large():
    x = values((1, 300, 1, 257), np.float32)
    check("SQUEEZE", [x], {"squeeze_dims": [0, 2]}, x.reshape(300, 257), constant_inputs=(0,))
    check("SQUEEZE", [x], None, x.reshape(300, 257))


@pytest.mark.parametrize("dims, message", [([1], "cannot squeeze axis 1 of size 3"),
                                           ([4], "squeeze_dims entry 4 is out of range for an input of rank 4"),
                                           ([-5], "squeeze_dims entry -5 is out of range")])
def test_prepare_failures(dims, message):
    with pytest.raises(EdgeliteError, match=message):
        run_single_op("SQUEEZE", [np.zeros((1, 3, 1, 4), np.float32)], {"squeeze_dims": dims})
