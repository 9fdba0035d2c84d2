#!/usr/bin/env bash
# Sets up (scripts/setup.sh) and runs the demo: inspect, run and benchmark a committed model.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
. .venv/bin/activate
model=tests/models/mediapipe/face_detection_short_range.tflite
edgelite inspect "$model" | head -40
edgelite run "$model"
edgelite benchmark "$model" --runs 30 --top 5
