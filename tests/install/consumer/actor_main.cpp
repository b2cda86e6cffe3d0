// An outside actor program built against the installed package: runs a
// database inside its own actor system and writes and reads one key
// through the service actor from an event-based actor.
#include <future>
#include <iostream>

#include <caf/all.hpp>

#include <strata/actor.hpp>

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: actor_consumer DB_DIR\n";
    return 2;
  }
  caf::actor_system_config cfg;
  strata::configure(cfg);
  caf::actor_system sys{cfg};
  auto db = strata::Strata::open(sys, argv[1]);
  if (!db) {
    std::cerr << strata::describe(db.error()) << "\n";
    return 1;
  }
  namespace cmd = strata::cmd;
  std::promise<std::string> got;
  sys.spawn([&got, svc = db->service()](caf::event_based_actor* self) {
    self->request(svc, caf::infinite, strata::Command{cmd::KvPut{{"default", "m"}, "k", 42}})
        .then([=, &got](strata::Output&) {
          self->request(svc, caf::infinite, strata::Command{cmd::KvGet{{"default", "m"}, "k"}})
              .then([&got](strata::Output& out) {
                auto v = std::get<std::optional<strata::Value>>(out);
                got.set_value(v ? v->to_json() : "absent");
              },
                    [&got](caf::error& err) { got.set_value(strata::describe(err)); });
        },
              [&got](caf::error& err) { got.set_value(strata::describe(err)); });
  });
  auto text = got.get_future().get();
  if (text != "42") {
    std::cerr << "round trip through the service failed: " << text << "\n";
    return 1;
  }
  std::cout << "actor consumer ok: " << text << "\n";
  return 0;
}
