#!/usr/bin/env bash
# Builds Nuri with AddressSanitizer and UndefinedBehaviorSanitizer (Debug) and runs the
# language, command-line, bytecode, snapshot, mutation and unit tests against it, compiled code
# checking its registers at every call out (NURI_JIT_VERIFY). Boehm stays
# on: leak checking is off because blocks referenced only from collected memory look leaked to
# LeakSanitizer.
set -euo pipefail
cd "$(dirname "$0")/.."
export ASAN_OPTIONS=detect_leaks=0
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DNURI_SANITIZE=ON -DNURI_JIT_VERIFY=ON >/dev/null
cmake --build build-asan -j"$(nproc)"
python3 tests/run_lang_tests.py --nuri build-asan/nuri --timeout 120 tests/lang tests/limits samples
python3 tests/run_lang_tests.py --nuri build-asan/nuri --timeout 120 --run-options=--jit=always \
  --modes source tests/lang tests/limits samples
python3 tests/cli/run_cli_tests.py --nuri build-asan/nuri
python3 tests/bytecode/run_bytecode_tests.py --nuri build-asan/nuri
python3 tests/snapshot/run_snapshot_tests.py --nuri build-asan/nuri
python3 tests/mutation/mutate_snapshot.py --nuri build-asan/nuri --mutants 200 --jobs "$(nproc)"
python3 tests/mutation/run_mutation_test.py --nuri build-asan/nuri --mutate build-asan/tests/mutation/nuri_mutate \
  --mutants-per-file 150 --jobs "$(nproc)"
python3 tests/mutation/run_mutation_test.py --nuri build-asan/nuri --mutate build-asan/tests/mutation/nuri_mutate \
  --mutants-per-file 100 --jobs "$(nproc)" --mutate-option=--jit=always
# Two tests measure speed or memory and do not apply under the sanitizers' overhead.
build-asan/nuri_unit_tests \
  --gtest_filter=-BytecodeFuzz.MutatedInstructionsAreRejectedOrRunSafely:ApiLimits.HeapLimitAlsoBoundsNativeTemporaries \
  --gtest_brief=1 && echo "sanitizer build: all tests passed"
