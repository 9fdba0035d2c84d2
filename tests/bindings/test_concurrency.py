"""Threads (issue 15): invoke() releases the GIL, so interpreters run in parallel from several Python threads
and give the results they give alone; one interpreter runs one call at a time, and a call from a second thread
while it is busy raises NotReadyError ("interpreter is busy in another thread") and changes nothing.
scripts/test_sanitized.sh runs this file under ThreadSanitizer (SANITIZE=thread) and ASan."""

import threading
import time

import numpy as np
import pytest

import edgelite
from testutil import counting_loop, model_path

# A float MediaPipe detector (convolutions, depthwise, pads), a float convnet with pooling and batch norm, an
# int8 one (requantization); each at num_threads 1 and 2 (the thread pool splits the convolutions).
MODELS = [("mediapipe", "face_detection_short_range.tflite"), ("tf", "convnet_pool_bn_dense.tflite"),
          ("tf_quant", "convnet_int8.tflite")]


def random_inputs(interp, seed):
    rng = np.random.default_rng(seed)
    inputs = []
    for d in interp.get_input_details():
        if np.issubdtype(d["dtype"], np.floating):
            inputs.append(rng.standard_normal(d["shape"]).astype(d["dtype"]))
        else:
            info = np.iinfo(d["dtype"])
            inputs.append(rng.integers(info.min, info.max, size=d["shape"], endpoint=True).astype(d["dtype"]))
    return inputs


def run(interp, inputs):
    for d, x in zip(interp.get_input_details(), inputs):
        interp.set_tensor(d["index"], x)
    interp.invoke()
    return [interp.get_tensor(d["index"]) for d in interp.get_output_details()]


def run_threads(targets):
    """Starts one thread per target, joins them, and re-raises the first error one of them hit."""
    errors = []

    def wrap(target):
        try:
            target()
        except BaseException as e:  # noqa: BLE001 - handed to the test thread
            errors.append(e)

    threads = [threading.Thread(target=wrap, args=(t,)) for t in targets]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not any(t.is_alive() for t in threads), "a thread did not finish"
    if errors:
        raise errors[0]


@pytest.mark.parametrize("num_threads", [1, 2])
def test_interpreters_in_parallel_threads_give_single_threaded_results(num_threads):
    paths = [model_path(*m) for m in MODELS]
    expected = {}
    for p, path in enumerate(paths):
        interp = edgelite.Interpreter(model_path=path, num_threads=num_threads)
        interp.allocate_tensors()
        for seed in range(3):
            inputs = random_inputs(interp, seed)
            expected[p, seed] = (inputs, run(interp, inputs))
    results = {}

    def worker(worker_index):
        def target():
            # Each thread its own interpreters, every model, in a different order per thread.
            interps = [edgelite.Interpreter(model_path=path, num_threads=num_threads) for path in paths]
            for interp in interps:
                interp.allocate_tensors()
            for step in range(6):
                p = (worker_index + step) % len(paths)
                seed = step % 3
                results[worker_index, step] = (p, seed, run(interps[p], expected[p, seed][0]))
        return target

    run_threads([worker(w) for w in range(4)])
    assert len(results) == 4 * 6
    for (p, seed, outputs) in results.values():
        for got, want in zip(outputs, expected[p, seed][1]):
            np.testing.assert_array_equal(got, want)


def busy_error(call):
    with pytest.raises(edgelite.NotReadyError, match="busy in another thread"):
        call()


def test_one_interpreter_from_two_threads_is_a_clear_error():
    interp = edgelite.Interpreter(model_content=counting_loop())
    interp.allocate_tensors()
    interp.set_tensor(0, np.int32(0))
    interp.set_tensor(1, np.int32(2 ** 31 - 1))
    outcome = {}

    def long_invoke():
        try:
            interp.invoke()
        except edgelite.CancelledError as e:
            outcome["cancelled"] = e

    thread = threading.Thread(target=long_invoke)
    thread.start()
    try:
        # Wait until the invoke is inside the interpreter: from then on every other call is refused.
        began = time.monotonic()
        while True:
            try:
                interp.get_tensor(0)
            except edgelite.NotReadyError:
                break
            assert time.monotonic() - began < 30, "the invoke thread never started"
            time.sleep(0.001)
        details = interp.get_input_details
        busy_error(interp.invoke)
        busy_error(lambda: interp.set_tensor(0, np.int32(5)))
        busy_error(lambda: interp.get_tensor(2))
        busy_error(lambda: interp.resize_tensor_input(0, [1]))
        busy_error(interp.allocate_tensors)
        busy_error(details)
        busy_error(lambda: interp.tensor(0)())
        assert thread.is_alive()
    finally:
        while thread.is_alive():
            interp.cancel()  # the exception: any thread, any time
            thread.join(0.05)
    assert isinstance(outcome.get("cancelled"), edgelite.CancelledError)
    # Nothing the refused calls asked for happened; the interpreter is usable again from this thread.
    assert interp.get_tensor(1) == 2 ** 31 - 1
    interp.set_tensor(0, np.int32(3))
    interp.set_tensor(1, np.int32(10))
    interp.invoke()
    assert interp.get_tensor(interp.get_output_details()[0]["index"]) == 10


def test_invoke_while_another_thread_resizes_is_refused_or_serialized():
    """One thread invokes in a loop, another resizes, allocates and sets inputs: each call either runs whole
    or is refused as busy; afterwards the interpreter gives the same results as a fresh one."""
    path = model_path("tf", "ops_dynamic_reshape.tflite")
    interp = edgelite.Interpreter(model_path=path)
    interp.allocate_tensors()
    detail = interp.get_input_details()[0]
    shape = list(detail["shape"])
    counts = {"ran": 0, "busy": 0, "not_ready": 0}
    stop = threading.Event()

    def invoker():
        while not stop.is_set():
            try:
                interp.invoke()
                counts["ran"] += 1
            except edgelite.NotReadyError as e:
                # busy, or allocate_tensors still to be called after the other thread's resize
                counts["busy" if "busy" in str(e) else "not_ready"] += 1

    def resizer():
        try:
            for step in range(300):
                batch = 1 + step % 3
                try:
                    interp.resize_tensor_input(detail["index"], [batch] + shape[1:])
                    interp.allocate_tensors()
                    interp.set_tensor(detail["index"], np.ones([batch] + shape[1:], detail["dtype"]))
                except edgelite.NotReadyError as e:
                    assert "busy" in str(e) or "allocate_tensors" in str(e), e
        finally:
            stop.set()

    run_threads([invoker, resizer])
    assert counts["ran"] > 0
    x = np.ones([2] + shape[1:], detail["dtype"])
    fresh = edgelite.Interpreter(model_path=path)
    for i in (interp, fresh):
        i.resize_tensor_input(detail["index"], x.shape)
        i.allocate_tensors()
    for got, want in zip(run(interp, [x]), run(fresh, [x])):
        np.testing.assert_array_equal(got, want)
