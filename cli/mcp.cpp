// `strata mcp`: see mcp.hpp.
//
// Every tool builds one strata::Command from its JSON arguments and runs it
// with Strata::execute; its output becomes the call's result. Arguments are
// checked before anything runs: a bad one gives a tool error (isError) and
// changes nothing. Protocol errors (bad JSON, an unknown method or tool) are
// JSON-RPC errors.

#include "mcp.hpp"

#include <functional>
#include <iostream>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <strata/command.hpp>

namespace strata::cli {

namespace {

using json = nlohmann::json;

/// The protocol versions this server speaks; the client's is echoed when it
/// is one of them, else the newest is offered.
const char* const protocol_versions[] = {"2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05"};

/// A request too large to be a tool call is refused before it is parsed.
constexpr size_t max_message_bytes = 64u << 20;

/// A bad argument: the tool call fails with InvalidInput, nothing runs.
struct BadArgument {
  std::string message;
};

Value to_value(const json& j) {
  auto v = Value::from_json(j.dump());
  if (!v)
    throw BadArgument{message_of(v.error())};
  return std::move(*v);
}

json from_value(const Value& v) {
  return json::parse(v.to_json());
}

/// One call's arguments, read with the checks every tool shares.
class Args {
 public:
  Args(const json& j, Target defaults) : j_(j), at_(std::move(defaults)) {
    if (!j_.is_object())
      throw BadArgument{"arguments must be an object"};
    if (auto b = opt_str("branch"))
      at_.branch = *b;
    if (auto s = opt_str("space"))
      at_.space = *s;
  }
  const Target& at() const { return at_; }
  bool has(const char* name) const { return j_.contains(name); }

  std::string str(const char* name) const {
    auto v = opt_str(name);
    if (!v)
      throw BadArgument{std::string("missing argument '") + name + "' (a string)"};
    return *v;
  }
  std::optional<std::string> opt_str(const char* name) const {
    auto it = j_.find(name);
    if (it == j_.end() || it->is_null())
      return std::nullopt;
    if (!it->is_string())
      throw BadArgument{std::string("argument '") + name + "' must be a string"};
    return it->get<std::string>();
  }
  std::optional<uint64_t> opt_u64(const char* name) const {
    auto it = j_.find(name);
    if (it == j_.end() || it->is_null())
      return std::nullopt;
    if (!it->is_number_unsigned() && !(it->is_number_integer() && it->get<int64_t>() >= 0))
      throw BadArgument{std::string("argument '") + name + "' must be an integer >= 0"};
    return it->get<uint64_t>();
  }
  uint64_t u64(const char* name) const {
    auto v = opt_u64(name);
    if (!v)
      throw BadArgument{std::string("missing argument '") + name + "' (an integer)"};
    return *v;
  }
  Value value(const char* name) const {
    auto it = j_.find(name);
    if (it == j_.end())
      throw BadArgument{std::string("missing argument '") + name + "'"};
    return to_value(*it);
  }
  std::optional<Value> opt_value(const char* name) const {
    auto it = j_.find(name);
    if (it == j_.end() || it->is_null())
      return std::nullopt;
    return to_value(*it);
  }
  std::vector<float> floats(const char* name) const {
    auto it = j_.find(name);
    if (it == j_.end() || !it->is_array())
      throw BadArgument{std::string("argument '") + name + "' must be an array of numbers"};
    std::vector<float> out;
    out.reserve(it->size());
    for (const auto& x : *it) {
      if (!x.is_number())
        throw BadArgument{std::string("argument '") + name + "' must hold numbers only"};
      out.push_back(x.get<float>());
    }
    return out;
  }

