#!/usr/bin/env bash
# Proves the installed package works for an outside project: installs the
# build tree into a temporary prefix, configures a tiny consumer that calls
# find_package(strata CONFIG REQUIRED) and links strata::strata, builds it,
# and runs it.
# Usage: consumer_test.sh <strata build dir> <consumer source dir>
set -euo pipefail
build_dir=$1
consumer_src=$2
work=$(mktemp -d "${TMPDIR:-/tmp}/strata-install.XXXXXX")
trap 'rm -rf "$work"' EXIT
cmake --install "$build_dir" --prefix "$work/prefix" >/dev/null
generator=()
command -v ninja >/dev/null && generator=(-G Ninja)
cmake -S "$consumer_src" -B "$work/build" "${generator[@]}" \
  -DCMAKE_PREFIX_PATH="$work/prefix" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$work/build" -j 2 >/dev/null
"$work/build/consumer" "$work/db"
"$work/build/actor_consumer" "$work/actor-db"
# Only the public API is installed: no store or actor internals.
if [ -d "$work/prefix/include/strata/store" ] || [ -d "$work/prefix/include/strata/actors" ]; then
  echo "internal headers were installed" >&2
  exit 1
fi
