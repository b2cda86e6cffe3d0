#!/usr/bin/env bash
# strata.toml (SPEC 2.1, 2.4) and --read-only (SPEC 2.1, 8.1).
strata=$1
source "$(dirname "$0")/lib.sh"

# First open writes the defaults, durability "standard".
db="$tmp/fresh"
run --db "$db" kv put k v
expect "first open" 0 "(version) 1"
[ -f "$db/strata.toml" ] || fail "strata.toml created on first open"
grep -q '^durability = "standard"$' "$db/strata.toml" || fail "default durability is standard"
grep -q '^auto_embed = false$' "$db/strata.toml" || fail "default auto_embed is false"

# "always" is accepted and data persists across processes.
db="$tmp/always"
mkdir -p "$db"
printf 'durability = "always"\n' >"$db/strata.toml"
run --db "$db" kv put k durable
expect "durability always" 0 "(version) 1"
run --db "$db" kv get k
expect "persisted across processes" 0 '"durable"'
grep -q 'always' "$db/strata.toml" || fail "an existing strata.toml is not rewritten"

# An unknown durability mode stops the open with the SPEC 2.1 message.
db="$tmp/bad-mode"
mkdir -p "$db"
printf 'durability = "sometimes"\n' >"$db/strata.toml"
run --db "$db" kv get k
expect "bad durability" 1 "" \
  "(error) InvalidInput: Invalid durability mode 'sometimes' in strata.toml. Expected \"standard\" or \"always\"."
[ -e "$db/.lock" ] && fail "nothing opened on a bad config"

# Broken TOML names the file and position.
db="$tmp/bad-toml"
mkdir -p "$db"
printf 'durability = "standard\n' >"$db/strata.toml"
run --db "$db" kv get k
expect_err "bad TOML" "(error) InvalidInput: invalid strata.toml at '$db/strata.toml'"
[[ "$err" == *"line 1"* ]] || fail "bad TOML names the line"

# Wrong types are clear errors too.
db="$tmp/bad-type"
mkdir -p "$db"
printf 'auto_embed = "yes"\n' >"$db/strata.toml"
run --db "$db" ping
expect_err "auto_embed type" "auto_embed in strata.toml must be true or false"
printf '[model]\ntimeout_ms = -5\n' >"$db/strata.toml"
run --db "$db" ping
expect_err "model timeout" "timeout_ms in [model] of strata.toml must be an integer >= 0"
printf 'durability = 1\n' >"$db/strata.toml"
run --db "$db" ping
expect_err "durability type" "Invalid durability mode '1'"

# --read-only: reads work, every write is AccessDenied.
db="$tmp/fresh"
run --db "$db" --read-only kv list
expect "read-only read" 0 'k = "v"'
run --db "$db" --read-only kv put k other
expect "read-only put" 1 "" "(error) AccessDenied: KvPut rejected — database is read-only"
for cmd in "kv del k" "event append t {}" "state set c 1" "state init c 1" "state cas c none 1" \
  "state del c" "json set d $ 1" "json del d $" "vector create c 2" "vector upsert c k [1,2]" \
  "vector del c k" "vector drop c" "space create s" "space del s" "flush" "compact" "begin" \
  "branch create b" "branch del b"; do
  # shellcheck disable=SC2086
  run --db "$db" --read-only $cmd
  expect_err "read-only: $cmd" "(error) AccessDenied: "
done
run --db "$db" kv get k
expect "nothing was written" 0 '"v"'

# Two read-only processes at once, each on a snapshot of its own, and a
# writer beside them; the snapshots go when the readers close.
hold --db "$db" --read-only
ask 'kv get k'
[ "$line" = '"v"' ] || fail "a read-only process reads, got '$line'"
run --db "$db" --read-only kv get k
expect "a second reader beside the first" 0 '"v"'
run --db "$db" kv put k w2
expect "a writer beside a reader" 0 "(version) 2"
ask 'kv get k'
[ "$line" = '"v"' ] || fail "the reader keeps the database as it opened it, got '$line'"
release
[ -z "$(ls -A "$db/.readers" 2>/dev/null)" ] || fail "snapshots removed at close: $(ls -A "$db/.readers")"
run --db "$db" --read-only kv get k
expect "a new reader sees the writer's write" 0 '"w2"'

# While a writer has it open, a reader is refused and told what to do.
hold --db "$db"
ask ping
[ "$line" = "PONG" ] || fail "the writer answers, got '$line'"
run --db "$db" --read-only kv get k
expect_err "a reader while a writer runs" "is open for writing by another process"
release

# A read-only open of a missing database creates nothing.
run --db "$tmp/missing" --read-only kv get k
expect_err "read-only open of a missing database" \
  '(error) BranchNotFound: branch "default" does not exist'
[ -e "$tmp/missing" ] && fail "read-only open created the directory"

# The default database is ./.strata.
(cd "$tmp" && "$strata" kv put here 1 >/dev/null) || fail "default path"
[ -f "$tmp/.strata/strata.toml" ] || fail "./.strata is the default database"

finish
