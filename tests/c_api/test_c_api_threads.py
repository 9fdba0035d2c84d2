"""The C API from two threads (issue 15): a call on an interpreter another thread is inside returns
ELC_NOT_READY at once and changes nothing; ElcInterpreterCancel works from any thread. Driven through ctypes,
which releases the GIL for the duration of each foreign call, so the two threads really overlap."""

import ctypes
import os
import threading
import time

import numpy as np
import pytest

import edgelite
from testutil import counting_loop

ELC_OK, ELC_NOT_READY, ELC_CANCELLED = 0, 4, 5


@pytest.fixture(scope="module")
def lib():
    path = os.path.join(edgelite.get_library_dir(), "libedgelite_c.so")
    if not os.path.exists(path):
        pytest.skip("this build has no libedgelite_c.so")
    c = ctypes.CDLL(path)
    for name, res, args in [
            ("ElcModelCreate", ctypes.c_void_p, [ctypes.c_char_p, ctypes.c_size_t]),
            ("ElcModelDelete", None, [ctypes.c_void_p]),
            ("ElcInterpreterCreate", ctypes.c_void_p, [ctypes.c_void_p, ctypes.c_void_p]),
            ("ElcInterpreterDelete", None, [ctypes.c_void_p]),
            ("ElcInterpreterAllocateTensors", ctypes.c_int, [ctypes.c_void_p]),
            ("ElcInterpreterInvoke", ctypes.c_int, [ctypes.c_void_p]),
            ("ElcInterpreterCancel", None, [ctypes.c_void_p]),
            ("ElcInterpreterLastError", ctypes.c_char_p, [ctypes.c_void_p]),
            ("ElcInterpreterInputTensor", ctypes.c_void_p, [ctypes.c_void_p, ctypes.c_int32]),
            ("ElcInterpreterOutputTensor", ctypes.c_void_p, [ctypes.c_void_p, ctypes.c_int32]),
            ("ElcTensorCopyFromBuffer", ctypes.c_int, [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_size_t]),
            ("ElcTensorCopyToBuffer", ctypes.c_int, [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_size_t])]:
        getattr(c, name).restype = res
        getattr(c, name).argtypes = args
    return c


def set_scalar(lib, tensor, value):
    buffer = np.array(value, np.int32)
    return lib.ElcTensorCopyFromBuffer(tensor, buffer.ctypes.data, buffer.nbytes)


def test_second_thread_gets_not_ready_while_an_invoke_runs(lib):
    data = counting_loop()
    model = lib.ElcModelCreate(data, len(data))
    interp = lib.ElcInterpreterCreate(model, None)
    assert interp, "ElcInterpreterCreate failed"
    try:
        assert lib.ElcInterpreterAllocateTensors(interp) == ELC_OK
        i_tensor, n_tensor = lib.ElcInterpreterInputTensor(interp, 0), lib.ElcInterpreterInputTensor(interp, 1)
        assert set_scalar(lib, i_tensor, 0) == ELC_OK and set_scalar(lib, n_tensor, 2 ** 31 - 1) == ELC_OK
        out = np.zeros((), np.int32)
        output = lib.ElcInterpreterOutputTensor(interp, 0)
        result = {}
        thread = threading.Thread(target=lambda: result.setdefault("status", lib.ElcInterpreterInvoke(interp)))
        thread.start()
        try:
            began = time.monotonic()
            while set_scalar(lib, n_tensor, 2 ** 31 - 1) != ELC_NOT_READY:  # until the invoke is inside
                assert time.monotonic() - began < 30 and thread.is_alive(), "the invoke never started"
                time.sleep(0.001)
            refused = [set_scalar(lib, i_tensor, 5), lib.ElcInterpreterInvoke(interp),
                       lib.ElcInterpreterAllocateTensors(interp),
                       lib.ElcTensorCopyToBuffer(output, out.ctypes.data, out.nbytes)]
        finally:
            while thread.is_alive():  # never delete the interpreter under a running invoke
                lib.ElcInterpreterCancel(interp)
                thread.join(0.05)
        assert refused == [ELC_NOT_READY] * 4
        assert result["status"] == ELC_CANCELLED, lib.ElcInterpreterLastError(interp)
        assert b"cancel" in lib.ElcInterpreterLastError(interp)
        # Usable again; the refused set_scalar(i, 5) left i as it was.
        assert set_scalar(lib, n_tensor, 9) == ELC_OK and set_scalar(lib, i_tensor, 0) == ELC_OK
        assert lib.ElcInterpreterInvoke(interp) == ELC_OK
        assert lib.ElcTensorCopyToBuffer(output, out.ctypes.data, out.nbytes) == ELC_OK and int(out) == 9
    finally:
        lib.ElcInterpreterDelete(interp)
        lib.ElcModelDelete(model)
