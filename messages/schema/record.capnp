# Records stored in a space's LevelDB. The key grammar that addresses them
# is at the top of store/src/key_codec.cpp.
@0xc3a6e1f0b2d47e15;

using Cxx = import "/capnp/c++.capnp";
$Cxx.namespace("strata::schema");

using import "value.capnp".Value;

# One version of a versioned entry (a KV key, later a state cell or a JSON
# document). The newest version lives under the entry's head key; older
# versions under its history keys.
struct VersionedRecord {
  version @0 :UInt64;       # per-entry counter: 1 for the first write, +1 per
                            # write; a deletion also takes a number, so a
                            # number is never reused (SPEC 5.0)
  timestamp @1 :UInt64;     # commit time, microseconds since the Unix epoch;
                            # strictly increasing within a branch
  tombstone @2 :Bool;       # true: the entry was deleted at this version and
                            # `value` is unset
  value @3 :Value;          # the user's value (when not a tombstone)
  paths @4 :List(Data);     # JSON documents only: the paths this version
                            # changed ("$" for the whole document); used to
                            # detect conflicting writes to overlapping paths
}

# Per-space bookkeeping, stored under the meta key "m:space".
struct SpaceMeta {
  formatVersion @0 :UInt32; # on-disk format of this space; 1 today
  maxTimestamp @1 :UInt64;  # the largest commit timestamp written, so the
                            # branch clock never runs backwards after reopen
}

# One event of a space's event log, stored under its sequence number. The
# hash chains every event to the one before it (SPEC 5.2):
#   hash = SHA-256(seq u64 LE | type length u32 LE | type |
#                  timestamp u64 LE | payload length u32 LE | payload JSON |
#                  prevHash)
# where "payload JSON" is Value::to_json() of the payload (members in stored
# order), so the chain can be re-verified from the stored record alone.
struct EventRecord {
  sequence @0 :UInt64;      # 1-based, contiguous within a space
  type @1 :Data;            # event type, 1-256 bytes of any content
  timestamp @2 :UInt64;     # commit time, microseconds since the epoch
  payload @3 :Value;        # always an Object
  prevHash @4 :Data;        # 32 bytes; zeros for the first event
  hash @5 :Data;            # 32 bytes
}

# One operation of a transaction's write set, applied at commit in order.
struct TxnOp {
  kind @0 :UInt8;           # strata::TxnOpKind
  key @1 :Data;             # KV key, state cell, JSON document id, collection name,
                            # or "<collection> NUL <key>" of a vector
  arg @2 :Data;             # JSON path, event type, or a vector's collection
  value @3 :Value;          # value to write (unset for deletes)
  hasExpected @4 :Bool;     # state CAS: whether a version is expected
  expected @5 :UInt64;      # state CAS: the expected version
}

# A participant's durable vote: the write set of transaction `txnId`,
# logged before voting yes in two-phase commit. Applied (and removed) when
# the coordinator decides commit; removed on abort.
#
# commitTs and participants (all spaces of the transaction, this one
# included) make recovery possible without a coordinator decision: the
# transaction committed iff every participant logged PREPARED (or already
# applied it). Records without them (commitTs = 0) are resolved from the
# coordinator's log only.
struct PreparedTxn {
  txnId @0 :UInt64;
  snapshot @1 :UInt64;      # the transaction's snapshot timestamp
  ops @2 :List(TxnOp);
  commitTs @3 :UInt64;
  participants @4 :List(Data);  # space names
}

# The coordinator's durable decision to commit `txnId` at `commitTs`,
# logged before any participant is told. Removed once every participant
# has applied it. No record means abort (presumed abort).
struct CommitDecision {
  txnId @0 :UInt64;
  commitTs @1 :UInt64;
  participants @2 :List(Data);  # space names
}
