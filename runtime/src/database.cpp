#include "database.hpp"

#include "strata/store/cache_env.hpp"
#include "strata/store/disk_env.hpp"
#include "strata/store/files.hpp"

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <vector>

#include <fcntl.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <unistd.h>

#include <caf/all.hpp>
#include <leveldb/cache.h>
#include <leveldb/env.h>
#include <leveldb/filter_policy.h>

#include "strata/actors/client.hpp"
#include "strata/actors/database_root.hpp"
#include "strata/actor.hpp"
#include "strata/messages/protocol.hpp"
#include "service.hpp"
#include "testing_impl.hpp"

namespace strata::detail {

namespace {

// Takes the database-wide lock. flock() locks belong to the open file
// description, so a second open from this process conflicts as well.
result<int> take_lock(const std::string& path) {
  auto lock_path = path + "/.lock";
  int fd = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0)
    return make_error(errc::Io, "cannot open " + lock_path + ": " + std::strerror(errno));
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    int err = errno;
    ::close(fd);
    if (err == EWOULDBLOCK)
      return make_error(errc::Io, "database at '" + path +
                                      "' is already in use by another process");
    return make_error(errc::Io, "cannot lock " + lock_path + ": " + std::strerror(err));
  }
  return fd;
}

namespace fs = std::filesystem;

// -- read-only opens --------------------------------------------------------------
//
// A read-only open reads a snapshot of the database, so that any number of
// readers (LevelDB lets one process at a time open a store) and, once they
// have made their snapshots, a writer can run side by side:
//
//   <path>/.readers/<id>.lock   held (flock) by the reader for its lifetime
//   <path>/.readers/<id>/       the snapshot: table files hard-linked (they
//                               never change once written), the rest copied
//
// The snapshot is made under a shared lock of <path>/.lock, which a writer
// holds exclusively, so no writer changes the files meanwhile. A snapshot
// whose lock nobody holds is a reader's that is gone: the next open removes
// it.

constexpr const char* readers_dir_name = ".readers";

// Removes the snapshots of readers that are gone.
void remove_stale_snapshots(const fs::path& readers) {
  std::error_code ec;
  std::vector<fs::path> entries;
  for (const auto& e : fs::directory_iterator(readers, ec))
    entries.push_back(e.path());
  for (const auto& p : entries) {
    // A name starting with '.' is a reader's lock not yet renamed into
    // place (it may not be locked yet): not for this sweep.
    if (p.filename().string()[0] == '.')
      continue;
    if (p.extension() == ".lock") {
      int fd = ::open(p.c_str(), O_RDWR | O_CLOEXEC);
      if (fd < 0)
        continue;
      if (::flock(fd, LOCK_EX | LOCK_NB) == 0) {
        auto dir = p;
        dir.replace_extension();
        fs::remove_all(dir, ec);
        fs::remove(p, ec);
      }
      ::close(fd);
    } else if (!fs::exists(p.string() + ".lock", ec)) {
      fs::remove_all(p, ec);  // its lock went first: a removal cut short
    }
  }
}

// Copies the database at `from` into `to` for reading: every file but the
// top level's lock, snapshots and staged transfers; table files by hard link.
caf::error copy_for_reading(const fs::path& from, const fs::path& to) {
  std::error_code ec;
  auto failed = [&](const fs::path& p) {
    return make_error(errc::Io, "cannot snapshot '" + p.string() + "' for a read-only open: " +
                                    ec.message());
  };
  if (!fs::create_directory(to, ec))
    return failed(to);
  fs::recursive_directory_iterator it(from, ec), end;
  if (ec)
    return failed(from);
  for (; it != end; it.increment(ec)) {
    if (ec)
      return failed(from);
    auto rel = fs::relative(it->path(), from, ec);
    if (it.depth() == 0) {
      auto name = rel.string();
      if (name == ".lock" || name == readers_dir_name || name == transfers_dir_name) {
        it.disable_recursion_pending();
        continue;
      }
    }
    auto dest = to / rel;
    if (it->is_directory(ec)) {
      if (!fs::create_directories(dest, ec) && ec)
        return failed(dest);
      continue;
    }
    if (!it->is_regular_file(ec))
      continue;
    auto ext = it->path().extension();
    bool table = ext == ".ldb" || ext == ".sst";
    if (table) {
      fs::create_hard_link(it->path(), dest, ec);
      if (!ec)
        continue;
      ec.clear();  // another file system, or no links there: copy it
    }
    if (!fs::copy_file(it->path(), dest, ec))
      return failed(it->path());
  }
  return {};
}

