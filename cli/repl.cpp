// The interactive shell on libedit's native API (histedit.h). Per-session
// state reaches libedit's callbacks through EL_CLIENTDATA, so nothing here
// is global except the SIGINT flag a signal handler must use.

#include <algorithm>
#include <cerrno>
#include <climits>
#include <clocale>
#include <cwchar>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>
#include <vector>

#include <histedit.h>
#include <unistd.h>

#include "modes.hpp"
#include "tokenizer.hpp"

namespace strata::cli {

namespace {

volatile std::sig_atomic_t interrupted = 0;

extern "C" void on_sigint(int) {
  interrupted = 1;
}

struct ReplState {
  Context* ctx;
  const CommandTable* table;
  std::string prompt;
};

ReplState* state_of(EditLine* el) {
  void* data = nullptr;
  el_get(el, EL_CLIENTDATA, &data);
  return static_cast<ReplState*>(data);
}

extern "C" char* prompt_of(EditLine* el) {
  return state_of(el)->prompt.data();
}

// Candidates for the word being typed, given the words before it.
std::vector<std::string> candidates(const ReplState& s, const std::vector<std::string>& before) {
  const CommandTable& t = *s.table;
  if (before.empty())
    return t.first_words();
  const std::string& first = before[0];
  auto spaces = [&] {
    auto r = s.ctx->db().list_spaces();
    return r ? *r : std::vector<std::string>{};
  };
  auto branches = [&] {
    auto r = s.ctx->branches();
    return r ? *r : std::vector<std::string>{};
  };
  if (before.size() == 1) {
    if (first == "use")
      return branches();
    if (first == "help")
      return t.first_words();
    return t.second_words(first);
  }
  if (before.size() == 2) {
    if (first == "use")
      return spaces();
    if (first == "space" && (before[1] == "use" || before[1] == "del" ||
                             before[1] == "del-force" || before[1] == "exists"))
      return spaces();
    if (first == "branch" && (before[1] == "use" || before[1] == "info" ||
                              before[1] == "get" || before[1] == "del" ||
                              before[1] == "exists"))
      return branches();
    if (first == "help")
      return t.second_words(before[1]);
  }
  return {};
}

extern "C" unsigned char complete(EditLine* el, int) {
  ReplState* s = state_of(el);
  const LineInfo* li = el_line(el);
  std::string upto(li->buffer, li->cursor);
  // The word under the cursor starts after the last blank; the words before
  // it decide what can follow.
  auto blank = upto.find_last_of(" \t");
  std::string word = blank == std::string::npos ? upto : upto.substr(blank + 1);
  std::string head = blank == std::string::npos ? std::string() : upto.substr(0, blank);
  auto before = tokenize(head);
  if (!before)
    return CC_ERROR;
  std::vector<std::string> matches;
  for (auto& c : candidates(*s, *before))
    if (c.compare(0, word.size(), word) == 0)
      matches.push_back(std::move(c));
  if (matches.empty())
    return CC_ERROR;
  if (matches.size() == 1) {
    std::string rest = matches[0].substr(word.size()) + " ";
    return el_insertstr(el, rest.c_str()) == 0 ? CC_REFRESH : CC_ERROR;
  }
  // Extend to the longest common prefix; list the choices when that adds
  // nothing.
  std::string common = matches[0];
  for (const auto& m : matches) {
    size_t n = 0;
    while (n < common.size() && n < m.size() && common[n] == m[n])
      ++n;
    common.resize(n);
  }
  if (common.size() > word.size()) {
    std::string rest = common.substr(word.size());
    return el_insertstr(el, rest.c_str()) == 0 ? CC_REFRESH : CC_ERROR;
  }
  std::cout << '\n';
  for (size_t i = 0; i < matches.size(); ++i)
    std::cout << (i ? "  " : "") << matches[i];
  std::cout << std::endl;
  return CC_REDISPLAY;
}

// Reads one character for libedit. Its own reader retries a read that a
// signal interrupted, so Ctrl-C would only act on the second press; this
// one gives up at once when SIGINT arrived, which ends el_gets().
extern "C" int read_char(EditLine*, wchar_t* out) {
  std::mbstate_t state{};
  char bytes[MB_LEN_MAX];
  size_t n = 0;
  for (;;) {
    if (interrupted)
      return -1;
    ssize_t r = ::read(STDIN_FILENO, bytes + n, 1);
    if (r < 0) {
      if (errno == EINTR)
        continue;
      return -1;
    }
    if (r == 0)
      return 0;
    ++n;
    size_t used = std::mbrtowc(out, bytes, n, &state);
    if (used == static_cast<size_t>(-2) && n < sizeof bytes)
      continue;  // an incomplete multibyte sequence: read on
    if (used == static_cast<size_t>(-1) || used == static_cast<size_t>(-2)) {
      *out = static_cast<unsigned char>(bytes[0]);  // not valid here: pass the byte through
      state = std::mbstate_t{};
    }
    return 1;
  }
}

std::string history_path() {
  const char* home = std::getenv("HOME");
  if (!home || !*home)
    return {};
  return std::string(home) + "/.strata_history";
}

}  // namespace

int run_repl(Context& ctx, const CommandTable& table) {
  // Multibyte (UTF-8) editing needs the terminal's character type; numbers
  // keep the C locale (LC_NUMERIC untouched).
  std::setlocale(LC_CTYPE, "");

  ReplState state{&ctx, &table, ctx.prompt()};
  EditLine* el = el_init("strata", stdin, stdout, stderr);
  ::History* hist = history_init();
  HistEvent ev;
  history(hist, &ev, H_SETSIZE, 1000);
  history(hist, &ev, H_SETUNIQUE, 1);
  std::string hist_file = history_path();
  if (!hist_file.empty())
    history(hist, &ev, H_LOAD, hist_file.c_str());

  el_set(el, EL_CLIENTDATA, &state);
  el_set(el, EL_EDITOR, "emacs");
  el_set(el, EL_PROMPT, prompt_of);
  el_set(el, EL_GETCFN, read_char);
  el_set(el, EL_HIST, history, hist);
  el_set(el, EL_ADDFN, "strata-complete", "complete a command word", complete);
  el_set(el, EL_BIND, "^I", "strata-complete", nullptr);
  el_source(el, nullptr);  // the user's ~/.editrc, if any

  // Ctrl-C abandons the line being edited (or the wait for one) and shows
  // a fresh prompt; without SA_RESTART the blocked read returns EINTR.
  struct sigaction sa {};
  struct sigaction old_sa {};
  sa.sa_handler = on_sigint;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0;
  sigaction(SIGINT, &sa, &old_sa);

  for (;;) {
    state.prompt = ctx.prompt();
    interrupted = 0;
    // Edit mode before the prompt shows: libedit would switch only at its
    // first read, and keys typed in between would meet the cooked terminal
    // (a Ctrl-D there reaches libedit as a NUL byte).
    el_set(el, EL_PREP_TERM, 1);
    int count = 0;
    const char* raw = el_gets(el, &count);
    if (!raw || count <= 0) {
      if (interrupted) {
        std::cout << std::endl;
        el_reset(el);
        continue;
      }
      std::cout << std::endl;  // Ctrl-D
      break;
    }
    std::string line(raw);
    auto chomp = [](std::string& l) {
      while (!l.empty() && (l.back() == '\n' || l.back() == '\r'))
        l.pop_back();
    };
    chomp(line);
    auto first = line.find_first_not_of(" \t");
    if (first == std::string::npos)
      continue;
    // An open quote, bracket or brace goes on on the next line.
    bool abandoned = false;
    while (line[first] != '#' && continues_on_next_line(line)) {
      state.prompt = "...> ";
      el_set(el, EL_PREP_TERM, 1);
      const char* more = el_gets(el, &count);
      if (!more || count <= 0) {  // Ctrl-C or Ctrl-D: the whole entry is dropped
        std::cout << std::endl;
        el_reset(el);
        abandoned = true;
        break;
      }
      std::string next(more);
      chomp(next);
      line += "\n" + next;
    }
    if (abandoned)
      continue;
    history(hist, &ev, H_ENTER, line.c_str());
    if (!hist_file.empty())
      history(hist, &ev, H_SAVE, hist_file.c_str());
    if (line[first] != '#')
      run_line(ctx, table, line);
    std::cout.flush();
    if (ctx.quit_requested())
      break;
  }

  sigaction(SIGINT, &old_sa, nullptr);
  el_end(el);
  history_end(hist);
  ctx.close();
  return 0;
}

}  // namespace strata::cli
