#!/bin/sh
# Run every benchmark program under a nuri binary at its small size and compare the output with
# the stored one (produced by the C and Python versions).
#
# Usage: bench/check_small.sh NURI_BINARY [RUN_OPTION...]
#   e.g. bench/check_small.sh build/nuri
#        bench/check_small.sh build/nuri --jit=off
# RUN_OPTIONs go to `nuri run` before the file. Prints one line per program; exits 1 if any
# program fails or prints something else, 64 on bad usage.
# Environment: CHECK_SMALL_TIMEOUT (seconds per program, default 300; used when `timeout` exists).

if [ $# -lt 1 ]; then
    echo "usage: $0 NURI_BINARY [RUN_OPTION...]" >&2
    exit 64
fi
nuri=$1
shift
if [ ! -x "$nuri" ]; then
    echo "error: $nuri is not an executable file" >&2
    exit 64
fi

bench_dir=$(cd "$(dirname "$0")" && pwd)
limit=${CHECK_SMALL_TIMEOUT:-300}
if command -v timeout >/dev/null 2>&1; then
    with_timeout="timeout $limit"
else
    with_timeout=""
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/nuri-check-small.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT

failed=0
total=0
for dir in "$bench_dir"/*/; do
    name=$(basename "$dir")
    program="$dir$name.nuri"
    [ -f "$program" ] || continue
    total=$((total + 1))
    if [ ! -f "$dir/small_size" ] || [ ! -f "$dir/expected_small.txt" ]; then
        echo "FAIL $name: small_size or expected_small.txt missing"
        failed=$((failed + 1))
        continue
    fi
    size=$(tr -d ' \t\r\n' < "$dir/small_size")
    $with_timeout "$nuri" run "$@" "$program" "$size" > "$tmp/out" 2> "$tmp/err"
    status=$?
    if [ $status -ne 0 ]; then
        if [ $status -eq 124 ] && [ -n "$with_timeout" ]; then
            echo "FAIL $name (size $size): timed out after ${limit} s"
        else
            echo "FAIL $name (size $size): exit status $status"
        fi
        sed -n '1,10s/^/    /p' "$tmp/err"
        failed=$((failed + 1))
    elif ! cmp -s "$tmp/out" "$dir/expected_small.txt"; then
        echo "FAIL $name (size $size): output differs from expected_small.txt"
        diff "$dir/expected_small.txt" "$tmp/out" | sed -n '1,20s/^/    /p'
        failed=$((failed + 1))
    else
        echo "ok   $name (size $size)"
    fi
done

if [ $total -eq 0 ]; then
    echo "error: no bench/<name>/<name>.nuri programs found in $bench_dir" >&2
    exit 1
fi
echo "$((total - failed)) passed, $failed failed"
[ $failed -eq 0 ]
