// A list-append history checker (after Elle): threads run transactions that
// read lists and append unique numbers to them, across several spaces (so
// most commits are two-phase), and the recorded history is checked for
// - lost, duplicated or aborted (G1a) appends in the final lists;
// - reads that are not a prefix of the final list (inconsistent version
//   order, dirty reads);
// - lost updates: a committed append not right behind the list it read;
// - fractured reads: a transaction that saw one append of a commit and not
//   another it could have seen;
// - read skew through a dependency (G-single of two transactions): a
//   transaction that saw W2, which had seen W1, must see W1 too;
// - stale snapshots (real-time order): a transaction begun after a commit
//   returned must see it, and in particular the same session's own
//   previous commits.
// STRATA_HISTORY_SECONDS sets the length of the run (3 s by default);
// STRATA_HISTORY_DIR runs it on disk in that (fresh) directory instead of
// in memory.

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <map>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "test_util.hpp"

using strata::Session;
using strata::Strata;
using strata::Value;
using strata::errc;

namespace {

constexpr int spaces = 4;
constexpr int keys_per_space = 3;
constexpr int keys = spaces * keys_per_space;
constexpr int threads = 4;

std::string space_of(int key) { return "s" + std::to_string(key / keys_per_space); }
std::string name_of(int key) { return "k" + std::to_string(key % keys_per_space); }

using Clock = std::chrono::steady_clock;

struct Op {
  int key = 0;
  std::vector<int64_t> read;  ///< the list as the transaction read it
  int64_t appended = -1;      ///< the number appended after the read, or -1
};

struct Txn {
  int thread = 0;
  bool committed = false;
  Clock::time_point start;  ///< before begin()
  Clock::time_point end;    ///< after commit() returned
  std::vector<Op> ops;
};

std::vector<int64_t> list_of(const std::optional<Value>& v) {
  std::vector<int64_t> out;
  if (v && v->is_array())
    for (const auto& e : *v->as_array())
      out.push_back(e.is_int() ? *e.as_int() : -1);
  return out;
}

Value value_of(const std::vector<int64_t>& list) {
  strata::Array a;
  for (auto n : list)
    a.emplace_back(n);
  return Value(std::move(a));
}

// One thread's transactions until `deadline`: each reads 1-4 distinct keys
// and appends to about half of them. Conflicts are recorded as aborted
// attempts; any other error fails the test.
std::vector<Txn> run_thread(Session s, int thread, Clock::time_point deadline) {
  std::mt19937 rng(static_cast<unsigned>(thread * 7919 + 17));
  std::vector<Txn> out;
  int64_t counter = 0;
  while (Clock::now() < deadline) {
    Txn t;
    t.thread = thread;
    std::vector<int> order(keys);
    for (int i = 0; i < keys; ++i)
      order[i] = i;
    std::shuffle(order.begin(), order.end(), rng);
    int n = 1 + static_cast<int>(rng() % 4);
    t.start = Clock::now();
    if (!s.begin())
      throw std::runtime_error("begin failed");
    for (int i = 0; i < n; ++i) {
      Op op;
      op.key = order[i];
      if (!s.set_space(space_of(op.key)))
        throw std::runtime_error("set_space failed");
      auto got = s.kv_get(name_of(op.key));
      if (!got)
        throw std::runtime_error("read failed: " + strata::describe(got.error()));
      op.read = list_of(*got);
      if (rng() % 2 == 0) {
        op.appended = static_cast<int64_t>(thread) * 1'000'000'000 + ++counter;
        auto list = op.read;
        list.push_back(op.appended);
        if (!s.kv_put(name_of(op.key), value_of(list)))
          throw std::runtime_error("write failed");
      }
      t.ops.push_back(std::move(op));
    }
    auto c = s.commit();
    t.end = Clock::now();
    if (!c && !strata::is(c.error(), errc::TransactionConflict))
      throw std::runtime_error("commit failed: " + strata::describe(c.error()));
    t.committed = bool(c);
    out.push_back(std::move(t));
  }
  return out;
}

struct Anomalies {
  long lost = 0, duplicated = 0, aborted_seen = 0, unknown_seen = 0;
  long not_prefix = 0, lost_update = 0, fractured = 0, read_skew = 0;
  long stale = 0, own_stale = 0;
  long total() const {
    return lost + duplicated + aborted_seen + unknown_seen + not_prefix + lost_update + fractured +
           read_skew + stale + own_stale;
  }
};

std::ostream& operator<<(std::ostream& os, const Anomalies& a) {
  return os << "lost " << a.lost << ", duplicated " << a.duplicated << ", aborted seen (G1a) "
            << a.aborted_seen << ", unknown seen " << a.unknown_seen << ", read not a prefix "
            << a.not_prefix << ", lost update " << a.lost_update << ", fractured "
            << a.fractured << ", read skew (G-single) " << a.read_skew << ", stale snapshot "
            << a.stale << " (own commit missed " << a.own_stale << ")";
}

class Checker {
 public:
  Checker(const std::vector<Txn>& txns, const std::vector<std::vector<int64_t>>& final_lists)
      : txns_(txns), final_(final_lists) {}