struct Snapshot {
  std::string dir;
  int lock_fd = -1;
};

// Makes a read-only open's snapshot of the database at `path`.
result<Snapshot> snapshot_for_reading(const std::string& path) {
  std::error_code ec;
  if (!fs::is_directory(fs::path(path) / "branches" / default_branch, ec))
    return make_error(errc::BranchNotFound, "branch \"default\" does not exist (no database at '" +
                                                path + "')");
  auto main_lock = path + "/.lock";
  int shared = ::open(main_lock.c_str(), O_RDONLY | O_CLOEXEC);
  if (shared < 0)
    return make_error(errc::Io, "cannot open " + main_lock + ": " + std::strerror(errno));
  if (::flock(shared, LOCK_SH | LOCK_NB) != 0) {
    ::close(shared);
    return make_error(errc::Io, "database at '" + path +
                                    "' is open for writing by another process; a read-only "
                                    "open needs it closed (to read a live database, serve it "
                                    "with strata serve and connect)");
  }
  auto readers = fs::path(path) / readers_dir_name;
  fs::create_directories(readers, ec);
  remove_stale_snapshots(readers);
  // The lock is taken before its name appears, so that no other open can
  // take this snapshot for a stale one.
  static std::atomic<uint64_t> counter{0};
  auto id = std::to_string(::getpid()) + "-" + std::to_string(counter++) + "-" +
            std::to_string(std::chrono::steady_clock::now().time_since_epoch().count());
  auto tmp = readers / ("." + id + ".lock");
  auto lock_path = readers / (id + ".lock");
  Snapshot snap;
  snap.dir = (readers / id).string();
  snap.lock_fd = ::open(tmp.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  caf::error err;
  if (snap.lock_fd < 0 || ::flock(snap.lock_fd, LOCK_EX | LOCK_NB) != 0 ||
      ::rename(tmp.c_str(), lock_path.c_str()) != 0)
    err = make_error(errc::Io, "cannot create a reader's snapshot in '" + readers.string() +
                                   "': " + std::strerror(errno));
  else
    err = copy_for_reading(path, snap.dir);
  ::flock(shared, LOCK_UN);
  ::close(shared);
  if (err) {
    fs::remove_all(snap.dir, ec);
    fs::remove(lock_path, ec);
    fs::remove(tmp, ec);
    if (snap.lock_fd >= 0)
      ::close(snap.lock_fd);
    return err;
  }
  return snap;
}

}  // namespace

result<uint64_t> Database::repair(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  auto branches = fs::path(path) / "branches";
  if (!fs::is_directory(branches, ec))
    return make_error(errc::Io, "no Strata database at '" + path + "'");
  auto fd = take_lock(path);
  if (!fd)
    return fd.error();
  uint64_t repaired = 0;
  caf::error failed;
  auto repair = [&](const fs::path& dir) {
    if (failed || !fs::exists(dir / "CURRENT", ec))
      return;
    failed = store::repair_store(dir.string());
    if (!failed)
      ++repaired;
  };
  for (const auto& branch : fs::directory_iterator(branches, ec)) {
    if (!branch.is_directory())
      continue;
    repair(branch.path() / "txn");
    for (const auto& space : fs::directory_iterator(branch.path() / "spaces", ec))
      if (space.is_directory())
        repair(space.path());
  }
  ::flock(*fd, LOCK_UN);
  ::close(*fd);
  if (failed)
    return failed;
  if (ec)
    return make_error(errc::Io, "cannot list '" + path + "': " + ec.message());
  return repaired;
}

