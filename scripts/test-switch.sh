#!/usr/bin/env bash
# Builds the interpreter's other dispatch loop (a switch, -DNURI_COMPUTED_GOTO=OFF, for compilers
# without computed goto) into build-switch with warnings as errors, and runs the language tests
# against it. Only the nuri command is built, to keep this short.
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build-switch -G Ninja -DCMAKE_BUILD_TYPE=Release -DNURI_COMPUTED_GOTO=OFF \
  -DNURI_WERROR=ON -DNURI_BUILD_TESTS=OFF >/dev/null
cmake --build build-switch -j"$(nproc)" --target nuri
python3 tests/run_lang_tests.py --nuri build-switch/nuri --modes source,nbc tests/lang tests/limits
