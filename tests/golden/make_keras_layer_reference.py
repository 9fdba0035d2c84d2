#!/usr/bin/env python3
"""Reference outputs from Keras for edgelite.training's layers of the training-breadth work (tests/models/
keras_layers/forward.npz).

Not part of the test suite: it needs TensorFlow / Keras 3 (made with TF 2.21.0, Keras 3.15.1). Run

    /work/tfenv/bin/python tests/golden/make_keras_layer_reference.py

For each case of CASES (class name, constructor arguments, input shape, call arguments) it builds the Keras
layer, sets seeded random values into its weights (so zero-initialized weights matter too) and stores the
weights in Keras' order, the input and Keras' output, with the case table itself as JSON. tests/training/
test_keras_layer_reference.py builds the edgelite layer from the same arguments, sets the same weights (which
checks their count, shapes and order) and compares outputs.
"""

import json
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.normpath(os.path.join(HERE, "..", "models", "keras_layers", "forward.npz"))

import keras  # noqa: E402
import numpy as np  # noqa: E402

# (case name, class name, constructor kwargs, input shape(s) with the batch, call kwargs)
CASES = [
    ("conv1d_causal", "Conv1D", {"filters": 4, "kernel_size": 3, "padding": "causal", "dilation_rate": 2}, (2, 9, 3), {}),
    ("conv1d_same_strided", "Conv1D", {"filters": 3, "kernel_size": 4, "strides": 2, "padding": "same"}, (2, 9, 2), {}),
    ("conv1d_groups", "Conv1D", {"filters": 6, "kernel_size": 3, "groups": 3, "activation": "relu"}, (2, 8, 6), {}),
    ("separable_conv2d", "SeparableConv2D", {"filters": 5, "kernel_size": 3, "padding": "same",
                                             "depth_multiplier": 2}, (2, 6, 7, 3), {}),
    ("separable_conv2d_strided", "SeparableConv2D", {"filters": 4, "kernel_size": (3, 2), "strides": 2},
     (1, 7, 6, 2), {}),
    ("conv2d_transpose_same", "Conv2DTranspose", {"filters": 3, "kernel_size": 3, "strides": 2, "padding": "same"},
     (2, 4, 5, 2), {}),
    ("conv2d_transpose_valid", "Conv2DTranspose", {"filters": 2, "kernel_size": (3, 2), "strides": (2, 3)},
     (1, 3, 4, 3), {}),
    ("conv2d_transpose_small_kernel", "Conv2DTranspose", {"filters": 2, "kernel_size": 2, "strides": 3},
     (1, 3, 3, 2), {}),
    ("conv2d_transpose_output_padding", "Conv2DTranspose", {"filters": 2, "kernel_size": 4, "strides": 3,
                                                            "padding": "same", "output_padding": 1}, (1, 3, 4, 2), {}),
    ("conv2d_transpose_valid_output_padding", "Conv2DTranspose", {"filters": 2, "kernel_size": 3, "strides": 2,
                                                                  "output_padding": 1}, (1, 3, 3, 2), {}),
    ("upsampling_nearest", "UpSampling2D", {"size": (2, 3)}, (2, 3, 4, 2), {}),
    ("upsampling_bilinear", "UpSampling2D", {"size": 2, "interpolation": "bilinear"}, (2, 3, 4, 2), {}),
    ("zero_padding", "ZeroPadding2D", {"padding": ((1, 2), (0, 3))}, (1, 3, 3, 2), {}),
    ("cropping", "Cropping2D", {"cropping": ((1, 0), (2, 1))}, (1, 5, 6, 2), {}),
    ("zero_padding1d", "ZeroPadding1D", {"padding": (2, 1)}, (2, 3, 2), {}),
    ("cropping1d", "Cropping1D", {"cropping": (1, 2)}, (2, 6, 2), {}),
    ("upsampling1d", "UpSampling1D", {"size": 3}, (2, 3, 2), {}),
    ("permute", "Permute", {"dims": (2, 3, 1)}, (2, 3, 4, 2), {}),
    ("repeat_vector", "RepeatVector", {"n": 3}, (2, 4), {}),
    ("layer_norm", "LayerNormalization", {}, (2, 4, 6), {}),
    ("layer_norm_axes", "LayerNormalization", {"axis": [1, 2], "epsilon": 1e-5}, (2, 3, 4, 5), {}),
    ("layer_norm_rms", "LayerNormalization", {"rms_scaling": True}, (2, 4, 6), {}),
    ("leaky_relu", "LeakyReLU", {}, (2, 7), {}),
    ("prelu_shared", "PReLU", {"shared_axes": [1, 2]}, (2, 3, 4, 5), {}),
    ("elu", "ELU", {"alpha": 0.5}, (2, 7), {}),
    ("rescaling", "Rescaling", {"scale": 0.5, "offset": -1.0}, (2, 3, 3, 2), {}),
    ("normalization", "Normalization", {"mean": [1.0, 2.0, 3.0], "variance": [4.0, 1.0, 0.25]}, (2, 4, 3), {}),
    ("max_pool1d", "MaxPooling1D", {"pool_size": 3, "strides": 2, "padding": "same"}, (2, 7, 3), {}),
    ("avg_pool1d", "AveragePooling1D", {"pool_size": 3, "strides": 2, "padding": "same"}, (2, 8, 3), {}),
    ("global_avg_pool1d", "GlobalAveragePooling1D", {"keepdims": True}, (2, 5, 3), {}),
    ("global_max_pool1d", "GlobalMaxPooling1D", {}, (2, 5, 3), {}),
    ("global_avg_pool2d_keepdims", "GlobalAveragePooling2D", {"keepdims": True}, (2, 3, 4, 5), {}),
    ("resizing_bilinear_up", "Resizing", {"height": 7, "width": 5}, (2, 4, 3, 2), {}),
    ("resizing_bilinear_down", "Resizing", {"height": 3, "width": 2}, (2, 7, 5, 2), {}),
    ("resizing_nearest", "Resizing", {"height": 5, "width": 7, "interpolation": "nearest"}, (2, 3, 4, 2), {}),
    ("resizing_nearest_down", "Resizing", {"height": 3, "width": 2, "interpolation": "nearest"}, (2, 7, 5, 2), {}),
    ("resizing_crop", "Resizing", {"height": 4, "width": 4, "crop_to_aspect_ratio": True}, (2, 5, 9, 2), {}),
    ("resizing_pad_wide", "Resizing", {"height": 4, "width": 4, "pad_to_aspect_ratio": True, "fill_value": 0.5},
     (2, 5, 9, 2), {}),
    ("resizing_pad_tall", "Resizing", {"height": 3, "width": 6, "pad_to_aspect_ratio": True,
                                       "interpolation": "nearest"}, (2, 5, 4, 2), {}),
    ("mha_self", "MultiHeadAttention", {"num_heads": 2, "key_dim": 3}, [(2, 5, 4), (2, 5, 4)], {}),
    ("mha_cross_value_dim", "MultiHeadAttention", {"num_heads": 3, "key_dim": 2, "value_dim": 4,
                                                   "output_shape": 6}, [(2, 4, 5), (2, 6, 3)], {}),
    ("mha_causal_scores", "MultiHeadAttention", {"num_heads": 2, "key_dim": 4, "use_bias": False},
     [(2, 5, 6), (2, 5, 6)], {"use_causal_mask": True, "return_attention_scores": True}),
    ("mha_gate_window", "MultiHeadAttention", {"num_heads": 2, "key_dim": 3, "value_dim": 2, "use_gate": True,
                                               "sliding_window": 2}, [(2, 5, 4), (2, 5, 4)], {"use_causal_mask": True}),
    ("mha_key_mask", "MultiHeadAttention", {"num_heads": 2, "key_dim": 2}, [(2, 3, 4), (2, 5, 4), (2, 5, 4),
                                                                            (2, 3, 5)], {}),
]