 private:
  const json& j_;
  Target at_;
};

// -- outputs as JSON ------------------------------------------------------------------

json versioned(const VersionedValue& v) {
  return {{"value", from_value(v.value)}, {"version", v.version}, {"timestamp", v.timestamp}};
}
json event(const Event& e) {
  return {{"sequence", e.sequence}, {"type", e.type}, {"payload", from_value(e.payload)},
          {"timestamp", e.timestamp}};
}

struct OutputJson {
  json operator()(const std::monostate&) const { return "OK"; }
  json operator()(bool b) const { return b; }
  json operator()(uint64_t n) const { return n; }
  json operator()(const std::optional<uint64_t>& n) const { return n ? json(*n) : json(); }
  json operator()(const std::optional<Value>& v) const { return v ? from_value(*v) : json(); }
  json operator()(const std::optional<VersionedValue>& v) const {
    return v ? versioned(*v) : json();
  }
  json operator()(const std::vector<std::string>& xs) const { return xs; }
  json operator()(const std::optional<Event>& e) const { return e ? event(*e) : json(); }
  json operator()(const std::vector<Event>& es) const {
    json out = json::array();
    for (const auto& e : es)
      out.push_back(event(e));
    return out;
  }
  json operator()(const WriteInfo& w) const {
    return {{"version", w.version}, {"timestamp", w.timestamp}};
  }
  json operator()(const CasOutcome& c) const {
    return {{"swapped", c.swapped},
            {"version", c.version},
            {"timestamp", c.timestamp},
            {"current", c.current ? versioned(*c.current) : json()}};
  }
  json operator()(const std::vector<VectorMatch>& ms) const {
    json out = json::array();
    for (const auto& m : ms)
      out.push_back({{"key", m.key},
                     {"score", m.score},
                     {"metadata", m.metadata ? from_value(*m.metadata) : json()}});
    return out;
  }
  json operator()(const ScanPage& p) const {
    json items = json::array();
    for (const auto& kv : p.items)
      items.push_back({{"key", kv.key},
                       {"value", from_value(kv.value)},
                       {"version", kv.version},
                       {"timestamp", kv.timestamp}});
    return {{"items", std::move(items)}, {"cursor", p.cursor ? json(*p.cursor) : json()}};
  }
  json operator()(const JsonListPage& p) const {
    return {{"keys", p.keys}, {"cursor", p.cursor ? json(*p.cursor) : json()}};
  }
  json operator()(const std::vector<CollectionInfo>& cs) const {
    json out = json::array();
    for (const auto& c : cs)
      out.push_back({{"name", c.name},
                     {"dimension", c.dimension},
                     {"metric", to_string(c.metric)},
                     {"count", c.count}});
    return out;
  }
  json operator()(const ForkInfo& f) const {
    return {{"source", f.source}, {"destination", f.destination},
            {"spaces_copied", f.spaces_copied}, {"entries_copied", f.entries_copied}};
  }
  /// Outputs no tool produces.
  template <class T>
  json operator()(const T&) const {
    return "(output)";
  }
};

// -- the tools ------------------------------------------------------------------------

/// JSON Schema of the arguments every tool takes besides its own.
json with_target(json properties, std::vector<std::string> required) {
  properties["branch"] = {{"type", "string"}, {"description", "branch (default: \"default\")"}};
  properties["space"] = {{"type", "string"}, {"description", "space (default: \"default\")"}};
  json schema = {{"type", "object"}, {"properties", std::move(properties)}};
  if (!required.empty())
    schema["required"] = std::move(required);
  return schema;
}

const json any_value = json::object({{"description", "any JSON value"}});
json string_prop(const char* what) {
  return {{"type", "string"}, {"description", what}};
}
json int_prop(const char* what) {
  return {{"type", "integer"}, {"minimum", 0}, {"description", what}};
}

struct Tool {
  std::string name;
  std::string description;
  json schema;
  std::function<Command(const Args&)> command;
};

std::vector<Tool> make_tools() {
  using namespace cmd;
  std::vector<Tool> t;
  t.push_back({"kv_get", "Read a key's current value (null when absent), or as of a time.",
               with_target({{"key", string_prop("the key")},
                            {"as_of", int_prop("microseconds since the epoch: time travel")}},
                           {"key"}),
               [](const Args& a) -> Command {
                 if (auto t = a.opt_u64("as_of"))
                   return KvGetAt{a.at(), a.str("key"), *t};
                 return KvGet{a.at(), a.str("key")};
               }});
  t.push_back({"kv_put", "Create or overwrite a key; returns {version, timestamp}: its new "
               "version and commit timestamp (usable as as_of for reads back in time).",
               with_target({{"key", string_prop("the key")}, {"value", any_value}},
                           {"key", "value"}),
               [](const Args& a) -> Command { return KvPut{a.at(), a.str("key"), a.value("value")}; }});
  t.push_back({"kv_delete", "Delete a key; returns the deletion's {version, timestamp}, "
               "both 0 when the key did not exist.",
               with_target({{"key", string_prop("the key")}}, {"key"}),
               [](const Args& a) -> Command { return KvDelete{a.at(), a.str("key")}; }});
  t.push_back({"kv_list", "Live keys in order, by prefix, one page after a cursor key.",
               with_target({{"prefix", string_prop("key prefix")},
                            {"cursor", string_prop("list keys after this one")},
                            {"limit", int_prop("at most this many (default 100)")}},
                           {}),
               [](const Args& a) -> Command {
                 ListOptions opts{a.opt_str("prefix").value_or(""), a.opt_str("cursor"),
                                  a.opt_u64("limit").value_or(100)};
                 return KvListPage{a.at(), std::move(opts)};
               }});
  t.push_back({"kv_scan",
               "Live keys with their values, in order, by prefix, one page after a cursor key "
               "(the page's cursor is null when no more remain).",
               with_target({{"prefix", string_prop("key prefix")},
                            {"cursor", string_prop("scan keys after this one")},
                            {"limit", int_prop("at most this many (default 100, at most 10000)")},
                            {"as_of", int_prop("microseconds since the epoch: time travel")}},
                           {}),
               [](const Args& a) -> Command {
                 ListOptions opts{a.opt_str("prefix").value_or(""), a.opt_str("cursor"),
                                  a.opt_u64("limit").value_or(100)};
                 if (auto t = a.opt_u64("as_of"))
                   return KvScanAt{a.at(), std::move(opts), *t};
                 return KvScan{a.at(), std::move(opts)};
               }});
  t.push_back({"event_append", "Append an event (payload: a JSON object); returns "
               "{version: its sequence, timestamp}.",
               with_target({{"type", string_prop("event type")},
                            {"payload", {{"type", "object"}, {"description", "event payload"}}}},
                           {"type", "payload"}),
               [](const Args& a) -> Command {
                 return EventAppend{a.at(), a.str("type"), a.value("payload")};
               }});
  t.push_back({"event_get", "One event by sequence number (null when out of range).",
               with_target({{"sequence", int_prop("sequence number, from 1")}}, {"sequence"}),
               [](const Args& a) -> Command { return EventGetRecord{a.at(), a.u64("sequence")}; }});
  t.push_back({"event_range", "Events by sequence, from..to inclusive, at most limit.",
               with_target({{"from", int_prop("first sequence (default 1)")},
                            {"to", int_prop("last sequence (default: the last)")},
                            {"limit", int_prop("at most this many (default 100)")}},
                           {}),
               [](const Args& a) -> Command {
                 uint64_t limit = a.opt_u64("limit").value_or(100);
                 if (limit == 0 || limit > max_scan_limit)
                   throw BadArgument{"limit must be 1 to " + std::to_string(max_scan_limit)};
                 return EventRange{a.at(), a.opt_u64("from").value_or(1), a.opt_u64("to").value_or(0),
                                   limit};
               }});
  t.push_back({"state_get", "A state cell's value with its version (null when absent).",
               with_target({{"cell", string_prop("cell name")}}, {"cell"}),
               [](const Args& a) -> Command { return StateGetVersioned{a.at(), a.str("cell")}; }});
  t.push_back({"state_set", "Set a state cell unconditionally; returns its new {version, timestamp}.",
               with_target({{"cell", string_prop("cell name")}, {"value", any_value}},
                           {"cell", "value"}),
               [](const Args& a) -> Command { return StateSet{a.at(), a.str("cell"), a.value("value")}; }});
  t.push_back({"state_cas",
               "Compare-and-swap a state cell on its version (expected null: only if absent). "
               "A miss writes nothing and returns the cell as it is.",
               with_target({{"cell", string_prop("cell name")},
                            {"expected", {{"type", json::array({"integer", "null"})},
                                          {"description", "expected version, or null for absent"}}},
                            {"value", any_value}},
                           {"cell", "expected", "value"}),
               [](const Args& a) -> Command {
                 if (!a.has("expected"))
                   throw BadArgument{"missing argument 'expected' (a version, or null for absent)"};
                 return StateCasDetailed{a.at(), a.str("cell"), a.opt_u64("expected"), a.value("value")};
               }});
  t.push_back({"json_get", "The value at a JSONPath of a document (null when missing).",
               with_target({{"key", string_prop("document key")},
                            {"path", string_prop("JSONPath, default \"$\"")}},
                           {"key"}),
               [](const Args& a) -> Command {
                 return JsonGet{a.at(), a.str("key"), a.opt_str("path").value_or("$")};
               }});
  t.push_back({"json_set", "Set a value at a JSONPath of a document; returns the document's "
               "new {version, timestamp}.",
               with_target({{"key", string_prop("document key")},
                            {"path", string_prop("JSONPath, e.g. \"$.name\"")},
                            {"value", any_value}},
                           {"key", "path", "value"}),
               [](const Args& a) -> Command {
                 return JsonSet{a.at(), a.str("key"), a.str("path"), a.value("value")};
               }});
  t.push_back({"vector_create_collection", "Create a vector collection.",
               with_target({{"name", string_prop("collection name")},
                            {"dimension", int_prop("vector dimension")},
                            {"metric", {{"type", "string"},
                                        {"enum", json::array({"cosine", "euclidean", "dot_product"})}}}},
                           {"name", "dimension"}),
               [](const Args& a) -> Command {
                 auto metric = parse_metric(a.opt_str("metric").value_or("cosine"));
                 if (!metric)
                   throw BadArgument{message_of(metric.error())};
                 return VectorCreateCollection{a.at(), a.str("name"), a.u64("dimension"), *metric,
                                               IndexKind::Auto};
               }});
  t.push_back({"vector_upsert", "Insert or replace a vector with optional metadata; returns its "
               "new {version, timestamp}.",
               with_target({{"collection", string_prop("collection name")},
                            {"key", string_prop("vector key")},
                            {"embedding", {{"type", "array"}, {"items", {{"type", "number"}}}}},
                            {"metadata", any_value}},
                           {"collection", "key", "embedding"}),
               [](const Args& a) -> Command {
                 return cmd::VectorUpsert{a.at(), a.str("collection"), a.str("key"),
                                          a.floats("embedding"), a.opt_value("metadata")};
               }});
  t.push_back({"vector_search",
               "The k most similar vectors, best first, optionally filtered on metadata "
               "({\"field\": {\"eq\": value}} or [{\"field\", \"op\", \"value\"}]).",
               with_target({{"collection", string_prop("collection name")},
                            {"query", {{"type", "array"}, {"items", {{"type", "number"}}}}},
                            {"k", int_prop("how many (default 10)")},
                            {"filter", any_value}},
                           {"collection", "query"}),
               [](const Args& a) -> Command {
                 MetadataFilter filter;
                 if (auto f = a.opt_value("filter")) {
                   auto parsed = MetadataFilter::from_value(*f);
                   if (!parsed)
                     throw BadArgument{message_of(parsed.error())};
                   filter = std::move(*parsed);
                 }
                 return VectorSearch{a.at(), a.str("collection"), a.floats("query"),
                                     a.opt_u64("k").value_or(10), std::move(filter)};
               }});
  t.push_back({"space_list", "The spaces of a branch.", with_target({}, {}),
               [](const Args& a) -> Command { return ListSpaces{a.at()}; }});
  t.push_back({"space_create", "Register a space without writing data.",
               with_target({{"name", string_prop("space name: [a-z][a-z0-9_-]*")}}, {"name"}),
               [](const Args& a) -> Command { return CreateSpace{a.at(), a.str("name")}; }});
  t.push_back({"branch_list", "Every branch.", with_target({}, {}),
               [](const Args& a) -> Command { return ListBranches{a.at()}; }});
  t.push_back({"branch_create", "Create an empty branch.",
               with_target({{"name", string_prop("branch name")}}, {"name"}),
               [](const Args& a) -> Command { return CreateBranch{a.at(), a.str("name")}; }});
  t.push_back({"branch_fork",
               "Copy a branch (the `branch` argument, default \"default\") with its history "
               "into a new branch.",
               with_target({{"dest", string_prop("the new branch")}}, {"dest"}),
               [](const Args& a) -> Command { return ForkBranch{a.at(), a.str("dest")}; }});
  return t;
}

// -- JSON-RPC -------------------------------------------------------------------------

json rpc_error(const json& id, int code, const std::string& message) {
  return {{"jsonrpc", "2.0"}, {"id", id}, {"error", {{"code", code}, {"message", message}}}};
}

json rpc_result(const json& id, json result) {
  return {{"jsonrpc", "2.0"}, {"id", id}, {"result", std::move(result)}};
}

json tool_error(errc kind, const std::string& message) {
  std::string text = std::string(to_string(kind)) + ": " + message;
  return {{"content", json::array({{{"type", "text"}, {"text", text}}})},
          {"structuredContent", {{"error", {{"kind", to_string(kind)}, {"message", message}}}}},
          {"isError", true}};
}

class Server {
 public:
  Server(Strata db, Target defaults)
      : db_(std::move(db)), defaults_(std::move(defaults)), tools_(make_tools()) {
    for (size_t i = 0; i < tools_.size(); ++i)
      by_name_[tools_[i].name] = i;
  }

