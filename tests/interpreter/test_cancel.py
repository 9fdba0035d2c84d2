"""Interpreter.cancel() from a second Python thread stops a running invoke() (which releases the GIL) with
CancelledError; the interpreter stays usable, and a cancel() while nothing runs does not affect the next invoke."""

import threading
import time

import numpy as np

import edgelite
from edgelite.model_builder import ModelBuilder
from testutil import counting_loop


def start(interp, n):
    interp.set_tensor(0, np.int32(0))
    interp.set_tensor(1, np.int32(n))
    result = {}

    def target():
        try:
            interp.invoke()
            result["ok"] = True
        except Exception as e:  # noqa: BLE001 - handed to the test thread
            result["error"] = e

    thread = threading.Thread(target=target)
    thread.start()
    return thread, result


def test_cancel_stops_a_long_loop_from_another_thread():
    interp = edgelite.Interpreter(model_content=counting_loop())
    interp.allocate_tensors()
    thread, result = start(interp, 2 ** 31 - 1)
    time.sleep(0.2)
    began = time.monotonic()
    # cancel() may land before invoke() has begun (each invoke starts uncancelled): repeat until it stops.
    while thread.is_alive() and time.monotonic() - began < 30:
        interp.cancel()
        thread.join(0.05)
    assert not thread.is_alive(), "invoke() did not stop after cancel()"
    assert time.monotonic() - began < 5
    error = result.get("error")
    assert isinstance(error, edgelite.CancelledError), result
    assert isinstance(error, RuntimeError) and isinstance(error, edgelite.EdgeliteError)
    assert "cancel" in str(error)
    # Still usable: a finite loop runs to its end.
    interp.set_tensor(0, np.int32(0))
    interp.set_tensor(1, np.int32(7))
    interp.invoke()
    assert interp.get_tensor(interp.get_output_details()[0]["index"]) == 7


def test_cancel_between_invokes_has_no_effect():
    interp = edgelite.Interpreter(model_content=counting_loop())
    interp.allocate_tensors()
    interp.cancel()
    interp.set_tensor(0, np.int32(2))
    interp.set_tensor(1, np.int32(5))
    interp.invoke()
    assert interp.get_tensor(interp.get_output_details()[0]["index"]) == 5


def test_cancel_stops_a_plain_graph_between_nodes():
    # A long chain of nodes (no loop; seconds of work) stops at the next node boundary.
    b = ModelBuilder()
    x = b.add_input("x", [256, 256])
    for k in range(4000):
        y = b.add_tensor(f"y{k}", [256, 256])
        b.add_operator("BATCH_MATMUL" if k % 2 else "TANH", [x, x] if k % 2 else [x], [y])
        x = y
    b.mark_output(x)
    interp = edgelite.Interpreter(model_content=b.build())
    interp.allocate_tensors()
    interp.set_tensor(0, np.full((256, 256), 0.01, np.float32))
    result = {}

    def target():
        try:
            interp.invoke()
            result["ok"] = True
        except Exception as e:  # noqa: BLE001
            result["error"] = e

    thread = threading.Thread(target=target)
    thread.start()
    time.sleep(0.1)
    while thread.is_alive():
        interp.cancel()
        thread.join(0.02)
    assert isinstance(result.get("error"), edgelite.CancelledError), result
    assert "before node" in str(result["error"])
