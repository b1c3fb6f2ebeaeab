#!/usr/bin/env bash
# Installs Nuri from the build folder $1 to a temporary prefix, then configures, builds and
# runs the separate host project $2 (samples/embed) against it with find_package(Nuri), and the
# runtime-only host $3 (tests/embed/runtime_only) with Nuri::runtime and with pkg-config.
set -euo pipefail
build="$1"
sample="$2"
runtime_only="$3"
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
runtime_flags="$(PKG_CONFIG_PATH="$(dirname "$pc")" pkg-config --cflags --libs nuri-runtime)"
case "$runtime_flags" in *"/include "*"-lnuri-runtime"*) ;; *) echo "unexpected pkg-config flags: $runtime_flags"; exit 1 ;; esac
# The runtime library has the interpreter and none of the compiler.
archive="$(dirname "$pc")/../libnuri-runtime.a"
objects="$(ar t "$archive")"
case "$objects" in *interpreter.cpp.o*) ;; *) echo "no interpreter in $archive"; exit 1 ;; esac
case "$objects" in *parser.cpp.o*|*checker.cpp.o*|*codegen.cpp.o*) echo "the compiler is in $archive"; exit 1 ;; esac
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

# A guest moved through 13 processes by snapshots prints what one uninterrupted run prints.
migrated="$("$work/build/migrate_demo")"
case "$migrated" in
  *"the guest ran in 13 processes, exit status 0
same output as an uninterrupted run") ;;
  *) echo "unexpected output from migrate_demo:"; echo "$migrated"; exit 1 ;;
esac
echo "migrate_demo moved its guest between processes"

# A host that only loads bytecode links Nuri::runtime, or nuri-runtime through pkg-config.
cmake -S "$runtime_only" -B "$work/runtime" -DCMAKE_PREFIX_PATH="$work/prefix" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$work/runtime" >/dev/null
bash "$runtime_only/run.sh" "$work/prefix/bin/nuri" "$work/runtime/runtime_only"
# shellcheck disable=SC2086 # the flags are words
c++ -std=c++20 -O1 "$runtime_only/main.cpp" -o "$work/runtime_only_pc" $runtime_flags
bash "$runtime_only/run.sh" "$work/prefix/bin/nuri" "$work/runtime_only_pc"