result<std::shared_ptr<Database>> Database::open(std::optional<std::string> path,
                                                 const OpenOptions& options,
                                                 caf::actor_system* external) {
  if (options.service_executors == 0 || options.service_max_in_flight == 0)
    return make_error(errc::InvalidInput,
                      "OpenOptions: service_executors and service_max_in_flight must be >= 1");
  std::shared_ptr<Database> db{new Database};
  db->options_ = options;
  auto ctx = std::make_shared<actors::DatabaseContext>();
  if (path) {
    if (path->empty())
      return make_error(errc::InvalidInput, "database path must not be empty");
    if (options.durability == Durability::Cache)
      return make_error(errc::InvalidInput,
                        "Durability::Cache has no files: use Strata::cache() instead of open()");
    std::error_code ec;
    if (!options.read_only)  // a read-only open creates no database directory
      std::filesystem::create_directories(*path, ec);
    if (options.read_only && !std::filesystem::is_directory(*path, ec))
      return make_error(errc::BranchNotFound, "branch \"default\" does not exist (no database at '" +
                                                  *path + "')");
    if (ec || !std::filesystem::is_directory(*path))
      return make_error(errc::Io, "cannot create database directory '" + *path + "'" +
                                      (ec ? ": " + ec.message() : std::string{}));
    db->path_ = std::filesystem::absolute(*path).lexically_normal().string();
    while (db->path_.size() > 1 && db->path_.back() == '/')
      db->path_.pop_back();
    std::string root = db->path_;
    if (options.read_only) {
      auto snap = snapshot_for_reading(db->path_);
      if (!snap)
        return snap.error();
      db->snapshot_dir_ = snap->dir;
      db->snapshot_lock_fd_ = snap->lock_fd;
      root = snap->dir;
    }
    auto fd = take_lock(root);
    if (!fd)
      return fd.error();
    db->lock_fd_ = *fd;
    // Bundle transfers staged by a process that is gone, and the snapshots
    // of read-only opens that are (no reader makes one while this lock is
    // held).
    std::error_code stale;
    std::filesystem::remove_all(std::filesystem::path(root) / transfers_dir_name, stale);
    if (!options.read_only)
      remove_stale_snapshots(std::filesystem::path(root) / readers_dir_name);
    ctx->root = root;
    ctx->store_options.env = store::disk_env();
    if (options.testing.faults) {
      db->faults_ = options.testing.faults;
      ctx->store_options.env = &db->faults_->impl().env;  // over disk_env()
    }
    ctx->syncer = std::make_shared<actors::SyncWorker>();
    ctx->store_options.durability = options.durability;
  } else {
    if (options.read_only)
      return make_error(errc::InvalidInput,
                        "OpenOptions::read_only needs a database directory (a cache database "
                        "starts empty)");
    db->env_ = store::new_cache_env(leveldb::Env::Default());
    ctx->root = "/strata-cache";
    ctx->store_options.env = db->env_.get();
    ctx->store_options.durability = Durability::Cache;
    db->options_.durability = Durability::Cache;
  }
  db->block_cache_.reset(leveldb::NewLRUCache(options.block_cache_bytes));
  db->filter_.reset(leveldb::NewBloomFilterPolicy(10));
  ctx->store_options.block_cache = db->block_cache_.get();
  ctx->store_options.filter_policy = db->filter_.get();
  ctx->store_options.limits = options.limits;
  // Open stores hold file descriptors: a database of many spaces keeps
  // only as many open as the limit allows (actors/open_stores.hpp).
  size_t max_open = options.max_open_spaces;
  if (max_open == 0 && ctx->store_options.durability == Durability::Cache) {
    max_open = size_t{1} << 20;  // in memory: no descriptors to run out of
  } else if (max_open == 0) {
    struct rlimit limit {};
    uint64_t fds = 1024;
    if (::getrlimit(RLIMIT_NOFILE, &limit) == 0)
      fds = limit.rlim_cur == RLIM_INFINITY ? uint64_t{1} << 20 : limit.rlim_cur;
    max_open = actors::OpenStores::capacity_for(fds);
  }
  ctx->open_stores = std::make_shared<actors::OpenStores>(max_open);
  if (auto faults = options.testing.faults)
    ctx->crash_due = [faults](CommitStep step) { return faults->impl().crash_due(step); };
  ctx->txn_forget_delay = std::max(options.testing.txn_forget_delay, std::chrono::milliseconds(1));
  db->context_ = ctx;

  if (external) {
    db->sys_ = external;
    return db->start();
  }
  auto& cfg = db->config_;
  configure(cfg);
  size_t threads = options.scheduler_threads == 0 ? 2 : options.scheduler_threads;
  cfg.set("scheduler.max-threads", threads);
  if (options.scheduler_policy == SchedulerPolicy::Sharing) {
    // Work stealing puts work a worker creates at the front of its own
    // queue, so an actor woken from outside (a sync thread's report, a
    // timer) could wait behind a stream of newer work; one FIFO queue
    // serves everyone in turn, and its idle workers sleep instead of
    // polling.
    cfg.set("scheduler.policy", caf::atom("sharing"));
  } else {
    // Callers resume actors inline; workers only run timers and handed-off
    // mail, so they may sleep early instead of burning a core polling.
    cfg.set("work-stealing.aggressive-poll-attempts", 100);
  }
  db->system_ = std::make_unique<caf::actor_system>(cfg);
  db->sys_ = db->system_.get();
  return db->start();
}

