#!/usr/bin/env python3
"""--json output (SPEC 8.5): one JSON document per command, parsed back.

Usage: json_output.py <strata>
"""
import json
import subprocess
import sys
import tempfile

strata = sys.argv[1]
failures = []


def run(db, *args, stdin=None):
    p = subprocess.run([strata, "--db", db, "--json", *args], input=stdin,
                       capture_output=True, text=True, timeout=60)
    return p.returncode, p.stdout, p.stderr


def doc(db, *args):
    """Runs one command and returns its stdout parsed as one JSON document."""
    rc, out, err = run(db, *args)
    if rc != 0:
        failures.append(f"{args}: exit {rc}, stderr {err!r}")
        return None
    try:
        return json.loads(out)
    except json.JSONDecodeError as e:
        failures.append(f"{args}: stdout is not JSON ({e}): {out!r}")
        return None


def check(what, got, want):
    if got != want:
        failures.append(f"{what}: got {got!r}, want {want!r}")


with tempfile.TemporaryDirectory() as tmp:
    db = tmp + "/db"
    check("kv put", doc(db, "kv", "put", "name", "Alice"), {"version": 1})
    check("kv put, two pairs", doc(db, "kv", "put", "a", "1", "b", "2.5"),
          [{"version": 1}, {"version": 1}])
    got = doc(db, "kv", "get", "name")
    # cli.md: `--json -c "kv get name"` prints {"value": "Alice"}; the CAS
    # scripts read .version.
    check("kv get value", got and got["value"], "Alice")
    check("kv get version", got and got["version"], 1)
    check("kv get timestamp is an integer", isinstance(got and got.get("timestamp"), int), True)
    check("kv get miss", doc(db, "kv", "get", "nope"), {"value": None})
    got = doc(db, "kv", "get", "a", "b", "nope")
    check("kv get several", [g["value"] for g in got or []], [1, 2.5, None])
    check("kv list", doc(db, "kv", "list"),
          [{"key": "a", "value": 1}, {"key": "b", "value": 2.5}, {"key": "name", "value": "Alice"}])
    check("kv del", doc(db, "kv", "del", "a", "nope"), {"deleted": 1})
    hist = doc(db, "kv", "history", "name")
    check("kv history", [h["value"] for h in hist or []], ["Alice"])

    check("event append", doc(db, "event", "append", "log", '{"msg":"hi"}'), {"seq": 1})
    got = doc(db, "event", "get", "1")
    check("event get", got and (got["value"], got["version"], got["type"]), ({"msg": "hi"}, 1, "log"))
    check("event get miss", doc(db, "event", "get", "9"), {"value": None})
    check("event list", [e["value"] for e in doc(db, "event", "list", "log") or []], [{"msg": "hi"}])
    check("event len", doc(db, "event", "len"), 1)

    check("state init", doc(db, "state", "init", "counter", "0"), {"version": 1})
    check("state init no-op", doc(db, "state", "init", "counter", "5"),
          {"version": 1, "created": False})
    got = doc(db, "state", "get", "counter")
    check("state get (.version for CAS scripts)", got and (got["value"], got["version"]), (0, 1))
    check("state cas", doc(db, "state", "cas", "counter", "1", "1"), {"version": 2})
    check("state list", doc(db, "state", "list"), ["counter"])

    check("json set", doc(db, "json", "set", "cfg", "$", '{"model":"gpt-4","t":0.7}'), {"version": 1})
    check("json get path", (doc(db, "json", "get", "cfg", "$.t") or {}).get("value"), 0.7)
    check("json list", doc(db, "json", "list"), {"keys": ["cfg"], "cursor": None})
    check("json list paged", doc(db, "json", "list", "--limit", "0"), {"keys": [], "cursor": None})
    check("json del", doc(db, "json", "del", "cfg", "$.t"), {"deleted": 1})

    check("vector create", doc(db, "vector", "create", "v", "2"), {"ok": True, "version": 1})
    got = doc(db, "vector", "upsert", "v", "a", "[0.9,0.1]", "--metadata", '{"tag":"x"}')
    check("vector upsert", got and got["ok"], True)
    got = doc(db, "vector", "get", "v", "a")
    check("vector get", got and (got["key"], got["vector"], got["metadata"]),
          ("a", [0.9, 0.1], {"tag": "x"}))
    got = doc(db, "vector", "search", "v", "[1,0]", "1", "--filter", '{"tag":{"eq":"x"}}')
    check("vector search", [m["key"] for m in got or []], ["a"])
    check("vector search score is a number", isinstance(got and got[0]["score"], float), True)
    got = doc(db, "vector", "collections")
    check("vector collections", got and [(c["name"], c["dimension"], c["metric"], c["count"])
                                         for c in got], [("v", 2, "cosine", 1)])
    check("vector stats", (doc(db, "vector", "stats", "v") or {}).get("index_type"), "flat")

    check("space list", doc(db, "space", "list"), ["default"])
    check("space exists", doc(db, "space", "exists", "default"), True)
    check("space create", doc(db, "space", "create", "s1"), {"ok": True})
    check("branch list", doc(db, "branch", "list"), ["default"])
    got = doc(db, "branch", "info", "default")
    check("branch info", got and (got["id"], got["status"], got["parent"]), ("default", "active", None))
    check("branch create", doc(db, "branch", "create", "b1"), {"ok": True})
    got = doc(db, "branch", "fork", "b2")
    check("branch fork", got and (got["source"], got["destination"]), ("default", "b2"))
    check("branch info of a fork", (doc(db, "branch", "info", "b2") or {}).get("parent"), "default")
    check("branch info miss", doc(db, "branch", "info", "nope"), {"value": None})
    check("branch list after create", doc(db, "branch", "list"), ["b1", "b2", "default"])
    check("ping", doc(db, "ping"), "PONG")
    got = doc(db, "info")
    check("info", got and sorted(got), ["branches", "total_keys", "version"])
    check("info branches", got and got["branches"], 3)
    # b, name, counter, cfg and vector a, in default and in its fork b2
    check("info total_keys", got and got["total_keys"], 10)

    # Errors: {"error": {"kind": ..., "message": ...}} on stderr, nothing on
    # stdout; CAS conflicts included.
    rc, out, err = run(db, "state", "cas", "counter", "7", "x")
    check("error exit", rc, 1)
    check("error stdout", out, "")
    try:
        check("error document", json.loads(err),
              {"error": {"kind": "VersionConflict",
                         "message": "CAS conflict: expected version 7, current version 2"}})
    except json.JSONDecodeError:
        failures.append(f"stderr is not JSON: {err!r}")
    rc, out, err = run(db, "kv", "put", "", "x")
    check("error kind", json.loads(err)["error"]["kind"], "InvalidInput")

    # Pipe mode: every line of stdout is one document.
    script = "kv put p 1\nkv get p\nuse default s1\nkv get p\nevent len\nbogus\nspace list\n"
    rc, out, err = run(db, stdin=script)
    check("pipe exit (one failed line)", rc, 1)
    lines = out.splitlines()
    try:
        docs = [json.loads(line) for line in lines]
        check("pipe documents", docs, [{"version": 1}, {"value": 1, "version": 1,
                                                        "timestamp": docs[1].get("timestamp")},
                                       {"value": None}, 0, ["default", "s1"]])
    except json.JSONDecodeError as e:
        failures.append(f"pipe stdout line is not JSON ({e}): {out!r}")
    check("pipe error line", [json.loads(line) for line in err.splitlines()],
          [{"error": {"kind": "InvalidInput", "line": 6,
                      "message": "unknown command 'bogus' (try 'help')"}}])

if failures:
    print("\n".join("FAIL: " + f for f in failures), file=sys.stderr)
    sys.exit(1)
print("all checks passed")
