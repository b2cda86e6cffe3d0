// seed_walkthrough — the spaces guide (seed/spaces-guide.md) end to end on
// an embedded database: default space, auto-registration on first write,
// isolation between spaces, naming rules, delete rules and one handle per
// thread.
//
// Run: ./build/examples/seed_walkthrough [DB_DIR]   (default ./.strata)

#include <iostream>
#include <string>
#include <thread>

#include <strata/strata.hpp>

using strata::Strata;
using strata::Value;

namespace {

int failures = 0;

template <class T>
bool ok(const strata::result<T>& r, const char* what) {
  if (r)
    return true;
  std::cerr << what << " failed: " << strata::describe(r.error()) << "\n";
  ++failures;
  return false;
}

void print_spaces(Strata& db) {
  auto spaces = db.list_spaces();
  if (!ok(spaces, "list_spaces"))
    return;
  std::cout << "spaces:";
  for (const auto& s : *spaces)
    std::cout << " " << s;
  std::cout << "\n";
}

}  // namespace

int main(int argc, char** argv) {
  std::string dir = argc > 1 ? argv[1] : "./.strata";
  auto opened = Strata::open(dir);
  if (!ok(opened, "open"))
    return 1;
  Strata& db = *opened;
  std::cout << "opened " << db.path() << " (durability " << strata::to_string(db.durability())
            << "), current space: " << db.current_space() << "\n";

  // Default space.
  ok(db.kv_put("key", "value"), "kv_put");

  // Creating and switching spaces: registered on first write.
  ok(db.set_space("conversations"), "set_space");
  ok(db.kv_put("msg_001", "hello"), "kv_put");
  ok(db.set_space("tool-results"), "set_space");
  ok(db.kv_put("task_42", "done"), "kv_put");
  print_spaces(db);

  // Data isolation between spaces.
  ok(db.set_space("default"), "set_space");
  ok(db.kv_put("config", "default-config"), "kv_put");
  ok(db.set_space("experiments"), "set_space");
  ok(db.kv_put("config", "experiment-config"), "kv_put");
  for (const char* space : {"default", "experiments"}) {
    ok(db.set_space(space), "set_space");
    auto v = db.kv_get("config");
    if (ok(v, "kv_get"))
      std::cout << space << "/config = " << (*v ? (*v)->to_json() : "(nil)") << "\n";
  }

  // Naming rules.
  for (const char* name : {"conversations", "tool-results", "agent_memory_v2", "Conversations",
                           "123-invalid", "", "_system_internal"}) {
    auto r = db.set_space(name);
    std::cout << "set_space(\"" << name << "\"): "
              << (r ? "ok" : strata::describe(r.error())) << "\n";
  }

  // Deleting spaces.
  ok(db.set_space("temp"), "set_space");
  ok(db.kv_put("key", "value"), "kv_put");
  ok(db.set_space("default"), "set_space");
  auto refused = db.delete_space("temp");
  std::cout << "delete_space(temp): " << (refused ? "ok" : strata::describe(refused.error()))
            << "\n";
  ok(db.delete_space_force("temp"), "delete_space_force");
  auto def = db.delete_space("default");
  std::cout << "delete_space(default): " << (def ? "ok" : strata::describe(def.error())) << "\n";
  print_spaces(db);

  // One handle per thread, each with its own current space.
  auto handle_a = db.new_handle();
  auto handle_b = db.new_handle();
  if (!ok(handle_a, "new_handle") || !ok(handle_b, "new_handle"))
    return 1;
  std::cout << "new handles start on: " << handle_a->current_space() << "\n";
  std::thread ta([&] {
    ok(handle_a->set_space("conversations"), "set_space");
    ok(handle_a->kv_put("msg_001", "hello"), "kv_put");
  });
  std::thread tb([&] {
    ok(handle_b->set_space("tool-results"), "set_space");
    ok(handle_b->kv_put("task_42", "done"), "kv_put");
  });
  ta.join();
  tb.join();
  print_spaces(db);
  if (failures > 0) {
    std::cerr << failures << " call(s) failed\n";
    return 1;
  }
  std::cout << "walkthrough complete\n";
  return 0;
}
