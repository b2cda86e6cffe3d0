#!/usr/bin/env bash
# `strata mcp` at the JSON-RPC level, below what an SDK client sends: bad
# JSON, requests that are not JSON-RPC, unknown methods, notifications,
# a ping, and a line too long to be a message (answered, not read into
# memory whole). The SDK client test (tests/mcp) covers the tools.
strata=$1
source "$(dirname "$0")/lib.sh"

db="$tmp/db"
input='not json
{"jsonrpc":"2.0","id":1,"method":"ping"}
{"jsonrpc":"1.0","id":2,"method":"ping"}
{"jsonrpc":"2.0","method":"notifications/initialized"}
{"jsonrpc":"2.0","id":3,"method":"resources/subscribe"}
{"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"nope"}}
{"jsonrpc":"2.0","id":5,"method":"tools/call","params":{"name":"kv_put","arguments":{"key":"k","value":[1,{"a":null}]}}}
{"jsonrpc":"2.0","id":6,"method":"tools/call","params":{"name":"kv_get","arguments":{"key":"k"}}}
{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"kv_get","arguments":"k"}}
{"jsonrpc":"2.0","id":8,"method":"initialize","params":{"protocolVersion":"1999-01-01"}}
'
run_in "$input" --db "$db" mcp
[ "$rc" = 0 ] || fail "mcp exits 0 at the end of its input"
want='{"error":{"code":-32700,"message":"parse error: not JSON"},"id":null,"jsonrpc":"2.0"}
{"id":1,"jsonrpc":"2.0","result":{}}
{"error":{"code":-32600,"message":"invalid request: a JSON-RPC 2.0 object with a method is expected"},"id":2,"jsonrpc":"2.0"}
{"error":{"code":-32601,"message":"method not found: resources/subscribe"},"id":3,"jsonrpc":"2.0"}
{"error":{"code":-32602,"message":"unknown tool '"'"'nope'"'"'"},"id":4,"jsonrpc":"2.0"}
{"id":5,"jsonrpc":"2.0","result":{"content":[{"text":"{\"timestamp\":T,\"version\":1}","type":"text"}],"structuredContent":{"result":{"timestamp":T,"version":1}}}}
{"id":6,"jsonrpc":"2.0","result":{"content":[{"text":"[1,{\"a\":null}]","type":"text"}],"structuredContent":{"result":[1,{"a":null}]}}}
{"id":7,"jsonrpc":"2.0","result":{"content":[{"text":"InvalidInput: arguments must be an object","type":"text"}],"isError":true,"structuredContent":{"error":{"kind":"InvalidInput","message":"arguments must be an object"}}}}'
# A write answers its commit timestamp, which differs from run to run.
got=$(head -8 <<<"$out" | sed -E 's/(\\?"timestamp\\?":)[0-9]+/\1T/g')
[ "$got" = "$want" ] || fail "JSON-RPC answers: got
$got"
[[ "$(sed -n 9p <<<"$out")" == *'"protocolVersion":"2025-11-25"'*'"serverInfo":{"name":"strata"'* ]] ||
  fail "initialize with an unknown version offers the newest: $(sed -n 9p <<<"$out")"
[ "$(wc -l <<<"$out")" = 9 ] || fail "one answer per request, none for the notification"

# A key that is not UTF-8 (keys are bytes) comes back with U+FFFD, in an
# answer that keeps its request's id.
run --db "$db" kv put $'bad\xffkey' 1
run_in '{"jsonrpc":"2.0","id":10,"method":"tools/call","params":{"name":"kv_list","arguments":{"prefix":"bad"}}}
' --db "$db" mcp
[[ "$out" == '{"id":10,"jsonrpc":"2.0","result":{"content":[{"text":"[\"bad'*'key\"]"'* ]] ||
  fail "a key that is not UTF-8: $out"

# A line over 64 MiB is refused with an error, and the next one answered.
{ head -c $((65 * 1024 * 1024)) /dev/zero | tr '\0' 'x'; printf '\n%s\n' '{"jsonrpc":"2.0","id":9,"method":"ping"}'; } |
  "$strata" --db "$db" mcp >"$tmp/stdout" 2>"$tmp/stderr"
rc=$?
out=$(cat "$tmp/stdout")
err=$(cat "$tmp/stderr")
expect "a line too long" 0 '{"error":{"code":-32600,"message":"message over 64 MiB"},"id":null,"jsonrpc":"2.0"}
{"id":9,"jsonrpc":"2.0","result":{}}'

finish
