#!/usr/bin/env bash
# --branch / --space select the starting context (SPEC 8.1, 8.8).
strata=$1
source "$(dirname "$0")/lib.sh"
db="$tmp/db"

# `strata --db ./data --space "$tenant" kv put config ...` (SPEC 8.8)
for tenant in acme-corp globex; do
  run --db "$db" --space "$tenant" kv put config "{\"plan\":\"$tenant\"}"
  expect "put in $tenant" 0 "(version) 1"
done
run --db "$db" --space acme-corp kv get config
expect "space isolation" 0 '{"plan":"acme-corp"}'
run --db "$db" kv get config
expect "default space untouched" 0 "(nil)"
run --db "$db" space list
expect "space list" 0 "- acme-corp
- default
- globex"
run --db "$db" --space globex vector create docs 3 --metric cosine
expect "vector create in a space" 0 "OK"
run --db "$db" --space globex vector collections
expect "collections of the space" 0 "docs: 3 dimensions, cosine metric, 0 vectors"

run --db "$db" --space BadName kv get config
expect "bad --space" 1 "" "(error) InvalidInput: Space name must start with a lowercase letter"
run --db "$db" --branch experiment kv put key value
expect "missing --branch" 1 "" '(error) BranchNotFound: branch "experiment" does not exist'
run --db "$db" --branch default --space globex kv get config
expect "--branch default" 0 '{"plan":"globex"}'

# Space commands.
run --db "$db" space exists globex
expect "space exists" 0 "true"
run --db "$db" space exists nowhere
expect "space exists (missing)" 1 "false"
run --db "$db" space del default
expect_err "default space cannot be deleted" "(error) ConstraintViolation:"
run --db "$db" space del globex
expect "non-empty space" 1 "" "(error) space is non-empty"
run --db "$db" space del-force globex
expect "space del-force" 0 "OK"
run --db "$db" space exists globex
expect "gone after force delete" 1 "false"
run --db "$db" space create Bad
expect_err "space create validates" "(error) InvalidInput:"

finish