  /// The answer to one message; null for a notification.
  json handle(const json& msg) {
    if (!msg.is_object() || msg.value("jsonrpc", "") != "2.0" || !msg.contains("method") ||
        !msg["method"].is_string())
      return rpc_error(msg.is_object() && msg.contains("id") ? msg["id"] : json(), -32600,
                       "invalid request: a JSON-RPC 2.0 object with a method is expected");
    const auto method = msg["method"].get<std::string>();
    if (!msg.contains("id"))
      return nullptr;  // a notification (notifications/initialized, cancelled, ...)
    const json& id = msg["id"];
    const json params = msg.value("params", json::object());
    if (method == "initialize")
      return rpc_result(id, initialize(params));
    if (method == "ping")
      return rpc_result(id, json::object());
    if (method == "tools/list")
      return rpc_result(id, {{"tools", list_tools()}});
    if (method == "resources/list")
      return resources_list(id);
    if (method == "resources/read")
      return resources_read(id, params);
    if (method == "tools/call") {
      if (!params.is_object() || !params.contains("name") || !params["name"].is_string())
        return rpc_error(id, -32602, "tools/call needs a tool name");
      auto it = by_name_.find(params["name"].get<std::string>());
      if (it == by_name_.end())
        return rpc_error(id, -32602, "unknown tool '" + params["name"].get<std::string>() + "'");
      return rpc_result(id, call(tools_[it->second], params.value("arguments", json::object())));
    }
    return rpc_error(id, -32601, "method not found: " + method);
  }

