#!/usr/bin/env bash
# Shell mode (SPEC 8.1, 8.7): one command from the argv, exit 0 on success
# and 1 on error, results on stdout and `(error)` lines on stderr.
strata=$1
source "$(dirname "$0")/lib.sh"
db="$tmp/db"

run --db "$db" kv put key value
expect "put" 0 "(version) 1" ""
run --db "$db" kv get key
expect "get after reopen" 0 '"value"' ""
run --db "$db" kv get missing
expect "get of a missing key is not an error" 0 "(nil)" ""
run --db "$db" kv del missing
expect "del of a missing key is not an error" 0 "OK"

run --db "$db" state init cell 1
expect "state init creates" 0 "(version) 1"
run --db "$db" state init cell 2
expect "state init on an existing cell exits 0 (idempotent scripts)" 0 "(no-op)"
run --db "$db" state cas cell 5 x
expect "state cas mismatch exits 1" 1 "" "(error) CAS conflict: expected version 5, current version 1"
run --db "$db" state cas cell none x
expect "state cas none on an existing cell exits 1" 1 "" \
  "(error) CAS conflict: expected version none, current version 1"
run --db "$db" state cas absent 3 x
expect "state cas on a missing cell exits 1" 1 "" \
  "(error) CAS conflict: expected version 3, current version none"
run --db "$db" state cas cell 1 x
expect "state cas hit" 0 "(version) 2"
run --db "$db" state cas cell x --expect 2
expect "state cas, cli.md form" 0 "(version) 3"

run --db "$db" frobnicate
expect_err "unknown command" "(error) InvalidInput: unknown command 'frobnicate'"
run --db "$db" kv put onlykey
expect_err "usage error" "(error) InvalidInput: usage: kv put"
run --db "$db" event append log 'not json'
expect_err "strict JSON payload" "(error) InvalidInput: invalid JSON"
run --db "$db" json get doc '$.a..b'
expect_err "bad JSON path" "(error) InvalidPath:"
run --db "$db" vector upsert nope k '[1,2]'
expect_err "missing collection" "(error) CollectionNotFound:"
run --db "$db" vector create c 2
run --db "$db" vector upsert c k '[1,2,3]'
expect_err "dimension mismatch" "(error) DimensionMismatch:"
run --db "$db" vector upsert c k '[1,"x"]'
expect_err "vector literal" "Element 1 is not a number"
run --db "$db" kv put "" v
expect_err "empty key" "(error) InvalidInput:"

# Shell mode runs one command per process: a transaction opened there is
# rolled back when the process ends.
run --db "$db" begin
expect "begin" 0 "OK"
run --db "$db" commit
expect "no transaction survives the process" 1 "" "(error) TransactionNotActive: no active transaction"
run -c 'txn active' --db "$db"
expect "txn active" 0 "false"
# Pipe mode: an open transaction at the end of input is rolled back.
run_in 'begin
kv put pending 1
kv get pending
' --db "$db"
expect "read-your-writes in pipe mode" 0 "OK
(version) 1
1"
run --db "$db" kv get pending
expect "uncommitted write rolled back at exit" 0 "(nil)"
run_in 'begin
kv put committed 1
commit
' --db "$db"
run --db "$db" kv get committed
expect "committed write persists" 0 "1"

# Branches persist across processes; --branch starts on one (SPEC 8.8).
run --db "$db" branch create feature
expect "branch create" 0 "OK"
run --db "$db" branch create feature
expect "duplicate branch create exits 1 (SPEC 8.7)" 1 "" \
  '(error) BranchExists: branch "feature" already exists'
run --db "$db" --branch feature kv get key
expect "a new branch is empty" 0 "(nil)"
run --db "$db" --branch feature kv put key on-feature
expect "write on the branch" 0 "(version) 1"
run --db "$db" kv get key
expect "default branch untouched" 0 '"value"'
run --db "$db" --branch feature branch del feature
expect "the current branch cannot be deleted" 1 "" \
  "(error) ConstraintViolation: cannot delete current branch"
run --db "$db" branch fork feature feature-copy
expect "fork <source> <dest>" 0 "OK"
run --db "$db" --branch feature-copy --raw kv get key
expect "fork copied the source, not the current branch" 0 "on-feature"
run --db "$db" --raw branch create
if [ "$rc" != 0 ] || ! [[ "$out" =~ ^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$ ]]; then
  fail "branch create without a name prints the generated UUID"
