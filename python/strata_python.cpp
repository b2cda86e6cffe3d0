// The Python module `strata`: the handle API with Python values.
//
// A thin layer: every method calls the C++ handle method of the same name
// (which runs one strata::Command), converting values on the way in and
// out. Conversions happen with the GIL held; the call itself runs with the
// GIL released, so that threads on their own handles (new_handle()) run in
// parallel. A handle is not meant to be shared between threads, but a
// Python program may do it anyway: each wrapped handle (and session) holds
// a mutex, so shared use is serialized rather than a data race.
//
// Values: None, bool, int (64-bit), float, str, bytes, list/tuple and dict
// (str keys, order kept) map to the eight strata::Value kinds and back
// (lists and dicts come back as list and dict). Errors raise strata.Error
// subclasses named after strata::errc kinds (strata.InvalidInput, ...).

#include <cmath>
#include <cstring>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <strata/strata.hpp>

namespace py = pybind11;

namespace strata::python {
namespace {

// -- errors ------------------------------------------------------------------------

/// A strata error on its way to Python (translated to strata.<Kind>).
struct StrataError : std::exception {
  explicit StrataError(caf::error e) : err(std::move(e)) {}
  const char* what() const noexcept override { return "strata error"; }
  caf::error err;
};

/// The exception classes: [0] strata.Error, [k] the class of errc k.
std::vector<py::object>& error_classes() {
  static auto* classes = new std::vector<py::object>();  // lives as long as the interpreter
  return *classes;
}

constexpr auto last_errc = errc::Timeout;

py::object error_class(errc kind) {
  auto& classes = error_classes();
  auto k = static_cast<size_t>(kind);
  return k < classes.size() && classes[k] ? classes[k] : classes[0];
}

/// An exception instance for `err`: str() is "<Kind>: <message>"; it has
/// `kind` and `message` attributes.
py::object error_instance(const caf::error& err) {
  auto cls = error_class(kind_of(err));
  py::object inst = cls(py::str(describe(err)));
  inst.attr("kind") = py::str(to_string(kind_of(err)));
  inst.attr("message") = py::str(message_of(err));
  return inst;
}

template <class T>
T ok(result<T>&& r) {
  if (!r)
    throw StrataError(std::move(r.error()));
  return std::move(*r);
}
inline void ok(result<void>&& r) {
  if (!r)
    throw StrataError(std::move(r.error()));
}

[[noreturn]] void bad_input(const std::string& what) {
  throw StrataError(make_error(errc::InvalidInput, what));
}

// -- values ---------------------------------------------------------------------------

/// Text from the database: UTF-8, with undecodable bytes kept as surrogate
/// escapes (keys are bytes; a str given back encodes to the same bytes).
py::str text(const std::string& s) {
  PyObject* o = PyUnicode_DecodeUTF8(s.data(), static_cast<Py_ssize_t>(s.size()), "surrogateescape");
  if (!o)
    throw py::error_already_set();
  return py::reinterpret_steal<py::str>(o);
}

py::list texts(const std::vector<std::string>& xs) {
  py::list out;
  for (const auto& x : xs)
    out.append(text(x));
  return out;
}

py::object to_py(const Value& v);

py::object to_py(const std::optional<Value>& v) {
  return v ? to_py(*v) : py::none();
}

py::object to_py(const Value& v) {
  switch (v.kind()) {
    case ValueKind::Null:
      return py::none();
    case ValueKind::Bool:
      return py::bool_(*v.as_bool());
    case ValueKind::Int:
      return py::int_(*v.as_int());
    case ValueKind::Float:
      return py::float_(*v.as_float());
    case ValueKind::String:
      return text(*v.as_str());
    case ValueKind::Bytes: {
      const auto& b = *v.as_bytes();
      return py::bytes(reinterpret_cast<const char*>(b.data()), b.size());
    }
    case ValueKind::Array: {
      py::list out;
      for (const auto& x : *v.as_array())
        out.append(to_py(x));
      return out;
    }
    case ValueKind::Object: {
      py::dict out;
      for (const auto& [k, x] : *v.as_object())
        out[text(k)] = to_py(x);
      return out;
    }
  }
  return py::none();
}

/// Deeper than this is refused while converting (a self-containing list
/// would otherwise recurse forever); the store's own limit is far lower.
constexpr int max_conversion_depth = 1000;

std::string key_bytes(py::handle h, const char* what) {
  if (PyUnicode_Check(h.ptr())) {
    PyObject* b = PyUnicode_AsEncodedString(h.ptr(), "utf-8", "surrogateescape");
    if (!b)
      throw py::error_already_set();
    auto bytes = py::reinterpret_steal<py::bytes>(b);
    return std::string(bytes);
  }
  if (PyBytes_Check(h.ptr()))
    return std::string(py::reinterpret_borrow<py::bytes>(h));
  bad_input(std::string(what) + " must be str or bytes, not " +
            std::string(py::str(h.get_type().attr("__name__"))));
}

Value from_py(py::handle h, int depth = 0) {
  if (depth > max_conversion_depth)
    throw StrataError(make_error(errc::ConstraintViolation,
                                 "value nested deeper than " +
                                     std::to_string(max_conversion_depth) +
                                     " levels (or containing itself)"));
  PyObject* o = h.ptr();
  if (o == Py_None)
    return Value{};
  if (PyBool_Check(o))
    return Value{o == Py_True};
  if (PyLong_Check(o)) {
    int overflow = 0;
    long long x = PyLong_AsLongLongAndOverflow(o, &overflow);
    if (overflow != 0)
      bad_input("int " + std::string(py::str(h)) + " does not fit in 64 bits");
    if (x == -1 && PyErr_Occurred())
      throw py::error_already_set();
    return Value{static_cast<int64_t>(x)};
  }
  if (PyFloat_Check(o))
    return Value{PyFloat_AsDouble(o)};
  if (PyUnicode_Check(o))
    return Value{key_bytes(h, "string")};
  if (PyBytes_Check(o) || PyByteArray_Check(o) || PyMemoryView_Check(o)) {
    py::bytes b = py::reinterpret_steal<py::bytes>(PyBytes_FromObject(o));
    if (!b)
      throw py::error_already_set();
    std::string s(b);
    return Value{Bytes(s.begin(), s.end())};
  }
  if (PyDict_Check(o)) {
    Object out;
    for (auto [k, x] : py::reinterpret_borrow<py::dict>(h)) {
      if (!PyUnicode_Check(k.ptr()))
        bad_input("dict keys must be str, not " +
                  std::string(py::str(k.get_type().attr("__name__"))));
      out.set(key_bytes(k, "dict key"), from_py(x, depth + 1));
    }
    return Value{std::move(out)};
  }
  if (PyList_Check(o) || PyTuple_Check(o)) {
    Array out;
    for (auto x : py::reinterpret_borrow<py::sequence>(h))
      out.push_back(from_py(x, depth + 1));
    return Value{std::move(out)};
  }
  // NumPy and other numeric scalars: integers by __index__, reals by
  // __float__.
  if (PyIndex_Check(o)) {
    PyObject* index = PyNumber_Index(o);
    if (!index)
      throw py::error_already_set();
    return from_py(py::reinterpret_steal<py::object>(index), depth);
  }
  if (PyObject_HasAttrString(o, "__float__"))
    return Value{py::cast<double>(h)};
  bad_input("cannot store a value of type " + std::string(py::str(h.get_type().attr("__name__"))) +
            " (use None, bool, int, float, str, bytes, list, tuple or dict)");
}

std::optional<Value> optional_value(const py::object& h) {
  if (h.is_none())
    return std::nullopt;
  return from_py(h);
}

/// An embedding: any sequence of numbers, or a buffer of float32/float64
/// (a NumPy array) of one dimension.
std::vector<float> floats(py::handle h) {
  std::vector<float> out;
  if (PyObject_CheckBuffer(h.ptr())) {
    auto info = py::reinterpret_borrow<py::buffer>(h).request();
    if (info.ndim != 1)
      bad_input("an embedding must have one dimension, not " + std::to_string(info.ndim));
    out.reserve(static_cast<size_t>(info.shape[0]));
    for (py::ssize_t i = 0; i < info.shape[0]; ++i) {
      const char* p = static_cast<const char*>(info.ptr) + i * info.strides[0];
      if (info.format == "f") {
        float x;
        std::memcpy(&x, p, sizeof x);
        out.push_back(x);
      } else if (info.format == "d") {
        double x;
        std::memcpy(&x, p, sizeof x);
        out.push_back(static_cast<float>(x));
      } else {
        out.clear();
        break;  // another element type: read it as a sequence below
      }
    }
    if (!out.empty() || info.shape[0] == 0)
      return out;
  }
  if (PyUnicode_Check(h.ptr()) || PyBytes_Check(h.ptr()) || !PySequence_Check(h.ptr()))
    bad_input("an embedding must be a sequence of numbers");
  for (auto x : py::reinterpret_borrow<py::sequence>(h)) {
    if (!PyNumber_Check(x.ptr()) || PyBool_Check(x.ptr()))
      bad_input("an embedding holds numbers only, not " +
                std::string(py::str(x.get_type().attr("__name__"))));
    out.push_back(static_cast<float>(py::cast<double>(x)));
  }
  return out;
}

py::list float_list(const std::vector<float>& xs) {
  py::list out;
  for (float x : xs)
    out.append(py::float_(x));
  return out;
}

MetadataFilter filter_of(const py::object& h) {
  if (h.is_none())
    return {};
  return ok(MetadataFilter::from_value(from_py(h)));
}

DistanceMetric metric_of(const std::string& name) { return ok(parse_metric(name)); }

IndexKind index_of(const std::string& name) {
  if (name == "auto")
    return IndexKind::Auto;
  if (name == "flat" || name == "brute_force")
    return IndexKind::BruteForce;
  if (name == "hnsw")
    return IndexKind::Hnsw;
  bad_input("unknown index '" + name + "' (expected auto, flat or hnsw)");
}

std::optional<std::string_view> prefix_of(const std::optional<std::string>& p) {
  return p ? std::optional<std::string_view>{*p} : std::nullopt;
}

/// Per-item batch results: the version, or the item's error as an
/// exception instance (not raised: the other items were written).
py::list batch_results(const std::vector<BatchItemResult>& rs) {
  py::list out;
  for (const auto& r : rs)
    out.append(r.ok() ? py::object(py::int_(*r.version)) : error_instance(r.error));
  return out;
}

// -- handles ----------------------------------------------------------------------------

/// A handle as Python holds it: serialized use, the GIL released inside.
struct Handle {
  explicit Handle(Strata d) : db(std::move(d)) {}
  Strata db;
  std::mutex mu;
};

struct PySession {
  explicit PySession(Session s) : session(std::move(s)) {}
  Session session;
  std::mutex mu;
};

/// Runs `f(target)` without the GIL, one caller at a time per object.
template <class Holder, class F>
auto locked(Holder& h, F&& f) {
  py::gil_scoped_release nogil;
  std::lock_guard<std::mutex> lock(h.mu);
  if constexpr (std::is_same_v<Holder, Handle>)
    return f(h.db);
  else
    return f(h.session);
}

std::unique_ptr<Handle> open_db(const std::string& path, const std::string& durability) {
  OpenOptions opts;
  if (durability == "standard")
    opts.durability = Durability::Standard;
  else if (durability == "always")
    opts.durability = Durability::Always;
  else
    bad_input("unknown durability '" + durability + "' (expected standard or always)");
  auto db = [&] {
    py::gil_scoped_release nogil;
    return Strata::open(path, opts);
  }();
  return std::make_unique<Handle>(ok(std::move(db)));
}

std::unique_ptr<Handle> cache_db() {
  auto db = [] {
    py::gil_scoped_release nogil;
    return Strata::cache();
  }();
  return std::make_unique<Handle>(ok(std::move(db)));
}

std::unique_ptr<Handle> connect_db(const std::string& endpoint, const std::string& cert,
                                   const std::string& key, const std::string& ca, bool insecure,
                                   double timeout_s) {
  ConnectOptions opts;
  opts.tls.certificate = cert;
  opts.tls.key = key;
  opts.tls.ca = ca;
  opts.insecure = insecure;
  if (!(timeout_s > 0.001) || !std::isfinite(timeout_s) || timeout_s > 86400.0 * 365)
    bad_input("timeout must be above 0.001 s and at most a year");
  opts.call_timeout = std::chrono::milliseconds(static_cast<int64_t>(timeout_s * 1000));
  auto db = [&] {
    py::gil_scoped_release nogil;
    return Strata::connect(endpoint, opts);
  }();
  return std::make_unique<Handle>(ok(std::move(db)));
}

/// A scan page as (items, cursor): items a list of Versioned with a `key`.
py::tuple scan_page(ScanPage&& page) {
  py::list items;
  for (auto& kv : page.items)
    items.append(py::make_tuple(text(kv.key), py::cast(VersionedValue{std::move(kv.value),
                                                                      kv.version, kv.timestamp})));
  return py::make_tuple(items, page.cursor ? py::object(text(*page.cursor)) : py::none());
}

py::object time_range_of(const TimeRange& r) {
  if (!r)
    return py::none();
  return py::make_tuple(r->first, r->second);
}

// -- the module -------------------------------------------------------------------------

void define_errors(py::module_& m) {
  auto& classes = error_classes();
  auto base = py::reinterpret_steal<py::object>(PyErr_NewExceptionWithDoc(
      "strata.Error",
      "Every Strata error. `kind` names the strata::errc kind (\"InvalidInput\", ...), "
      "`message` says what was wrong; str() is \"<kind>: <message>\". Each kind is a "
      "subclass of this one (strata.InvalidInput, strata.BranchNotFound, ...).",
      PyExc_Exception, nullptr));
  m.attr("Error") = base;
  classes.assign(static_cast<size_t>(last_errc) + 1, py::object());
  classes[0] = base;
  for (auto k = static_cast<size_t>(errc::KeyNotFound); k <= static_cast<size_t>(last_errc); ++k) {
    const char* name = to_string(static_cast<errc>(k));
    auto cls = py::reinterpret_steal<py::object>(
        PyErr_NewException(("strata." + std::string(name)).c_str(), base.ptr(), nullptr));
    m.attr(name) = cls;
    classes[k] = cls;
  }
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p)
        std::rethrow_exception(p);
    } catch (const StrataError& e) {
      auto inst = error_instance(e.err);
      PyErr_SetObject(error_class(kind_of(e.err)).ptr(), inst.ptr());
    }
  });
}

