// multi_tenant — one space per tenant (seed: "Multi-Tenant Data"): the same
// key holds each tenant's own configuration, and list_spaces shows them all.
//
// Run: ./build/examples/multi_tenant [DB_DIR]   (default ./.strata-tenants)

#include <iostream>

#include <strata/strata.hpp>

int main(int argc, char** argv) {
  std::string dir = argc > 1 ? argv[1] : "./.strata-tenants";
  auto db = strata::Strata::open(dir);
  if (!db) {
    std::cerr << "open: " << strata::describe(db.error()) << "\n";
    return 1;
  }
  const char* plans[] = {"enterprise", "startup", "enterprise"};
  int i = 0;
  for (const char* tenant : {"acme-corp", "globex", "initech"}) {
    auto switched = db->set_space(tenant);
    auto put = switched ? db->kv_put("config", strata::Object{{"plan", plans[i++]}})
                        : strata::result<uint64_t>{switched.error()};
    if (!put) {
      std::cerr << tenant << ": " << strata::describe(put.error()) << "\n";
      return 1;
    }
  }
  auto spaces = db->list_spaces();
  if (!spaces) {
    std::cerr << "list_spaces: " << strata::describe(spaces.error()) << "\n";
    return 1;
  }
  for (const auto& space : *spaces) {
    if (!db->set_space(space))
      return 1;
    auto config = db->kv_get("config");
    if (!config) {
      std::cerr << "kv_get: " << strata::describe(config.error()) << "\n";
      return 1;
    }
    std::cout << space << ": " << (*config ? (*config)->to_json() : "(no config)") << "\n";
  }
  return 0;
}
