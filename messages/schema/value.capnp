# Stored form of strata::Value (SPEC 1.1): the closed union of eight
# variants. Every record that holds user data embeds one of these.
@0x91b54d66095a22ab;

using Cxx = import "/capnp/c++.capnp";
$Cxx.namespace("strata::schema");

struct Value {
  union {
    null @0 :Void;          # Null: no value (a real value, not a deletion)
    bool @1 :Bool;          # Bool
    int @2 :Int64;          # Int: signed 64-bit; never coerced to Float
    float @3 :Float64;      # Float: IEEE-754 double; NaN and ±Inf kept intact
    text @4 :Data;          # String: UTF-8 bytes. Data, not Text, so that
                            # interior NUL bytes survive and no terminator is
                            # added.
    data @5 :Data;          # Bytes: raw octets, distinct from String
    list @6 :List(Value);   # Array, in order
    object @7 :List(Field); # Object, members in insertion order
  }
}

# One member of an Object.
struct Field {
  name @0 :Data;            # member name (UTF-8)
  value @1 :Value;
}