fi
run --db "$db" branch exists "$out"
expect "the generated branch exists" 0 "true"
run --db "$db" branch diff default nope
expect_err "branch diff with a missing branch" "(error) BranchNotFound:"
run --db "$db" branch merge feature --strategy ours
expect_err "unknown merge strategy" "(error) InvalidInput: unknown merge strategy"
run --db "$db" branch export nope "$tmp/x.bundle"
expect_err "export of a missing branch" "(error) BranchNotFound:"
# A bundle imported under another name (--as), into another database.
run --db "$db" branch export default "$tmp/default.bundle"
[ "$rc" = 0 ] || fail "export default: rc $rc, $err"
run --db "$tmp/other" branch import "$tmp/default.bundle" --as from-first
expect "import under another name" 0 "OK"
run --db "$tmp/other" --json branch import "$tmp/default.bundle" --as second
[[ "$out" == '{"branch":"second","keys_written":'* ]] || fail "import --as in --json: $out"
run --db "$tmp/other" branch list
expect "both imported" 0 "- default
- from-first
- second"
run --db "$tmp/other" branch import "$tmp/default.bundle" --as second
expect_err "import over an existing name" '(error) BranchExists: branch "second" already exists'
printf 'not a bundle' > "$tmp/bad.bundle"
run --db "$db" branch validate "$tmp/bad.bundle"
expect_err "a damaged bundle" "(error) InvalidInput: invalid bundle"

# `if strata ... branch exists ...` (SPEC 8.7) relies on the exit code: a
# predicate answered false exits 1 (as test(1) does) and still prints its
# answer; it is not an error (nothing on stderr).
run --db "$db" branch exists default
expect "branch exists" 0 "true"
run --db "$db" branch exists nope
expect "branch exists (missing)" 1 "false"
if "$strata" --db "$db" branch exists nope >/dev/null 2>&1; then
  fail "if strata branch exists nope: took the true branch"
fi
run --db "$db" space exists default
expect "space exists" 0 "true"
run --db "$db" space exists nowhere
expect "space exists (missing)" 1 "false"
# In pipe mode a false answer is an answer, not a failed line.
run_in 'branch exists nope
' --db "$db"
expect "pipe: branch exists (missing)" 0 "false"

# Legacy aliases (SPEC 8.1 [R]).
run "$db" kv get key
expect "positional path = --db" 0 '"value"'
run -c 'kv put "two words" "a b c"' --db "$db"
expect "-c runs one quoted command line" 0 "(version) 1"
run --db "$db" --command 'kv get "two words"'
expect "--command" 0 '"a b c"'
run -c 'kv put x "unbalanced' --db "$db"
expect "-c with bad quoting" 1 "" "(error) Invalid quoting"
run --memory kv put a 1
expect "--memory = --cache" 0 "(version) 1"
run --cache kv get key
expect "--cache is a fresh database" 0 "(nil)"
run -V
expect "-V" 0 "strata 0.1.0"
run --version
expect "--version" 0 "strata 0.1.0"
run -h
if [ "$rc" != 0 ] || [[ "$out" != *"Usage:"* ]] || [[ "$out" != *"--read-only"* ]]; then
  fail "-h prints usage"
fi

# Invocation errors.
run --cache --db "$db" ping
expect_err "--cache conflicts with --db" "--cache conflicts with --db"
run --json --raw --cache ping
expect_err "--json conflicts with --raw" "--json conflicts with --raw"
run --bogus
expect_err "unknown flag" "unknown option '--bogus'"
run --db
expect_err "--db needs a value" "option '--db' needs a value"
run -c ping --cache kv get x
expect_err "-c and a command" "-c conflicts with a command"
run --auto-embed --cache ping
expect_err "--auto-embed" "(error) NotImplemented:"

# Flags apply before the command; command flags after it.
run --db "$db" kv list --prefix two
expect "command flags after the command" 0 'two words = "a b c"'
run --db "$db" kv put neg -1
expect "negative number is a value, not a flag" 0 "(version) 1"
run --db "$db" --raw kv get neg
expect "negative number stored as Int" 0 "-1"

# A second process on the same directory is refused while the first holds
# it. The first runs in pipe mode on FIFOs; reading its PONG proves the
# database is open (pipe mode flushes every answer).
hold --db "$db"
ask ping
[ "$line" = "PONG" ] || fail "holder answers PONG, got '$line'"
run --db "$db" kv get key
expect_err "second process is refused" "already in use by another process"
ask 'kv get key'
[ "$line" = '"value"' ] || fail "holder still serves, got '$line'"
release
run --db "$db" kv get key
expect "reopened after the holder exited" 0 '"value"'

finish
