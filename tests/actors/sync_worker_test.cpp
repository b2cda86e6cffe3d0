// SyncWorker: the background threads that run space actors' fsyncs,
// SyncLane: one space's fsyncs on them, and SharedSyncLane: the fsyncs of
// a branch's transaction log, which the participants of two-phase commits
// share.

#include "strata/actors/sync_worker.hpp"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <random>
#include <set>
#include <thread>
#include <vector>

#include <boost/test/unit_test.hpp>

#include <caf/sec.hpp>

using strata::actors::SharedSyncLane;
using strata::actors::SyncLane;
using strata::actors::SyncWorker;

namespace {

// A sync function that blocks until released, recording what each call
// covered, so that a test controls when a "fsync" ends.
struct GatedSync {
  std::mutex mtx;
  std::condition_variable cv;
  int released = 0;  // calls allowed to finish
  int running = 0;   // calls in progress (never above 1 for one lane)
  int max_running = 0;
  std::vector<uint64_t> covered;
  bool fail_next = false;

  bool operator()(uint64_t n) {
    std::unique_lock<std::mutex> lock{mtx};
    max_running = std::max(max_running, ++running);
    auto index = static_cast<int>(covered.size());
    covered.push_back(n);
    cv.notify_all();
    cv.wait(lock, [&] { return released > index; });
    --running;
    bool ok = !fail_next;
    fail_next = false;
    cv.notify_all();
    return ok;
  }

  void release_one() {
    std::lock_guard<std::mutex> guard{mtx};
    ++released;
    cv.notify_all();
  }

  // The calls started so far.
  size_t started() {
    std::lock_guard<std::mutex> guard{mtx};
    return covered.size();
  }

  // Makes the next call fail.
  void fail_next_call() {
    std::lock_guard<std::mutex> guard{mtx};
    fail_next = true;
  }

  // Waits (up to 10 s) until `calls` calls have started.
  bool wait_started(size_t calls) {
    std::unique_lock<std::mutex> lock{mtx};
    return cv.wait_for(lock, std::chrono::seconds(10), [&] { return covered.size() >= calls; });
  }

  // Waits (up to 10 s) until no call is running.
  bool wait_idle() {
    std::unique_lock<std::mutex> lock{mtx};
    return cv.wait_for(lock, std::chrono::seconds(10), [&] { return running == 0; });
  }
};

// Lets every gated call finish when a test ends, passed or failed, so that
// the worker's destructor (which drains its queue) cannot hang.
struct ReleaseAll {
  std::shared_ptr<GatedSync> gate;
  ~ReleaseAll() {
    std::lock_guard<std::mutex> guard{gate->mtx};
    gate->released = 1 << 30;
    gate->cv.notify_all();
  }
};

// Waits (up to ten seconds) for `lane` to report idle: its last job may
// still be finishing after the gated call returned.
bool goes_idle(const SyncLane& lane) {
  return lane.wait_idle(std::chrono::seconds(10));
}

// What a SharedSyncLane told its callers: how many were answered, and with
// how many errors.
struct Answers {
  std::mutex mtx;
  std::condition_variable cv;
  int ok = 0;
  int failed = 0;

  SharedSyncLane::Done done() {
    return [this](const caf::error& err) {
      std::lock_guard<std::mutex> guard{mtx};
      ++(err ? failed : ok);
      cv.notify_all();
    };
  }

  // Waits (up to 10 s) until `n` callers were answered.
  bool wait_for(int n) {
    std::unique_lock<std::mutex> lock{mtx};
    return cv.wait_for(lock, std::chrono::seconds(10), [&] { return ok + failed >= n; });
  }

  int answered() {
    std::lock_guard<std::mutex> guard{mtx};
    return ok + failed;
  }
};

// A SharedSyncLane whose "fsyncs" are gated. Members are destroyed in
// reverse: the gates open first, then the worker drains its queue while
// the answers it may still deliver to exist.
struct SharedLaneFixture {
  std::shared_ptr<GatedSync> gate = std::make_shared<GatedSync>();
  Answers answers;
  SyncWorker worker;
  std::shared_ptr<SharedSyncLane> lane =
      SharedSyncLane::make(worker, [g = gate]() -> caf::error {
        if ((*g)(0))
          return {};
        return caf::make_error(caf::sec::runtime_error);
      });
  ReleaseAll release{gate};