def main():
    rng = np.random.default_rng(0)
    arrays = {}
    for name, class_name, kwargs, shapes, call_kwargs in CASES:
        layer = getattr(keras.layers, class_name)(**kwargs)
        multi = isinstance(shapes, list)
        xs = [rng.standard_normal(s).astype(np.float32) for s in (shapes if multi else [shapes])]
        if class_name == "MultiHeadAttention":
            if len(xs) == 4:  # query, value, key, attention mask (a 0/1 pattern, every query sees something)
                mask = rng.random(shapes[3]) > 0.4
                mask[..., 0] = True
                xs[3] = mask.astype(np.float32)
                inputs = dict(query=xs[0], value=xs[1], key=xs[2], attention_mask=mask)
            else:
                inputs = dict(query=xs[0], value=xs[1])
            layer(**inputs, **call_kwargs)
        else:
            layer(xs[0])
        for w in layer.weights:
            if w.dtype.startswith("float"):
                w.assign(rng.standard_normal(w.shape).astype(np.float32) * 0.5)
        out = layer(**inputs, **call_kwargs) if class_name == "MultiHeadAttention" else layer(xs[0])
        outs = list(out) if isinstance(out, (list, tuple)) else [out]
        for k, x in enumerate(xs):
            arrays[f"{name}/x{k}"] = x
        for k, w in enumerate(layer.get_weights()):
            arrays[f"{name}/w{k}"] = np.asarray(w)
        for k, y in enumerate(outs):
            arrays[f"{name}/y{k}"] = keras.ops.convert_to_numpy(y)
    arrays["cases"] = np.array(json.dumps(CASES))
    arrays["versions"] = np.array(json.dumps({"keras": keras.__version__}))
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    np.savez_compressed(OUT, **arrays)
    print(f"wrote {OUT}: {len(CASES)} cases")


if __name__ == "__main__":
    main()
