"""The fit/evaluate/predict progress bar (Keras format), written to stdout.

On a terminal it redraws one line; when stdout is a file or pipe (CI logs) it prints only the finished
line, so logs hold one line per epoch instead of one per step.
"""

import sys
import time

import numpy as np


class Progbar:
    """The Keras-format progress bar of fit, evaluate and predict, written to stdout. Args: target (the step count;
    None while unknown, as for a generator: shown as 'Unknown' with no bar),
    verbose (1: a bar, redrawn on a terminal, printed once finished otherwise; 2: one line per epoch; 0: silent),
    width of the bar, interval: the shortest time between redraws in seconds."""

    def __init__(self, target, verbose=1, width=30, interval=0.05):
        self.target, self.verbose, self.width, self.interval = target, verbose, width, interval
        self.start = self._last_draw = time.time()
        stream = sys.stdout
        self.interactive = verbose == 1 and hasattr(stream, "isatty") and stream.isatty()

    def update(self, current, logs=None, finalize=False):
        """Shows step `current` of the target with the `logs` metrics ({name: float}); finalize=True prints the
        finished line."""
        if self.verbose == 0 or (not finalize and not self.interactive):
            return
        now = time.time()
        if not finalize and now - self._last_draw < self.interval:
            return
        self._last_draw = now
        line = self._format(current, logs or {}, now - self.start)
        if self.interactive:
            sys.stdout.write("\r" + line + ("\n" if finalize else ""))
        else:
            sys.stdout.write(line + "\n")
        sys.stdout.flush()

    def _format(self, current, logs, elapsed):
        per_step = elapsed / max(current, 1)
        timing = f"{elapsed:.0f}s {per_step * 1e3:.0f}ms/step"
        metrics = "".join(f" - {k}: {v:.4f}" for k, v in logs.items() if np.ndim(v) == 0)
        if self.target is None:
            return f"{current}/Unknown - {timing}{metrics}"
        if self.verbose == 2:
            return f"{current}/{self.target} - {timing}{metrics}"
        done = int(self.width * current / max(self.target, 1))
        bar = "=" * done + (">" if done < self.width else "") + "." * (self.width - done - 1)
        return f"{current}/{self.target} [{bar[:self.width]}] - {timing}{metrics}"