 private:
  json initialize(const json& params) {
    std::string version = protocol_versions[0];
    if (params.is_object() && params.contains("protocolVersion") &&
        params["protocolVersion"].is_string())
      for (const char* v : protocol_versions)
        if (params["protocolVersion"] == v)
          version = v;
    return {{"protocolVersion", version},
            {"capabilities", {{"tools", json::object()}, {"resources", json::object()}}},
            {"serverInfo", {{"name", "strata"}, {"version", STRATA_VERSION}}},
            {"instructions",
             "Strata: an agent's memory. Each tool call is one atomic operation on a branch "
             "and space (arguments `branch`, `space`; default \"default\"). Writes are "
             "versioned; kv_get takes as_of (µs) for time travel."}};
  }

  // -- resources: one per space of the default branch -------------------------------

  static std::string uri_of(const std::string& branch, const std::string& space) {
    return "strata://" + branch + "/" + space;
  }

  json resources_list(const json& id) {
    auto spaces = db_.execute(cmd::ListSpaces{defaults_});
    if (!spaces)
      return rpc_error(id, -32603, describe(spaces.error()));
    json out = json::array();
    for (const auto& s : std::get<std::vector<std::string>>(*spaces))
      out.push_back({{"uri", uri_of(defaults_.branch, s)},
                     {"name", defaults_.branch + "/" + s},
                     {"description", "space \"" + s + "\" of branch \"" + defaults_.branch +
                                         "\": its first keys with values, event count, state "
                                         "cells, documents and vector collections"},
                     {"mimeType", "application/json"}});
    return rpc_result(id, {{"resources", std::move(out)}});
  }

