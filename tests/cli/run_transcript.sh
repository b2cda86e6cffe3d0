#!/usr/bin/env bash
# Runs one transcript in pipe mode on a fresh in-memory database and
# compares stdout and stderr, interleaved as a terminal shows them, with the
# expected output line for line.
#
#   run_transcript.sh <strata> <name.in> <name.out> [<pki dir>]
#
# With a <pki dir> (cli/make-certs.sh), the same transcript runs through a node:
# `strata serve` on a fresh database directory, port picked by the kernel,
# and the transcript piped into `strata --connect` with the client
# certificate. The output must be the same, except the `node:` line that
# `info` adds when connected (it names the node), which is dropped.
#
# The input may declare its expected exit code in a comment line
# `# exit: N` (default 0); pipe mode skips comments, so the line is inert.
set -euo pipefail
strata=$1 input=$2 expected=$3
tmp=$(mktemp -d "${TMPDIR:-/tmp}/strata-cli.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

want_rc=$(sed -n 's/^# exit: \([0-9]*\)$/\1/p' "$input" | head -n1)
want_rc=${want_rc:-0}

pki=${4:-}
if [ -z "$pki" ]; then
  set +e
  HOME="$tmp" "$strata" --cache <"$input" >"$tmp/actual" 2>&1
  rc=$?
  set -e
else
  : >"$tmp/serve.log"  # exists before the server's shell opens it
  "$strata" --db "$tmp/db" serve --listen 127.0.0.1:0 --cert "$pki/server.pem" \
    --key "$pki/server.key" --ca "$pki/ca.pem" 2>"$tmp/serve.log" &
  server=$!
  trap 'kill -9 $server 2>/dev/null || true; rm -rf "$tmp"' EXIT
  port=""
  for _ in $(seq 1 300); do  # waits for the line saying it listens (30 s at most)
    port=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$tmp/serve.log" || true)
    [ -n "$port" ] && break
    kill -0 $server 2>/dev/null || break
    sleep 0.1
  done
  if [ -z "$port" ]; then
    echo "strata serve did not start:" >&2
    cat "$tmp/serve.log" >&2
    exit 1
  fi
  set +e
  HOME="$tmp" "$strata" --connect "127.0.0.1:$port" --cert "$pki/client.pem" \
    --key "$pki/client.key" --ca "$pki/ca.pem" <"$input" >"$tmp/raw" 2>&1
  rc=$?
  set -e
  grep -v '^node: ' "$tmp/raw" >"$tmp/actual" || true
  kill -TERM $server
  wait $server || { echo "strata serve did not stop cleanly:" >&2; cat "$tmp/serve.log" >&2; exit 1; }
fi

status=0
if ! diff -u --label expected --label actual "$expected" "$tmp/actual"; then
  status=1
fi
if [ "$rc" -ne "$want_rc" ]; then
  echo "exit code $rc, expected $want_rc" >&2
  status=1
fi
exit $status
