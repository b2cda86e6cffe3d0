#!/usr/bin/env bash
# Issue 18's CLI reproducers: each bad input is refused with a clear error
# and leaves the stored data as it was.
strata=$1
source "$(dirname "$0")/lib.sh"
db="$tmp/db"

deep() {  # deep N: an array nested N levels
  python3 -c "import sys; n=int(sys.argv[1]); print('['*n + ']'*n)" "$1"
}

"$strata" --db "$db" kv put k before >/dev/null
"$strata" --db "$db" state set c before >/dev/null
"$strata" --db "$db" json set d '$' '{"a":1}' >/dev/null

# JSON deeper than the parser's limit is refused, not stored as a string.
for n in 130 200 5000; do
  run --db "$db" kv put k "$(deep $n)"
  expect_err "kv put of $n levels" "Nesting too deep"
  run --db "$db" state set c "$(deep $n)"
  expect_err "state set of $n levels" "Nesting too deep"
  run --db "$db" json set d '$.a' "$(deep $n)"
  expect_err "json set of $n levels" "Nesting too deep"
  deep $n >"$tmp/deep.json"
  run --db "$db" kv put k --file "$tmp/deep.json"
  expect_err "kv put --file of $n levels" "Nesting too deep"
done
run --db "$db" kv put a 1 k "$(deep 300)"
expect_err "a multi-put with one deep value" "Nesting too deep"
run --db "$db" --raw kv get a
expect "a multi-put with a bad value writes nothing" 0 ""
run --db "$db" --raw kv get k
expect "kv value unchanged" 0 "before"
run --db "$db" --raw state get c
expect "state value unchanged" 0 "before"
run --db "$db" --raw json get d '$.a'
expect "json value unchanged" 0 "1"

# --file of a directory is an error, not an empty string.
mkdir -p "$tmp/adir"
run --db "$db" kv put k --file "$tmp/adir"
expect_err "kv put --file <directory>" "is a directory"
run --db "$db" state set c --file "$tmp/adir"
expect_err "state set --file <directory>" "is a directory"
run --db "$db" kv put k --file "$tmp/no-such-file"
expect_err "kv put --file <missing>" "cannot read"
run --db "$db" --raw kv get k
expect "kv value unchanged after bad files" 0 "before"

# Branch names up to the spec's 255 bytes work, even when every byte needs
# escaping in the directory name.
long=$(printf 'b%.0s' $(seq 255))
slashes=$(printf '/%.0s' $(seq 255))
for name in "$long" "$slashes" "${slashes:0:254}x"; do
  run --db "$db" branch create "$name"
  expect "create a 255-byte branch name" 0 "OK"
  run --db "$db" --branch "$name" kv put k v
  expect "write on it" 0 "(version) 1"
done
run --db "$db" --raw branch list
[ "$(printf '%s\n' "$out" | grep -c .)" = 4 ] || fail "four branches listed"
printf '%s\n' "$out" | grep -qx -- "$slashes" || fail "the escaped name comes back whole"
run --db "$db" --raw --branch "${slashes:0:254}x" kv get k
expect "two long names that share a prefix stay apart" 0 "v"
run --db "$db" branch create "$(printf 'b%.0s' $(seq 256))"
expect_err "256 bytes is refused" "cannot exceed 255 bytes"

# Bundles: a directory, a device, an endless stream.
run --db "$db" branch import "$tmp/adir"
expect_err "import of a directory" "InvalidInput"
run --db "$db" branch validate /dev/zero
expect_err "validate /dev/zero" "InvalidInput"
run --db "$db" --raw kv get k
expect "the database still answers" 0 "before"

# check: a sound database passes; one bit flipped in a table file is
# named with its space, and check --repair salvages the rest.
cdb="$tmp/checked"
python3 -c "
for i in range(1500):
    print('kv put k%05d %s' % (i, chr(97 + i % 26) * 4000))
" | "$strata" --db "$cdb" >/dev/null
run --db "$cdb" check
[ "$rc" = 0 ] || fail "check of a sound database exits 0"
[[ "$out" == *"default/default: ok ("*" records)"* ]] || fail "check names the space and says ok"
# Every table (which are live depends on LevelDB's background work; a get
# opens the space once more, whose recovery turns the older log into a
# table and deletes the leftovers of a flush cut short).
"$strata" --db "$cdb" kv get k00000 >/dev/null
tables=$(find "$cdb/branches/default/spaces/default" -name '*.ldb')
[ -n "$tables" ] || fail "a table file exists"
python3 -c "
import sys
for path in sys.argv[1:]:
    f = open(path, 'r+b'); f.seek(100); b = f.read(1); f.seek(100); f.write(bytes([b[0] ^ 8]))
" $tables
run --db "$cdb" check
[ "$rc" = 1 ] || fail "check of a damaged database exits 1"
[[ "$out" == *"default/default: "*" problem(s)"* ]] || fail "check names the damaged space"
[[ "$err" == *"Corruption: 1 of 2 stores are damaged"* ]] || fail "check says how many stores are damaged"
run --db "$cdb" --json check
[[ "$out" == *'"problems":["'*Corruption* ]] || fail "--json check lists the problem"
run --db "$cdb" check --repair
[ "$rc" = 0 ] || fail "check --repair exits 0 once repaired"
[[ "$out" == "repaired 2 stores"* ]] || fail "check --repair says what it repaired"
run --db "$cdb" --raw kv get k00700
expect "what survived reads back" 0 "$(python3 -c "print(chr(97 + 700 % 26) * 4000)")"

finish
