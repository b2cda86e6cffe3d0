#pragma once

// The leveldb::Env of a database on disk: LevelDB's own POSIX Env, except
// that an open store holds one file descriptor instead of three, and about
// 20 KiB of heap instead of 150.
//
// Why: a database keeps one LevelDB per space, and LevelDB holds three
// descriptors for as long as a store is open — its LOCK file, its log and
// its MANIFEST — and a 64 KiB buffer for each of the two files. With one
// space per agent, 10,000 agents needed 30,000 descriptors, more than this
// machine's hard limit (20,000), so most stores were closed and reopened
// on every step (bench/sim_bench: 12% of the rate at 100 agents).
//
// - Locks: a store's LOCK file kept other processes out, and LevelDB's
//   in-process lock table kept a second open in this process out. The
//   database's own lock (the LOCK file at its root, held for as long as it
//   is open) already keeps other processes out of every store below it;
//   this Env keeps an in-process table (a second open of a store fails, as
//   with LevelDB's Env) without a descriptor or a file.
// - MANIFEST files: LevelDB appends to a store's MANIFEST only when its
//   set of table files changes (a memtable flush, a compaction), and syncs
//   it after each such record. Here the MANIFEST is opened for the append
//   and closed once the sync succeeded; the bytes and the syncs are
//   LevelDB's own.
// - Logs: written as LevelDB's POSIX file writes them (one write(2) per
//   flushed record, fdatasync to sync), through a buffer that grows to the
//   largest record instead of a fixed 64 KiB array.
//
// Table files, reads, threads and the clock are LevelDB's POSIX Env's.
// Thread-safe, as every leveldb::Env must be.

#include <memory>

#include <leveldb/env.h>

namespace strata::store {

/// The Env every database on disk uses (a test's FaultEnv wraps it), one
/// per process like Env::Default(), and never destroyed.
leveldb::Env* disk_env();

/// A separate instance, for tests (its lock table is its own).
std::unique_ptr<leveldb::Env> new_disk_env();

}  // namespace strata::store
