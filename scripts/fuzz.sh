#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (plus ASan and UBSan) and fuzzes the bytecode loader
# and verifier, the compiler's front end, then snapshot restore, for SECONDS each (default 60).
# Seed corpora come from the samples and the language tests (for snapshots: templates of them,
# and some guests suspended after 500 instructions); the corpora grow in build-fuzz/corpus
# between runs.
#   scripts/fuzz.sh 3600              an hour each
#   scripts/fuzz.sh 3600 loader       only the loader and verifier (or: compiler, snapshot)
# Inputs that crash, hang or exhaust memory are saved in build-fuzz/corpus/findings/.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
targets=${2:-loader compiler snapshot}
export ASAN_OPTIONS=detect_leaks=0
cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++ \
  -DNURI_FUZZ=ON -DNURI_BUILD_TESTS=OFF >/dev/null
cmake --build build-fuzz -j"$(nproc)"

work=build-fuzz/corpus
mkdir -p "$work/source" "$work/bytecode" "$work/snapshot" "$work/findings"
find samples tests/lang -name '*.nuri' -not -path '*/lib/*' | while read -r f; do
  cp "$f" "$work/source/$(echo "$f" | tr '/' '_')"
done
for f in samples/*.nuri tests/lang/*/*.nuri; do
  out="$work/bytecode/$(echo "$f" | tr '/' '_').nbc"
  [ -e "$out" ] || build-fuzz/nuri build "$f" -o "$out" >/dev/null 2>&1 || true
done

case " $targets " in *" snapshot "*)
  for f in samples/*.nuri tests/lang/*/*.nuri; do
    out="$work/snapshot/$(echo "$f" | tr '/' '_').nsnap"
    [ -e "$out" ] || build-fuzz/nuri snapshot "$f" -o "$out" </dev/null >/dev/null 2>&1 || true
  done
  for f in samples/*.nuri tests/snapshot/programs/*.nuri tests/mutation/programs/*.nuri; do
    out="$work/snapshot/$(echo "$f" | tr '/' '_').fuel500.nsnap"
    [ -e "$out" ] || build-fuzz/nuri run --fuel=500 --suspend-to="$out" "$f" </dev/null >/dev/null 2>&1 || true
  done ;;
esac

for target in $targets; do
  case $target in
  loader)
    echo "fuzzing the loader and verifier for ${seconds}s"
    build-fuzz/fuzz_loader -max_total_time="$seconds" -max_len=65536 -timeout=10 \
      -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$work/findings/" \
      "$work/bytecode" 2>&1 | grep -E '^(stat::|#[0-9]+ +DONE|Done|==|SUMMARY)|runtime error|Test unit written' ;;
  compiler)
    echo "fuzzing the compiler for ${seconds}s"
    build-fuzz/fuzz_compiler -max_total_time="$seconds" -max_len=16384 -timeout=10 \
      -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$work/findings/" \
      "$work/source" 2>&1 | grep -E '^(stat::|#[0-9]+ +DONE|Done|==|SUMMARY)|runtime error|Test unit written' ;;
  snapshot)
    echo "fuzzing snapshot restore for ${seconds}s"
    build-fuzz/fuzz_snapshot -max_total_time="$seconds" -max_len=65536 -timeout=10 \
      -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$work/findings/" \
      "$work/snapshot" 2>&1 | grep -E '^(stat::|#[0-9]+ +DONE|Done|==|SUMMARY)|runtime error|Test unit written' ;;
  *) echo "unknown fuzz target $target (loader, compiler or snapshot)" >&2; exit 64 ;;
  esac
done
