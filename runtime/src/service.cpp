// The service actor: the typed front door user actors send commands to.
//
// It never runs a command itself. It keeps, per client (sending actor), how
// many requests are in flight and which transactions it owns, and hands
// each command to one of the executors — detached actors, each a thread
// with its own HandleImpl that runs commands synchronously (commands to one
// space, and all of one transaction, always go to the same executor, so
// they run in the order sent). The executor answers the client directly
// (the request is delegated). A ticket travels with each command and
// releases the client's in-flight slot when the executor is done with it.

#include "service.hpp"
#include "strata/actors/exceptions.hpp"

#include <atomic>
#include <functional>
#include <map>
#include <tuple>
#include <memory>
#include <set>
#include <unordered_map>
#include <utility>

#include <caf/all.hpp>

#include "database.hpp"
#include "exec.hpp"
#include "strata/actor.hpp"
#include "strata/actors/interfaces.hpp"

namespace strata {

namespace detail {

/// One in-flight slot of a client. The executor releases it just before
/// it answers (so that a client sending its next request on the answer
/// finds the slot free), and the last copy of the message carrying it
/// releases it otherwise (the message was dropped): no path leaks a slot.
struct Ticket {
  std::shared_ptr<std::atomic<size_t>> in_flight;
  std::atomic<bool> released{false};
  Ticket(const Ticket&) = delete;
  Ticket& operator=(const Ticket&) = delete;
  explicit Ticket(std::shared_ptr<std::atomic<size_t>> n) : in_flight(std::move(n)) {}
  ~Ticket() { release(); }
  void release() {
    if (!released.exchange(true, std::memory_order_acq_rel))
      in_flight->fetch_sub(1, std::memory_order_acq_rel);
  }
};

using TicketPtr = std::shared_ptr<Ticket>;

}  // namespace detail

}  // namespace strata

// Tickets only ever travel between actors of this process.
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(strata::detail::TicketPtr)

