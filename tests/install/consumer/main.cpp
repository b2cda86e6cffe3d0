// An outside program built against the installed package: opens a database,
// writes and reads back one key, and fails loudly otherwise.
#include <iostream>

#include <strata/strata.hpp>

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: consumer DB_DIR\n";
    return 2;
  }
  auto db = strata::Strata::open(argv[1]);
  if (!db) {
    std::cerr << strata::describe(db.error()) << "\n";
    return 1;
  }
  auto v = db->kv_put("greeting", "hello from an installed strata");
  auto got = db->kv_get("greeting");
  if (!v || *v != 1 || !got || !*got || **got != strata::Value{"hello from an installed strata"}) {
    std::cerr << "round trip through the installed library failed\n";
    return 1;
  }
  std::cout << "consumer ok: " << (*got)->to_json() << "\n";
  return 0;
}
