#pragma once

// What a supervisor that crashed leaves behind: its children, told to stop
// but still running until that message arrives, and holding their stores
// until they are down. The crashed supervisor's own supervisor starts it
// again only once they are down (a second owner of the same LevelDB
// directory would not open). Thread-safe: filled by the dying actor's
// state, taken by its supervisor.

#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace strata::actors {

template <class Handle>
class Orphans {
 public:
  void leave(std::string name, Handle child) {
    std::lock_guard<std::mutex> lock(mtx_);
    children_.emplace_back(std::move(name), std::move(child));
  }

  std::vector<std::pair<std::string, Handle>> take() {
    std::lock_guard<std::mutex> lock(mtx_);
    return std::exchange(children_, {});
  }

 private:
  std::mutex mtx_;
  std::vector<std::pair<std::string, Handle>> children_;
};

}  // namespace strata::actors
