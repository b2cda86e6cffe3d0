// agent_memory — one agent's memory organised by space (seed: "Agent Memory
// Organization"): conversation turns, tool results and user context each in
// a space of their own, read back after reopening the database.
//
// Run: ./build/examples/agent_memory [DB_DIR]   (default ./.strata-agent)

#include <iostream>

#include <strata/strata.hpp>

using strata::Strata;
using strata::Value;

namespace {

bool report(const caf::error& err, const char* what) {
  std::cerr << what << ": " << strata::describe(err) << "\n";
  return false;
}

bool remember(const std::string& dir) {
  auto db = Strata::open(dir);
  if (!db)
    return report(db.error(), "open");
  // Conversation turns as numbered keys (the event log takes over with the
  // primitives issue).
  if (auto r = db->set_space("conversations"); !r)
    return report(r.error(), "set_space");
  for (auto [key, json] : {std::pair{"turn:001", R"({"role":"user","content":"What's the weather?"})"},
                           std::pair{"turn:002", R"({"role":"tool_call","tool":"weather_api"})"}}) {
    auto value = Value::from_json(json);
    if (!value)
      return report(value.error(), "from_json");
    if (auto r = db->kv_put(key, std::move(*value)); !r)
      return report(r.error(), "kv_put");
  }
  if (auto r = db->set_space("tool-results"); !r)
    return report(r.error(), "set_space");
  if (auto r = db->kv_put("weather_api:call_1", strata::Object{{"temp", 72}, {"conditions", "sunny"}}); !r)
    return report(r.error(), "kv_put");
  if (auto r = db->set_space("user-context"); !r)
    return report(r.error(), "set_space");
  if (auto r = db->kv_put("preferences", strata::Object{{"units", "fahrenheit"}}); !r)
    return report(r.error(), "kv_put");
  return true;
}

bool recall(const std::string& dir) {
  auto db = Strata::open(dir);
  if (!db)
    return report(db.error(), "reopen");
  auto spaces = db->list_spaces();
  if (!spaces)
    return report(spaces.error(), "list_spaces");
  for (const auto& space : *spaces) {
    if (auto r = db->set_space(space); !r)
      return report(r.error(), "set_space");
    auto keys = db->kv_list();
    if (!keys)
      return report(keys.error(), "kv_list");
    std::cout << "[" << space << "] " << keys->size() << " keys\n";
    for (const auto& key : *keys) {
      auto v = db->kv_get(key);
      if (!v)
        return report(v.error(), "kv_get");
      std::cout << "  " << key << " = " << (*v ? (*v)->to_json() : "(nil)") << "\n";
    }
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  std::string dir = argc > 1 ? argv[1] : "./.strata-agent";
  return remember(dir) && recall(dir) ? 0 : 1;
}