void define_records(py::module_& m) {
  py::class_<VersionedValue>(m, "Versioned", "A value with its version and commit timestamp (µs).")
      .def_property_readonly("value", [](const VersionedValue& v) { return to_py(v.value); })
      .def_readonly("version", &VersionedValue::version)
      .def_readonly("timestamp", &VersionedValue::timestamp)
      .def("__eq__", [](const VersionedValue& a, const VersionedValue& b) { return a == b; })
      .def("__repr__", [](const VersionedValue& v) {
        return "Versioned(value=" + v.value.to_json() + ", version=" + std::to_string(v.version) +
               ", timestamp=" + std::to_string(v.timestamp) + ")";
      });
  py::class_<Event>(m, "Event", "One stored event: sequence, type, payload, timestamp, hashes.")
      .def_readonly("sequence", &Event::sequence)
      .def_property_readonly("type", [](const Event& e) { return text(e.type); })
      .def_property_readonly("payload", [](const Event& e) { return to_py(e.payload); })
      .def_readonly("timestamp", &Event::timestamp)
      .def_property_readonly("hash", [](const Event& e) { return py::bytes(e.hash); })
      .def_property_readonly("prev_hash", [](const Event& e) { return py::bytes(e.prev_hash); })
      .def("__repr__", [](const Event& e) {
        return "Event(sequence=" + std::to_string(e.sequence) + ", type=" + e.type +
               ", payload=" + e.payload.to_json() + ")";
      });
  py::class_<WriteInfo>(m, "WriteInfo",
                        "What a write did: the version it created (an event's sequence) and "
                        "its commit timestamp in microseconds since the epoch; (0, 0) for a "
                        "delete that found nothing, timestamp 0 inside a transaction.")
      .def_readonly("version", &WriteInfo::version)
      .def_readonly("timestamp", &WriteInfo::timestamp)
      .def("__eq__", [](const WriteInfo& a, const WriteInfo& b) { return a == b; })
      .def("__repr__", [](const WriteInfo& w) {
        return "WriteInfo(version=" + std::to_string(w.version) +
               ", timestamp=" + std::to_string(w.timestamp) + ")";
      });
  py::class_<CasOutcome>(m, "CasOutcome",
                         "What a compare-and-swap did: swapped with the new version, or a miss "
                         "with the cell as the check found it (current; None when absent).")
      .def_readonly("swapped", &CasOutcome::swapped)
      .def_readonly("version", &CasOutcome::version)
      .def_readonly("timestamp", &CasOutcome::timestamp)
      .def_property_readonly("current", [](const CasOutcome& c) -> py::object {
        return c.current ? py::cast(*c.current) : py::none();
      })
      .def("__bool__", [](const CasOutcome& c) { return c.swapped; })
      .def("__repr__", [](const CasOutcome& c) {
        if (c.swapped)
          return "CasOutcome(swapped=True, version=" + std::to_string(c.version) + ")";
        return std::string("CasOutcome(swapped=False, current=") +
               (c.current ? c.current->value.to_json() + " at version " +
                                std::to_string(c.current->version)
                          : std::string("None")) +
               ")";
      });
  py::class_<ChainVerification>(m, "ChainVerification")
      .def_readonly("valid", &ChainVerification::valid)
      .def_readonly("length", &ChainVerification::length)
      .def_readonly("first_bad_sequence", &ChainVerification::first_bad_sequence)
      .def_property_readonly("reason", [](const ChainVerification& c) { return text(c.reason); });
  py::class_<VectorEntry>(m, "VectorEntry")
      .def_property_readonly("key", [](const VectorEntry& e) { return text(e.key); })
      .def_property_readonly("embedding", [](const VectorEntry& e) { return float_list(e.embedding); })
      .def_property_readonly("metadata", [](const VectorEntry& e) { return to_py(e.metadata); })
      .def_readonly("version", &VectorEntry::version)
      .def_readonly("timestamp", &VectorEntry::timestamp);
  py::class_<VectorMatch>(m, "VectorMatch")
      .def_property_readonly("key", [](const VectorMatch& e) { return text(e.key); })
      .def_readonly("score", &VectorMatch::score)
      .def_property_readonly("metadata", [](const VectorMatch& e) { return to_py(e.metadata); })
      .def("__repr__", [](const VectorMatch& e) {
        return "VectorMatch(key=" + e.key + ", score=" + std::to_string(e.score) + ")";
      });
  py::class_<CollectionInfo>(m, "CollectionInfo")
      .def_property_readonly("name", [](const CollectionInfo& c) { return text(c.name); })
      .def_readonly("dimension", &CollectionInfo::dimension)
      .def_property_readonly("metric", [](const CollectionInfo& c) { return to_string(c.metric); })
      .def_readonly("count", &CollectionInfo::count)
      .def_readonly("index_type", &CollectionInfo::index_type)
      .def_readonly("memory_bytes", &CollectionInfo::memory_bytes);
  py::class_<BranchInfo>(m, "BranchInfo")
      .def_property_readonly("name", [](const BranchInfo& b) { return text(b.name); })
      .def_readonly("created_at", &BranchInfo::created_at)
      .def_property_readonly("parent", [](const BranchInfo& b) { return text(b.parent); })
      .def_property_readonly("merged_from", [](const BranchInfo& b) {
        py::dict out;
        for (const auto& [src, ts] : b.merged_from)
          out[text(src)] = ts;
        return out;
      });
  py::class_<ForkInfo>(m, "ForkInfo")
      .def_readonly("source", &ForkInfo::source)
      .def_readonly("destination", &ForkInfo::destination)
      .def_readonly("spaces_copied", &ForkInfo::spaces_copied)
      .def_readonly("entries_copied", &ForkInfo::entries_copied);
  py::class_<BundleInfo>(m, "BundleInfo")
      .def_readonly("branch", &BundleInfo::branch)
      .def_readonly("path", &BundleInfo::path)
      .def_readonly("format_version", &BundleInfo::format_version)
      .def_readonly("entry_count", &BundleInfo::entry_count)
      .def_readonly("spaces", &BundleInfo::spaces)
      .def_readonly("bundle_size", &BundleInfo::bundle_size)
      .def_readonly("checksums_valid", &BundleInfo::checksums_valid);
  py::class_<DiffEntry>(m, "DiffEntry")
      .def_property_readonly("key", [](const DiffEntry& d) { return text(d.key); })
      .def_readonly("primitive", &DiffEntry::primitive)
      .def_readonly("space", &DiffEntry::space)
      .def_property_readonly("value_a", [](const DiffEntry& d) { return to_py(d.value_a); })
      .def_property_readonly("value_b", [](const DiffEntry& d) { return to_py(d.value_b); })
      .def("__repr__", [](const DiffEntry& d) {
        return "DiffEntry(space=" + d.space + ", primitive=" + d.primitive + ", key=" + d.key + ")";
      });
  py::class_<SpaceDiff>(m, "SpaceDiff")
      .def_readonly("space", &SpaceDiff::space)
      .def_property_readonly("added", [](const SpaceDiff& s) { return py::cast(s.added); })
      .def_property_readonly("removed", [](const SpaceDiff& s) { return py::cast(s.removed); })
      .def_property_readonly("modified", [](const SpaceDiff& s) { return py::cast(s.modified); });
  py::class_<BranchDiff>(m, "BranchDiff")
      .def_readonly("branch_a", &BranchDiff::branch_a)
      .def_readonly("branch_b", &BranchDiff::branch_b)
      .def_property_readonly("spaces", [](const BranchDiff& d) { return py::cast(d.spaces); })
      .def_readonly("total_added", &BranchDiff::total_added)
      .def_readonly("total_removed", &BranchDiff::total_removed)
      .def_readonly("total_modified", &BranchDiff::total_modified);
  py::class_<MergeInfo>(m, "MergeInfo")
      .def_readonly("source", &MergeInfo::source)
      .def_readonly("target", &MergeInfo::target)
      .def_readonly("keys_applied", &MergeInfo::keys_applied)
      .def_property_readonly("applied", [](const MergeInfo& i) { return py::cast(i.applied); })
      .def_property_readonly("conflicts", [](const MergeInfo& i) { return py::cast(i.conflicts); })
      .def_readonly("spaces_merged", &MergeInfo::spaces_merged)
      .def_readonly("events_appended", &MergeInfo::events_appended)
      .def_readonly("merge_base", &MergeInfo::merge_base);
  py::class_<StoreCheck>(m, "StoreCheck")
      .def_readonly("branch", &StoreCheck::branch)
      .def_readonly("space", &StoreCheck::space)
      .def_readonly("records", &StoreCheck::records)
      .def_readonly("problems", &StoreCheck::problems)
      .def_property_readonly("ok", &StoreCheck::ok);
}