  // Lets the `n`th fsync, once started, end; then waits until `n` callers
  // in all were answered.
  void finish_fsync(int n) {
    BOOST_REQUIRE(gate->wait_started(static_cast<size_t>(n)));
    gate->release_one();
    BOOST_REQUIRE(answers.wait_for(n));
  }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(sync_worker)

BOOST_AUTO_TEST_CASE(every_job_runs_off_the_posting_thread_and_destruction_drains_the_queue) {
  std::atomic<int> ran{0};
  std::mutex mtx;
  std::set<std::thread::id> threads;
  {
    SyncWorker worker;
    for (int i = 0; i < 200; ++i)
      worker.post([&] {
        std::this_thread::yield();  // let the other thread take jobs too
        std::lock_guard<std::mutex> guard{mtx};
        threads.insert(std::this_thread::get_id());
        ++ran;
      });
  }  // the destructor waits for all 200
  BOOST_TEST(ran.load() == 200);
  BOOST_TEST(threads.count(std::this_thread::get_id()) == 0u);
  BOOST_TEST(threads.size() <= 2u);
}

BOOST_AUTO_TEST_CASE(lane_runs_one_fsync_at_a_time_and_one_more_for_requests_made_meanwhile) {
  SyncWorker worker;
  auto gate = std::make_shared<GatedSync>();
  ReleaseAll release{gate};
  auto lane = std::make_shared<SyncLane>(worker, [gate](uint64_t n) { return (*gate)(n); });
  lane->request(1);
  BOOST_REQUIRE(gate->wait_started(1));
  BOOST_TEST(lane->busy());
  // Three requests while the first fsync runs: one more fsync covers them
  // all, started by the lane itself once the first ends.
  lane->request(2);
  lane->request(3);
  lane->request(4);
  gate->release_one();
  BOOST_REQUIRE(gate->wait_started(2));
  gate->release_one();
  BOOST_REQUIRE(gate->wait_idle());
  // The lane is idle once its last fsync returned with nothing newer asked.
  BOOST_TEST(goes_idle(*lane));
  std::lock_guard<std::mutex> guard{gate->mtx};
  BOOST_TEST(gate->covered == (std::vector<uint64_t>{1, 4}));
  BOOST_TEST(gate->max_running == 1);
}

BOOST_AUTO_TEST_CASE(lane_stops_after_a_failed_fsync_until_asked_again) {
  SyncWorker worker;
  auto gate = std::make_shared<GatedSync>();
  ReleaseAll release{gate};
  auto lane = std::make_shared<SyncLane>(worker, [gate](uint64_t n) { return (*gate)(n); });
  gate->fail_next_call();
  lane->request(1);
  BOOST_REQUIRE(gate->wait_started(1));
  lane->request(2);  // asked for during the failing fsync: not retried
  gate->release_one();
  BOOST_REQUIRE(gate->wait_idle());
  BOOST_TEST(goes_idle(*lane));
  {
    std::lock_guard<std::mutex> guard{gate->mtx};
    BOOST_TEST(gate->covered == (std::vector<uint64_t>{1}));
  }
  // A new request starts it again, covering everything asked so far.
  gate->release_one();
  lane->request(3);
  BOOST_REQUIRE(gate->wait_started(2));
  BOOST_REQUIRE(gate->wait_idle());
  std::lock_guard<std::mutex> guard{gate->mtx};
  BOOST_TEST(gate->covered == (std::vector<uint64_t>{1, 3}));
}

BOOST_AUTO_TEST_CASE(busy_lanes_take_turns_on_the_worker) {
  // Four lanes on two threads, each asked again every time it syncs: all
  // four make progress (a lane goes to the back of the queue between
  // fsyncs instead of holding a thread).
  constexpr int lanes = 4;
  std::atomic<bool> stop{false};
  std::vector<std::atomic<int>> syncs(lanes);
  std::vector<std::shared_ptr<SyncLane>> all;
  std::mutex progress_mtx;
  std::condition_variable progress;  // notified after every fsync
  SyncWorker worker;  // last: destroyed (drained) before what the jobs use
  for (int i = 0; i < lanes; ++i) {
    auto counter = &syncs[i];
    auto weak = std::make_shared<std::weak_ptr<SyncLane>>();
    auto next = std::make_shared<std::atomic<uint64_t>>(1);
    auto lane = std::make_shared<SyncLane>(worker, [=, &stop, &progress](uint64_t) {
      std::this_thread::yield();  // an fsync gives the core away too
      ++*counter;
      progress.notify_all();
      if (!stop)
        if (auto self = weak->lock())
          self->request(++*next);
      return true;
    });
    *weak = lane;
    all.push_back(lane);
    lane->request(1);
  }
  auto all_progressed = [&] {
    for (auto& c : syncs)
      if (c.load() < 20)
        return false;
    return true;
  };
  {
    // Woken by every fsync (a counter changes after the predicate read it
    // at worst one notification late: the wait re-checks at each one).
    std::unique_lock<std::mutex> lock{progress_mtx};
    progress.wait_for(lock, std::chrono::seconds(20), all_progressed);
  }
  stop = true;
  for (int i = 0; i < lanes; ++i)
    BOOST_TEST(syncs[i].load() >= 20, "lane " << i << " synced " << syncs[i].load() << " times");
}

BOOST_FIXTURE_TEST_CASE(shared_lane_waits_for_every_participant_then_one_fsync_answers_them, SharedLaneFixture) {
  lane->after_sync(7, 2, answers.done());
  // The other participant's record is not written yet: no fsync is asked
  // for (the lane decides within after_sync, so this is no race).
  BOOST_TEST(lane->lane().requested() == 0u);
  BOOST_TEST(gate->started() == 0u);
  lane->after_sync(7, 2, answers.done());
  BOOST_REQUIRE(gate->wait_started(1));
  BOOST_TEST(answers.answered() == 0);  // not before the fsync ends
  gate->release_one();
  BOOST_REQUIRE(answers.wait_for(2));
  BOOST_TEST(answers.ok == 2);
  BOOST_TEST(gate->started() == 1u);
}

BOOST_FIXTURE_TEST_CASE(shared_lane_stops_waiting_for_a_participant_that_will_not_ask, SharedLaneFixture) {
  // Settled after one of three asked: its fsync starts, and one that asks
  // later starts its own at once (nobody else asks here).
  lane->after_sync(8, 3, answers.done());
  lane->settle(8);
  finish_fsync(1);
  lane->after_sync(8, 3, answers.done());
  finish_fsync(2);
  lane->forget(8);
  // Settled before anyone asked: each one that asks starts an fsync at
  // once (three participants, one voted no, two ask one after the other).
  lane->settle(9);
  lane->after_sync(9, 3, answers.done());
  finish_fsync(3);
  lane->after_sync(9, 3, answers.done());
  finish_fsync(4);
  lane->forget(9);
  BOOST_TEST(answers.ok == 4);
}

BOOST_FIXTURE_TEST_CASE(a_failed_shared_fsync_answers_everyone_waiting_with_its_error, SharedLaneFixture) {
  gate->fail_next_call();
  lane->after_sync(10, 2, answers.done());
  lane->after_sync(10, 2, answers.done());
  BOOST_REQUIRE(gate->wait_started(1));
  // Asked during the failing fsync: one transaction complete, one not.
  lane->after_sync(11, 2, answers.done());
  lane->after_sync(11, 2, answers.done());
  lane->after_sync(12, 2, answers.done());
  gate->release_one();
  BOOST_REQUIRE(answers.wait_for(5));
  BOOST_TEST(answers.failed == 5);
  // The log cannot vouch for anything any more: later callers get the
  // error at once, with no fsync.
  lane->after_sync(13, 2, answers.done());
  lane->after_sync(13, 2, answers.done());
  BOOST_REQUIRE(answers.wait_for(7));
  BOOST_TEST(answers.failed == 7);
  BOOST_TEST(gate->started() == 1u);
}

BOOST_AUTO_TEST_CASE(a_shared_lane_answers_every_participant_of_concurrent_transactions) {
  // Transactions of two or three participants, each participant asking
  // from its own thread in any order, some settled (a participant voted no)
  // before or after the others asked: every participant is answered, and
  // fsyncs are shared (fewer than transactions).
  constexpr int threads = 6, per_thread = 400;
  std::atomic<int> fsyncs{0};
  Answers answers;
  SyncWorker worker;
  // Each fsync lasts until three more participants have asked (or all
  // have): requests pile up behind it and share the next one, so there
  // are at most asks / 3 + 1 fsyncs, fewer than transactions.
  std::mutex asks_mtx;
  std::condition_variable asks_cv;
  int asks = 0;
  bool all_asked = false;
  auto lane = SharedSyncLane::make(worker, [&]() -> caf::error {
    std::unique_lock<std::mutex> lock{asks_mtx};
    int start = asks;
    asks_cv.wait(lock, [&] { return asks >= start + 3 || all_asked; });
    ++fsyncs;
    return {};
  });
  auto asked = [&] {
    {
      std::lock_guard<std::mutex> guard{asks_mtx};
      ++asks;
    }
    asks_cv.notify_all();
  };
  std::atomic<uint64_t> next_txn{1};
  std::vector<std::thread> pool;
  std::atomic<int> expected{0};
  for (int t = 0; t < threads; ++t)
    pool.emplace_back([&, t] {
      std::mt19937 rng(static_cast<unsigned>(t));
      for (int i = 0; i < per_thread; ++i) {
        uint64_t txn = next_txn++;
        size_t participants = 2 + rng() % 2;
        // 0: all ask; 1: one voted no after the others asked; 2: one voted
        // no before the others asked.
        int mode = static_cast<int>(rng() % 6) % 3;
        if (mode == 2)
          lane->settle(txn);
        std::vector<std::thread> parts;
        size_t asking = mode == 0 ? participants : participants - 1;
        expected += static_cast<int>(asking);
        for (size_t p = 0; p < asking; ++p)
          parts.emplace_back([&, txn, participants] {
            lane->after_sync(txn, participants, answers.done());
            asked();
          });
        for (auto& p : parts)
          p.join();
        if (mode == 1)
          lane->settle(txn);
        if (mode != 0)
          lane->forget(txn);
      }
    });
  for (auto& p : pool)
    p.join();
  {
    std::lock_guard<std::mutex> guard{asks_mtx};
    all_asked = true;
  }
  asks_cv.notify_all();
  BOOST_REQUIRE(answers.wait_for(expected.load()));
  BOOST_TEST(answers.ok == expected.load());
  BOOST_TEST(answers.failed == 0);
  BOOST_TEST(fsyncs.load() < threads * per_thread, fsyncs.load() << " fsyncs");
}

BOOST_AUTO_TEST_SUITE_END()
