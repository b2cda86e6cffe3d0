#!/usr/bin/env bash
# Runs one transcript in pipe mode on a fresh in-memory database and
# compares stdout and stderr, interleaved as a terminal shows them, with the
# expected output line for line.
#
#   run_transcript.sh <strata> <name.in> <name.out>
#
# The input may declare its expected exit code in a comment line
# `# exit: N` (default 0); pipe mode skips comments, so the line is inert.
set -euo pipefail
strata=$1 input=$2 expected=$3
tmp=$(mktemp -d "${TMPDIR:-/tmp}/strata-cli.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

want_rc=$(sed -n 's/^# exit: \([0-9]*\)$/\1/p' "$input" | head -n1)
want_rc=${want_rc:-0}

set +e
HOME="$tmp" "$strata" --cache <"$input" >"$tmp/actual" 2>&1
rc=$?
set -e

status=0
if ! diff -u --label expected --label actual "$expected" "$tmp/actual"; then
  status=1
fi
if [ "$rc" -ne "$want_rc" ]; then
  echo "exit code $rc, expected $want_rc" >&2
  status=1
fi
exit $status