// The handle's methods: (name, docstring, lambda). Every lambda converts its
// arguments with the GIL, runs the call without it, and converts back.
#define STRATA_CALL(expr) ok(locked(h, [&](auto& db) { return db.expr; }))

// The `*_versioned` writes of a handle and of a session: each answers a
// WriteInfo (version and commit timestamp; in a transaction timestamp 0).
template <class Py>
void define_versioned_writes(py::class_<Py>& cls) {
  using py::arg;
  cls.def("kv_put_versioned",
          [](Py& h, const std::string& k, const py::object& v) {
            auto value = from_py(v);
            return STRATA_CALL(kv_put_versioned(k, std::move(value)));
          },
          arg("key"), arg("value"))
      .def("kv_delete_versioned",
           [](Py& h, const std::string& k) { return STRATA_CALL(kv_delete_versioned(k)); },
           arg("key"))
      .def("event_append_versioned",
           [](Py& h, const std::string& type, const py::object& payload) {
             auto p = from_py(payload);
             return STRATA_CALL(event_append_versioned(type, std::move(p)));
           },
           arg("type"), arg("payload"))
      .def("state_set_versioned",
           [](Py& h, const std::string& c, const py::object& v) {
             auto value = from_py(v);
             return STRATA_CALL(state_set_versioned(c, std::move(value)));
           },
           arg("cell"), arg("value"))
      .def("state_init_versioned",
           [](Py& h, const std::string& c, const py::object& v) {
             auto value = from_py(v);
             return STRATA_CALL(state_init_versioned(c, std::move(value)));
           },
           arg("cell"), arg("value"))
      .def("state_delete_versioned",
           [](Py& h, const std::string& c) { return STRATA_CALL(state_delete_versioned(c)); },
           arg("cell"))
      .def("json_set_versioned",
           [](Py& h, const std::string& k, const std::string& path, const py::object& v) {
             auto value = from_py(v);
             return STRATA_CALL(json_set_versioned(k, path, std::move(value)));
           },
           arg("key"), arg("path"), arg("value"))
      .def("json_delete_versioned",
           [](Py& h, const std::string& k, const std::string& path) {
             return STRATA_CALL(json_delete_versioned(k, path));
           },
           arg("key"), arg("path") = "$")
      .def("vector_upsert_versioned",
           [](Py& h, const std::string& c, const std::string& k, const py::object& e,
              const py::object& meta) {
             auto embedding = floats(e);
             auto metadata = optional_value(meta);
             return STRATA_CALL(
                 vector_upsert_versioned(c, k, std::move(embedding), std::move(metadata)));
           },
           arg("collection"), arg("key"), arg("embedding"), arg("metadata") = py::none())
      .def("vector_delete_versioned",
           [](Py& h, const std::string& c, const std::string& k) {
             return STRATA_CALL(vector_delete_versioned(c, k));
           },
           arg("collection"), arg("key"));
}

