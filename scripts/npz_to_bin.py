"""Writes the arrays of a recorded .io.npz (input_N / output_N) as raw little-endian .bin files and a CASES.txt
that tests/cross/model_check.cc reads, so a C++ program on a target without Python can feed the stored inputs
and compare with the stored LiteRT outputs. Run on the host by scripts/cross_test_aarch64.sh.

    python scripts/npz_to_bin.py MODEL.io.npz OUT_DIR [--samples]

--samples: the arrays have a leading sample axis (tests/models/tf_quant records two samples per model); each
sample becomes its own case. Keys other than input_N / output_N (other resolvers' outputs) are skipped."""

import argparse
import os
import re
import sys

import numpy as np


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("npz")
    parser.add_argument("out_dir")
    parser.add_argument("--samples", action="store_true", help="the arrays' first axis is the sample")
    args = parser.parse_args(argv)
    data = np.load(args.npz)
    keys = sorted((k for k in data.files if re.fullmatch(r"(input|output)_\d+", k)),
                  key=lambda k: (not k.startswith("input"), int(k.split("_")[1])))
    if not any(k.startswith("input") for k in keys) or not any(k.startswith("output") for k in keys):
        sys.exit(f"{args.npz}: no input_N and output_N arrays")
    num_samples = data[keys[0]].shape[0] if args.samples else 1
    os.makedirs(args.out_dir, exist_ok=True)
    lines = []
    for s in range(num_samples):
        lines.append(f"sample {s}")
        for key in keys:
            value = np.ascontiguousarray(data[key][s] if args.samples else data[key])
            value = value.astype(value.dtype.newbyteorder("<"), copy=False)
            name = f"{key}.s{s}.bin"
            value.tofile(os.path.join(args.out_dir, name))
            kind, index = key.split("_")
            dims = " ".join(str(d) for d in value.shape)
            lines.append(f"{kind} {index} {value.dtype.name} {dims} : {name}")
    with open(os.path.join(args.out_dir, "CASES.txt"), "w") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
