#!/usr/bin/env bash
# Compiles program.nuri with the nuri command $1 and runs the .nbc with the runtime-only host
# $2 (main.cpp, built without the compiler), checking its output and exit status.
set -euo pipefail
nuri="$1"
host="$2"
here="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
"$nuri" build "$here/program.nuri" -o "$work/program.nbc"
status=0
output="$("$host" "$work/program.nbc" ülkü ülkü eve)" || status=$?
expected="Grüß dich, ÜLKÜ!
distinct arguments: 2
caught index 10 out of bounds for length 3"
if [ "$output" != "$expected" ] || [ "$status" != 7 ]; then
  echo "unexpected result from $host (status $status, expected 7):"
  echo "$output"
  exit 1
fi
echo "a host linked without the compiler ran a compiled program"