  Anomalies check() {
    index_final_lists();
    check_appends();
    for (size_t r = 0; r < txns_.size(); ++r)
      check_reads(r);
    return found_;
  }

 private:
  struct Append {
    size_t txn;
    size_t pos;  ///< in the final list
  };

  // Commit return times in order, each with the largest final position
  // appended by a commit returned by then.
  struct Frontier {
    std::vector<Clock::time_point> ends;
    std::vector<size_t> max_pos;
    void add(Clock::time_point end, size_t pos) {
      ends.push_back(end);
      max_pos.push_back(max_pos.empty() ? pos : std::max(max_pos.back(), pos));
    }
    // Whether a read of `len` elements begun at `start` holds every append
    // whose commit returned before `start`.
    bool sees_all_before(Clock::time_point start, size_t len) const {
      auto n = std::lower_bound(ends.begin(), ends.end(), start) - ends.begin();
      return n == 0 || max_pos[n - 1] < len;
    }
  };

  // Who appended each value (committed or not), and each key's final
  // positions.
  void index_final_lists() {
    for (size_t i = 0; i < txns_.size(); ++i)
      for (const auto& op : txns_[i].ops)
        if (op.appended >= 0)
          appender_[op.appended] = i;
    pos_.resize(keys);
    writer_.resize(keys);
    for (int k = 0; k < keys; ++k)
      for (size_t p = 0; p < final_[k].size(); ++p) {
        auto v = final_[k][p];
        if (!pos_[k].emplace(v, p).second)
          ++found_.duplicated;
        auto who = appender_.find(v);
        writer_[k].push_back(who == appender_.end() ? txns_.size() : who->second);
        if (who == appender_.end())
          ++found_.unknown_seen;
        else if (!txns_[who->second].committed)
          ++found_.aborted_seen;
      }
  }

  // Every committed append is in its key's final list right behind the
  // list its transaction read (first committer wins), and is indexed for
  // the read checks below.
  void check_appends() {
    by_end_.resize(keys);
    for (size_t i = 0; i < txns_.size(); ++i) {
      if (!txns_[i].committed)
        continue;
      for (const auto& op : txns_[i].ops) {
        if (op.appended < 0)
          continue;
        auto p = pos_[op.key].find(op.appended);
        if (p == pos_[op.key].end()) {
          ++found_.lost;
          continue;
        }
        if (p->second != op.read.size())
          ++found_.lost_update;
        by_end_[op.key].push_back({i, p->second});
      }
    }
    // Per key (and per key and thread), the appends by the time their
    // commit returned, with the largest final position among those
    // returned so far: what a transaction begun later must see.
    frontier_.resize(keys);
    own_frontier_.assign(keys, std::vector<Frontier>(threads));
    for (int k = 0; k < keys; ++k) {
      auto& v = by_end_[k];
      std::sort(v.begin(), v.end(), [this](const Append& a, const Append& b) {
        return txns_[a.txn].end < txns_[b.txn].end;
      });
      for (const auto& a : v) {
        frontier_[k].add(txns_[a.txn].end, a.pos);
        own_frontier_[k][txns_[a.txn].thread].add(txns_[a.txn].end, a.pos);
      }
    }
  }

  std::optional<size_t> position(int key, int64_t value) const {
    auto p = pos_[key].find(value);
    if (p == pos_[key].end())
      return std::nullopt;
    return p->second;
  }

  // The transaction that appended the value at `pos` of `key` (null for a
  // value nobody appended: counted as unknown already).
  const Txn* writer_at(int key, size_t pos) const {
    auto i = writer_[key][pos];
    return i < txns_.size() ? &txns_[i] : nullptr;
  }

  const Op* op_on(const Txn& t, int key) const {
    for (const auto& op : t.ops)
      if (op.key == key)
        return &op;
    return nullptr;
  }