namespace strata {

namespace detail {

namespace {

using abandon_atom = caf::atom_constant<caf::atom("txn_aband")>;

constexpr size_t max_open_txns = 1024;
constexpr size_t max_batch = 4096;

Strata make_handle(HandleImpl& h) {
  return Access::make(h);
}

// -- executors ----------------------------------------------------------------------

struct ExecutorState {
  std::unique_ptr<HandleImpl> h;
  static inline const char* name = "strata.executor";
};

caf::behavior executor(caf::stateful_actor<ExecutorState>* self, Database* db, size_t index,
                       size_t count) {
  self->set_exception_handler(actors::exception_error);
  // A handle that does not own the database (see spawn_service).
  std::shared_ptr<Database> unowned{std::shared_ptr<Database>{}, db};
  self->state.h = std::make_unique<HandleImpl>(unowned);
  // Transaction ids of executor `index` are index + k * count: the
  // service finds a transaction's executor from its id alone.
  self->state.h->last_txn_id = index;
  self->state.h->txn_id_step = count;
  return {
      [=](Command& c, const TicketPtr& ticket) -> caf::result<Output> {
        auto r = execute(*self->state.h, &make_handle, c);
        ticket->release();
        if (!r)
          return std::move(r.error());
        return std::move(*r);
      },
      [=](std::vector<Command>& cs, const TicketPtr& ticket) -> std::vector<Outcome> {
        std::vector<Outcome> out;
        out.reserve(cs.size());
        for (auto& r : execute_batch(*self->state.h, &make_handle, cs))
          out.push_back(Outcome::of(std::move(r)));
        ticket->release();
        return out;
      },
      [=](abandon_atom, uint64_t txn) {
        // Its owner is gone: roll it back (a spent id is not an error here).
        (void)self->state.h->txns.erase(txn);
      },
  };
}

// -- the service ------------------------------------------------------------------------

struct ClientState {
  std::shared_ptr<std::atomic<size_t>> in_flight = std::make_shared<std::atomic<size_t>>(0);
  std::set<uint64_t> txns;
};

// Requests sent without a sender (anon_send) share the null address's
// entry, which CAF's own hash cannot take.
struct AddrHash {
  size_t operator()(const caf::actor_addr& a) const noexcept {
    return a ? std::hash<caf::actor_addr>{}(a) : 0;
  }
};

using Deliver = std::function<void(result<Output>)>;

/// Plain writes of one kind to one space (Grouped), held back to travel as
/// one batch request, each with the callback its answer goes to.
struct Held {
  Target at;
  std::vector<Command> cmds;
  std::vector<Deliver> delivers;
};

/// What the service knows of one space: its actor, how many of the
/// service's requests to it are unanswered, and the plain writes held back
/// meanwhile. A write that finds the space busy waits for it to go quiet
/// and then travels with the writes that arrived after it as one batch
/// (one LevelDB write, one fsync in always mode) instead of queueing in the
/// space's mailbox as its own request: under load, a put costs the space
/// actor a share of a batch. A space that is idle gets each write at once,
/// so a lone request waits for nothing.
struct SpaceLane {
  actors::space_actor actor;
  size_t in_flight = 0;
  Held held;
};

using LanePtr = std::shared_ptr<SpaceLane>;

/// What a service runs on: its database (null for a protocol test's
/// service, which has stand-in actors behind it and no executors), where
/// to find the database root (replaced after a crash, so asked each time),
/// and its bounds.
struct ServiceSetup {
  Database* db = nullptr;
  std::function<actors::database_actor()> root;
  size_t max_in_flight = 0;
  size_t executors = 0;
};

struct ServiceState {
  Database* db = nullptr;
  std::function<actors::database_actor()> root;
  /// The actors commands with a plan go to, resolved once and cached; a
  /// target being resolved holds the commands that arrive for it meanwhile
  /// (run in arrival order once it is known).
  std::map<std::string, actors::branch_actor> branches;
  std::map<std::pair<std::string, std::string>, LanePtr> spaces;
  /// The spaces whose lanes hold writes back (so a branch's are found
  /// without walking all its spaces).
  std::set<std::pair<std::string, std::string>> holding;
  std::map<std::pair<std::string, std::string>, std::vector<std::function<void(caf::error)>>>
      resolving;
  std::vector<caf::actor> executors;
  size_t max_in_flight = 0;
  std::unordered_map<caf::actor_addr, ClientState, AddrHash> clients;
  /// Executors still to go down before the service stops.
  size_t stopping = 0;
  static inline const char* name = "strata.service";
};

using self_ptr = service::stateful_pointer<ServiceState>;

// The client sending the current message (monitored from its first
// request on, so that its state goes when it does).
ClientState& client(self_ptr self) {
  auto addr = caf::actor_cast<caf::actor_addr>(self->current_sender());
  auto [it, added] = self->state.clients.try_emplace(addr);
  if (added && addr)
    self->monitor(addr);
  return it->second;
}

caf::error busy(const ServiceState& st) {
  return make_error(errc::Busy, "more than " + std::to_string(st.max_in_flight) +
                                    " requests in flight from this actor; retry after replies");
}

// Takes an in-flight slot, or none when the client has no slot left.
std::optional<TicketPtr> take_slot(const ServiceState& st, ClientState& c) {
  if (c.in_flight->fetch_add(1, std::memory_order_acq_rel) >= st.max_in_flight) {
    c.in_flight->fetch_sub(1, std::memory_order_acq_rel);
    return std::nullopt;
  }
  return std::make_shared<Ticket>(c.in_flight);
}

size_t executor_for(const ServiceState& st, const Target& at) {
  if (at.txn != 0)
    return at.txn % st.executors.size();
  auto h = std::hash<std::string>{}(at.branch) * 31 + std::hash<std::string>{}(at.space);
  return h % st.executors.size();
}

// A spent transaction id leaves its owner's list.
void forget_txn(ClientState& c, const Command& cmd) {
  if (std::holds_alternative<cmd::Commit>(cmd) || std::holds_alternative<cmd::Rollback>(cmd))
    c.txns.erase(target_of(cmd).txn);
}

// -- commands with a plan: straight to the actor that owns the target ---------------

using Key = std::pair<std::string, std::string>;

// Resolves the actors of `at` (its branch supervisor; its space actor when
// `space`), caches them and runs `then`, or `then` with the error. Commands
// for one target keep their order while it resolves.
void resolve(self_ptr self, const Target& at, bool space, std::function<void(caf::error)> then) {
  auto& st = self->state;
  Key key{at.branch, space ? at.space : std::string{}};
  auto& waiting = st.resolving[key];
  waiting.push_back(std::move(then));
  if (waiting.size() > 1)
    return;  // already being resolved
  auto finish = [self, key](caf::error err) {
    auto waiting = std::move(self->state.resolving[key]);
    self->state.resolving.erase(key);
    for (auto& w : waiting)
      w(err);
  };
  auto resolve_space = [self, at, key, finish](caf::error err) {
    if (err) {
      finish(std::move(err));
      return;
    }
    self->request(self->state.branches[at.branch], caf::infinite, space_resolve_atom::value,
                  at.space)
        .then(
            [self, key, finish](actors::space_actor& actor) {
              auto lane = std::make_shared<SpaceLane>();
              lane->actor = std::move(actor);
              self->state.spaces[key] = std::move(lane);
              finish({});
            },
            [finish](caf::error& err) { finish(std::move(err)); });
  };
  if (st.branches.count(at.branch) != 0) {
    resolve_space({});
    return;
  }
  self->request(st.root(), caf::infinite, branch_open_atom::value, at.branch)
      .then(
          [self, at, space, finish, resolve_space](actors::branch_actor& actor) {
            self->state.branches[at.branch] = std::move(actor);
            if (space)
              resolve_space({});
            else
              finish({});
          },
          [finish](caf::error& err) { finish(std::move(err)); });
}

// Runs `then` once the actors of `at` are resolved and cached (at once when
// they are: the common case makes no std::function), or with the error.
template <class F>
void when_resolved(self_ptr self, const Target& at, bool space, F&& then) {
  auto& st = self->state;
  bool known = space ? st.spaces.count(Key{at.branch, at.space}) != 0
                     : st.branches.count(at.branch) != 0;
  if (known)
    then(caf::error{});
  else
    resolve(self, at, space, std::function<void(caf::error)>{std::forward<F>(then)});
}

bool receiver_down(const caf::error& err) {
  return err.category() == caf::atom("system") &&
         err.code() == static_cast<uint8_t>(caf::sec::request_receiver_down);
}

// Forgets the cached actors of `at` (they are gone: deleted, restarted)
// and returns the writes its space held back, for the caller to send again
// after its own request (they arrived after it).
Held forget(self_ptr self, const Target& at) {
  Held held;
  auto it = self->state.spaces.find(Key{at.branch, at.space});
  if (it != self->state.spaces.end()) {
    held = std::exchange(it->second->held, Held{});
    self->state.holding.erase(it->first);
    self->state.spaces.erase(it);
  }
  self->state.branches.erase(at.branch);
  return held;
}

constexpr int max_resends = 100;

/// Held writes travel as soon as this many have gathered, busy or not.
constexpr size_t max_held = 256;

void resend_held(self_ptr self, Held held, int attempt);

// The actor type a plan sends to, and the type of its reply.
template <Where W>
struct HandleOf;
template <>
struct HandleOf<Where::Space> {
  using type = actors::space_actor;
};
template <>
struct HandleOf<Where::Branch> {
  using type = actors::branch_actor;
};
template <>
struct HandleOf<Where::Root> {
  using type = actors::database_actor;
};

template <class Handle, class Tuple>
struct ReplyOf;
template <class Handle, class... Xs>
struct ReplyOf<Handle, std::tuple<Xs...>> {
  using rt = caf::response_type<typename Handle::signatures, std::decay_t<Xs>...>;
  using type = std::tuple_element_t<0, typename rt::tuple_type>;
};

template <class C>
using reply_t = typename ReplyOf<typename HandleOf<Plan<C>::where>::type,
                                 decltype(Plan<C>::args(std::declval<const C&>()))>::type;

// What a failed request of command C answers: C's empty output for a read
// of a branch that does not exist (unless_branch_missing), else the error.
template <class C>
result<Output> failed(caf::error err) {
  auto out = unless_branch_missing<C>(std::move(err));
  if (!out)
    return std::move(out.error());
  return Output{std::move(*out)};
}

// A reply from the space of `lane` came in: once none is outstanding,
// the writes held back meanwhile go as one batch.
void send_held(self_ptr self, const LanePtr& lane);

void answered(self_ptr self, const LanePtr& lane) {
  if (--lane->in_flight == 0 && !lane->held.cmds.empty())
    send_held(self, lane);
}

// The error every command of a batch that could not be delivered gets.
caf::error undeliverable(const Target& at, caf::error err) {
  if (receiver_down(err))
    return make_error(errc::BranchClosed,
                      "branch \"" + at.branch + "\" was deleted or restarted during the call");
  return err;
}

// Sends `held` (commands of kind C) to the space of `lane` as one batch
// request and hands each command its item of the answer.
template <class C>
void send_group(self_ptr self, const LanePtr& lane, Held held, int attempt) {
  using Item = decltype(Grouped<C>::item(std::declval<const C&>()));
  std::vector<Item> items;
  items.reserve(held.cmds.size());
  for (auto& c : held.cmds)
    items.push_back(Grouped<C>::item(std::get<C>(c)));
  auto group = std::make_shared<Held>(std::move(held));
  ++lane->in_flight;
  self->request(lane->actor, caf::infinite, typename Grouped<C>::atom{}, std::move(items))
      .then(
          [self, lane, group](std::vector<BatchItemResult>& rs) {
            answered(self, lane);
            for (size_t k = 0; k < group->delivers.size(); ++k) {
              if (k < rs.size())
                group->delivers[k](grouped_output(std::move(rs[k])));
              else
                group->delivers[k](make_error(errc::Internal, "a batch answered " +
                                                                  std::to_string(rs.size()) +
                                                                  " items for " +
                                                                  std::to_string(k + 1)));
            }
          },
          [self, lane, group, attempt](caf::error& err) {
            answered(self, lane);
            if (receiver_down(err) && attempt < max_resends) {
              auto later = forget(self, group->at);
              resend_held(self, std::move(*group), attempt + 1);
              if (!later.cmds.empty())
                resend_held(self, std::move(later), 0);
              return;
            }
            err = undeliverable(group->at, std::move(err));
            for (auto& deliver : group->delivers)
              deliver(failed<C>(err));
          });
}

// Sends `held`, whatever kind of write it holds, as one batch.
void send_group_any(self_ptr self, const LanePtr& lane, Held held, int attempt) {
  std::visit(
      [&](const auto& first) {
        using C = std::decay_t<decltype(first)>;
        if constexpr (Grouped<C>::exists)
          send_group<C>(self, lane, std::move(held), attempt);
      },
      held.cmds.front());
}

void send_held(self_ptr self, const LanePtr& lane) {
  auto held = std::exchange(lane->held, Held{});
  self->state.holding.erase(Key{held.at.branch, held.at.space});
  send_group_any(self, lane, std::move(held), 0);
}

// Sends the writes held for every space of `branch`: a command that is not
// a request to one space (a space or branch command, a fork, a merge, an
// export, a transaction's commit) sees the writes a client sent before it,
// as it would had they gone to their spaces at once.
void flush_branch(self_ptr self, const std::string& branch) {
  auto& st = self->state;
  auto it = st.holding.lower_bound(Key{branch, std::string{}});
  while (it != st.holding.end() && it->first == branch) {
    auto key = *it++;  // send_held erases it
    auto lane = st.spaces.find(key);
    if (lane != st.spaces.end())
      send_held(self, lane->second);
  }
}

// Sends held writes whose space was found gone once it is resolved again.
void resend_held(self_ptr self, Held held, int attempt) {
  auto group = std::make_shared<Held>(std::move(held));
  auto at = group->at;
  when_resolved(self, at, true, [self, group, attempt](caf::error err) {
    if (err) {
      for (auto& deliver : group->delivers)
        deliver(err);
      return;
    }
    auto lane = self->state.spaces[Key{group->at.branch, group->at.space}];
    send_group_any(self, lane, std::move(*group), attempt);
  });
}

// Holds write `c` back until its busy space goes quiet, behind the writes
// held before it; a write of another kind first sends those.
template <class C>
void hold(self_ptr self, const LanePtr& lane, C&& c, Deliver deliver) {
  auto& held = lane->held;
  if (!held.cmds.empty() && !std::holds_alternative<C>(held.cmds.front()))
    send_held(self, lane);
  if (held.cmds.empty()) {
    held.at = c.at;
    self->state.holding.insert(Key{c.at.branch, c.at.space});
  }
  held.cmds.emplace_back(std::move(c));
  held.delivers.push_back(std::move(deliver));
  if (held.cmds.size() >= max_held)
    send_held(self, lane);
}

// Sends command `c` (which has a plan) to the actor owning its target and
// hands the converted reply to `deliver`. A target actor found dead (its
// space restarted, its branch deleted) bounces the request unprocessed: the
// command is resolved and sent again.
//
// `deliver` is any copyable callable taking result<Output> (a template
// parameter rather than a std::function: the common path allocates none).
template <class C, class D>
void run_plan(self_ptr self, C c, D deliver, int attempt = 0) {
  if (auto err = refused_on(self->state.db, c)) {
    deliver(std::move(err));
    return;
  }
  if constexpr (has_precheck<C>::value) {
    if (auto early = Plan<C>::precheck(c)) {
      if (*early)
        deliver(Output{std::move(**early)});
      else
        deliver(std::move(early->error()));
      return;
    }
  }
  constexpr auto where = Plan<C>::where;
  Target at = c.at;
  auto send = [self, c = std::move(c), deliver, attempt](caf::error err) mutable {
    if (err) {
      deliver(failed<C>(std::move(err)));
      return;
    }
    auto& st = self->state;
    LanePtr lane;
    if constexpr (where == Where::Space) {
      lane = st.spaces[Key{c.at.branch, c.at.space}];
      if constexpr (Grouped<C>::exists) {
        if (lane->in_flight > 0) {
          hold(self, lane, std::move(c), Deliver{std::move(deliver)});
          return;
        }
      } else if (!lane->held.cmds.empty()) {
        send_held(self, lane);  // they came first
      }
      ++lane->in_flight;
    } else {
      flush_branch(self, c.at.branch);
    }
    auto on_reply = [self, lane, deliver](reply_t<C>& reply) mutable {
      if (lane)
        answered(self, lane);
      auto out = Plan<C>::convert(std::move(reply));
      if (out)
        deliver(Output{std::move(*out)});
      else
        deliver(std::move(out.error()));
    };
    auto request = std::apply(
        [&](const auto&... xs) {
          if constexpr (where == Where::Space)
            return self->request(lane->actor, caf::infinite, xs...);
          else if constexpr (where == Where::Branch)
            return self->request(st.branches[c.at.branch], caf::infinite, xs...);
          else
            return self->request(st.root(), caf::infinite, xs...);
        },
        Plan<C>::args(c));
    // The message holds its own copy of the arguments: the command moves
    // into the handler that would send it again (no copy per request).
    request.then(std::move(on_reply), [self, lane, c = std::move(c), deliver = std::move(deliver),
                                        attempt](caf::error& err) mutable {
      if (lane)
        answered(self, lane);
      if (receiver_down(err) && attempt < max_resends) {
        auto later = forget(self, c.at);
        run_plan(self, c, deliver, attempt + 1);
        if (!later.cmds.empty())
          resend_held(self, std::move(later), 0);
        return;
      }
      deliver(failed<C>(undeliverable(c.at, std::move(err))));
    });
  };
  if constexpr (where == Where::Root)
    send({});
  else
    when_resolved(self, at, where == Where::Space, std::move(send));
}

// Whether `c` runs on the actors directly (it has a plan and names no
// transaction); otherwise an executor runs it.
bool direct(const Command& c) {
  return std::visit(
      [](const auto& x) {
        using C = std::decay_t<decltype(x)>;
        return Plan<C>::exists && x.at.txn == 0;
      },
      c);
}

// A transaction is used only by the actor that began it: an id it does
// not own answers as an unknown one would (ids are small numbers, and a
// node's clients must not reach each other's transactions).
caf::error not_owned(const ClientState& c, const Command& cmd) {
  auto txn = target_of(cmd).txn;
  if (txn == 0 || std::holds_alternative<cmd::Begin>(cmd) || c.txns.count(txn) != 0)
    return {};
  return make_error(errc::TransactionNotActive, "no active transaction with id " +
                                                    std::to_string(txn));
}

caf::result<Output> on_command(self_ptr self, Command& c) {
  auto& st = self->state;
  // Before make_response_promise, which takes the sender out of the
  // current message.
  auto owner = caf::actor_cast<caf::actor_addr>(self->current_sender());
  auto& cl = client(self);
  if (auto err = not_owned(cl, c))
    return err;
  bool begin = std::holds_alternative<cmd::Begin>(c);
  if (begin && cl.txns.size() >= max_open_txns)
    return make_error(errc::Busy, "this actor holds " + std::to_string(max_open_txns) +
                                      " open transactions; commit or roll some back first");
  auto ticket = take_slot(st, cl);
  if (!ticket)
    return busy(st);
  auto rp = self->make_response_promise<Output>();
  if (direct(c)) {
    std::visit(
        [&](auto& x) {
          using C = std::decay_t<decltype(x)>;
          if constexpr (Plan<C>::exists)
            run_plan(self, std::move(x),
                     [rp, ticket = std::move(*ticket)](result<Output> r) mutable {
                       ticket->release();
                       if (r)
                         rp.deliver(std::move(*r));
                       else
                         rp.deliver(std::move(r.error()));
                     });
        },
        c);
    return rp;
  }
  if (st.executors.empty()) {
    rp.deliver(make_error(errc::Unavailable, "this service runs no executors"));
    return rp;
  }
  flush_branch(self, target_of(c).branch);
  auto& exec = st.executors[executor_for(st, target_of(c))];
  if (!begin) {
    forget_txn(cl, c);
    rp.delegate(exec, std::move(c), std::move(*ticket));
    return rp;
  }
  // The service learns the id to roll the transaction back should its
  // owner die.
  self->request(exec, caf::infinite, std::move(c), std::move(*ticket))
      .then(
          [self, rp, owner](Output& out) mutable {
            if (auto* id = std::get_if<uint64_t>(&out)) {
              auto it = self->state.clients.find(owner);
              if (it != self->state.clients.end())
                it->second.txns.insert(*id);
              else  // the owner died meanwhile
                caf::anon_send(self->state.executors[*id % self->state.executors.size()],
                           abandon_atom::value, *id);
            }
            rp.deliver(std::move(out));
          },
          [rp](caf::error& err) mutable { rp.deliver(std::move(err)); });
  return rp;
}

caf::result<std::vector<Outcome>> on_batch(self_ptr self, std::vector<Command>& cs) {
  auto& st = self->state;
  if (cs.size() > max_batch)
    return make_error(errc::InvalidInput, "a batch holds at most " + std::to_string(max_batch) +
                                              " commands, not " + std::to_string(cs.size()));
  for (const auto& c : cs)
    if (std::holds_alternative<cmd::Begin>(c))
      return make_error(errc::InvalidInput,
                        "Begin cannot run in a batch sent to the service: send it alone");
  auto& cl = client(self);
  for (const auto& c : cs)
    if (auto err = not_owned(cl, c))
      return err;
  auto ticket = take_slot(st, cl);
  if (!ticket)
    return busy(st);
  // The batch runs in order on one executor: that of its first
  // transaction if it names one, else that of its first command.
  Target route;
  for (const auto& c : cs)
    if (target_of(c).txn != 0) {
      route = target_of(c);
      break;
    }
  if (route.txn == 0 && !cs.empty())
    route = target_of(cs.front());
  for (const auto& c : cs)
    forget_txn(cl, c);
  if (st.executors.empty())
    return make_error(errc::Unavailable, "this service runs no executors");
  for (const auto& c : cs)
    flush_branch(self, target_of(c).branch);
  auto rp = self->make_response_promise<std::vector<Outcome>>();
  rp.delegate(st.executors[executor_for(st, route)], std::move(cs), std::move(*ticket));
  return rp;
}

// Starts executor `i` (again, after a crash: the transactions it held
// are gone, and their ids answer TransactionNotActive).
void start_executor(self_ptr self, size_t i) {
  auto& st = self->state;
  auto exec = self->spawn<caf::detached + caf::monitored>(executor, st.db, i, st.executors.size());
  st.executors[i] = std::move(exec);
}

service::behavior_type service_behavior(self_ptr self, ServiceSetup setup) {
  self->set_exception_handler(actors::exception_error);
  auto& st = self->state;
  st.db = setup.db;
  st.root = std::move(setup.root);
  st.max_in_flight = setup.max_in_flight;
  st.executors.resize(setup.executors);
  for (size_t i = 0; i < st.executors.size(); ++i)
    start_executor(self, i);
  self->set_down_handler([self](const caf::down_msg& msg) {
    auto& st = self->state;
    for (size_t i = 0; i < st.executors.size(); ++i) {
      if (st.executors[i].address() != msg.source)
        continue;
      if (st.stopping > 0) {
        if (--st.stopping == 0)
          self->quit(caf::exit_reason::user_shutdown);
      } else {
        start_executor(self, i);
      }
      return;
    }
    auto it = st.clients.find(msg.source);
    if (it == st.clients.end())
      return;
    for (auto id : it->second.txns)
      caf::anon_send(st.executors[id % st.executors.size()], abandon_atom::value, id);
    st.clients.erase(it);
  });
  // Stops only once every executor is down: they use the database, which
  // is destroyed right after (Database::~Database waits for this actor).
  self->set_exit_handler([self](const caf::exit_msg& msg) {
    auto& st = self->state;
    if (st.stopping > 0 || msg.reason == caf::exit_reason::normal)
      return;
    st.stopping = st.executors.size();
    if (st.stopping == 0) {  // a protocol test's service: nothing to wait for
      self->quit(msg.reason);
      return;
    }
    for (auto& exec : st.executors)
      self->send_exit(exec, msg.reason);
  });
  return {
      [=](Command& c) -> caf::result<Output> { return on_command(self, c); },
      [=](std::vector<Command>& cs) -> caf::result<std::vector<Outcome>> {
        return on_batch(self, cs);
      },
  };
}

}  // namespace

caf::actor spawn_service(Database& db) {
  const auto& opts = db.options();
  ServiceSetup setup{&db, [&db] { return db.root(); }, opts.service_max_in_flight,
                     opts.service_executors};
  return caf::actor_cast<caf::actor>(db.system().spawn(service_behavior, std::move(setup)));
}

caf::actor spawn_service_on(caf::actor_system& sys, caf::actor root, size_t max_in_flight) {
  auto typed = caf::actor_cast<actors::database_actor>(root);
  ServiceSetup setup{nullptr, [typed] { return typed; }, max_in_flight, 0};
  return caf::actor_cast<caf::actor>(sys.spawn(service_behavior, std::move(setup)));
}

std::string render_error(uint8_t code, caf::atom_value, const caf::message& ctx) {
  std::string out = to_string(static_cast<errc>(code));
  if (ctx.size() == 1 && ctx.match_element<std::string>(0)) {
    out += ": ";
    out += ctx.get_as<std::string>(0);
  }
  return out;
}

service ServiceTraits::get(const Strata& db) {
  auto& h = Access::impl_of(db);
  if (h.remote)  // the connection's link takes the same messages
    return caf::actor_cast<service>(h.remote->link());
  return caf::actor_cast<service>(h.db->service());
}

}  // namespace detail

void configure(caf::actor_system_config& cfg) {
  cfg.add_message_types<caf::id_block::strata>();
  cfg.add_message_types<caf::id_block::strata_api>();
  cfg.add_error_category(error_category(), detail::render_error);
}

}  // namespace strata
