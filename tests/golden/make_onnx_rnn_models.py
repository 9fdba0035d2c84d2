#!/usr/bin/env python3
"""Export recurrent PyTorch models to ONNX for the converter's tests (tests/models/onnx_rnn/).

Not part of the test suite: it needs torch (made with 2.13.0, CPU) and, for the dynamo exports, onnxscript.
Run from anywhere:

    python tests/golden/make_onnx_rnn_models.py

Each model of MODELS is exported by the TorchScript-based exporter (<name>.onnx, opset 17) and by torch's
default dynamo exporter (<name>_dynamo.onnx, opset 18): the two write LSTM/GRU/RNN nodes with different
surroundings (initial states from ConstantOfShape or Expand, the layers' outputs reshaped by
Transpose/Reshape or Slice/Concat). Axis 0 (the batch) is dynamic unless the model is `static`, in which
case the file has batch 1 and the converter can use the fused sequence operators. Inputs are named
"input" (and "h0", "c0"), outputs "output", "h_n", "c_n". Weights are seeded; manifest.json lists shapes,
exporters, opsets and ONNX op counts. tests/converter/test_onnx_recurrent.py compares each converted file
with onnxruntime.
"""

from __future__ import annotations

import collections
import contextlib
import hashlib
import io
import json
import logging
import os
import warnings

import onnx
import torch
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))
OUT_DIR = os.path.normpath(os.path.join(HERE, "..", "models", "onnx_rnn"))
STEPS, FEATURES, EXPORT_BATCH = 10, 6, 2


class Recurrent(nn.Module):
    """A torch recurrent module, batch first, returning its output and final states (and a head)."""

    def __init__(self, rnn: nn.Module, states_in: bool = False, head: bool = False, embedding: bool = False):
        super().__init__()
        self.embedding = nn.Embedding(40, FEATURES) if embedding else None
        self.rnn = rnn
        self.states_in = states_in
        self.head = nn.Linear(rnn.hidden_size * (2 if rnn.bidirectional else 1), 3) if head else None

    def forward(self, x, *states):
        if self.embedding is not None:
            x = self.embedding(x)
        states = (states if isinstance(self.rnn, nn.LSTM) else states[0]) if states else None
        y, final = self.rnn(x, states) if states is not None else self.rnn(x)
        if self.head is not None:
            return self.head(y[:, -1])
        return (y,) + (tuple(final) if isinstance(final, tuple) else (final,))


def _lstm(**kw):
    return nn.LSTM(FEATURES, 8, batch_first=True, **kw)


def _gru(**kw):
    return nn.GRU(FEATURES, 8, batch_first=True, **kw)


# name -> (make module, initial states are inputs, static batch, integer token input)
MODELS = {
    "lstm_2layer_bidirectional": (lambda: Recurrent(_lstm(num_layers=2, bidirectional=True)), False, False, False),
    "gru_2layer_bidirectional": (lambda: Recurrent(_gru(num_layers=2, bidirectional=True)), False, False, False),
    "lstm_static": (lambda: Recurrent(_lstm(num_layers=2), head=True), False, True, False),
    "gru_static_bidirectional": (lambda: Recurrent(_gru(bidirectional=True), head=True), False, True, False),
    "lstm_initial_states": (lambda: Recurrent(_lstm(bidirectional=True), states_in=True), True, False, False),
    "rnn_relu_2layer": (lambda: Recurrent(nn.RNN(FEATURES, 8, num_layers=2, nonlinearity="relu",
                                                 batch_first=True)), False, False, False),
    "gru_text_classifier": (lambda: Recurrent(_gru(), head=True, embedding=True), False, False, True),
}


def build(name: str):
    torch.manual_seed(0)
    model = MODELS[name][0]().eval()
    with torch.no_grad():  # torch's default init is small; wider weights make the comparison meaningful
        for p in model.parameters():
            p.mul_(2.0)
    return model


def example_inputs(name: str, batch: int, seed: int = 0):
    """The model's inputs at `batch`: the sequence (token ids below 40 for the text model), then h0 / c0."""
    _, states_in, _, tokens = MODELS[name]
    generator = torch.Generator().manual_seed(seed)
    if tokens:
        inputs = [torch.randint(0, 40, (batch, STEPS), generator=generator)]
    else:
        inputs = [torch.randn(batch, STEPS, FEATURES, generator=generator)]
    if states_in:
        inputs += [torch.randn(2, batch, 8, generator=generator) for _ in range(2)]
    return inputs


def _names(name: str):
    model = build(name)
    inputs = ["input"] + (["h0", "c0"] if MODELS[name][1] else [])
    if model.head is not None:
        outputs = ["output"]
    else:
        outputs = ["output", "h_n"] + (["c_n"] if isinstance(model.rnn, nn.LSTM) else [])
    return model, inputs, outputs


def export(name: str, dynamo: bool) -> bytes:
    model, input_names, output_names = _names(name)
    static = MODELS[name][2]
    x = example_inputs(name, 1 if static else EXPORT_BATCH)
    args = dict(input_names=input_names, output_names=output_names, dynamo=dynamo, opset_version=18 if dynamo else 17)
    with warnings.catch_warnings(), torch.no_grad(), contextlib.redirect_stdout(io.StringIO()):
        warnings.simplefilter("ignore")
        if dynamo:
            batch = torch.export.Dim("batch")
            # forward(x, *states): the states travel as one tuple argument.
            shapes = None if static else ({0: batch},) + ((tuple({1: batch} for _ in x[1:]),) if len(x) > 1 else ())
            return torch.onnx.export(model, tuple(x), dynamic_shapes=shapes, **args).model_proto.SerializeToString()
        buffer = io.BytesIO()
        axes = None if static else {n: {0 if n in ("input", "output") else 1: "batch"}
                                    for n in input_names + output_names}
        torch.onnx.export(model, tuple(x), buffer, do_constant_folding=True, dynamic_axes=axes, **args)
    return buffer.getvalue()


def main() -> None:
    logging.getLogger("torch.onnx").setLevel(logging.ERROR)
    os.makedirs(OUT_DIR, exist_ok=True)
    entries = []
    for name in MODELS:
        for dynamo in (False, True):
            content = export(name, dynamo)
            model = onnx.load_from_string(content)
            onnx.checker.check_model(model)
            path = f"{name}_dynamo.onnx" if dynamo else f"{name}.onnx"
            with open(os.path.join(OUT_DIR, path), "wb") as f:
                f.write(content)
            entries.append({
                "path": path, "model": name, "exporter": "dynamo" if dynamo else "torchscript",
                "opset": next(o.version for o in model.opset_import if o.domain in ("", "ai.onnx")),
                "static_batch": MODELS[name][2], "inputs": [i.name for i in model.graph.input],
                "outputs": [o.name for o in model.graph.output],
                "onnx_op_counts": dict(sorted(collections.Counter(n.op_type for n in model.graph.node).items())),
                "size_bytes": len(content), "sha256": hashlib.sha256(content).hexdigest()})
            print(f"{path:40s} {len(content) / 1024:6.1f} KiB")
    with open(os.path.join(OUT_DIR, "manifest.json"), "w") as f:
        json.dump({"torch": torch.__version__, "onnx": onnx.__version__, "steps": STEPS, "features": FEATURES,
                   "models": entries}, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
