#!/usr/bin/env bash
# Installs Nuri from the build folder $1 to a temporary prefix, then configures, builds and
# runs the separate host project $2 (samples/embed) against it with find_package(Nuri).
set -euo pipefail
build="$1"
sample="$2"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cmake --install "$build" --prefix "$work/prefix" >/dev/null
# Only the public header is installed.
test "$(cd "$work/prefix/include" && find . -type f)" = "./nuri/nuri.h"
pc="$(find "$work/prefix" -name nuri.pc)"
# pkg-config finds the installed header and library wherever the prefix is.
flags="$(PKG_CONFIG_PATH="$(dirname "$pc")" pkg-config --cflags --libs nuri)"
case "$flags" in *"/include "*"-lnuri"*) ;; *) echo "unexpected pkg-config flags: $flags"; exit 1 ;; esac
test -f "$(PKG_CONFIG_PATH="$(dirname "$pc")" pkg-config --variable=includedir nuri)/nuri/nuri.h"
cmake -S "$sample" -B "$work/build" -DCMAKE_PREFIX_PATH="$work/prefix" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$work/build" >/dev/null
output="$("$work/build/embed_demo")"
expected="Hello, embedder
main returned 208
12 pears cost 8.1
2 of each: 1 and 1.5
a plum: HostError: no price for plum
100 of 100 guests answered right
stopped: terminated by the host"
if [ "$output" != "$expected" ]; then
  echo "unexpected output from embed_demo:"
  echo "$output"
  exit 1
fi
echo "embed_demo built against the installed package and ran"
