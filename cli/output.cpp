#include "output.hpp"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ostream>

#include "strata/messages/json.hpp"
#include "strata/messages/vector_types.hpp"
#include "times.hpp"

namespace strata::cli {

namespace {

template <class... Fs>
struct overloaded : Fs... {
  using Fs::operator()...;
};
template <class... Fs>
overloaded(Fs...) -> overloaded<Fs...>;

// The shortest decimal text that reads back as `f`, e.g. 0.9f → "0.9"
// (printing the widened double would give 0.8999999761581421).
std::string float_text(float f) {
  if (!std::isfinite(f))
    return "null";
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, f);
  std::string s(buf, ec == std::errc{} ? end : buf);
  if (s.find_first_of(".e") == std::string::npos)
    s += ".0";
  return s;
}

// A float as the double with the same shortest text, so that JSON output
// shows 0.9 rather than the float's exact binary value.
Value float_value(float f) {
  if (!std::isfinite(f))
    return Value{};
  return Value{std::strtod(float_text(f).c_str(), nullptr)};
}

Value vector_value(const std::vector<float>& v) {
  Array a;
  a.reserve(v.size());
  for (float f : v)
    a.push_back(float_value(f));
  return Value{std::move(a)};
}

std::string score_text(float score) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.4f", static_cast<double>(score));
  return buf;
}

std::string version_suffix(const std::optional<uint64_t>& version,
                           const std::optional<uint64_t>& timestamp) {
  if (!version)
    return {};
  std::string s = " (v" + std::to_string(*version);
  if (timestamp)
    s += ", " + format_time_us(*timestamp);
  return s + ")";
}

Value lookup_json(const Lookup& l) {
  Object o;
  o.set("value", l.value ? *l.value : Value{});
  if (l.value && l.version)
    o.set("version", *l.version);
  if (l.value && l.timestamp)
    o.set("timestamp", *l.timestamp);
  return Value{std::move(o)};
}

Value event_json(const Event& e) {
  Object o;
  o.set("value", e.payload);
  o.set("version", e.sequence);
  o.set("timestamp", e.timestamp);
  o.set("type", e.type);
  return Value{std::move(o)};
}

Value collection_json(const CollectionInfo& c) {
  Object o;
  o.set("name", c.name);
  o.set("dimension", c.dimension);
  o.set("metric", to_string(c.metric));
  o.set("count", c.count);
  o.set("index_type", index_type_name(c.index_type));
  o.set("memory_bytes", c.memory_bytes);
  return Value{std::move(o)};
}

std::vector<std::pair<std::string, std::string>> stats_lines(const CollectionInfo& c) {
  return {{"name", c.name},
          {"count", std::to_string(c.count)},
          {"dimension", std::to_string(c.dimension)},
          {"metric", to_string(c.metric)},
          {"index_type", index_type_name(c.index_type)},
          {"memory_bytes", std::to_string(c.memory_bytes)}};
}

Value names_json(const std::vector<std::string>& names) {
  Array a;
  for (const auto& n : names)
    a.emplace_back(n);
  return Value{std::move(a)};
}

// One JSON document; a single item stands alone, several form an array.
Value one_or_array(Array items) {
  if (items.size() == 1)
    return std::move(items.front());
  return Value{std::move(items)};
}

}  // namespace

CliError CliError::from(const caf::error& err) {
  errc kind = kind_of(err);
  std::string msg = message_of(err);
  // SPEC 7 prints this one without its kind.
  if (kind == errc::ConstraintViolation && msg == "space is non-empty")
    return {kind, msg};
  return {kind, describe(err)};
}

CliError CliError::make(errc kind, const std::string& message) {
  return {kind, std::string(to_string(kind)) + ": " + message};
}

CliError CliError::usage(std::string_view usage) {
  return make(errc::InvalidInput, "usage: " + std::string(usage));
}

std::string render_human(const Value& v) {
  if (auto b = v.as_bytes())
    return "(bytes) " + base64_encode(*b);
  return v.to_json();
}

std::string render_raw(const Value& v) {
  switch (v.kind()) {
    case ValueKind::String: return *v.as_str();
    case ValueKind::Bool: return *v.as_bool() ? "1" : "0";
    case ValueKind::Bytes: return base64_encode(*v.as_bytes());
    default: return v.to_json();
  }
}

std::string render_vector(const std::vector<float>& v) {
  std::string s = "[";
  for (size_t i = 0; i < v.size(); ++i) {
    if (i)
      s += ',';
    s += float_text(v[i]);
  }
  return s + "]";
}

std::string index_type_name(const std::string& library_name) {
  return library_name == "brute_force" ? "flat" : library_name;
}

