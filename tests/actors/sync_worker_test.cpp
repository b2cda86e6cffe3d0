// SyncWorker: the background threads that run space actors' fsyncs.

#include "strata/actors/sync_worker.hpp"

#include <atomic>
#include <chrono>
#include <mutex>
#include <set>
#include <thread>

#include <boost/test/unit_test.hpp>

using strata::actors::SyncWorker;

BOOST_AUTO_TEST_SUITE(sync_worker)

BOOST_AUTO_TEST_CASE(every_job_runs_off_the_posting_thread_and_destruction_drains_the_queue) {
  std::atomic<int> ran{0};
  std::mutex mtx;
  std::set<std::thread::id> threads;
  {
    SyncWorker worker;
    for (int i = 0; i < 200; ++i)
      worker.post([&] {
        std::this_thread::sleep_for(std::chrono::microseconds(50));
        std::lock_guard<std::mutex> guard{mtx};
        threads.insert(std::this_thread::get_id());
        ++ran;
      });
  }  // the destructor waits for all 200
  BOOST_TEST(ran.load() == 200);
  BOOST_TEST(threads.count(std::this_thread::get_id()) == 0u);
  BOOST_TEST(threads.size() <= 2u);
}

BOOST_AUTO_TEST_SUITE_END()
