// `strata mcp` driven by the official MCP TypeScript SDK client over stdio:
// initialize, list the tools, call each, and check that bad input gets a
// tool error and changes nothing.
//
//   node tests/mcp/client_test.mjs <strata binary>
//
// (on a fresh database in a temporary directory, removed afterwards)
//
// The SDK comes from npm, pinned by package-lock.json here, installed into
// tests/mcp/node_modules by .ci/install-deps.

import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

let Client, StdioClientTransport;
try {
  ({ Client } = await import("@modelcontextprotocol/sdk/client/index.js"));
  ({ StdioClientTransport } = await import("@modelcontextprotocol/sdk/client/stdio.js"));
} catch (e) {
  console.error("the MCP SDK is not installed in tests/mcp/node_modules: run .ci/install-deps");
  throw e;
}

const [strata] = process.argv.slice(2);
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "strata-mcp-"));
process.on("exit", () => fs.rmSync(tmp, { recursive: true, force: true }));
const dir = path.join(tmp, "db");
const transport = new StdioClientTransport({ command: strata, args: ["--db", dir, "mcp"], stderr: "inherit" });
const client = new Client({ name: "strata-ctest", version: "1.0.0" });
await client.connect(transport);

let checks = 0;
const check = (cond, what) => {
  assert.ok(cond, what);
  ++checks;
};

// What the server said about itself.
const info = client.getServerVersion();
check(info.name === "strata", "server name");
check(client.getServerCapabilities().tools !== undefined, "tools capability");

// The tools, each with an object schema.
const { tools } = await client.listTools();
const names = tools.map((t) => t.name).sort();
const expected = [
  "branch_create", "branch_fork", "branch_list", "event_append", "event_get", "event_range",
  "json_get", "json_set", "kv_delete", "kv_get", "kv_list", "kv_put", "kv_scan", "space_create",
  "space_list", "state_cas", "state_get", "state_set", "vector_create_collection",
  "vector_search", "vector_upsert",
];
assert.deepEqual(names, expected);
for (const t of tools) {
  check(t.inputSchema.type === "object", `${t.name}: an object schema`);
  check(typeof t.description === "string" && t.description.length > 0, `${t.name}: described`);
}

// Calls: the result is in structuredContent.result (and as text).
async function call(name, args) {
  const r = await client.callTool({ name, arguments: args });
  assert.ok(!r.isError, `${name} failed: ${JSON.stringify(r.content)}`);
  assert.deepEqual(JSON.parse(r.content[0].text), r.structuredContent.result);
  ++checks;
  return r.structuredContent.result;
}
// A write's answer: its version, and a commit timestamp (microseconds).
async function writes(name, args, version) {
  const r = await call(name, args);
  assert.equal(r.version, version, `${name}: ${JSON.stringify(r)}`);
  assert.ok(r.timestamp > 1.6e15, `${name}: timestamp ${r.timestamp}`);
  return r;
}
async function fails(name, args, kind) {
  const r = await client.callTool({ name, arguments: args });
  assert.equal(r.isError, true, `${name} should fail`);
  assert.equal(r.structuredContent.error.kind, kind, JSON.stringify(r.structuredContent));
  assert.ok(r.content[0].text.startsWith(kind + ": "));
  ++checks;
  return r.structuredContent.error.message;
}

await writes("kv_put", { key: "user:1", value: { name: "Ada", langs: ["en"] } }, 1);
const second = await writes("kv_put", { key: "user:1", value: { name: "Ada", langs: ["en", "fr"] } }, 2);
assert.deepEqual(await call("kv_get", { key: "user:1" }), { name: "Ada", langs: ["en", "fr"] });
assert.equal(await call("kv_get", { key: "missing" }), null);
await writes("kv_put", { key: "note", value: "hello", space: "memory" }, 1);
assert.equal(await call("kv_get", { key: "note" }), null); // another space
assert.equal(await call("kv_get", { key: "note", space: "memory" }), "hello");
assert.deepEqual(await call("kv_list", {}), ["user:1"]);
assert.deepEqual(await call("kv_list", { prefix: "user:", limit: 10 }), ["user:1"]);
const scan = await call("kv_scan", { prefix: "user:" });
assert.deepEqual(scan.items.map((i) => [i.key, i.value, i.version]),
                 [["user:1", { name: "Ada", langs: ["en", "fr"] }, 2]]);
assert.equal(scan.items[0].timestamp, second.timestamp); // the put's own answer
assert.equal(scan.cursor, null);
const page = await call("kv_scan", { limit: 1, space: "memory" });
assert.deepEqual(page.items.map((i) => i.key), ["note"]);
await fails("kv_scan", { limit: 100000 }, "ConstraintViolation");
const deleted = await writes("kv_delete", { key: "user:1" }, 3);
assert.ok(deleted.timestamp > second.timestamp);
assert.deepEqual(await call("kv_delete", { key: "user:1" }), { version: 0, timestamp: 0 });
assert.equal(await call("kv_get", { key: "user:1" }), null);

await writes("event_append", { type: "tool_call", payload: { tool: "weather" } }, 1);
await writes("event_append", { type: "note", payload: { n: 2 } }, 2);
const e1 = await call("event_get", { sequence: 1 });
assert.equal(e1.type, "tool_call");
assert.deepEqual(e1.payload, { tool: "weather" });
const range = await call("event_range", { from: 1, limit: 10 });
assert.deepEqual(range.map((e) => e.sequence), [1, 2]);

