// Many threads, each on its own handle: nothing lost, nothing crossed.

#include <atomic>
#include <set>
#include <thread>

#include "test_util.hpp"

using strata::Strata;
using strata::Value;
using strata::test::TempDir;

BOOST_AUTO_TEST_SUITE(concurrency)

BOOST_AUTO_TEST_CASE(eight_threads_on_their_own_spaces_lose_and_cross_nothing) {
  constexpr int threads = 8;
  constexpr int ops = 10000;
  TempDir dir;
  auto db = STRATA_REQUIRE_OK(Strata::open(dir.db()));
  std::atomic<int> failures{0};
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    auto h = db.new_handle();
    BOOST_REQUIRE(h);
    workers.emplace_back([t, &failures, handle = std::move(*h)]() mutable {
      if (!handle.set_space("worker-" + std::to_string(t)))
        ++failures;
      for (int i = 0; i < ops; ++i) {
        auto key = "k" + std::to_string(i);
        // Every key is written in every space, with a value naming both.
        if (!handle.kv_put(key, "t" + std::to_string(t) + ":" + std::to_string(i)))
          ++failures;
        if (i % 10 == 0) {
          auto v = handle.kv_get(key);
          if (!v || !*v || **v != Value{"t" + std::to_string(t) + ":" + std::to_string(i)})
            ++failures;
        }
      }
    });
  }
  for (auto& w : workers)
    w.join();
  BOOST_REQUIRE_EQUAL(failures.load(), 0);
  for (int t = 0; t < threads; ++t) {
    STRATA_REQUIRE_DONE(db.set_space("worker-" + std::to_string(t)));
    auto keys = STRATA_REQUIRE_OK(db.kv_list());
    BOOST_REQUIRE_EQUAL(keys.size(), static_cast<size_t>(ops));
    for (int i = 0; i < ops; i += 997) {
      auto v = STRATA_REQUIRE_OK(db.kv_get("k" + std::to_string(i)));
      BOOST_TEST(v == std::optional<Value>("t" + std::to_string(t) + ":" + std::to_string(i)));
    }
  }
}

namespace {

// All handles target the same space actor, so most calls find it busy on
// another thread and take the waiting path instead of running inline.
void threads_share_one_space(strata::SchedulerPolicy policy) {
  constexpr int threads = 4;
  constexpr int ops = 2000;
  strata::OpenOptions opts;
  opts.scheduler_policy = policy;
  auto db = STRATA_REQUIRE_OK(Strata::cache(opts));
  std::vector<std::vector<uint64_t>> versions(threads);
  std::atomic<int> failures{0};
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    auto h = db.new_handle();
    BOOST_REQUIRE(h);
    workers.emplace_back([t, &versions, &failures, handle = std::move(*h)]() mutable {
      for (int i = 0; i < ops; ++i) {
        auto v = handle.kv_put("shared-counter", i);
        if (!v)
          ++failures;
        else
          versions[t].push_back(*v);
        if (!handle.kv_put("own-" + std::to_string(t) + "-" + std::to_string(i), t))
          ++failures;
      }
    });
  }
  for (auto& w : workers)
    w.join();
  BOOST_REQUIRE_EQUAL(failures.load(), 0);
  std::set<uint64_t> all;
  for (auto& vs : versions) {
    // Each thread sees its own versions increase.
    for (size_t i = 1; i < vs.size(); ++i)
      BOOST_TEST_REQUIRE(vs[i] > vs[i - 1]);
    all.insert(vs.begin(), vs.end());
  }
  BOOST_TEST(all.size() == static_cast<size_t>(threads * ops));
  BOOST_TEST(*all.begin() == 1u);
  BOOST_TEST(*all.rbegin() == static_cast<uint64_t>(threads * ops));
  BOOST_TEST(STRATA_REQUIRE_OK(db.kv_list("own-")).size() == static_cast<size_t>(threads * ops));
}

}  // namespace

BOOST_AUTO_TEST_CASE(threads_sharing_one_space_get_distinct_versions_of_one_key) {
  threads_share_one_space(strata::SchedulerPolicy::Sharing);  // the default
}

BOOST_AUTO_TEST_CASE(work_stealing_scheduler_serves_threads_sharing_one_space_too) {
  threads_share_one_space(strata::SchedulerPolicy::Stealing);
}

BOOST_AUTO_TEST_CASE(handles_can_be_created_and_dropped_while_others_work) {
  auto db = STRATA_REQUIRE_OK(Strata::cache());
  std::atomic<bool> stop{false};
  std::atomic<int> failures{0};
  auto h = db.new_handle();
  BOOST_REQUIRE(h);
  std::thread writer([&, handle = std::move(*h)]() mutable {
    for (int i = 0; !stop.load(); ++i)
      if (!handle.kv_put("w" + std::to_string(i % 100), i))
        ++failures;
  });
  for (int i = 0; i < 200; ++i) {
    auto extra = STRATA_REQUIRE_OK(db.new_handle());
    STRATA_REQUIRE_DONE(extra.set_space("s" + std::to_string(i % 5)));
    STRATA_REQUIRE_OK(extra.kv_put("k", i));
  }
  stop = true;
  writer.join();
  BOOST_TEST(failures.load() == 0);
  BOOST_TEST(STRATA_REQUIRE_OK(db.list_spaces()).size() == 6u);
}

BOOST_AUTO_TEST_SUITE_END()
