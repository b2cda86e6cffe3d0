#pragma once

// The leveldb::Env of a cache database (Strata::cache: no directory, the
// data lives in memory): LevelDB's in-memory Env with an index of the
// file names it holds.
//
// Why the index: LevelDB's MemEnv lists a directory by walking every file
// it holds. A cache database shares one Env among all its spaces (a fork
// copies a store's files to another branch's directory within it), and
// LevelDB lists a store's directory on every open, so opening the n-th
// space walked the files of all the spaces before it: 10,000 spaces took
// about a minute to create (bench/sim_bench), most of it in that walk.
// With the index, listing a directory costs a lookup and its own files.
//
// Same behaviour as MemEnv otherwise, listing included: GetChildren(dir)
// answers every file under `dir` (nested ones too, as "sub/name": MemEnv
// has no directories, only paths), in name order, and an unknown
// directory lists as empty. Two MemEnv bugs are avoided: a file renamed
// onto itself stays (MemEnv frees it), and appending to a missing file
// creates it (MemEnv leaves a null entry). Thread-safe, as every
// leveldb::Env must be.

#include <memory>

#include <leveldb/env.h>

namespace strata::store {

/// A new in-memory Env; `base` supplies the clock, threads and scheduling
/// (Env::Default()). The Env must outlive every store that uses it.
std::unique_ptr<leveldb::Env> new_cache_env(leveldb::Env* base);

}  // namespace strata::store
