#include "database.hpp"

#include "strata/store/files.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include <fcntl.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <unistd.h>

#include <caf/all.hpp>
#include <leveldb/cache.h>
#include <leveldb/env.h>
#include <leveldb/filter_policy.h>
#include <leveldb/helpers/memenv.h>

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
    std::filesystem::create_directories(*path, ec);
    if (ec || !std::filesystem::is_directory(*path))
      return make_error(errc::Io, "cannot create database directory '" + *path + "'" +
                                      (ec ? ": " + ec.message() : std::string{}));
    db->path_ = std::filesystem::absolute(*path).lexically_normal().string();
    while (db->path_.size() > 1 && db->path_.back() == '/')
      db->path_.pop_back();
    auto fd = take_lock(db->path_);
    if (!fd)
      return fd.error();
    db->lock_fd_ = *fd;
    // Bundle transfers staged by a process that is gone.
    std::error_code stale;
    std::filesystem::remove_all(std::filesystem::path(db->path_) / transfers_dir_name, stale);
    ctx->root = db->path_;
    ctx->store_options.env = leveldb::Env::Default();
    if (options.testing.faults) {
      db->faults_ = options.testing.faults;
      ctx->store_options.env = &db->faults_->impl().env;
    }
    ctx->syncer = std::make_shared<actors::SyncWorker>();
    ctx->store_options.durability = options.durability;
  } else {
    db->mem_env_.reset(leveldb::NewMemEnv(leveldb::Env::Default()));
    ctx->root = "/strata-cache";
    ctx->store_options.env = db->mem_env_.get();
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
}

}  // namespace strata::detail