result<std::shared_ptr<Database>> Database::start() {
  // A root that crashes is started again by its supervision, which
  // publishes it here. (The Database outlives every root: it stops the
  // last one, with user_shutdown, before it goes away.)
  auto first = actors::spawn_supervised_root(
      *sys_, std::shared_ptr<const actors::DatabaseContext>(context_),
      [this](const actors::database_actor& root) {
        std::lock_guard<std::mutex> lock(root_mtx_);
        root_ = root;
      });
  // Finish every commit decided before a crash before anyone reads.
  actors::Client client{*sys_, context_->inline_budget};
  auto recovered = client.call(first, recover_atom::value);
  if (!recovered)
    return recovered.error();
  return shared_from_this();
}

caf::actor Database::service() {
  std::lock_guard<std::mutex> guard{service_mtx_};
  if (!service_)
    service_ = spawn_service(*this);
  return service_;
}

Database::~Database() {
  if (sys_ && (service_ || root())) {
    // The service first (its executors call the actors below), then the
    // root: it stops every branch and space actor, each closing (and in
    // standard mode syncing) its store, and goes down itself last.
    caf::scoped_actor self{*sys_};
    auto stop = [&self](caf::strong_actor_ptr target) {
      if (!target)
        return;
      self->monitor(target);
      self->send_exit(target, caf::exit_reason::user_shutdown);
      self->receive([](const caf::down_msg&) {});
    };
    stop(caf::actor_cast<caf::strong_actor_ptr>(service_));
    service_ = nullptr;
    // A root that crashed meanwhile was replaced: stop the one in place.
    for (auto current = root(); current; current = root()) {
      stop(caf::actor_cast<caf::strong_actor_ptr>(current));
      std::lock_guard<std::mutex> lock(root_mtx_);
      if (root_ == current)
        root_ = nullptr;
    }
  }
  if (system_) {
    system_->await_all_actors_done();
    // Sync jobs still running report to their (now dead) actors through
    // the actor system: finish them while it exists.
    context_->syncer.reset();
    system_.reset();
  } else if (context_) {
    context_->syncer.reset();
  }
  if (lock_fd_ >= 0) {
    ::flock(lock_fd_, LOCK_UN);
    ::close(lock_fd_);
  }
  if (!snapshot_dir_.empty()) {
    // The snapshot, then its lock: a snapshot without one is known stale.
    std::error_code ec;
    fs::remove_all(snapshot_dir_, ec);
    fs::remove(snapshot_dir_ + ".lock", ec);
  }
  if (snapshot_lock_fd_ >= 0)
    ::close(snapshot_lock_fd_);
}

}  // namespace strata::detail
