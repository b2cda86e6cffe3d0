# Helpers shared by the shell-mode test scripts. Source after setting
# `strata` to the binary under test; every script gets its own temporary
# directory ($tmp, removed on exit) and HOME inside it.
set -uo pipefail

tmp=$(mktemp -d "${TMPDIR:-/tmp}/strata-cli.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
export HOME="$tmp/home"
mkdir -p "$HOME"
failures=0

# run ARGS...: runs strata, leaving $out, $err and $rc.
run() {
  "$strata" "$@" >"$tmp/stdout" 2>"$tmp/stderr" </dev/null
  rc=$?
  out=$(cat "$tmp/stdout")
  err=$(cat "$tmp/stderr")
}

# run_in INPUT ARGS...: the same with INPUT on stdin.
run_in() {
  local input=$1
  shift
  printf '%s' "$input" | "$strata" "$@" >"$tmp/stdout" 2>"$tmp/stderr"
  rc=$?
  out=$(cat "$tmp/stdout")
  err=$(cat "$tmp/stderr")
}

# hold ARGS...: starts strata ARGS... in pipe mode on FIFOs in the
# background, keeping its database open; `ask LINE` sends it a command line
# and sets $line to the first line of the answer (pipe mode flushes every
# answer, so an answer proves the command ran); `release` ends it and fails
# the test unless it exits 0. One held process at a time.
hold() {
  rm -f "$tmp/hold.in" "$tmp/hold.out"
  mkfifo "$tmp/hold.in" "$tmp/hold.out"
  "$strata" "$@" <"$tmp/hold.in" >"$tmp/hold.out" 2>&1 &
  holder=$!
  exec 3>"$tmp/hold.in" 4<"$tmp/hold.out"
}
ask() {
  echo "$1" >&3
  read -r line <&4
}
release() {
  exec 3>&-
  wait "$holder" || fail "the held process exits 0"
  exec 4<&-
}

fail() {
  echo "FAIL: $*" >&2
  echo "  rc=$rc" >&2
  echo "  stdout: $out" >&2
  echo "  stderr: $err" >&2
  failures=$((failures + 1))
}

# expect WHAT RC STDOUT [STDERR]: the last run exited RC and printed exactly
# STDOUT (and STDERR when given).
expect() {
  local what=$1 want_rc=$2 want_out=$3
  if [ "$rc" != "$want_rc" ] || [ "$out" != "$want_out" ]; then
    fail "$what: expected rc=$want_rc stdout='$want_out'"
    return
  fi
  if [ $# -ge 4 ] && [ "$err" != "$4" ]; then
    fail "$what: expected stderr='$4'"
  fi
}

# expect_err WHAT SUBSTRING: the last run failed (rc 1), printed nothing on
# stdout, and its stderr contains SUBSTRING.
expect_err() {
  local what=$1 want=$2
  if [ "$rc" != 1 ] || [ -n "$out" ] || [[ "$err" != *"$want"* ]]; then
    fail "$what: expected rc=1, empty stdout, stderr containing '$want'"
  fi
}

finish() {
  if [ "$failures" -ne 0 ]; then
    echo "$failures check(s) failed" >&2
    exit 1
  fi
  echo "all checks passed"
}