// The vector calls of a handle and of a session (the same names and
// arguments: in a session they run in its transaction).
template <class Py>
void define_vector_calls(py::class_<Py>& cls) {
  using py::arg;
  cls
      .def("vector_create_collection",
           [](Py& h, const std::string& name, uint64_t dim, const std::string& metric,
              const std::string& index) {
             auto mt = metric_of(metric);
             auto ix = index_of(index);
             return STRATA_CALL(vector_create_collection(name, dim, mt, ix));
           },
           arg("name"), arg("dimension"), arg("metric") = "cosine", arg("index") = "auto")
      .def("vector_delete_collection",
           [](Py& h, const std::string& n) { return STRATA_CALL(vector_delete_collection(n)); },
           arg("name"))
      .def("vector_list_collections", [](Py& h) { return py::cast(STRATA_CALL(vector_list_collections())); })
      .def("vector_collection_stats",
           [](Py& h, const std::string& n) { return STRATA_CALL(vector_collection_stats(n)); },
           arg("name"))
      .def("vector_upsert",
           [](Py& h, const std::string& c, const std::string& k, const py::object& e,
              const py::object& meta) {
             auto embedding = floats(e);
             auto metadata = optional_value(meta);
             return STRATA_CALL(vector_upsert(c, k, std::move(embedding), std::move(metadata)));
           },
           arg("collection"), arg("key"), arg("embedding"), arg("metadata") = py::none())
      .def("vector_batch_upsert",
           [](Py& h, const std::string& c, const py::list& items) {
             std::vector<VectorUpsert> entries;
             for (auto item : items) {
               if (!PySequence_Check(item.ptr()) || (py::len(item) != 2 && py::len(item) != 3))
                 bad_input("vector_batch_upsert takes a list of (key, embedding[, metadata])");
               auto t = py::reinterpret_borrow<py::sequence>(item);
               entries.push_back({key_bytes(t[0], "key"), floats(t[1]),
                                  py::len(item) == 3 ? optional_value(t[2]) : std::nullopt});
             }
             return py::cast(STRATA_CALL(vector_batch_upsert(c, std::move(entries))));
           },
           arg("collection"), arg("items"), "All or nothing: one bad entry fails the batch.")
      .def("vector_get",
           [](Py& h, const std::string& c, const std::string& k) -> py::object {
             auto r = STRATA_CALL(vector_get(c, k));
             return r ? py::cast(*r) : py::none();
           },
           arg("collection"), arg("key"))
      .def("vector_delete",
           [](Py& h, const std::string& c, const std::string& k) {
             return STRATA_CALL(vector_delete(c, k));
           },
           arg("collection"), arg("key"))
      .def("vector_list_keys",
           [](Py& h, const std::string& c) { return texts(STRATA_CALL(vector_list_keys(c))); },
           arg("collection"))
      .def("vector_search",
           [](Py& h, const std::string& c, const py::object& q, uint64_t k,
              const py::object& filter) {
             auto query = floats(q);
             auto f = filter_of(filter);
             return py::cast(STRATA_CALL(vector_search(c, std::move(query), k, std::move(f))));
           },
           arg("collection"), arg("query"), arg("k") = 10, arg("filter") = py::none(),
           "Up to k matches, best first; filter: {\"field\": {\"op\": value}} or a list of "
           "{\"field\", \"op\", \"value\"}.");;
}

