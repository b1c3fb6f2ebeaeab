#!/usr/bin/env bash
# Builds Nuri and runs the whole test suite (language tests in every mode, GC-stress run,
# unit tests, samples, CLI tests, benchmark programs at small sizes; the micro-benchmarks are
# built, so that they keep compiling, but not run). NURI_WERROR=ON in the environment makes
# compiler warnings errors (CI does so).
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DNURI_WERROR="${NURI_WERROR:-OFF}" \
  -DNURI_BUILD_BENCH=ON >/dev/null
cmake --build build -j"$(nproc)"
ctest --test-dir build --output-on-failure -j"$(nproc)" "$@"
