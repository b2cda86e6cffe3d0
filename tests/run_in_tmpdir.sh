#!/usr/bin/env bash
# Runs a program with a fresh database directory as its first argument (the
# other arguments follow), and removes the directory afterwards. Used to
# run the examples as smoke tests.
set -euo pipefail
dir=$(mktemp -d "${TMPDIR:-/tmp}/strata-example.XXXXXX")
trap 'rm -rf "$dir"' EXIT
program=$1
shift
"$program" "$dir/db" "$@"
