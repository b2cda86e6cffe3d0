#include "strata/actors/context.hpp"

namespace strata::actors {

namespace {

// Branch names may hold characters a file name cannot ('/', control
// characters); escape everything outside a safe set as %XX.
std::string path_component(const std::string& name) {
  static const char hex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : name) {
    bool safe = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                c == '-' || c == '_' || (c == '.' && !out.empty());
    if (safe) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(hex[c >> 4]);
      out.push_back(hex[c & 15]);
    }
  }
  return out;
}

}  // namespace

std::string DatabaseContext::branch_dir(const std::string& branch) const {
  return root + "/branches/" + path_component(branch);
}

std::string DatabaseContext::space_dir(const std::string& branch, const std::string& space) const {
  // Space names are already restricted to [a-z0-9_-].
  return branch_dir(branch) + "/spaces/" + space;
}

}  // namespace strata::actors