void define_handle(py::module_& m) {
  using py::arg;
  py::class_<Handle> cls(m, "Strata", R"doc(A handle on a Strata database.

A handle carries its own current branch and space; give each thread its
own (new_handle()). The database closes when its last handle is gone.
Reads of a missing key return None; errors raise strata.Error subclasses.)doc");
  cls.def_static("open", &open_db, arg("path"), arg("durability") = "standard",
                 "Opens (creating if missing) the database in directory `path`. durability: "
                 "\"standard\" (a killed process loses nothing; the log is fsynced every 100 ms) "
                 "or \"always\" (every write fsynced).")
      .def_static("cache", &cache_db, "An ephemeral in-memory database.")
      .def_static("connect", &connect_db, arg("endpoint"), arg("cert") = "", arg("key") = "",
                  arg("ca") = "", arg("insecure") = false, arg("timeout") = 30.0,
                  "A handle on the database a node serves (`strata serve`) at \"HOST:PORT\", "
                  "with mutual TLS (cert, key, ca: PEM files); insecure: plaintext to loopback.")
      .def("new_handle",
           [](Handle& h) { return std::make_unique<Handle>(STRATA_CALL(new_handle())); },
           "A new, independent handle on the same database (branch and space \"default\").")
      .def("session",
           [](Handle& h) {
             return std::make_unique<PySession>(locked(h, [](Strata& db) { return db.session(); }));
           },
           "A Session on this handle's branch and space: `with db.session() as s:` commits on "
           "success and rolls back on an exception.")
      .def_property_readonly("path", [](Handle& h) { return h.db.path(); })
      .def_property_readonly("current_branch",
                             [](Handle& h) {
                               return text(locked(h, [](Strata& db) { return db.current_branch(); }));
                             })
      .def_property_readonly("current_space",
                             [](Handle& h) {
                               return text(locked(h, [](Strata& db) { return db.current_space(); }));
                             })
      // spaces
      .def("set_space", [](Handle& h, const std::string& n) { STRATA_CALL(set_space(n)); }, arg("name"))
      .def("list_spaces", [](Handle& h) { return texts(STRATA_CALL(list_spaces())); })
      .def("create_space", [](Handle& h, const std::string& n) { STRATA_CALL(create_space(n)); },
           arg("name"))
      .def("space_exists", [](Handle& h, const std::string& n) { return STRATA_CALL(space_exists(n)); },
           arg("name"))
      .def("delete_space", [](Handle& h, const std::string& n) { STRATA_CALL(delete_space(n)); },
           arg("name"), "Deletes an empty space (ConstraintViolation when it holds data).")
      .def("delete_space_force",
           [](Handle& h, const std::string& n) { STRATA_CALL(delete_space_force(n)); }, arg("name"))
      .def("time_range", [](Handle& h) { return time_range_of(STRATA_CALL(time_range())); },
           "(oldest, newest) commit timestamps (µs) of the branch, or None.")
      // branches
      .def("create_branch", [](Handle& h, const std::string& n) { STRATA_CALL(create_branch(n)); },
           arg("name"))
      .def("set_branch", [](Handle& h, const std::string& n) { STRATA_CALL(set_branch(n)); },
           arg("name"))
      .def("list_branches", [](Handle& h) { return texts(STRATA_CALL(list_branches())); })
      .def("branch_exists",
           [](Handle& h, const std::string& n) { return STRATA_CALL(branch_exists(n)); }, arg("name"))
      .def("branch_info",
           [](Handle& h, const std::string& n) -> py::object {
             auto r = STRATA_CALL(branch_info(n));
             return r ? py::cast(*r) : py::none();
           },
           arg("name"))
      .def("delete_branch", [](Handle& h, const std::string& n) { STRATA_CALL(delete_branch(n)); },
           arg("name"))
      .def("fork_branch", [](Handle& h, const std::string& n) { return STRATA_CALL(fork_branch(n)); },
           arg("dest"))
      .def("branch_export",
           [](Handle& h, const std::string& b, const std::string& p) {
             return STRATA_CALL(branch_export(b, p));
           },
           arg("branch"), arg("path"))
      .def("branch_import",
           [](Handle& h, const std::string& p, const std::string& as) {
             return STRATA_CALL(branch_import(p, as));
           },
           arg("path"), arg("as_name") = "")
      .def("branch_validate_bundle",
           [](Handle& h, const std::string& p) { return STRATA_CALL(branch_validate_bundle(p)); },
           arg("path"))
      .def("diff_branches",
           [](Handle& h, const std::string& a, const std::string& b) {
             return STRATA_CALL(diff_branches(a, b));
           },
           arg("a"), arg("b"))
      .def("merge_branches",
           [](Handle& h, const std::string& s, const std::string& t, const std::string& strategy) {
             auto st = ok(parse_merge_strategy(strategy));
             return STRATA_CALL(merge_branches(s, t, st));
           },
           arg("source"), arg("target"), arg("strategy") = "lww")
      .def("merge_preview",
           [](Handle& h, const std::string& s, const std::string& t) {
             return STRATA_CALL(merge_preview(s, t));
           },
           arg("source"), arg("target"))
      .def("check", [](Handle& h) { return STRATA_CALL(check()); })
      // KV
      .def("kv_put",
           [](Handle& h, const std::string& k, const py::object& v) {
             auto value = from_py(v);
             return STRATA_CALL(kv_put(k, std::move(value)));
           },
           arg("key"), arg("value"), "Creates or overwrites `key`; returns its new version.")
      .def("kv_get", [](Handle& h, const std::string& k) { return to_py(STRATA_CALL(kv_get(k))); },
           arg("key"), "The current value, or None.")
      .def("kv_get_versioned",
           [](Handle& h, const std::string& k) -> py::object {
             auto r = STRATA_CALL(kv_get_versioned(k));
             return r ? py::cast(*r) : py::none();
           },
           arg("key"))
      .def("kv_get_at",
           [](Handle& h, const std::string& k, uint64_t t) { return to_py(STRATA_CALL(kv_get_at(k, t))); },
           arg("key"), arg("as_of_us"))
      .def("kv_getv",
           [](Handle& h, const std::string& k) -> py::object {
             auto r = STRATA_CALL(kv_getv(k));
             return r ? py::cast(*r) : py::none();
           },
           arg("key"), "Every version, newest first, or None when never written.")
      .def("kv_delete", [](Handle& h, const std::string& k) { return STRATA_CALL(kv_delete(k)); },
           arg("key"))
      .def("kv_list",
           [](Handle& h, const std::optional<std::string>& p) {
             return texts(STRATA_CALL(kv_list(prefix_of(p))));
           },
           arg("prefix") = py::none())
      .def("kv_list_page",
           [](Handle& h, const std::optional<std::string>& p, const std::optional<std::string>& c,
              uint64_t limit) {
             ListOptions opts{p.value_or(""), c, limit};
             return texts(STRATA_CALL(kv_list_page(opts)));
           },
           arg("prefix") = py::none(), arg("cursor") = py::none(), arg("limit") = 100)
      .def("kv_list_at",
           [](Handle& h, const std::optional<std::string>& p, uint64_t t) {
             return texts(STRATA_CALL(kv_list_at(prefix_of(p), t)));
           },
           arg("prefix"), arg("as_of_us"))
      .def("kv_scan",
           [](Handle& h, const std::optional<std::string>& p, const std::optional<std::string>& c,
              uint64_t limit) {
             ListOptions opts{p.value_or(""), c, limit};
             return scan_page(STRATA_CALL(kv_scan(opts)));
           },
           arg("prefix") = py::none(), arg("cursor") = py::none(), arg("limit") = 100,
           "One page of live entries with their values in one call: ([(key, Versioned), ...], "
           "cursor); cursor is None when no entries remain.")
      .def("kv_scan_at",
           [](Handle& h, const std::optional<std::string>& p, uint64_t t,
              const std::optional<std::string>& c, uint64_t limit) {
             ListOptions opts{p.value_or(""), c, limit};
             return scan_page(STRATA_CALL(kv_scan_at(opts, t)));
           },
           arg("prefix"), arg("as_of_us"), arg("cursor") = py::none(), arg("limit") = 100)
      .def("kv_batch_put",
           [](Handle& h, const py::dict& items) {
             std::vector<KvEntry> entries;
             for (auto [k, v] : items)
               entries.push_back({key_bytes(k, "key"), from_py(v)});
             return batch_results(STRATA_CALL(kv_batch_put(std::move(entries))));
           },
           arg("items"), "Writes {key: value, ...} atomically; per item its version or its error.")
      // events
      .def("event_append",
           [](Handle& h, const std::string& type, const py::object& payload) {
             auto p = from_py(payload);
             return STRATA_CALL(event_append(type, std::move(p)));
           },
           arg("type"), arg("payload"), "Appends an event (payload: a dict); returns its sequence.")
      .def("event_get",
           [](Handle& h, uint64_t seq) -> py::object {
             auto r = STRATA_CALL(event_get_record(seq));
             return r ? py::cast(*r) : py::none();
           },
           arg("seq"), "The whole event, or None when out of range.")
      .def("event_range",
           [](Handle& h, uint64_t from, uint64_t to, uint64_t limit) {
             return py::cast(STRATA_CALL(event_range(from, to, limit)));
           },
           arg("from_seq") = 1, arg("to_seq") = 0, arg("limit") = 0,
           "Events from_seq..to_seq (0: to the last), at most `limit` (0: all).")
      .def("event_get_by_type",
           [](Handle& h, const std::string& type, uint64_t after, uint64_t limit) {
             return py::cast(STRATA_CALL(event_get_by_type(type, after, limit)));
           },
           arg("type"), arg("after") = 0, arg("limit") = 0)
      .def("event_list_at",
           [](Handle& h, const std::optional<std::string>& type, uint64_t t) {
             return py::cast(STRATA_CALL(event_list_at(prefix_of(type), t)));
           },
           arg("type"), arg("as_of_us"), "Events (of `type`, or all) committed by as_of_us.")
      .def("event_batch_append",
           [](Handle& h, const py::list& items) {
             std::vector<EventEntry> entries;
             for (auto item : items) {
               auto pair = py::reinterpret_borrow<py::sequence>(item);
               if (!PySequence_Check(item.ptr()) || pair.size() != 2)
                 bad_input("event_batch_append takes a list of (type, payload) pairs");
               entries.push_back({key_bytes(pair[0], "event type"), from_py(pair[1])});
             }
             return batch_results(STRATA_CALL(event_batch_append(std::move(entries))));
           },
           arg("items"), "Appends [(type, payload), ...] atomically; per item its sequence or error.")
      .def("event_len", [](Handle& h) { return STRATA_CALL(event_len()); })
      .def("event_verify_chain", [](Handle& h) { return STRATA_CALL(event_verify_chain()); })
      // state cells
      .def("state_set",
           [](Handle& h, const std::string& c, const py::object& v) {
             auto value = from_py(v);
             return STRATA_CALL(state_set(c, std::move(value)));
           },
           arg("cell"), arg("value"))
      .def("state_get", [](Handle& h, const std::string& c) { return to_py(STRATA_CALL(state_get(c))); },
           arg("cell"))
      .def("state_get_versioned",
           [](Handle& h, const std::string& c) -> py::object {
             auto r = STRATA_CALL(state_get_versioned(c));
             return r ? py::cast(*r) : py::none();
           },
           arg("cell"))
      .def("state_get_at",
           [](Handle& h, const std::string& c, uint64_t t) { return to_py(STRATA_CALL(state_get_at(c, t))); },
           arg("cell"), arg("as_of_us"))
      .def("state_list_at",
           [](Handle& h, const std::optional<std::string>& p, uint64_t t) {
             return texts(STRATA_CALL(state_list_at(prefix_of(p), t)));
           },
           arg("prefix"), arg("as_of_us"))
      .def("state_batch_set",
           [](Handle& h, const py::dict& items) {
             std::vector<KvEntry> entries;
             for (auto [k, v] : items)
               entries.push_back({key_bytes(k, "cell"), from_py(v)});
             return batch_results(STRATA_CALL(state_batch_set(std::move(entries))));
           },
           arg("items"))
      .def("state_getv",
           [](Handle& h, const std::string& c) -> py::object {
             auto r = STRATA_CALL(state_getv(c));
             return r ? py::cast(*r) : py::none();
           },
           arg("cell"))
      .def("state_init",
           [](Handle& h, const std::string& c, const py::object& v) {
             auto value = from_py(v);
             return STRATA_CALL(state_init(c, std::move(value)));
           },
           arg("cell"), arg("value"))
      .def("state_cas",
           [](Handle& h, const std::string& c, std::optional<uint64_t> expected,
              const py::object& v) {
             auto value = from_py(v);
             return STRATA_CALL(state_cas_detailed(c, expected, std::move(value)));
           },
           arg("cell"), arg("expected"), arg("value"),
           "Compare-and-swap on the cell's version (expected None: only if absent). Returns a "
           "CasOutcome, true when swapped; a miss carries the current cell.")
      .def("state_delete", [](Handle& h, const std::string& c) { return STRATA_CALL(state_delete(c)); },
           arg("cell"))
      .def("state_list",
           [](Handle& h, const std::optional<std::string>& p) {
             return texts(STRATA_CALL(state_list(prefix_of(p))));
           },
           arg("prefix") = py::none())
      // JSON documents
      .def("json_set",
           [](Handle& h, const std::string& k, const std::string& path, const py::object& v) {
             auto value = from_py(v);
             return STRATA_CALL(json_set(k, path, std::move(value)));
           },
           arg("key"), arg("path"), arg("value"))
      .def("json_get",
           [](Handle& h, const std::string& k, const std::string& path) {
             return to_py(STRATA_CALL(json_get(k, path)));
           },
           arg("key"), arg("path") = "$")
      .def("json_get_at",
           [](Handle& h, const std::string& k, const std::string& path, uint64_t t) {
             return to_py(STRATA_CALL(json_get_at(k, path, t)));
           },
           arg("key"), arg("path"), arg("as_of_us"))
      .def("json_get_versioned",
           [](Handle& h, const std::string& k) -> py::object {
             auto r = STRATA_CALL(json_get_versioned(k));
             return r ? py::cast(*r) : py::none();
           },
           arg("key"))
      .def("json_list_at",
           [](Handle& h, const std::optional<std::string>& p, uint64_t t) {
             return texts(STRATA_CALL(json_list_at(prefix_of(p), t)));
           },
           arg("prefix"), arg("as_of_us"))
      .def("json_batch_set",
           [](Handle& h, const py::list& items) {
             std::vector<JsonEntry> entries;
             for (auto item : items) {
               if (!PySequence_Check(item.ptr()) || py::len(item) != 3)
                 bad_input("json_batch_set takes a list of (key, path, value) triples");
               auto t = py::reinterpret_borrow<py::sequence>(item);
               entries.push_back({key_bytes(t[0], "key"), key_bytes(t[1], "path"), from_py(t[2])});
             }
             return batch_results(STRATA_CALL(json_batch_set(std::move(entries))));
           },
           arg("items"), "Applies [(key, path, value), ...] in order, atomically.")
      .def("json_getv",
           [](Handle& h, const std::string& k) -> py::object {
             auto r = STRATA_CALL(json_getv(k));
             return r ? py::cast(*r) : py::none();
           },
           arg("key"))
      .def("json_delete",
           [](Handle& h, const std::string& k, const std::string& path) {
             return STRATA_CALL(json_delete(k, path));
           },
           arg("key"), arg("path") = "$")
      .def("json_list",
           [](Handle& h, const std::optional<std::string>& p, const std::optional<std::string>& c,
              uint64_t limit) {
             auto page = STRATA_CALL(json_list(prefix_of(p), prefix_of(c), limit));
             return py::make_tuple(texts(page.keys),
                                   page.cursor ? py::object(text(*page.cursor)) : py::none());
           },
           arg("prefix") = py::none(), arg("cursor") = py::none(), arg("limit") = 100,
           "(keys, cursor): cursor is None when no keys remain.")
      // vectors: the calls Session shares (define_vector_calls), then time travel
      .def("vector_get_at",
           [](Handle& h, const std::string& c, const std::string& k, uint64_t t) -> py::object {
             auto r = STRATA_CALL(vector_get_at(c, k, t));
             return r ? py::cast(*r) : py::none();
           },
           arg("collection"), arg("key"), arg("as_of_us"))
      .def("vector_search_at",
           [](Handle& h, const std::string& c, const py::object& q, uint64_t k,
              const py::object& filter, uint64_t t) {
             auto query = floats(q);
             auto f = filter_of(filter);
             return py::cast(STRATA_CALL(vector_search_at(c, std::move(query), k, std::move(f), t)));
           },
           arg("collection"), arg("query"), arg("k"), arg("filter"), arg("as_of_us"));
  define_vector_calls(cls);
  define_versioned_writes(cls);
}

