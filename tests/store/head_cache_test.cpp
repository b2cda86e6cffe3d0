// The head cache (store/src/head_cache.hpp) and the key filter
// (key_filter.hpp): their bounds and bookkeeping, and — what users rely on —
// that a store with them answers exactly as a store without them, whatever
// mix of fresh writes, rewrites, deletions, batches, transactions, failed
// writes and reopens runs.

#include <memory>
#include <random>
#include <string>
#include <vector>

#include <boost/test/unit_test.hpp>
#include <leveldb/write_batch.h>

#include "../../store/src/head_cache.hpp"
#include "../../store/src/key_filter.hpp"
#include "strata/store/fault_env.hpp"
#include "test_util.hpp"

using namespace strata;
using namespace strata::test;
using strata::store::HeadCache;
using strata::store::KeyFilter;

namespace {

std::string found(HeadCache& c, std::string_view key) {
  auto* r = c.find(key);
  return r ? *r : std::string("<none>");
}

// A MemStore whose head cache holds `bytes` (0: none), with or without a
// key filter.
std::unique_ptr<MemStore> store_with(size_t cache_bytes, bool key_filter) {
  auto s = std::make_unique<MemStore>();
  s->options.head_cache_bytes = cache_bytes;
  s->options.key_filter = key_filter;
  s->reopen();
  return s;
}

// What a user can observe of one KV key or state cell: every version, newest
// first, with its value (timestamps differ between two stores' clocks).
std::string observed(store::SpaceStore& db, bool cell, const std::string& key) {
  auto versions = require_ok(cell ? db.state_getv(key) : db.kv_getv(key), "getv");
  auto head = require_ok(db.head_version(cell ? Primitive::State : Primitive::Kv, key),
                         "head_version");
  std::string out = "head " + std::to_string(head) + ":";
  if (versions)
    for (const auto& v : *versions)
      out += " " + std::to_string(v.version) + "=" + v.value.to_json();
  return out;
}

// A MemStore whose in-memory files sit behind a fault injector (`env`).
// Members are destroyed in reverse order, so the store closes before the
// injector and the files it writes through go.
struct FaultyStore {
  explicit FaultyStore(Durability durability) {
    s.db.reset();
    s.options.env = &env;
    s.options.durability = durability;
    s.reopen();
  }
  std::unique_ptr<leveldb::Env> mem{leveldb::NewMemEnv(leveldb::Env::Default())};
  store::FaultEnv env{mem.get()};
  MemStore s;
};

}  // namespace

BOOST_AUTO_TEST_SUITE(head_cache)

BOOST_AUTO_TEST_CASE(finds_what_was_inserted_and_replaces_it) {
  HeadCache c(64 << 10);
  BOOST_TEST(c.find("hka") == nullptr);
  c.insert("hka", "one");
  c.insert("hkb", "two");
  BOOST_TEST(found(c, "hka") == "one");
  c.insert("hka", "three");
  BOOST_TEST(found(c, "hka") == "three");
  BOOST_TEST(c.size() == 2u);
  c.clear();
  BOOST_TEST(c.size() == 0u);
  BOOST_TEST(c.bytes() == 0u);
  BOOST_TEST(c.find("hkb") == nullptr);
}

BOOST_AUTO_TEST_CASE(stays_within_its_bytes_evicting_the_least_recently_used) {
  HeadCache c(4096);
  for (int i = 0; i < 100; ++i) {
    c.insert("hk" + std::to_string(i), std::string(100, 'x'));
    BOOST_TEST(c.bytes() <= 4096u);
    // Key 0 is used after every insert, so it is never the one evicted.
    BOOST_TEST(c.find("hk0") != nullptr);
  }
  BOOST_TEST(c.size() < 100u);
  BOOST_TEST(c.find("hk1") == nullptr);   // long unused: evicted
  BOOST_TEST(c.find("hk99") != nullptr);  // newest stays
}

BOOST_AUTO_TEST_CASE(does_not_cache_records_too_large_for_their_share) {
  HeadCache c(4096);
  c.insert("hkbig", std::string(1000, 'x'));  // more than an eighth
  BOOST_TEST(c.find("hkbig") == nullptr);
  c.insert("hksmall", "v");
  c.insert("hksmall", std::string(1000, 'x'));  // a replacement too
  BOOST_TEST(c.find("hksmall") == nullptr);
  HeadCache off(0);
  off.insert("hk", "v");
  BOOST_TEST(off.find("hk") == nullptr);
}

