#!/usr/bin/env bash
# What a newcomer trips over, fixed (the CLI frictions issue): global flags
# after the command, RFC 3339 times, reads on a directory without a
# database, vector create --index, shell completion.
strata=$1
source "$(dirname "$0")/lib.sh"

db="$tmp/db"

# A read on a directory that holds no database says so and creates nothing.
run --db "$db" ping
expect_err "ping without a database" "(error) BranchNotFound: no database at '$db'"
run --db "$db" kv get k
expect_err "kv get without a database" "a command that only reads creates none"
[ -e "$db" ] && fail "a read created the directory"
(cd "$tmp" && "$strata" space list >/dev/null 2>&1)
[ -e "$tmp/.strata" ] && fail "a read created ./.strata"
run --db "$db" kv put k v1
expect "a write creates the database" 0 "(version) 1"
run --db "$db" ping
expect "ping once there is one" 0 "PONG"

# Global flags after the command.
run kv get k --db "$db"
expect "--db after the command" 0 '"v1"'
run --db "$db" kv put note hello --space memory
expect "--space after the command" 0 "(version) 1"
run --db "$db" kv get note --space memory --json
[[ "$out" == *'"value":"hello"'* ]] || fail "--space and --json after the command: $out"
run --db "$db" kv list --space memory --raw
expect "--raw after the command" 0 $'note\thello'
run --db "$db" kv get note
expect "the flags did not stick" 0 "(nil)"
# A command's own flag of the same name stays the command's.
run --db "$db" -c "begin --read-only"
expect "begin --read-only is begin's flag" 0 "OK"

# --as-of takes RFC 3339 as well as microseconds; human output prints
# times in RFC 3339, which --as-of takes back.
run --db "$db" --json kv get k --with-version
ts=$(sed -n 's/.*"timestamp":\([0-9]*\).*/\1/p' <<<"$out")
[ -n "$ts" ] || fail "timestamp of k"
run --db "$db" kv put k v2
run --db "$db" kv get k --with-version
human_ts=$(sed -n 's/.*(v2, \(.*\))$/\1/p' <<<"$out")
[[ "$human_ts" =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}Z$ ]] ||
  fail "human output prints an RFC 3339 time: $out"
rfc=$(date -u -d "@$((ts / 1000000))" +%Y-%m-%dT%H:%M:%S).$(printf '%06d' $((ts % 1000000)))Z
run --db "$db" kv get k --as-of "$rfc"
expect "--as-of in RFC 3339 (UTC)" 0 '"v1"'
run --db "$db" kv get k --as-of "$ts"
expect "--as-of in microseconds" 0 '"v1"'
run --db "$db" kv get k --as-of "$human_ts"
expect "--as-of takes the printed time back" 0 '"v2"'
offset=$(date -u -d "@$((ts / 1000000 + 3600))" +%Y-%m-%dT%H:%M:%S).$(printf '%06d' $((ts % 1000000)))+01:00
run --db "$db" kv get k --as-of "$offset"
expect "--as-of with an offset" 0 '"v1"'
run --db "$db" kv get k --as-of 1970-01-01T00:00:00Z
expect "--as-of before the first write" 0 "(nil)"
for bad in "yesterday" "2026-13-01T00:00:00Z" "2026-02-30T00:00:00Z" "2026-01-01T00:00:00" "-5"; do
  run --db "$db" kv get k --as-of "$bad"
  expect_err "--as-of $bad" "(error) InvalidInput: --as-of must be microseconds since the epoch or an RFC 3339 time"
done

# vector create --index.
run --db "$db" vector create exact 2 --index flat
expect "--index flat" 0 "OK"
run --db "$db" vector create graph 2 --index hnsw --metric euclidean
expect "--index hnsw" 0 "OK"
run --db "$db" --json vector collections
[[ "$out" == *'"name":"exact"'*'"index_type":"flat"'* ]] || fail "exact is brute force: $out"
[[ "$out" == *'"name":"graph"'*'"index_type":"hnsw"'* ]] || fail "graph is HNSW: $out"
run --db "$db" vector create other 2 --index btree
expect_err "an unknown index" "(error) InvalidInput: unknown index 'btree' (expected auto, flat or hnsw)"

# Shell completion, generated from the command table.
run completion bash
[ "$rc" = 0 ] || fail "completion bash"
script="$out"
bash -n <<<"$script" || fail "the bash script parses"
complete_words() {  # the completions of the words given, the last being typed
  bash -c "$script"'
    COMP_WORDS=("$@"); COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 )); _strata
    printf "%s\n" "${COMPREPLY[@]}"' strata "$@"
}
[[ "$(complete_words strata "")" == *$'\nkv\n'* ]] || fail "first words include kv"
[[ "$(complete_words strata k)" == "kv" ]] || fail "k completes to kv"
[[ "$(complete_words strata --db x kv p)" == "put" ]] || fail "kv p completes to put"
[[ "$(complete_words strata kv list --pre)" == "--prefix" ]] || fail "kv list --pre completes"
[[ "$(complete_words strata --sp)" == "--space" ]] || fail "global --sp completes"
[[ "$(complete_words strata vector create c 2 --ind)" == "--index" ]] || fail "vector create --ind"
run completion zsh
[[ "$out" == *"bashcompinit"*"complete -F _strata strata"* ]] || fail "completion zsh"
run completion fish
expect_err "another shell" "strata completion bash|zsh"

finish