await writes("state_set", { cell: "leader", value: "agent-1" }, 1);
const cell = await call("state_get", { cell: "leader" });
assert.equal(cell.value, "agent-1");
assert.equal(cell.version, 1);
const won = await call("state_cas", { cell: "leader", expected: 1, value: "agent-2" });
assert.deepEqual([won.swapped, won.version], [true, 2]);
const lost = await call("state_cas", { cell: "leader", expected: 1, value: "agent-3" });
assert.equal(lost.swapped, false);
assert.equal(lost.current.value, "agent-2"); // the cell as the check found it
const created = await call("state_cas", { cell: "lock", expected: null, value: "me" });
assert.equal(created.swapped, true);

await writes("json_set", { key: "profile", path: "$.name", value: "Ada" }, 1);
await writes("json_set", { key: "profile", path: "$.tags", value: ["x"] }, 2);
assert.deepEqual(await call("json_get", { key: "profile" }), { name: "Ada", tags: ["x"] });
assert.equal(await call("json_get", { key: "profile", path: "$.tags[0]" }), "x");

assert.equal(await call("vector_create_collection", { name: "docs", dimension: 2 }), 1);
await call("vector_upsert", { collection: "docs", key: "a", embedding: [1, 0], metadata: { tag: "x" } });
await call("vector_upsert", { collection: "docs", key: "b", embedding: [0, 1], metadata: { tag: "y" } });
const hits = await call("vector_search", { collection: "docs", query: [1, 0.1], k: 2 });
assert.deepEqual(hits.map((h) => h.key), ["a", "b"]);
const filtered = await call("vector_search", {
  collection: "docs", query: [1, 0], k: 5, filter: { tag: { eq: "y" } },
});
assert.deepEqual(filtered.map((h) => h.key), ["b"]);

assert.deepEqual(await call("space_list", {}), ["default", "memory"]);
assert.equal(await call("space_create", { name: "scratch" }), "OK");
assert.deepEqual(await call("space_list", {}), ["default", "memory", "scratch"]);
assert.equal(await call("branch_create", { name: "exp" }), "OK");
const fork = await call("branch_fork", { dest: "exp2" });
assert.equal(fork.destination, "exp2");
assert.deepEqual(await call("branch_list", {}), ["default", "exp", "exp2"]);
await writes("kv_put", { key: "k", value: 1, branch: "exp2" }, 1);
assert.equal(await call("kv_get", { key: "k" }), null); // branches are isolated

// Bad input: a tool error naming what was wrong, and nothing changed.
await call("kv_put", { key: "kept", value: "v" });
await fails("kv_put", { key: "", value: 1 }, "InvalidInput");
await fails("kv_put", { key: "kept" }, "InvalidInput"); // no value
await fails("kv_put", { key: 7, value: 1 }, "InvalidInput");
await fails("kv_put", { key: "kept", value: 1, space: "Bad Space" }, "InvalidInput");
await fails("kv_get", { key: "kept", branch: "nope", as_of: -1 }, "InvalidInput");
await fails("state_cas", { cell: "leader", value: 1 }, "InvalidInput"); // no expected
await fails("event_append", { type: "t", payload: [1, 2] }, "InvalidInput");
await fails("vector_upsert", { collection: "docs", key: "c", embedding: [1, 0, 0] }, "DimensionMismatch");
await fails("vector_search", { collection: "nope", query: [1, 0] }, "CollectionNotFound");
await fails("vector_search", { collection: "docs", query: [1, 0], filter: { tag: { near: 1 } } }, "InvalidInput");
await fails("branch_create", { name: "exp" }, "BranchExists");
assert.equal(await call("kv_get", { key: "kept" }), "v");
assert.deepEqual((await call("kv_list", {})).sort(), ["kept"]);
assert.equal((await call("event_range", {})).length, 2);

// Resources: one per space of the default branch, read as a JSON summary.
check(client.getServerCapabilities().resources !== undefined, "resources capability");
const { resources } = await client.listResources();
assert.deepEqual(resources.map((r) => r.uri),
                 ["strata://default/default", "strata://default/memory", "strata://default/scratch"]);
const read = await client.readResource({ uri: "strata://default/default" });
const summary = JSON.parse(read.contents[0].text);
assert.equal(read.contents[0].mimeType, "application/json");
assert.deepEqual(summary.kv.items.map((i) => i.key), ["kept"]);
assert.equal(summary.events, 2);
assert.deepEqual(summary.state_cells, ["leader", "lock"]);
assert.deepEqual(summary.json_documents.keys, ["profile"]);
assert.deepEqual(summary.vector_collections.map((c) => c.name), ["docs"]);
++checks;
await assert.rejects(client.readResource({ uri: "strata://default/nope" }), /no such space/);
await assert.rejects(client.readResource({ uri: "http://x" }), /unknown resource/);

// An unknown tool is a protocol error.
await assert.rejects(client.callTool({ name: "drop_everything", arguments: {} }), /unknown tool/);

await client.close();
console.log(`mcp: ${tools.length} tools, ${checks} checks passed`);