BOOST_AUTO_TEST_CASE(a_written_batch_refreshes_cached_heads_only) {
  HeadCache c(64 << 10);
  c.insert("hka", "a1");
  c.insert("hkb", "b1");
  leveldb::WriteBatch batch;
  batch.Put("hka", "a2");           // cached head: refreshed
  batch.Put("hkc", "c1");           // uncached head: stays uncached
  batch.Delete("hkb");              // cached head deleted: dropped
  batch.Put("vka", "history");      // not a head: ignored
  c.apply(batch);
  BOOST_TEST(found(c, "hka") == "a2");
  BOOST_TEST(c.find("hkb") == nullptr);
  BOOST_TEST(c.find("hkc") == nullptr);
  BOOST_TEST(c.find("vka") == nullptr);
  BOOST_TEST(c.size() == 1u);
}

BOOST_AUTO_TEST_CASE(a_store_answers_the_same_with_and_without_it) {
  // Stores run the same random mix: one with neither cache nor filter (the
  // reference), one with a cache so small that entries are evicted all the
  // time, one with the defaults, one with a filter and no cache.
  std::vector<std::unique_ptr<MemStore>> stores;
  stores.push_back(store_with(0, false));
  stores.push_back(store_with(2048, true));
  stores.push_back(store_with(store::StoreOptions{}.head_cache_bytes, true));
  stores.push_back(store_with(0, true));
  std::mt19937 rng(20261203);
  const std::vector<std::string> keys = {"a", "b", "c", "d", "e", "f", "g", "h"};
  auto key = [&] { return keys[rng() % keys.size()]; };
  for (int step = 0; step < 3000; ++step) {
    int op = static_cast<int>(rng() % 100);
    auto k = key(), k2 = key();
    // Now and then a key never written before, which the filter answers,
    // or one of those again, which the filter learned from a batch.
    if (rng() % 8 == 0)
      k = "fresh" + std::to_string(step);
    else if (rng() % 8 == 0)
      k = "fresh" + std::to_string(rng() % (step + 1));
    auto value = Value{static_cast<int64_t>(step)};
    std::vector<TxnOp> txn = {TxnOp{TxnOpKind::KvPut, k, "", value},
                              TxnOp{TxnOpKind::StateSet, k2, "", value},
                              TxnOp{TxnOpKind::KvDelete, k2, "", Value{}}};
    for (auto& s : stores) {
      auto& db = *s->db;
      if (op < 40) {
        require_ok(db.kv_put(k, value), "kv_put");
      } else if (op < 50) {
        require_ok(db.kv_delete(k), "kv_delete");
      } else if (op < 60) {
        require_ok(db.kv_batch_put({KvEntry{k, value}, KvEntry{k2, Value{"b"}},
                                    KvEntry{k, Value{"again"}}}),
                   "kv_batch_put");
      } else if (op < 75) {
        require_ok(db.state_set(k, value), "state_set");
      } else if (op < 85) {
        // Expect the version the store reports now: cached or read.
        auto cur = require_ok(db.head_version(Primitive::State, k), "head_version");
        auto expected = cur % 2 ? std::optional<uint64_t>(cur) : std::nullopt;
        require_ok(db.state_cas(k, expected, value), "state_cas");
      } else if (op < 95) {
        STRATA_REQUIRE_NO_ERROR(db.txn_apply(txn, s->clock.next(), 0, false));
      } else if (op < 97) {
        require_ok(db.state_delete(k), "state_delete");
      } else {
        s->reopen();
      }
    }
    auto expected_kv = observed(*stores[0]->db, false, k);
    auto expected_cell = observed(*stores[0]->db, true, k);
    for (size_t i = 1; i < stores.size(); ++i) {
      BOOST_TEST_REQUIRE(observed(*stores[i]->db, false, k) == expected_kv,
                         "KV " << k << ", step " << step << ", store " << i);
      BOOST_TEST_REQUIRE(observed(*stores[i]->db, true, k) == expected_cell,
                         "cell " << k << ", step " << step << ", store " << i);
    }
  }
  for (const auto& k : keys)
    for (size_t i = 1; i < stores.size(); ++i) {
      BOOST_TEST(observed(*stores[i]->db, false, k) == observed(*stores[0]->db, false, k));
      BOOST_TEST(observed(*stores[i]->db, true, k) == observed(*stores[0]->db, true, k));
    }
}

