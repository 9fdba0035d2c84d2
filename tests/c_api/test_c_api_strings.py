"""The C API on string tensors (through ctypes): a whole .tflite string buffer copied in (checked: a corrupt one
is an error naming it), the output buffer's size and bytes read back, as Python's get_tensor gives them."""

import ctypes
import os
import struct

import numpy as np
import pytest

import edgelite
from edgelite.model_builder import ModelBuilder
from testutil import string_buffer


def load_library():
    path = os.path.join(edgelite.get_library_dir(), "libedgelite_c.so")
    if not os.path.exists(path):
        pytest.skip("libedgelite_c.so is not built")
    lib = ctypes.CDLL(path)
    p = ctypes.c_void_p
    for name, args, result in [
        ("ElcModelCreate", [p, ctypes.c_size_t], p), ("ElcModelDelete", [p], None),
        ("ElcInterpreterCreate", [p, p], p), ("ElcInterpreterDelete", [p], None),
        ("ElcInterpreterAllocateTensors", [p], ctypes.c_int), ("ElcInterpreterInvoke", [p], ctypes.c_int),
        ("ElcInterpreterLastError", [p], ctypes.c_char_p),
        ("ElcInterpreterInputTensor", [p, ctypes.c_int32], p), ("ElcInterpreterOutputTensor", [p, ctypes.c_int32], p),
        ("ElcTensorType", [p], ctypes.c_int), ("ElcTensorByteSize", [p], ctypes.c_size_t),
        ("ElcTensorCopyFromBuffer", [p, p, ctypes.c_size_t], ctypes.c_int),
        ("ElcTensorCopyToBuffer", [p, p, ctypes.c_size_t], ctypes.c_int),
    ]:
        fn = getattr(lib, name)
        fn.argtypes, fn.restype = args, result
    return lib


def test_strings_in_and_out():
    lib = load_library()
    b = ModelBuilder()
    x = b.add_input("x", [3], object)
    y = b.add_tensor("y", [2], object)
    b.add_operator("GATHER", [x, b.add_constant("i", np.array([2, 0], np.int32))], [y])
    b.mark_output(y)
    data = b.build()
    model = lib.ElcModelCreate(data, len(data))
    interp = lib.ElcInterpreterCreate(model, None)
    try:
        assert lib.ElcInterpreterAllocateTensors(interp) == 0
        tin = lib.ElcInterpreterInputTensor(interp, 0)
        assert lib.ElcTensorType(tin) == 5 and lib.ElcTensorByteSize(tin) == 0
        bad = bytearray(string_buffer([b"a", b"b", b"c"]))
        struct.pack_into("<i", bad, 8, 99)
        assert lib.ElcTensorCopyFromBuffer(tin, bytes(bad), len(bad)) != 0
        assert b"string offset 1 is 99" in lib.ElcInterpreterLastError(interp)
        good = string_buffer([b"one", b"", b"thr\x00ee"])
        assert lib.ElcTensorCopyFromBuffer(tin, good, len(good)) == 0
        assert lib.ElcTensorByteSize(tin) == len(good)
        assert lib.ElcInterpreterInvoke(interp) == 0
        tout = lib.ElcInterpreterOutputTensor(interp, 0)
        size = lib.ElcTensorByteSize(tout)
        out = ctypes.create_string_buffer(size)
        assert lib.ElcTensorCopyToBuffer(tout, out, size) == 0
        assert out.raw == string_buffer([b"thr\x00ee", b"one"])
        assert lib.ElcTensorCopyToBuffer(tout, out, size - 1) != 0
    finally:
        lib.ElcInterpreterDelete(interp)
        lib.ElcModelDelete(model)
