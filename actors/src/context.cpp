#include "strata/actors/context.hpp"

#include <openssl/evp.h>

namespace strata::actors {

namespace {

// Escaped names longer than this are shortened: a file name holds at most
// 255 bytes, and a branch name of 255 bytes may escape to three times that.
constexpr size_t max_component = 160;

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
  if (out.size() <= max_component)
    return out;
  // A readable prefix and the SHA-256 of the whole name: distinct names get
  // distinct directories. The name itself lives in the branch's BRANCH
  // file; nothing decodes it from the directory.
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(name.data(), name.size(), md, &len, EVP_sha256(), nullptr);
  size_t keep = max_component - 1 - 2 * len;
  if (out[keep - 1] == '%')  // never cut an escape %XX in two
    keep -= 1;
  else if (out[keep - 2] == '%')
    keep -= 2;
  out.resize(keep);
  out.push_back('~');
  for (unsigned int i = 0; i < len; ++i) {
    out.push_back(hex[md[i] >> 4]);
    out.push_back(hex[md[i] & 15]);
  }
  return out;
}

}  // namespace

void BranchClocks::publish(const std::string& branch, std::shared_ptr<store::CommitClock> clock) {
  std::lock_guard<std::mutex> guard{mtx_};
  clocks_[branch] = std::move(clock);
}

void BranchClocks::withdraw(const std::string& branch, const store::CommitClock* clock) {
  std::lock_guard<std::mutex> guard{mtx_};
  if (auto it = clocks_.find(branch); it != clocks_.end() && it->second.get() == clock)
    clocks_.erase(it);
}

std::shared_ptr<const store::CommitClock> BranchClocks::find(const std::string& branch) const {
  std::lock_guard<std::mutex> guard{mtx_};
  if (auto it = clocks_.find(branch); it != clocks_.end())
    return it->second;
  return nullptr;
}

std::string DatabaseContext::branch_dir(const std::string& branch) const {
  return root + "/branches/" + path_component(branch);
}

std::string DatabaseContext::space_dir(const std::string& branch, const std::string& space) const {
  // Space names are already restricted to [a-z0-9_-].
  return branch_dir(branch) + "/spaces/" + space;
}

}  // namespace strata::actors