BOOST_AUTO_TEST_CASE(a_failed_write_leaves_the_cached_head_as_stored) {
  FaultyStore f(Durability::Cache);
  auto& s = f.s;
  auto& env = f.env;
  s.put("k", "v1");
  s.put("k", "v2");
  s.put("k", "v3");  // its lookup found version 2: now cached
  env.fail(store::FaultEnv::Op::Append, "", 0, 1);
  BOOST_TEST(!s.db->kv_put("k", Value{"lost"}));
  env.clear();
  BOOST_TEST(s.put("k", "v4") == 4u);
  BOOST_TEST(s.get("k")->value.to_json() == "\"v4\"");
  BOOST_TEST(observed(*s.db, false, "k") == "head 4: 4=\"v4\" 3=\"v3\" 2=\"v2\" 1=\"v1\"");
}

BOOST_AUTO_TEST_CASE(a_write_that_failed_but_reached_the_log_is_not_overwritten) {
  // Durability::Always: LevelDB appends the record to its log, then the
  // fsync fails, so the put answers an error — yet the record is in the
  // log, and the reopen after the failed write replays it. The cache and
  // filter of this same store object must not keep describing the store
  // before that write, or the next put would reuse its version.
  FaultyStore f(Durability::Always);
  auto& s = f.s;
  auto& env = f.env;
  s.put("k", "v1");
  s.put("k", "v2");
  s.put("k", "v3");  // cached
  env.fail(store::FaultEnv::Op::Sync, "", 0, 1);
  BOOST_TEST(!s.db->kv_put("k", Value{"synced?"}));
  env.clear();
  BOOST_TEST(s.put("k", "v5") == 5u);
  BOOST_TEST(observed(*s.db, false, "k") ==
             "head 5: 5=\"v5\" 4=\"synced?\" 3=\"v3\" 2=\"v2\" 1=\"v1\"");
  s.reopen();
  BOOST_TEST(observed(*s.db, false, "k") ==
             "head 5: 5=\"v5\" 4=\"synced?\" 3=\"v3\" 2=\"v2\" 1=\"v1\"");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(key_filter)

BOOST_AUTO_TEST_CASE(never_denies_an_added_key_and_rarely_admits_another) {
  KeyFilter f;
  BOOST_TEST(f.may_contain("hkanything"));  // not built: "maybe"
  f.start();
  for (int i = 0; i < 100000; ++i)
    f.add("hk" + std::to_string(i));
  f.finish();
  BOOST_TEST(f.usable());
  int missed = 0, admitted = 0;
  for (int i = 0; i < 100000; ++i) {
    missed += !f.may_contain("hk" + std::to_string(i));
    admitted += f.may_contain("hx" + std::to_string(i));
  }
  BOOST_TEST(missed == 0);
  BOOST_TEST_MESSAGE("absent keys admitted: " << admitted << " of 100000; " << f.bytes() << " bytes");
  // Only a shared 32-bit fingerprint admits one: about 2 in 100,000 here.
  BOOST_TEST(admitted < 100, admitted << " of 100000 absent keys admitted");
  // 4-byte slots, at most 3/4 and at least 3/8 full: under 11 bytes a key.
  BOOST_TEST(f.bytes() < 100000u * 11);
  BOOST_TEST(f.keys() <= 100000u);
  BOOST_TEST(f.keys() >= 100000u - 10);  // shared fingerprints: about 1
  f.reset();
  BOOST_TEST(!f.usable());
  BOOST_TEST(f.may_contain("hx1"));
}

BOOST_AUTO_TEST_CASE(learns_the_heads_of_a_batch_and_rewrites_do_not_grow_it) {
  KeyFilter f;
  f.start();
  f.finish();
  leveldb::WriteBatch batch;
  batch.Put("hka", "record");
  batch.Put("vka", "history");  // not a head
  f.add_heads(batch);
  BOOST_TEST(f.may_contain("hka"));
  BOOST_TEST(!f.may_contain("vka"));
  auto bytes = f.bytes();
  for (int i = 0; i < 100000; ++i)
    f.add_heads(batch);
  BOOST_TEST(f.bytes() == bytes);
}

BOOST_AUTO_TEST_CASE(a_fresh_key_asked_about_then_written_is_learned_once) {
  KeyFilter f;
  f.start();
  f.finish();
  // A write asks about its fresh key, then its batch (here with the key
  // twice) adds it: once.
  for (int i = 0; i < 80; ++i) {
    auto key = "hk" + std::to_string(i);
    BOOST_REQUIRE(!f.may_contain(key));
    leveldb::WriteBatch batch;
    batch.Put(key, "v1");
    batch.Put(key, "v2");
    f.add_heads(batch);
    BOOST_REQUIRE(f.may_contain(key));
  }
  BOOST_TEST(f.keys() == 80u);
  // A key asked about but never written stays absent; the batch after it
  // is learned as usual.
  BOOST_TEST(!f.may_contain("hkasked"));
  leveldb::WriteBatch other;
  other.Put("hkother", "v");
  f.add_heads(other);
  BOOST_TEST(f.may_contain("hkother"));
  BOOST_TEST(!f.may_contain("hkasked"));
  // Many fresh keys asked about, then written in one batch.
  leveldb::WriteBatch many;
  for (int i = 0; i < 200; ++i) {
    auto key = "hkm" + std::to_string(i);
    BOOST_REQUIRE(!f.may_contain(key));
    many.Put(key, "v");
  }
  f.add_heads(many);
  for (int i = 0; i < 200; ++i)
    BOOST_REQUIRE(f.may_contain("hkm" + std::to_string(i)));
  BOOST_TEST(f.keys() == 281u);
}

// The table doubles as keys arrive: every key added before any number of
// resizes is still found, each is held once, and absent keys are
// admitted only by a shared fingerprint at every size.
BOOST_AUTO_TEST_CASE(resizing_keeps_every_key_once_and_admits_almost_no_other) {
  KeyFilter f;
  f.start();
  f.finish();
  size_t resizes = 0, last_bytes = f.bytes();
  for (int round = 0; round < 12; ++round) {
    // Keys arrive through batches, as a store adds them.
    int from = round == 0 ? 0 : 100 << (round - 1), to = 100 << round;
    for (int i = from; i < to; ++i) {
      leveldb::WriteBatch batch;
      batch.Put("hk" + std::to_string(i), "v");
      f.add_heads(batch);
    }
    resizes += f.bytes() != last_bytes;
    last_bytes = f.bytes();
    int missed = 0, admitted = 0;
    for (int i = 0; i < to; ++i)
      missed += !f.may_contain("hk" + std::to_string(i));
    for (int i = 0; i < 20000; ++i)
      admitted += f.may_contain("hx" + std::to_string(i));
    BOOST_TEST_INFO(to << " keys");
    BOOST_TEST(missed == 0);
    BOOST_TEST(admitted < 20, admitted << " of 20000 absent keys admitted at " << to << " keys");
    // Each once; a fingerprint shared by two keys is held once (about
    // n^2 / 2^33 of them: 5 at 204,800 keys).
    BOOST_TEST(f.keys() <= size_t(to));
    BOOST_TEST(f.keys() + 20 >= size_t(to));
  }
  BOOST_TEST(resizes >= 10u);
}

BOOST_AUTO_TEST_CASE(a_disabled_or_failed_filter_admits_everything) {
  KeyFilter off(false);
  off.start();
  off.finish();
  BOOST_TEST(!off.usable());
  BOOST_TEST(!off.needs_build());
  BOOST_TEST(off.may_contain("hknever"));
  KeyFilter failed;
  failed.start();
  failed.fail();
  BOOST_TEST(!failed.needs_build());  // not rescanned per write
  BOOST_TEST(failed.may_contain("hknever"));
  failed.reset();
  BOOST_TEST(failed.needs_build());  // a reopen tries again
}

BOOST_AUTO_TEST_CASE(a_reopened_store_rebuilds_it_from_disk) {
  MemStore s;
  for (int i = 0; i < 500; ++i)
    s.put("k" + std::to_string(i), i);
  s.reopen();
  // Every key written before the reopen continues its versions; fresh
  // keys start at 1.
  for (int i = 0; i < 500; ++i)
    BOOST_TEST_REQUIRE(s.put("k" + std::to_string(i), i) == 2u);
  BOOST_TEST(s.put("new", 1) == 1u);
  BOOST_TEST(STRATA_REQUIRE_OK(s.db->kv_getv("k7"))->size() == 2u);
}

BOOST_AUTO_TEST_SUITE_END()