void Printer::print(const Reply& reply) {
  auto& out = out_;
  auto line = [&out](const std::string& s) { out << s << '\n'; };
  auto json = [&out](const Value& v) { out << v.to_json() << '\n'; };

  if (mode_ == OutputMode::Human) {
    std::visit(
        overloaded{
            [&](const Ack&) { line("OK"); },
            [&](const Written& w) {
              const char* label = w.label == Written::Label::Seq ? "(seq) " : "(version) ";
              for (auto n : w.numbers)
                line(label + std::to_string(n));
            },
            [&](const NoOp&) { line("(no-op)"); },
            [&](const Silent&) {},
            [&](const Lookups& ls) {
              for (const auto& l : ls.items) {
                if (!l.value)
                  line("(nil)");
                else
                  line(render_human(*l.value) +
                       (ls.with_version ? version_suffix(l.version, l.timestamp) : ""));
              }
            },
            [&](const Flag& f) { line(f.value ? "true" : "false"); },
            [&](const Count& c) { line(std::to_string(c.value)); },
            [&](const Deleted&) { line("OK"); },
            [&](const Names& n) {
              if (n.names.empty())
                line("(empty)");
              for (const auto& name : n.names)
                line(n.dashed ? "- " + name : name);
              if (n.cursor)
                line("(cursor) " + *n.cursor);
            },
            [&](const KeyValues& kvs) {
              if (kvs.items.empty())
                line("(empty)");
              for (const auto& [k, v] : kvs.items)
                line(k + " = " + render_human(v));
            },
            [&](const Events& es) {
              if (es.items.empty())
                line(es.single ? "(nil)" : "(empty)");
              for (const auto& e : es.items)
                line("seq=" + std::to_string(e.sequence) + " type=" + e.type +
                     " payload=" + e.payload.to_json());
            },
            [&](const History& h) {
              if (!h.versions || h.versions->empty()) {
                line("(nil)");
                return;
              }
              for (const auto& vv : *h.versions)
                line(render_human(vv.value) + version_suffix(vv.version, vv.timestamp));
            },
            [&](const Collections& cs) {
              if (cs.items.empty())
                line("(empty)");
              for (const auto& c : cs.items)
                line(c.name + ": " + std::to_string(c.dimension) + " dimensions, " +
                     to_string(c.metric) + " metric, " + std::to_string(c.count) + " vectors");
            },
            [&](const CollectionStats& s) {
              for (const auto& [k, v] : stats_lines(s.info))
                line(k + ": " + v);
            },
            [&](const VectorRecord& r) {
              if (!r.entry) {
                line("(nil)");
                return;
              }
              line("key=" + r.entry->key + " vector=" + render_vector(r.entry->embedding) +
                   " metadata=" + (r.entry->metadata ? r.entry->metadata->to_json() : "null"));
            },
            [&](const Matches& ms) {
              if (ms.items.empty())
                line("(empty)");
              for (const auto& m : ms.items)
                line("key=" + m.key + " score=" + score_text(m.score));
            },
            [&](const Fields& fs) {
              for (const auto& [k, v] : fs.items)
                line(k + ": " + render_raw(v));
            },
            [&](const Text& t) {
              out << t.text;
              if (!t.text.empty() && t.text.back() != '\n')
                out << '\n';
            },
            [&](const Report& r) { out << r.text; },
        },
        reply);
    return;
  }

  if (mode_ == OutputMode::Json) {
    std::visit(
        overloaded{
            [&](const Ack& a) {
              Object o{{"ok", true}};
              if (a.version)
                o.set("version", *a.version);
              json(Value{std::move(o)});
            },
            [&](const Written& w) {
              const char* label = w.label == Written::Label::Seq ? "seq" : "version";
              Array items;
              for (auto n : w.numbers)
                items.push_back(Value{Object{{label, n}}});
              json(one_or_array(std::move(items)));
            },
            [&](const NoOp& n) { json(Value{Object{{"version", n.version}, {"created", false}}}); },
            [&](const Silent&) {},
            [&](const Lookups& ls) {
              Array items;
              for (const auto& l : ls.items)
                items.push_back(lookup_json(l));
              json(one_or_array(std::move(items)));
            },
            [&](const Flag& f) { json(Value{f.value}); },
            [&](const Count& c) { json(Value{c.value}); },
            [&](const Deleted& d) { json(Value{Object{{"deleted", d.count}}}); },
            [&](const Names& n) {
              if (!n.paged) {
                json(names_json(n.names));
                return;
              }
              json(Value{Object{{"keys", names_json(n.names)},
                                {"cursor", n.cursor ? Value{*n.cursor} : Value{}}}});
            },
            [&](const KeyValues& kvs) {
              Array items;
              for (const auto& [k, v] : kvs.items)
                items.push_back(Value{Object{{"key", k}, {"value", v}}});
              json(Value{std::move(items)});
            },
            [&](const Events& es) {
              if (es.single) {
                json(es.items.empty() ? Value{Object{{"value", Value{}}}}
                                      : event_json(es.items.front()));
                return;
              }
              Array items;
              for (const auto& e : es.items)
                items.push_back(event_json(e));
              json(Value{std::move(items)});
            },
            [&](const History& h) {
              Array items;
              if (h.versions)
                for (const auto& vv : *h.versions)
                  items.push_back(lookup_json({vv.value, vv.version, vv.timestamp}));
              json(Value{std::move(items)});
            },
            [&](const Collections& cs) {
              Array items;
              for (const auto& c : cs.items)
                items.push_back(collection_json(c));
              json(Value{std::move(items)});
            },
            [&](const CollectionStats& s) { json(collection_json(s.info)); },
            [&](const VectorRecord& r) {
              if (!r.entry) {
                json(Value{});
                return;
              }
              json(Value{Object{{"key", r.entry->key},
                                {"vector", vector_value(r.entry->embedding)},
                                {"metadata", r.entry->metadata ? *r.entry->metadata : Value{}},
                                {"version", r.entry->version},
                                {"timestamp", r.entry->timestamp}}});
            },
            [&](const Matches& ms) {
              Array items;
              for (const auto& m : ms.items)
                items.push_back(Value{Object{{"key", m.key},
                                             {"score", float_value(m.score)},
                                             {"metadata", m.metadata ? *m.metadata : Value{}}}});
              json(Value{std::move(items)});
            },
            [&](const Fields& fs) {
              Object o;
              for (const auto& [k, v] : fs.items)
                o.set(k, v);
              json(Value{std::move(o)});
            },
            [&](const Text& t) {
              std::string s = t.text;
              while (!s.empty() && s.back() == '\n')
                s.pop_back();
              json(Value{s});
            },
            [&](const Report& r) { json(r.json); },
        },
        reply);
    return;
  }

  // Raw: bare values for scripts.
  std::visit(
      overloaded{
          [&](const Ack&) { line("OK"); },
          [&](const Written& w) {
            for (auto n : w.numbers)
              line(std::to_string(n));
          },
          [&](const NoOp& n) { line(std::to_string(n.version)); },
          [&](const Silent&) {},
          [&](const Lookups& ls) {
            for (const auto& l : ls.items) {
              if (l.value)
                line(render_raw(*l.value));
              else if (ls.items.size() > 1)
                line("");  // keeps one line per key asked
            }
          },
          [&](const Flag& f) { line(f.value ? "1" : "0"); },
          [&](const Count& c) { line(std::to_string(c.value)); },
          [&](const Deleted& d) { line(std::to_string(d.count)); },
          [&](const Names& n) {
            for (const auto& name : n.names)
              line(name);
          },
          [&](const KeyValues& kvs) {
            for (const auto& [k, v] : kvs.items)
              line(k + "\t" + render_raw(v));
          },
          [&](const Events& es) {
            if (es.single) {
              if (!es.items.empty())
                line(es.items.front().payload.to_json());
              return;
            }
            for (const auto& e : es.items)
              line(std::to_string(e.sequence) + "\t" + e.type + "\t" + e.payload.to_json());
          },
          [&](const History& h) {
            if (h.versions)
              for (const auto& vv : *h.versions)
                line(std::to_string(vv.version) + "\t" + std::to_string(vv.timestamp) + "\t" +
                     render_raw(vv.value));
          },
          [&](const Collections& cs) {
            for (const auto& c : cs.items)
              line(c.name + "\t" + std::to_string(c.dimension) + "\t" + to_string(c.metric) +
                   "\t" + std::to_string(c.count));
          },
          [&](const CollectionStats& s) {
            for (const auto& kv : stats_lines(s.info))
              line(kv.second);
          },
          [&](const VectorRecord& r) {
            if (r.entry)
              line(render_vector(r.entry->embedding));
          },
          [&](const Matches& ms) {
            for (const auto& m : ms.items)
              line(m.key + "\t" + score_text(m.score));
          },
          [&](const Fields& fs) {
            for (const auto& kv : fs.items)
              line(render_raw(kv.second));
          },
          [&](const Text& t) {
            out << t.text;
            if (!t.text.empty() && t.text.back() != '\n')
              out << '\n';
          },
          [&](const Report& r) { out << r.text; },
      },
      reply);
}

void Printer::error(const CliError& e) {
  out_.flush();
  std::string where = line_ ? "line " + std::to_string(*line_) + ": " : "";
  switch (mode_) {
    case OutputMode::Human: err_ << where << "(error) " << e.text << '\n'; break;
    case OutputMode::Json: {
      // The text reads "<Kind>: <message>" except for SPEC 7's own
      // wordings ("CAS conflict: ..."), which are the message whole.
      std::string kind = to_string(e.kind);
      std::string message = e.text;
      if (message.compare(0, kind.size() + 2, kind + ": ") == 0)
        message.erase(0, kind.size() + 2);
      Object body{{"kind", kind}, {"message", message}};
      if (line_)
        body.set("line", static_cast<int64_t>(*line_));
      err_ << Value{Object{{"error", Value{std::move(body)}}}}.to_json() << '\n';
      break;
    }
    case OutputMode::Raw: err_ << where << e.text << '\n'; break;
  }
  err_.flush();
}

}  // namespace strata::cli