void define_session(py::module_& m) {
  using py::arg;
  py::class_<PySession> cls(m, "Session", R"doc(Transactions on one branch, across its spaces.

    with db.session() as s:
        s.set_space("billing"); s.kv_put("credits", 99)
        s.set_space("api-logs"); s.event_append("api_call", {"endpoint": "/search"})

commits when the block ends and rolls back when it raises (a conflict at
commit raises strata.TransactionConflict). Outside a transaction each call
runs on its own.)doc");
  cls.def("begin", [](PySession& h) { STRATA_CALL(begin()); })
      .def("begin_read_only", [](PySession& h) { STRATA_CALL(begin_read_only()); })
      .def("commit", [](PySession& h) { STRATA_CALL(commit()); })
      .def("rollback", [](PySession& h) { STRATA_CALL(rollback()); })
      .def("__enter__",
           [](PySession& h) -> PySession& {
             STRATA_CALL(begin());
             return h;
           },
           py::return_value_policy::reference)
      .def("__exit__",
           [](PySession& h, const py::object& type, const py::object&, const py::object&) {
             if (!locked(h, [](Session& s) { return s.in_transaction(); }))
               return false;
             if (type.is_none())
               STRATA_CALL(commit());
             else
               STRATA_CALL(rollback());
             return false;  // an exception from the block goes on
           })
      .def_property_readonly(
          "in_transaction",
          [](PySession& h) { return locked(h, [](Session& s) { return s.in_transaction(); }); })
      .def_property_readonly("last_commit_timestamp",
                             [](PySession& h) {
                               return locked(h, [](Session& s) { return s.last_commit_timestamp(); });
                             })
      .def_property_readonly("current_space",
                             [](PySession& h) {
                               return text(locked(h, [](Session& s) { return s.current_space(); }));
                             })
      .def_property_readonly("current_branch",
                             [](PySession& h) {
                               return text(locked(h, [](Session& s) { return s.current_branch(); }));
                             })
      .def("set_space", [](PySession& h, const std::string& n) { STRATA_CALL(set_space(n)); }, arg("name"))
      .def("set_branch", [](PySession& h, const std::string& n) { STRATA_CALL(set_branch(n)); },
           arg("name"))
      .def("kv_put",
           [](PySession& h, const std::string& k, const py::object& v) {
             auto value = from_py(v);
             return STRATA_CALL(kv_put(k, std::move(value)));
           },
           arg("key"), arg("value"))
      .def("kv_get", [](PySession& h, const std::string& k) { return to_py(STRATA_CALL(kv_get(k))); },
           arg("key"))
      .def("kv_delete", [](PySession& h, const std::string& k) { return STRATA_CALL(kv_delete(k)); },
           arg("key"))
      .def("kv_scan",
           [](PySession& h, const std::optional<std::string>& p, const std::optional<std::string>& c,
              uint64_t limit) {
             ListOptions opts{p.value_or(""), c, limit};
             return scan_page(STRATA_CALL(kv_scan(opts)));
           },
           arg("prefix") = py::none(), arg("cursor") = py::none(), arg("limit") = 100)
      .def("kv_list",
           [](PySession& h, const std::optional<std::string>& p) {
             return texts(STRATA_CALL(kv_list(prefix_of(p))));
           },
           arg("prefix") = py::none())
      .def("event_append",
           [](PySession& h, const std::string& type, const py::object& payload) {
             auto p = from_py(payload);
             return STRATA_CALL(event_append(type, std::move(p)));
           },
           arg("type"), arg("payload"))
      .def("event_get",
           [](PySession& h, uint64_t seq) -> py::object {
             auto r = STRATA_CALL(event_get(seq));
             return r ? py::cast(*r) : py::none();
           },
           arg("seq"))
      .def("event_len", [](PySession& h) { return STRATA_CALL(event_len()); })
      .def("state_set",
           [](PySession& h, const std::string& c, const py::object& v) {
             auto value = from_py(v);
             return STRATA_CALL(state_set(c, std::move(value)));
           },
           arg("cell"), arg("value"))
      .def("state_get", [](PySession& h, const std::string& c) { return to_py(STRATA_CALL(state_get(c))); },
           arg("cell"))
      .def("state_get_versioned",
           [](PySession& h, const std::string& c) -> py::object {
             auto r = STRATA_CALL(state_get_versioned(c));
             return r ? py::cast(*r) : py::none();
           },
           arg("cell"))
      .def("state_init",
           [](PySession& h, const std::string& c, const py::object& v) {
             auto value = from_py(v);
             return STRATA_CALL(state_init(c, std::move(value)));
           },
           arg("cell"), arg("value"))
      .def("state_cas",
           [](PySession& h, const std::string& c, std::optional<uint64_t> expected,
              const py::object& v) {
             auto value = from_py(v);
             return STRATA_CALL(state_cas_detailed(c, expected, std::move(value)));
           },
           arg("cell"), arg("expected"), arg("value"))
      .def("state_delete",
           [](PySession& h, const std::string& c) { return STRATA_CALL(state_delete(c)); }, arg("cell"))
      .def("json_set",
           [](PySession& h, const std::string& k, const std::string& path, const py::object& v) {
             auto value = from_py(v);
             return STRATA_CALL(json_set(k, path, std::move(value)));
           },
           arg("key"), arg("path"), arg("value"))
      .def("json_get",
           [](PySession& h, const std::string& k, const std::string& path) {
             return to_py(STRATA_CALL(json_get(k, path)));
           },
           arg("key"), arg("path") = "$")
      .def("json_delete",
           [](PySession& h, const std::string& k, const std::string& path) {
             return STRATA_CALL(json_delete(k, path));
           },
           arg("key"), arg("path") = "$");
  define_vector_calls(cls);
  define_versioned_writes(cls);
}

#undef STRATA_CALL

}  // namespace
}  // namespace strata::python

PYBIND11_MODULE(strata, m) {
  using namespace strata::python;
  m.doc() = "Strata: an embedded database for AI agents (KV, events, state cells, JSON "
            "documents, vectors; branches, spaces, transactions, time travel).";
  define_errors(m);
  define_records(m);
  define_handle(m);
  define_session(m);
}
