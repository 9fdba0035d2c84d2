#!/usr/bin/env bash
# Sets up (scripts/setup.sh) and runs the demo: train a CNN on the bundled digits data with
# edgelite.training, convert it to .tflite, run it in edgelite.Interpreter (accuracy and latency);
# then inspect, run and benchmark a committed MediaPipe face detector.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
. .venv/bin/activate
out="${TMPDIR:-/tmp}/edgelite-demo"
mkdir -p "$out"
python examples/digits_demo.py --out "$out/digits.tflite"
echo
edgelite inspect "$out/digits.tflite" | head -20
model=tests/models/mediapipe/face_detection_short_range.tflite
if [ -f "$model" ]; then
  echo
  edgelite run "$model"
  edgelite benchmark "$model" --runs 30 --top 5
fi
