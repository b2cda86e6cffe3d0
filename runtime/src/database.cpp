#include "database.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <caf/all.hpp>
#include <leveldb/cache.h>
#include <leveldb/env.h>
#include <leveldb/filter_policy.h>
#include <leveldb/helpers/memenv.h>

#include "strata/actors/client.hpp"
#include "strata/actors/database_root.hpp"
#include "strata/messages/protocol.hpp"

namespace strata::detail {

namespace {

std::string render_error(uint8_t code, caf::atom_value, const caf::message& ctx) {
  std::string out = to_string(static_cast<errc>(code));
  if (ctx.size() == 1 && ctx.match_element<std::string>(0)) {
    out += ": ";
    out += ctx.get_as<std::string>(0);
  }
  return out;
}

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

result<std::shared_ptr<Database>> Database::open(std::optional<std::string> path,
                                                 const OpenOptions& options) {
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
    ctx->root = db->path_;
    ctx->store_options.env = leveldb::Env::Default();
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
  // Crash tests name a protocol step to die at; never set in production.
  if (const char* point = std::getenv("STRATA_FAULT_POINT"))
    ctx->fault_point = point;
  if (const char* after = std::getenv("STRATA_FAULT_AFTER"))
    ctx->fault_countdown = std::atoll(after);
  if (const char* ms = std::getenv("STRATA_TXN_FORGET_MS")) {
    // Tests only: an integer from 1 ms to one day; anything else is ignored.
    char* end = nullptr;
    errno = 0;
    long long v = std::strtoll(ms, &end, 10);
    if (end != ms && *end == '\0' && errno == 0 && v >= 1 && v <= 86'400'000)
      ctx->txn_forget_delay = std::chrono::milliseconds(v);
  }
  db->context_ = ctx;

  auto& cfg = db->config_;
  cfg.add_message_types<caf::id_block::strata>();
  cfg.add_error_category(error_category(), render_error);
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
  db->root_ = db->system_->spawn(actors::database_behavior,
                                 std::shared_ptr<const actors::DatabaseContext>(ctx));
  // Finish every commit decided before a crash before anyone reads.
  actors::Client client{*db->system_, ctx->inline_budget};
  auto recovered = client.call(db->root_, recover_atom::value);
  if (!recovered)
    return recovered.error();
  return db;
}

Database::~Database() {
  if (system_) {
    // Stopping the root stops every branch and space actor through their
    // links; each closes (and in standard mode syncs) its store on exit.
    caf::anon_send_exit(root_, caf::exit_reason::user_shutdown);
    root_ = nullptr;
    system_->await_all_actors_done();
    // Sync jobs still running report to their (now dead) actors through
    // the actor system: finish them while it exists.
    context_->syncer.reset();
    system_.reset();
  }
  if (lock_fd_ >= 0) {
    ::flock(lock_fd_, LOCK_UN);
    ::close(lock_fd_);
  }
}

}  // namespace strata::detail