  void check_reads(size_t r) {
    const auto& t = txns_[r];
    for (const auto& op : t.ops) {
      const auto& fin = final_[op.key];
      if (op.read.size() > fin.size() || !std::equal(op.read.begin(), op.read.end(), fin.begin())) {
        ++found_.not_prefix;
        return;  // the positions below assume prefixes
      }
    }
    for (const auto& a : t.ops)
      for (const auto& b : t.ops)
        if (a.key != b.key)
          check_pair(t, a, b);
    check_real_time(r);
  }

  // Fractured reads and read skew between two keys the transaction read:
  // every writer visible in `a` that appended to `b`, or had read `b`, must
  // be matched by what the transaction saw of `b`.
  void check_pair(const Txn& t, const Op& a, const Op& b) {
    for (size_t p = 0; p < a.read.size(); ++p) {
      const Txn* w = writer_at(a.key, p);
      if (w == nullptr || w == &t)
        continue;
      if (const Op* wb = op_on(*w, b.key)) {
        if (wb->appended >= 0) {
          auto pb = position(b.key, wb->appended);
          if (pb && *pb >= b.read.size())
            ++found_.fractured;
        }
        if (wb->read.size() > b.read.size())
          ++found_.read_skew;
      }
    }
  }

  // Every append whose transaction returned before this one began is
  // visible to it.
  void check_real_time(size_t r) {
    const auto& t = txns_[r];
    for (const auto& op : t.ops) {
      if (frontier_[op.key].sees_all_before(t.start, op.read.size()))
        continue;
      ++found_.stale;
      if (!own_frontier_[op.key][t.thread].sees_all_before(t.start, op.read.size()))
        ++found_.own_stale;
    }
  }

  const std::vector<Txn>& txns_;
  const std::vector<std::vector<int64_t>>& final_;
  std::map<int64_t, size_t> appender_;
  std::vector<std::map<int64_t, size_t>> pos_;
  std::vector<std::vector<size_t>> writer_;
  std::vector<std::vector<Append>> by_end_;
  std::vector<Frontier> frontier_;
  std::vector<std::vector<Frontier>> own_frontier_;
  Anomalies found_;
};

double run_seconds() {
  if (const char* s = std::getenv("STRATA_HISTORY_SECONDS"))
    return std::max(0.5, std::atof(s));
  return 3.0;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(history)

BOOST_AUTO_TEST_CASE(list_append_histories_show_no_anomaly_and_no_stale_snapshot) {
  auto db = [&] {
    if (const char* dir = std::getenv("STRATA_HISTORY_DIR"))
      return STRATA_REQUIRE_OK(Strata::open(dir));
    return STRATA_REQUIRE_OK(Strata::cache());
  }();
  auto deadline = Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                     std::chrono::duration<double>(run_seconds()));
  std::vector<std::vector<Txn>> per_thread(threads);
  std::vector<std::string> errors(threads);
  {
    std::vector<std::thread> workers;
    for (int i = 0; i < threads; ++i)
      workers.emplace_back([&, i, s = db.session()]() mutable {
        try {
          per_thread[i] = run_thread(std::move(s), i, deadline);
        } catch (const std::exception& e) {
          errors[i] = e.what();
        }
      });
    for (auto& w : workers)
      w.join();
  }
  for (const auto& e : errors)
    BOOST_REQUIRE_MESSAGE(e.empty(), e);
  std::vector<Txn> txns;
  for (auto& v : per_thread)
    for (auto& t : v)
      txns.push_back(std::move(t));
  std::vector<std::vector<int64_t>> final_lists(keys);
  for (int k = 0; k < keys; ++k) {
    STRATA_REQUIRE_DONE(db.set_space(space_of(k)));
    final_lists[k] = list_of(STRATA_REQUIRE_OK(db.kv_get(name_of(k))));
  }
  long committed =
      std::count_if(txns.begin(), txns.end(), [](const Txn& t) { return t.committed; });
  long multi_space = std::count_if(txns.begin(), txns.end(), [](const Txn& t) {
    std::set<std::string> written;
    for (const auto& op : t.ops)
      if (op.appended >= 0)
        written.insert(space_of(op.key));
    return t.committed && written.size() > 1;
  });
  auto found = Checker(txns, final_lists).check();
  BOOST_TEST_MESSAGE("history: " << txns.size() << " transactions, " << committed
                                 << " committed (" << multi_space << " writing several spaces), "
                                 << txns.size() - committed << " conflicts; " << found);
  BOOST_TEST(committed > 100);
  BOOST_TEST(multi_space > 0);
  BOOST_TEST(found.total() == 0, found);
}

BOOST_AUTO_TEST_SUITE_END()