  /// A space's summary, read through commands (each one read, not one
  /// snapshot of the whole space).
  json resources_read(const json& id, const json& params) {
    if (!params.is_object() || !params.contains("uri") || !params["uri"].is_string())
      return rpc_error(id, -32602, "resources/read needs a uri");
    const auto uri = params["uri"].get<std::string>();
    const std::string scheme = "strata://";
    auto slash = uri.find('/', scheme.size());
    if (uri.compare(0, scheme.size(), scheme) != 0 || slash == std::string::npos)
      return rpc_error(id, -32002, "unknown resource '" + uri + "' (strata://BRANCH/SPACE)");
    Target at{uri.substr(scheme.size(), slash - scheme.size()), uri.substr(slash + 1), 0};
    auto exists = db_.execute(cmd::SpaceExists{at, at.space});
    if (!exists || !std::get<bool>(*exists))
      return rpc_error(id, -32002, "unknown resource '" + uri + "': no such space");
    json summary = {{"branch", at.branch}, {"space", at.space}};
    auto put = [&](const char* name, const Command& c) {
      auto r = db_.execute(c);
      summary[name] = r ? std::visit(OutputJson{}, *r) : json(describe(r.error()));
    };
    put("kv", cmd::KvScan{at, ListOptions{"", std::nullopt, 100}});
    put("events", cmd::EventLen{at});
    put("state_cells", cmd::StateList{at, std::nullopt});
    put("json_documents", cmd::JsonList{at, std::nullopt, std::nullopt, 100});
    put("vector_collections", cmd::VectorListCollections{at});
    return rpc_result(id, {{"contents", json::array({{{"uri", uri},
                                                      {"mimeType", "application/json"},
                                                      {"text", summary.dump(-1, ' ', false,
                                                                            json::error_handler_t::replace)}}})}});
  }

