#!/usr/bin/env bash
# --raw output for scripts (SPEC 8.6) and --file input (SPEC 8.2, 8.8).
strata=$1
source "$(dirname "$0")/lib.sh"
db="$tmp/db"

"$strata" --db "$db" kv put s conservative n 85 f 0.5 b true z null o '{"a":[1,2]}' >/dev/null
run --db "$db" --raw kv get s
expect "raw string" 0 "conservative"
run --db "$db" --raw kv get n
expect "raw int" 0 "85"
run --db "$db" --raw kv get f
expect "raw float" 0 "0.5"
run --db "$db" --raw kv get b
expect "raw bool" 0 "1"
run --db "$db" --raw kv get z
expect "raw stored null" 0 "null"
run --db "$db" --raw kv get o
expect "raw object" 0 '{"a":[1,2]}'
run --db "$db" --raw kv get missing
expect "raw missing is empty output" 0 ""
run --db "$db" --raw kv get s missing n
expect "raw multi-get keeps one line per key" 0 "conservative

85"
run --db "$db" --raw kv put n 86
expect "raw version" 0 "2"
# Shell arithmetic on --raw output, as the docs' scripts do.
total=$(( $("$strata" --db "$db" --raw kv get n) + 1 ))
[ "$total" = 87 ] || fail "arithmetic on raw output gives $total"

run --db "$db" --raw kv list --prefix s
expect "raw kv list" 0 "s	conservative"
run --db "$db" --raw event append t '{"x":1}'
expect "raw seq" 0 "1"
run --db "$db" --raw event get 1
expect "raw event get is the payload" 0 '{"x":1}'
run --db "$db" --raw event len
expect "raw event len" 0 "1"
run --db "$db" --raw state init c 5
expect "raw state init" 0 "1"
run --db "$db" --raw state init c 6
expect "raw state init no-op prints the version" 0 "1"
run --db "$db" --raw state get c
expect "raw state get" 0 "5"
run --db "$db" --raw space exists default
expect "raw bool result" 0 "1"
run --db "$db" --raw kv del n nope
expect "raw delete count" 0 "1"
run --db "$db" --raw state cas c 9 x
expect "raw error: message on stderr" 1 "" "CAS conflict: expected version 9, current version 1"

"$strata" --db "$db" vector create v 2 >/dev/null
"$strata" --db "$db" vector upsert v a '[1,0]' >/dev/null
"$strata" --db "$db" vector upsert v b '[0.6,0.8]' >/dev/null
run --db "$db" --raw vector search v '[1,0]' 2
expect "raw search: key<TAB>score" 0 "a	1.0000
b	0.6000"
first=$("$strata" --db "$db" --raw vector search v '[1,0]' 1 | awk '{print $1}')
[ "$first" = a ] || fail "awk reads the key of the first match"

# --file: JSON when the file parses, else trimmed text.
printf '{"plan": "enterprise"}\n' >"$tmp/obj.json"
printf '  some text \n\n' >"$tmp/text.txt"
run --db "$db" kv put fj --file "$tmp/obj.json"
expect "kv put --file (JSON)" 0 "(version) 1"
run --db "$db" kv get fj
expect "file JSON stored as a value" 0 '{"plan":"enterprise"}'
run --db "$db" kv put ft -f "$tmp/text.txt"
run --db "$db" kv get ft
expect "file text trimmed" 0 '"some text"'
run --db "$db" kv put fx --file "$tmp/none"
expect_err "missing file" "(error) Io: cannot read '$tmp/none'"
run --db "$db" state set sf -f "$tmp/obj.json"
expect "state set --file" 0 "(version) 1"
run --db "$db" json set doc '$' -f "$tmp/obj.json"
expect "json set --file" 0 "(version) 1"

# `echo '{"data": 123}' | strata ... event append sensor_reading -f -`
out=$(echo '{"data": 123}' | "$strata" --db "$db" event append sensor_reading -f -)
[ "$out" = "(seq) 2" ] || fail "event append -f - from stdin gave '$out'"
run --db "$db" event get 2
expect "payload from stdin" 0 'seq=2 type=sensor_reading payload={"data":123}'

# In pipe mode stdin carries the commands, so `-f -` is refused there.
run_in 'kv put k -f -
kv put k2 ok
' --db "$db"
if [ "$rc" != 1 ] || [ "$out" != "(version) 1" ] || [[ "$err" != *"only shell mode"* ]]; then
  fail "pipe mode refuses -f -"
fi

# Large batch from a file: no progress line when stderr is not a terminal.
python3 - "$tmp/batch.json" <<'PY'
import json, sys
entries = [{"key": f"k{i}", "vector": [i % 7, 1.0], "metadata": {"i": i}} for i in range(2500)]
json.dump(entries, open(sys.argv[1], "w"))
PY
run --db "$db" vector batch-upsert v --file "$tmp/batch.json"
expect "batch upsert of 2500 from a file, silent" 0 "OK" ""
run --db "$db" --raw vector stats v
[[ "$out" == *$'\n2502\n'* ]] || fail "2502 vectors after the batch"
printf '[{"key":"x","vector":[1,2]},{"key":"y","vector":[1,2,3]}]' >"$tmp/bad.json"
run --db "$db" vector batch-upsert v -f "$tmp/bad.json"
expect_err "one bad entry fails the batch" "(error) DimensionMismatch:"
run --db "$db" vector get v x
expect "nothing written by a failed batch" 0 "(nil)"
python3 - "$tmp/bad-big.json" <<'PY'
import json, sys
entries = [{"key": f"big{i}", "vector": [1.0, 0.0]} for i in range(1500)]
entries[1400]["vector"] = [1.0]
json.dump(entries, open(sys.argv[1], "w"))
PY
run --db "$db" vector batch-upsert v -f "$tmp/bad-big.json"
expect_err "a bad entry fails a chunked batch too" "entry 1400: expected 2, got 1"
run --db "$db" vector get v big0
expect "nothing written by a failed chunked batch" 0 "(nil)"

finish