  json list_tools() const {
    json out = json::array();
    for (const auto& t : tools_)
      out.push_back({{"name", t.name}, {"description", t.description}, {"inputSchema", t.schema}});
    return out;
  }

  json call(const Tool& tool, const json& arguments) {
    std::optional<Command> c;
    try {
      Args args(arguments, defaults_);
      c = tool.command(args);
    } catch (const BadArgument& bad) {
      return tool_error(errc::InvalidInput, bad.message);
    } catch (const json::exception& bad) {
      return tool_error(errc::InvalidInput, std::string("bad arguments: ") + bad.what());
    }
    auto r = db_.execute(*c);
    if (!r)
      return tool_error(kind_of(r.error()), message_of(r.error()));
    json result = std::visit(OutputJson{}, *r);
    // Keys are bytes: ones that are not UTF-8 are shown with U+FFFD.
    auto text = result.dump(-1, ' ', false, json::error_handler_t::replace);
    return {{"content", json::array({{{"type", "text"}, {"text", std::move(text)}}})},
            {"structuredContent", {{"result", result}}}};
  }

  Strata db_;
  Target defaults_;
  std::vector<Tool> tools_;
  std::map<std::string, size_t> by_name_;
};

}  // namespace

namespace {

/// Reads one line into `line`, keeping at most `max` bytes of it (the rest
/// is read and dropped, so that no input makes the server allocate without
/// bound). Returns false at the end of the input; sets `too_long`.
bool read_line(std::istream& in, std::string& line, size_t max, bool& too_long) {
  line.clear();
  too_long = false;
  std::istream::sentry ok(in, /*noskipws=*/true);
  if (!ok)
    return false;
  std::streambuf* buf = in.rdbuf();
  for (;;) {
    int c = buf->sbumpc();
    if (c == std::char_traits<char>::eof()) {
      in.setstate(std::ios::eofbit);
      return !line.empty() || too_long;
    }
    if (c == '\n')
      return true;
    if (line.size() < max)
      line.push_back(static_cast<char>(c));
    else
      too_long = true;
  }
}

}  // namespace

int run_mcp(Strata db, const std::string& branch, const std::string& space, std::istream& in,
            std::ostream& out) {
  Server server(std::move(db), Target{branch, space, 0});
  std::string line;
  bool too_long = false;
  while (read_line(in, line, max_message_bytes, too_long)) {
    if (!too_long && (line.empty() || line == "\r"))
      continue;
    json reply;
    if (too_long) {
      reply = rpc_error(nullptr, -32600, "message over 64 MiB");
    } else {
      json msg = json::parse(line, nullptr, /*allow_exceptions=*/false);
      if (msg.is_discarded())
        reply = rpc_error(nullptr, -32700, "parse error: not JSON");
      else
        try {
          reply = server.handle(msg);
        } catch (const json::exception& bad) {  // a member of the wrong type
          json id = msg.is_object() && msg.contains("id") ? msg["id"] : json();
          reply = rpc_error(id, -32600, std::string("invalid request: ") + bad.what());
        }
    }
    if (reply.is_null())
      continue;
    out << reply.dump(-1, ' ', false, json::error_handler_t::replace) << "\n";
    out.flush();
  }
  return 0;
}

}  // namespace strata::cli
