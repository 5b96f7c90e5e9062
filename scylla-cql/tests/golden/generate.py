#!/usr/bin/env python3
"""Golden protocol vectors, produced by the Python cassandra-driver (the referee).

Values are serialized with `cassandra.cqltypes`, read back with it, and the decoded
Python value is turned into the typed JSON recorded with the vector (which must equal
the one written below, so a typo here cannot become a golden value); request frames
are encoded with `cassandra.protocol`'s own message classes (a few, which the driver
cannot produce, with its notation writers); response frames (which the Python driver
only decodes) are assembled from the spec's notation and then decoded by the Python
driver, whose decoded view is recorded (rows as typed JSON), so that a frame it would
reject cannot become a golden vector. Compressed frames use the driver's lz4/snappy
codecs.

    generate.py --write vectors.json   # regenerate
    generate.py --check vectors.json   # fail if the committed file differs

`make test` runs --check; the Rust tests (scylla-cql/tests/golden.rs) read the JSON.
"""

import argparse
import datetime
import math
import decimal
import io
import ipaddress
import json
import sys
import uuid

from cassandra import ConsistencyLevel as CL
from cassandra import cqltypes as ct
from cassandra import protocol as p
from cassandra import util
from cassandra.query import BatchType

PROTO = 4


# ---------------------------------------------------------------------------------
# Values: (name, CQL type, Cassandra class type, python value, typed JSON value)
# The typed JSON mirrors scylla_cql::value::CqlValue: {"int": 5}, {"list": [...]}...
# ---------------------------------------------------------------------------------

def udt_class(ks, name, fields):
    names = [f for f, _ in fields]
    types = [ct.lookup_casstype(t) for _, t in fields]
    return ct.UserType.make_udt_class(ks, name, names, types)


ADDR_UDT_FIELDS = [("street", "UTF8Type"), ("number", "Int32Type"), ("tags", "SetType(UTF8Type)")]
ADDR = udt_class("ks", "address", ADDR_UDT_FIELDS)
ADDR_CLASS = "UserType(ks,61646472657373,737472656574:UTF8Type,6e756d626572:Int32Type,74616773:SetType(UTF8Type))"

U1 = uuid.UUID("d2177dd0-eaa2-11de-a572-001b779c76e3")  # a version-1 (time) uuid
U4 = uuid.UUID("6ab09bec-e68e-48d9-a5f8-97e6fb4c9b47")


def f(x):
    """Floats as strings so the JSON is exact."""
    return repr(x)


def varint_hex(n):
    """The shortest two's complement big-endian bytes of n, as the protocol writes a varint."""
    bits = n.bit_length() if n >= 0 else (~n).bit_length()
    return n.to_bytes(bits // 8 + 1, "big", signed=True).hex()


def decimal_typed(d):
    sign, digits, exponent = d.as_tuple()
    unscaled = int("".join(map(str, digits)) or "0") * (-1 if sign else 1)
    return {"unscaled": varint_hex(unscaled), "scale": -exponent}


# Python types that lookup_casstype cannot build from a class string (it cannot parse
# UserType's hex names), by vector name.
PY_TYPES = {}


VALUES = [
    ("ascii", "ascii", "AsciiType", "hello", {"ascii": "hello"}),
    ("ascii_empty", "ascii", "AsciiType", "", {"ascii": ""}),
    ("text", "text", "UTF8Type", "zażółć 🦀", {"text": "zażółć 🦀"}),
    ("boolean_true", "boolean", "BooleanType", True, {"boolean": True}),
    ("boolean_false", "boolean", "BooleanType", False, {"boolean": False}),
    ("blob", "blob", "BytesType", b"\x00\x01\xfe\xff", {"blob": "0001feff"}),
    ("blob_empty", "blob", "BytesType", b"", {"blob": ""}),
    ("counter", "counter", "CounterColumnType", -42, {"counter": -42}),
    ("tinyint_min", "tinyint", "ByteType", -128, {"tinyint": -128}),
    ("tinyint_max", "tinyint", "ByteType", 127, {"tinyint": 127}),
    ("smallint_min", "smallint", "ShortType", -32768, {"smallint": -32768}),
    ("smallint", "smallint", "ShortType", 1234, {"smallint": 1234}),
    ("int_min", "int", "Int32Type", -2**31, {"int": -2**31}),
    ("int_max", "int", "Int32Type", 2**31 - 1, {"int": 2**31 - 1}),
    ("int_zero", "int", "Int32Type", 0, {"int": 0}),
    ("bigint_min", "bigint", "LongType", -2**63, {"bigint": -2**63}),
    ("bigint_max", "bigint", "LongType", 2**63 - 1, {"bigint": 2**63 - 1}),
    ("float", "float", "FloatType", 1.5, {"float": f(1.5)}),
    ("float_neg", "float", "FloatType", -0.25, {"float": f(-0.25)}),
    ("float_inf", "float", "FloatType", float("inf"), {"float": "inf"}),
    ("double", "double", "DoubleType", 3.141592653589793, {"double": f(3.141592653589793)}),
    ("double_neg_inf", "double", "DoubleType", float("-inf"), {"double": "-inf"}),
    ("double_tiny", "double", "DoubleType", 5e-324, {"double": f(5e-324)}),
    ("timestamp_epoch", "timestamp", "TimestampType", 0, {"timestamp": 0}),
    ("timestamp", "timestamp", "TimestampType", 1700000000123, {"timestamp": 1700000000123}),
    ("timestamp_neg", "timestamp", "TimestampType", -86400000, {"timestamp": -86400000}),
    ("date_epoch", "date", "SimpleDateType", util.Date(0), {"date": 2**31}),
    ("date_2024", "date", "SimpleDateType", util.Date(datetime.date(2024, 2, 29)),
     {"date": 2**31 + (datetime.date(2024, 2, 29) - datetime.date(1970, 1, 1)).days}),
    ("date_before_epoch", "date", "SimpleDateType", util.Date(-1), {"date": 2**31 - 1}),
    ("time_midnight", "time", "TimeType", util.Time(0), {"time": 0}),
    ("time", "time", "TimeType", util.Time(13 * 3600 * 10**9 + 5), {"time": 13 * 3600 * 10**9 + 5}),
    ("time_max", "time", "TimeType", util.Time(86399999999999), {"time": 86399999999999}),
    ("uuid", "uuid", "UUIDType", U4, {"uuid": str(U4)}),
    ("timeuuid", "timeuuid", "TimeUUIDType", U1, {"timeuuid": str(U1)}),
    ("inet_v4", "inet", "InetAddressType", "192.168.1.20", {"inet": "192.168.1.20"}),
    ("inet_v6", "inet", "InetAddressType", "2001:db8::1", {"inet": "2001:db8::1"}),
    ("varint_zero", "varint", "IntegerType", 0, {"varint": "00"}),
    ("varint_127", "varint", "IntegerType", 127, {"varint": "7f"}),
    ("varint_128", "varint", "IntegerType", 128, {"varint": "0080"}),
    ("varint_neg_1", "varint", "IntegerType", -1, {"varint": "ff"}),
    ("varint_neg_129", "varint", "IntegerType", -129, {"varint": "ff7f"}),
    ("varint_big", "varint", "IntegerType", 2**100 + 7, {"varint": varint_hex(2**100 + 7)}),
    ("varint_neg_big", "varint", "IntegerType", -(2**100), {"varint": varint_hex(-(2**100))}),
    ("decimal", "decimal", "DecimalType", decimal.Decimal("123.456"), {"decimal": {"unscaled": "01e240", "scale": 3}}),
    ("decimal_neg", "decimal", "DecimalType", decimal.Decimal("-0.5"), {"decimal": {"unscaled": "fb", "scale": 1}}),
    ("decimal_exp", "decimal", "DecimalType", decimal.Decimal("1E+3"), {"decimal": {"unscaled": "01", "scale": -3}}),
    ("duration", "duration", "DurationType", util.Duration(1, 2, 3), {"duration": [1, 2, 3]}),
    ("duration_neg", "duration", "DurationType", util.Duration(-14, -1, -3600 * 10**9), {"duration": [-14, -1, -3600 * 10**9]}),
    ("duration_big", "duration", "DurationType", util.Duration(2**31 - 1, -2**31, 2**63 - 1),
     {"duration": [2**31 - 1, -2**31, 2**63 - 1]}),
    ("list_int", "list<int>", "ListType(Int32Type)", [1, 2, 3], {"list": [{"int": 1}, {"int": 2}, {"int": 3}]}),
    ("list_empty", "list<text>", "ListType(UTF8Type)", [], {"list": []}),
    ("set_text", "set<text>", "SetType(UTF8Type)", util.SortedSet(["a", "bc"]), {"set": [{"text": "a"}, {"text": "bc"}]}),
    ("map_text_int", "map<text, int>", "MapType(UTF8Type,Int32Type)", util.OrderedMap([("a", 1), ("b", -2)]),
     {"map": [[{"text": "a"}, {"int": 1}], [{"text": "b"}, {"int": -2}]]}),
    ("map_nested", "map<int, frozen<list<bigint>>>", "MapType(Int32Type,FrozenType(ListType(LongType)))",
     util.OrderedMap([(7, [1, 2])]), {"map": [[{"int": 7}, {"list": [{"bigint": 1}, {"bigint": 2}]}]]}),
    ("tuple", "tuple<int, text, boolean>", "TupleType(Int32Type,UTF8Type,BooleanType)", (1, "x", None),
     {"tuple": [{"int": 1}, {"text": "x"}, None]}),
    ("udt", "frozen<address>", ADDR_CLASS, ("Main St", 5, util.SortedSet(["home"])),
     {"udt": {"keyspace": "ks", "name": "address", "fields": [
         ["street", {"text": "Main St"}], ["number", {"int": 5}], ["tags", {"set": [{"text": "home"}]}]]}}),
    ("udt_null_field", "frozen<address>", ADDR_CLASS, ("Side St", None, None),
     {"udt": {"keyspace": "ks", "name": "address", "fields": [
         ["street", {"text": "Side St"}], ["number", None], ["tags", None]]}}),
    ("vector_float", "vector<float, 3>", "VectorType(FloatType,3)", [1.0, -2.5, 0.0],
     {"vector": [{"float": f(1.0)}, {"float": f(-2.5)}, {"float": f(0.0)}]}),
    ("vector_text", "vector<text, 2>", "VectorType(UTF8Type,2)", ["ab", ""], {"vector": [{"text": "ab"}, {"text": ""}]}),
    ("vector_smallint", "vector<smallint, 2>", "VectorType(ShortType,2)", [1, -1],
     {"vector": [{"smallint": 1}, {"smallint": -1}]}),
    # Aliases, special floats, extremes.
    ("varchar", "varchar", "UTF8Type", "v", {"text": "v"}),
    ("float_nan", "float", "FloatType", float("nan"), {"float": "nan"}),
    ("double_nan", "double", "DoubleType", float("nan"), {"double": "nan"}),
    ("double_neg_zero", "double", "DoubleType", -0.0, {"double": "-0.0"}),
    ("timestamp_year_9999", "timestamp", "TimestampType", 253402300799999, {"timestamp": 253402300799999}),
    ("decimal_big", "decimal", "DecimalType", decimal.Decimal("-12345678901234567890.123456789"),
     {"decimal": decimal_typed(decimal.Decimal("-12345678901234567890.123456789"))}),
    ("duration_zero", "duration", "DurationType", util.Duration(0, 0, 0), {"duration": [0, 0, 0]}),
    ("inet_v6_mapped", "inet", "InetAddressType", "::ffff:10.0.0.1", {"inet": "::ffff:10.0.0.1"}),
    # More collections and nesting.
    ("list_blob", "list<blob>", "ListType(BytesType)", [b"\x01", b""], {"list": [{"blob": "01"}, {"blob": ""}]}),
    ("set_uuid", "set<uuid>", "SetType(UUIDType)", util.SortedSet([U4]), {"set": [{"uuid": str(U4)}]}),
    ("map_timeuuid_double", "map<timeuuid, double>", "MapType(TimeUUIDType,DoubleType)",
     util.OrderedMap([(U1, 0.5)]), {"map": [[{"timeuuid": str(U1)}, {"double": f(0.5)}]]}),
    ("frozen_set_int", "frozen<set<int>>", "FrozenType(SetType(Int32Type))", util.SortedSet([-1, 3]),
     {"set": [{"int": -1}, {"int": 3}]}),
    ("tuple_nested", "tuple<int, frozen<tuple<text, boolean>>>", "TupleType(Int32Type,TupleType(UTF8Type,BooleanType))",
     (1, ("a", True)), {"tuple": [{"int": 1}, {"tuple": [{"text": "a"}, {"boolean": True}]}]}),
    ("list_udt", "list<frozen<address>>", "ListType(FrozenType(" + ADDR_CLASS + "))", [("Elm St", 1, None)],
     {"list": [{"udt": {"keyspace": "ks", "name": "address", "fields": [
         ["street", {"text": "Elm St"}], ["number", {"int": 1}], ["tags", None]]}}]}),
    ("vector_nested", "vector<vector<int, 2>, 2>", "VectorType(VectorType(Int32Type,2),2)", [[1, 2], [3, 4]],
     {"vector": [{"vector": [{"int": 1}, {"int": 2}]}, {"vector": [{"int": 3}, {"int": 4}]}]}),
    ("vector_list", "vector<list<int>, 2>", "VectorType(ListType(Int32Type),2)", [[1], [2, 3]],
     {"vector": [{"list": [{"int": 1}]}, {"list": [{"int": 2}, {"int": 3}]}]}),
    ("vector_uuid", "vector<uuid, 1>", "VectorType(UUIDType,1)", [U4], {"vector": [{"uuid": str(U4)}]}),
    ("vector_boolean", "vector<boolean, 2>", "VectorType(BooleanType,2)", [True, False],
     {"vector": [{"boolean": True}, {"boolean": False}]}),
    # A custom type: opaque bytes.
    ("custom", "'com.example.MyType'", "com.example.MyType", b"ab", {"blob": "6162"}),
]
PY_TYPES["list_udt"] = ct.ListType.apply_parameters([ct.FrozenType.apply_parameters([ADDR])])


EPOCH = datetime.datetime(1970, 1, 1)
NATIVE_TYPED = {"ascii": "ascii", "text": "text", "varchar": "text", "boolean": "boolean", "blob": "blob",
                "counter": "counter", "tinyint": "tinyint", "smallint": "smallint", "int": "int",
                "bigint": "bigint", "float": "float", "double": "double", "timestamp": "timestamp",
                "date": "date", "time": "time", "uuid": "uuid", "timeuuid": "timeuuid", "inet": "inet",
                "varint": "varint", "decimal": "decimal", "duration": "duration"}


def typed(t, v):
    """The typed JSON (as in VALUES) of a value the Python driver decoded as type t."""
    if v is None:
        return None
    if issubclass(t, ct.FrozenType):
        return typed(t.subtypes[0], v)
    if issubclass(t, ct.UserType):
        return {"udt": {"keyspace": t.keyspace, "name": t.typename,
                        "fields": [[n, typed(st, x)] for n, st, x in zip(t.fieldnames, t.subtypes, tuple(v))]}}
    if issubclass(t, ct.TupleType):
        return {"tuple": [typed(st, x) for st, x in zip(t.subtypes, v)]}
    if issubclass(t, ct.ListType):
        return {"list": [typed(t.subtypes[0], x) for x in v]}
    if issubclass(t, ct.SetType):
        return {"set": [typed(t.subtypes[0], x) for x in v]}
    if issubclass(t, ct.MapType):
        return {"map": [[typed(t.subtypes[0], k), typed(t.subtypes[1], x)] for k, x in v.items()]}
    if issubclass(t, ct.VectorType):
        return {"vector": [typed(t.subtype, x) for x in v]}
    kind = NATIVE_TYPED.get(t.typename)
    if kind is None:  # a custom type the driver does not know: opaque bytes
        return {"blob": v.hex()}
    if kind == "blob":
        return {kind: v.hex()}
    if kind in ("float", "double"):
        return {kind: f(v)}
    if kind == "timestamp":
        # The driver decodes through a float of seconds; round back to the millisecond.
        return {kind: round((v - EPOCH) / datetime.timedelta(microseconds=1) / 1000)}
    if kind == "date":
        return {kind: 2**31 + v.days_from_epoch}
    if kind == "time":
        return {kind: v.nanosecond_time}
    if kind in ("uuid", "timeuuid", "inet"):
        return {kind: str(v)}
    if kind == "varint":
        return {kind: varint_hex(v)}
    if kind == "decimal":
        return {kind: decimal_typed(v)}
    if kind == "duration":
        return {kind: [v.months, v.days, v.nanoseconds]}
    return {kind: v}


def py_type(name, cls):
    return PY_TYPES.get(name) or (ADDR if cls == ADDR_CLASS else ct.lookup_casstype(cls))


def value_vectors():
    out = []
    for name, cql, cls, pyval, expected in VALUES:
        typ = py_type(name, cls)
        raw = typ.to_binary(pyval, PROTO)
        # The referee must read back what it wrote, and its decoded view must be the
        # typed value we wrote down.
        back = typ.from_binary(raw, PROTO)
        seen = typed(typ, back)
        if seen != expected:
            raise SystemExit(f"python round trip mismatch for {name}: {expected!r} -> {seen!r}")
        out.append({"name": name, "cql_type": cql, "class_type": cls,
                    "value": expected, "hex": raw.hex()})
    return out


# ---------------------------------------------------------------------------------
# Requests, encoded by the Python driver's own message classes.
# ---------------------------------------------------------------------------------

def encode(msg, stream=0, compressor=None):
    msg.custom_payload = getattr(msg, "custom_payload", None)
    msg.tracing = getattr(msg, "tracing", False)
    return p.ProtocolHandler.encode_message(msg, stream, PROTO, compressor, False)


CL_NAMES = {v: k for k, v in CL.name_to_value.items()}


def request_vectors():
    out = []

    def add(name, msg, desc, stream=0, tracing=False, custom_payload=None):
        msg.tracing = tracing
        msg.custom_payload = custom_payload
        frame = encode(msg, stream)
        desc = dict(desc)
        desc["stream"] = stream
        desc["tracing"] = tracing
        if custom_payload is not None:
            desc["custom_payload"] = {k: v.hex() for k, v in custom_payload.items()}
        out.append({"name": name, "hex": frame.hex(), "request": desc})

    add("options", p.OptionsMessage(), {"opcode": "OPTIONS"})
    add("startup", p.StartupMessage(cqlversion="3.0.0", options={"COMPRESSION": "lz4"}),
        {"opcode": "STARTUP", "options": {"CQL_VERSION": "3.0.0", "COMPRESSION": "lz4"}}, stream=1)
    add("register", p.RegisterMessage(event_list=["TOPOLOGY_CHANGE", "STATUS_CHANGE", "SCHEMA_CHANGE"]),
        {"opcode": "REGISTER", "events": ["TOPOLOGY_CHANGE", "STATUS_CHANGE", "SCHEMA_CHANGE"]}, stream=2)
    add("auth_response", p.AuthResponseMessage(b"\x00cassandra\x00cassandra"),
        {"opcode": "AUTH_RESPONSE", "token": b"\x00cassandra\x00cassandra".hex()}, stream=3)
    add("prepare", p.PrepareMessage("SELECT * FROM ks.t WHERE a = ?"),
        {"opcode": "PREPARE", "query": "SELECT * FROM ks.t WHERE a = ?"}, stream=4)
    add("query_simple", p.QueryMessage("SELECT * FROM system.local", CL.ONE),
        {"opcode": "QUERY", "query": "SELECT * FROM system.local", "consistency": "ONE"}, stream=5)
    add("query_paged", p.QueryMessage("SELECT a FROM ks.t", CL.LOCAL_QUORUM, fetch_size=100,
                                      paging_state=b"\x01\x02\x03"),
        {"opcode": "QUERY", "query": "SELECT a FROM ks.t", "consistency": "LOCAL_QUORUM",
         "page_size": 100, "paging_state": "010203"}, stream=6)
    add("query_all_flags", p.QueryMessage("UPDATE ks.t SET v = 1 WHERE k = 0 IF v = 0", CL.QUORUM,
                                          serial_consistency_level=CL.LOCAL_SERIAL, fetch_size=5000,
                                          paging_state=b"\xff", timestamp=1234567890123456),
        {"opcode": "QUERY", "query": "UPDATE ks.t SET v = 1 WHERE k = 0 IF v = 0", "consistency": "QUORUM",
         "serial_consistency": "LOCAL_SERIAL", "page_size": 5000, "paging_state": "ff",
         "timestamp": 1234567890123456}, stream=7, tracing=True)
    add("query_custom_payload", p.QueryMessage("SELECT * FROM t", CL.ONE),
        {"opcode": "QUERY", "query": "SELECT * FROM t", "consistency": "ONE"}, stream=8,
        custom_payload={"k": b"\x01\x02"})
    int_v = ct.Int32Type.to_binary(7, PROTO)
    txt_v = ct.UTF8Type.to_binary("x", PROTO)
    add("execute", p.ExecuteMessage(b"\xab\xcd", [int_v, None, txt_v], CL.ONE, fetch_size=10),
        {"opcode": "EXECUTE", "id": "abcd", "consistency": "ONE", "values": [int_v.hex(), None, txt_v.hex()],
         "page_size": 10}, stream=9)
    # (The Python driver does not write the skip-metadata flag in protocol v4, even
    # with skip_meta=True; see execute_skip_metadata below.)
    add("execute_unset_ts", p.ExecuteMessage(b"\x01" * 16, [int_v, p._UNSET_VALUE], CL.ALL, timestamp=5,
                                             serial_consistency_level=CL.SERIAL, skip_meta=True),
        {"opcode": "EXECUTE", "id": "01" * 16, "consistency": "ALL", "values": [int_v.hex(), "unset"],
         "timestamp": 5, "serial_consistency": "SERIAL"}, stream=32767)
    add("execute_paged", p.ExecuteMessage(b"\x99", [txt_v], CL.LOCAL_ONE, fetch_size=1, paging_state=b"\x00\x01"),
        {"opcode": "EXECUTE", "id": "99", "consistency": "LOCAL_ONE", "values": [txt_v.hex()], "page_size": 1,
         "paging_state": "0001"}, stream=22)
    add("startup_identity", p.StartupMessage(cqlversion="3.4.5", options={
            "COMPRESSION": "snappy", "DRIVER_NAME": "ScyllaDB Rust Driver", "DRIVER_VERSION": "1.9.0",
            "SCYLLA_LWT_ADD_METADATA_MARK": "LWT_OPTIMIZATION_META_BIT_MASK=2147483648", "TABLETS_ROUTING_V1": ""}),
        {"opcode": "STARTUP", "options": {"CQL_VERSION": "3.4.5", "COMPRESSION": "snappy",
                                          "DRIVER_NAME": "ScyllaDB Rust Driver", "DRIVER_VERSION": "1.9.0",
                                          "SCYLLA_LWT_ADD_METADATA_MARK": "LWT_OPTIMIZATION_META_BIT_MASK=2147483648",
                                          "TABLETS_ROUTING_V1": ""}}, stream=16)
    add("register_schema_only", p.RegisterMessage(event_list=["SCHEMA_CHANGE"]),
        {"opcode": "REGISTER", "events": ["SCHEMA_CHANGE"]}, stream=17)
    add("auth_response_empty", p.AuthResponseMessage(b""), {"opcode": "AUTH_RESPONSE", "token": ""}, stream=18)
    add("query_each_consistency", p.QueryMessage("SELECT 1", CL.EACH_QUORUM, serial_consistency_level=CL.SERIAL),
        {"opcode": "QUERY", "query": "SELECT 1", "consistency": "EACH_QUORUM", "serial_consistency": "SERIAL"},
        stream=19)
    add("query_any_traced_payload", p.QueryMessage("INSERT INTO ks.t (a) VALUES (1)", CL.ANY),
        {"opcode": "QUERY", "query": "INSERT INTO ks.t (a) VALUES (1)", "consistency": "ANY"}, stream=20,
        tracing=True, custom_payload={"a": b"", "bb": b"\xff\x00"})
    add("batch_logged", p.BatchMessage(BatchType.LOGGED, [
            (False, "INSERT INTO ks.t (a, b) VALUES (1, 2)", []),
            (True, b"\x12\x34", [int_v, None]),
        ], CL.QUORUM),
        {"opcode": "BATCH", "type": "LOGGED", "consistency": "QUORUM", "statements": [
            {"query": "INSERT INTO ks.t (a, b) VALUES (1, 2)", "values": []},
            {"id": "1234", "values": [int_v.hex(), None]}]}, stream=10)
    add("batch_unlogged_flags", p.BatchMessage(BatchType.UNLOGGED, [
            (False, "UPDATE ks.t SET b = ? WHERE a = ?", [txt_v, int_v]),
        ], CL.ONE, serial_consistency_level=CL.LOCAL_SERIAL, timestamp=99),
        {"opcode": "BATCH", "type": "UNLOGGED", "consistency": "ONE", "serial_consistency": "LOCAL_SERIAL",
         "timestamp": 99, "statements": [
            {"query": "UPDATE ks.t SET b = ? WHERE a = ?", "values": [txt_v.hex(), int_v.hex()]}]}, stream=11)
    add("batch_counter", p.BatchMessage(BatchType.COUNTER, [
            (False, "UPDATE ks.c SET n = n + 1 WHERE k = 1", []),
        ], CL.ONE),
        {"opcode": "BATCH", "type": "COUNTER", "consistency": "ONE", "statements": [
            {"query": "UPDATE ks.c SET n = n + 1 WHERE k = 1", "values": []}]}, stream=12)
    # QUERY with bound values (the Python driver only binds through EXECUTE, so build
    # the body with its notation writers).
    body = io.BytesIO()
    p.write_longstring(body, "INSERT INTO ks.t (a, b) VALUES (?, ?)")
    p.write_consistency_level(body, CL.ONE)
    body.write(bytes([0x01]))
    p.write_short(body, 2)
    p.write_value(body, int_v)
    p.write_value(body, None)
    frame = bytes([0x04, 0x00]) + (13).to_bytes(2, "big") + bytes([0x07]) + len(body.getvalue()).to_bytes(4, "big") + body.getvalue()
    out.append({"name": "query_with_values", "hex": frame.hex(), "request": {
        "opcode": "QUERY", "query": "INSERT INTO ks.t (a, b) VALUES (?, ?)", "consistency": "ONE",
        "values": [int_v.hex(), None], "stream": 13, "tracing": False}})
    # EXECUTE asking for results without metadata (flag 0x02), written with the
    # driver's notation writers.
    body = io.BytesIO()
    p.write_string(body, b"\x0a\x0b")
    p.write_consistency_level(body, CL.ONE)
    body.write(bytes([0x02 | 0x04]))
    p.write_int(body, 500)
    frame = bytes([0x04, 0x00]) + (24).to_bytes(2, "big") + bytes([0x0A]) + len(body.getvalue()).to_bytes(4, "big") + body.getvalue()
    out.append({"name": "execute_skip_metadata", "hex": frame.hex(), "request": {
        "opcode": "EXECUTE", "id": "0a0b", "consistency": "ONE", "page_size": 500, "skip_metadata": True,
        "stream": 24, "tracing": False}})
    # Named values (flag 0x40): [string] name before each [value].
    body = io.BytesIO()
    p.write_longstring(body, "SELECT * FROM ks.t WHERE a = :a")
    p.write_consistency_level(body, CL.ONE)
    body.write(bytes([0x01 | 0x40]))
    p.write_short(body, 1)
    p.write_string(body, "a")
    p.write_value(body, int_v)
    frame = bytes([0x04, 0x00]) + (14).to_bytes(2, "big") + bytes([0x07]) + len(body.getvalue()).to_bytes(4, "big") + body.getvalue()
    out.append({"name": "query_named_values", "hex": frame.hex(), "request": {
        "opcode": "QUERY", "query": "SELECT * FROM ks.t WHERE a = :a", "consistency": "ONE",
        "named_values": [["a", int_v.hex()]], "stream": 14, "tracing": False}})
    # Compressed frames, compressed by the Python driver's own codecs. Compressed
    # bytes are not canonical across implementations, so the Rust side checks that it
    # decompresses them to the uncompressed frame's body.
    from cassandra.connection import locally_supported_compressions as codecs
    long_query = "SELECT * FROM ks.t WHERE a = 1 AND b = 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx' ALLOW FILTERING"
    for algo in ("lz4", "snappy"):
        compress, _ = codecs[algo]
        msg = p.QueryMessage(long_query, CL.ONE)
        plain = encode(msg, 15)
        msg = p.QueryMessage(long_query, CL.ONE)
        packed = encode(msg, 15, compressor=compress)
        out.append({"name": "query_compressed_" + algo, "hex": packed.hex(), "request": {
            "opcode": "QUERY", "query": long_query, "consistency": "ONE", "stream": 15, "tracing": False,
            "compression": algo, "uncompressed_hex": plain.hex()}})
        # Tracing and a custom payload: the payload is compressed with the message.
        payload = {"trace-me": b"\x01" * 40}
        msg = p.PrepareMessage(long_query)
        msg.tracing, msg.custom_payload = True, payload
        plain = p.ProtocolHandler.encode_message(msg, 21, PROTO, None, False)
        msg = p.PrepareMessage(long_query)
        msg.tracing, msg.custom_payload = True, payload
        packed = p.ProtocolHandler.encode_message(msg, 21, PROTO, compress, False)
        out.append({"name": "prepare_compressed_payload_" + algo, "hex": packed.hex(), "request": {
            "opcode": "PREPARE", "query": long_query, "stream": 21, "tracing": True,
            "custom_payload": {k: v.hex() for k, v in payload.items()},
            "compression": algo, "uncompressed_hex": plain.hex()}})
    return out


# ---------------------------------------------------------------------------------
# Responses: bodies written with the spec's notation, decoded by the Python driver.
# ---------------------------------------------------------------------------------

def frame(opcode, body, stream=0, flags=0):
    return bytes([0x84, flags]) + stream.to_bytes(2, "big", signed=True) + bytes([opcode]) + len(body).to_bytes(4, "big") + body


def py_decode(raw, result_metadata=None, decompressor=None):
    flags = raw[1]
    stream = int.from_bytes(raw[2:4], "big", signed=True)
    opcode = raw[4]
    body = raw[9:]
    return p.ProtocolHandler.decode_message(PROTO, {}, stream, flags, opcode, body, decompressor, result_metadata)


def w(fn, *args):
    b = io.BytesIO()
    fn(b, *args)
    return b.getvalue()


def i32(n):
    return n.to_bytes(4, "big", signed=True)


def i16(n):
    return n.to_bytes(2, "big", signed=False)


def opt(code):
    return i16(code)


MARSHAL = "org.apache.cassandra.db.marshal."
OPTION_IDS = {"ascii": 0x01, "bigint": 0x02, "blob": 0x03, "boolean": 0x04, "counter": 0x05, "decimal": 0x06,
              "double": 0x07, "float": 0x08, "int": 0x09, "timestamp": 0x0B, "uuid": 0x0C, "text": 0x0D,
              "varchar": 0x0D, "varint": 0x0E, "timeuuid": 0x0F, "inet": 0x10, "date": 0x11, "time": 0x12,
              "smallint": 0x13, "tinyint": 0x14, "duration": 0x15}


def classname(t):
    """The full marshal class name of t, as a server writes it for a custom [option].
    (The Python driver's own cass_parameterized_type drops the parameters of vectors.)"""
    if issubclass(t, ct.VectorType):
        # Cassandra's spelling (TypeParser.stringifyVectorParameters): " , ".
        return f"{MARSHAL}VectorType({classname(t.subtype)} , {t.vector_size})"
    if issubclass(t, (ct.ListType, ct.SetType, ct.MapType, ct.FrozenType)) or (
            issubclass(t, ct.TupleType) and not issubclass(t, ct.UserType)):
        return f"{MARSHAL}{t.cassname}({', '.join(classname(st) for st in t.subtypes)})"
    if t.typename in OPTION_IDS:
        return MARSHAL + t.cassname
    return t.cassname


def option(t):
    """The [option] of a column type (spec section 4.2.5.2)."""
    if issubclass(t, ct.FrozenType):
        return option(t.subtypes[0])
    if issubclass(t, ct.UserType):
        out = opt(0x0030) + w(p.write_string, t.keyspace) + w(p.write_string, t.typename) + i16(len(t.fieldnames))
        for n, st in zip(t.fieldnames, t.subtypes):
            out += w(p.write_string, n) + option(st)
        return out
    if issubclass(t, ct.TupleType):
        return opt(0x0031) + i16(len(t.subtypes)) + b"".join(option(st) for st in t.subtypes)
    if issubclass(t, ct.ListType):
        return opt(0x0020) + option(t.subtypes[0])
    if issubclass(t, ct.SetType):
        return opt(0x0022) + option(t.subtypes[0])
    if issubclass(t, ct.MapType):
        return opt(0x0021) + option(t.subtypes[0]) + option(t.subtypes[1])
    if t.typename in OPTION_IDS:
        return opt(OPTION_IDS[t.typename])
    return opt(0x0000) + w(p.write_string, classname(t))


def cols(md):
    return [[c[0], c[1], c[2], c[3].cql_parameterized_type()] for c in md]


def typed_rows(md, rows):
    return [[typed(c[3], v) for c, v in zip(md, r)] for r in rows]


def response_vectors():
    out = []

    def add(name, raw, expect, result_metadata=None):
        msg = py_decode(raw, result_metadata)
        out.append({"name": name, "hex": raw.hex(), "response": expect(msg)})
        return msg

    add("ready", frame(0x02, b""), lambda m: {"opcode": "READY"})
    add("authenticate", frame(0x03, w(p.write_string, "org.apache.cassandra.auth.PasswordAuthenticator")),
        lambda m: {"opcode": "AUTHENTICATE", "authenticator": m.authenticator})
    add("auth_challenge", frame(0x0E, i32(3) + b"abc"),
        lambda m: {"opcode": "AUTH_CHALLENGE", "token": m.challenge.hex()})
    add("auth_success_null", frame(0x10, i32(-1)),
        lambda m: {"opcode": "AUTH_SUCCESS", "token": None})
    add("auth_success_token", frame(0x10, i32(2) + b"ok"),
        lambda m: {"opcode": "AUTH_SUCCESS", "token": m.token.encode().hex()})  # decoded as UTF-8 text
    add("auth_challenge_empty", frame(0x0E, i32(0)),
        lambda m: {"opcode": "AUTH_CHALLENGE", "token": m.challenge.hex()})
    supported = {"CQL_VERSION": ["3.4.5"], "COMPRESSION": ["lz4", "snappy"],
                 "SCYLLA_SHARD": ["1"], "SCYLLA_NR_SHARDS": ["4"], "SCYLLA_SHARDING_IGNORE_MSB": ["12"],
                 "SCYLLA_PARTITIONER": ["org.apache.cassandra.dht.Murmur3Partitioner"],
                 "SCYLLA_SHARDING_ALGORITHM": ["biased-token-round-robin"], "SCYLLA_SHARD_AWARE_PORT": ["19042"]}
    add("supported", frame(0x06, w(p.write_stringmultimap, supported)),
        # (The driver takes CQL_VERSION out of the options into cql_versions.)
        lambda m: {"opcode": "SUPPORTED", "options": {k: list(v) for k, v in m.options.items()},
                   "cql_versions": list(m.cql_versions)})

    def err(code, extra, name, msg_text="msg"):
        raw = frame(0x00, i32(code) + w(p.write_string, msg_text) + extra)
        add("error_" + name, raw, lambda m: {"opcode": "ERROR", "code": m.code, "message": m.message,
                                            "info": jsonable(m.info)})

    cl = lambda c: i16(c)
    err(0x0000, b"", "server")
    err(0x000A, b"", "protocol", "Invalid or unsupported protocol version (5); supported versions are (3/v3, 4/v4)")
    err(0x0100, b"", "bad_credentials")
    err(0x1000, cl(CL.QUORUM) + i32(2) + i32(1), "unavailable")
    err(0x1001, b"", "overloaded")
    err(0x1002, b"", "is_bootstrapping")
    err(0x1003, b"", "truncate")
    err(0x1100, cl(CL.ONE) + i32(0) + i32(1) + w(p.write_string, "SIMPLE"), "write_timeout")
    err(0x1200, cl(CL.ALL) + i32(1) + i32(3) + bytes([1]), "read_timeout")
    err(0x1300, cl(CL.ONE) + i32(0) + i32(1) + i32(1) + bytes([0]), "read_failure")
    err(0x1400, w(p.write_string, "ks") + w(p.write_string, "fn") + w(p.write_stringlist, ["int", "text"]), "function_failure")
    err(0x1500, cl(CL.TWO) + i32(1) + i32(2) + i32(1) + w(p.write_string, "BATCH_LOG"), "write_failure")
    err(0x2000, b"", "syntax")
    err(0x2100, b"", "unauthorized")
    err(0x2200, b"", "invalid")
    err(0x2300, b"", "config")
    err(0x2400, w(p.write_string, "ks") + w(p.write_string, "tbl"), "already_exists")
    err(0x2500, w(p.write_string, "\x01\x02"), "unprepared")

    add("result_void", frame(0x08, i32(1)), lambda m: {"opcode": "RESULT", "kind": "VOID"})
    add("result_set_keyspace", frame(0x08, i32(3) + w(p.write_string, "ks")),
        lambda m: {"opcode": "RESULT", "kind": "SET_KEYSPACE", "keyspace": m.new_keyspace})
    # Rows: global table spec, columns int and list<text>, 2 rows, one null, paging state.
    meta = i32(0x0001 | 0x0002) + i32(2) + w(p.write_longstring, b"\x00\x07") + w(p.write_string, "ks") + w(p.write_string, "t")
    meta += w(p.write_string, "a") + opt(0x0009) + w(p.write_string, "b") + opt(0x0020) + opt(0x000D)
    rows = i32(2)
    rows += w(p.write_value, ct.Int32Type.to_binary(1, PROTO)) + w(p.write_value, ct.lookup_casstype("ListType(UTF8Type)").to_binary(["x", "y"], PROTO))
    rows += w(p.write_value, ct.Int32Type.to_binary(2, PROTO)) + w(p.write_value, None)
    add("result_rows", frame(0x08, i32(2) + meta + rows), lambda m: {
        "opcode": "RESULT", "kind": "ROWS", "paging_state": m.paging_state.hex(),
        "columns": cols(m.column_metadata), "rows": typed_rows(m.column_metadata, m.parsed_rows)})
    # Rows with per-column table specs and every simple type id.
    simple = [("asc", 0x0001), ("bi", 0x0002), ("bl", 0x0003), ("bo", 0x0004), ("co", 0x0005), ("de", 0x0006),
              ("do", 0x0007), ("fl", 0x0008), ("i", 0x0009), ("ts", 0x000B), ("u", 0x000C), ("tx", 0x000D),
              ("vi", 0x000E), ("tu", 0x000F), ("ine", 0x0010), ("da", 0x0011), ("ti", 0x0012), ("sm", 0x0013),
              ("tin", 0x0014), ("du", 0x0015)]
    meta = i32(0) + i32(len(simple))
    for n, code in simple:
        meta += w(p.write_string, "ks") + w(p.write_string, "all_types") + w(p.write_string, n) + opt(code)
    add("result_rows_all_type_ids", frame(0x08, i32(2) + meta + i32(0)), lambda m: {
        "opcode": "RESULT", "kind": "ROWS", "paging_state": None,
        "columns": cols(m.column_metadata), "rows": []})
    # Nested types: map<text, frozen<tuple<int, udt>>>, and a custom VectorType.
    udt = w(p.write_string, "ks") + w(p.write_string, "pt") + i16(2) + w(p.write_string, "x") + opt(0x0009) + w(p.write_string, "y") + opt(0x0009)
    typ = opt(0x0021) + opt(0x000D) + opt(0x0031) + i16(2) + opt(0x0009) + opt(0x0030) + udt
    vec = opt(0x0000) + w(p.write_string, "org.apache.cassandra.db.marshal.VectorType(org.apache.cassandra.db.marshal.FloatType, 3)")
    meta = i32(0x0001) + i32(2) + w(p.write_string, "ks") + w(p.write_string, "n") + w(p.write_string, "m") + typ + w(p.write_string, "v") + vec
    add("result_rows_nested_types", frame(0x08, i32(2) + meta + i32(0)), lambda m: {
        "opcode": "RESULT", "kind": "ROWS", "paging_state": None,
        "columns": cols(m.column_metadata), "rows": []})
    # No metadata (skip_metadata): only flags, count, then rows.
    cached = [("ks", "t", "a", ct.Int32Type)]
    add("result_rows_no_metadata", frame(0x08, i32(2) + i32(0x0004) + i32(1) + i32(1) + w(p.write_value, b"\x00\x00\x00\x05")),
        lambda m: {"opcode": "RESULT", "kind": "ROWS_NO_METADATA", "column_count": 1, "cached_columns": cols(cached),
                   "rows": typed_rows(cached, m.parsed_rows)},
        result_metadata=cached)
    # One column per value vector: a row of those values and a row of nulls, decoded by
    # the Python driver (every CQL type through a Rows result).
    value_cols = [(name, py_type(name, cls), raw) for name, cql, cls, pyval, _ in VALUES
                  for raw in [py_type(name, cls).to_binary(pyval, PROTO)]]
    meta = i32(0x0001) + i32(len(value_cols)) + w(p.write_string, "ks") + w(p.write_string, "every_type")
    for name, t, _ in value_cols:
        meta += w(p.write_string, name) + option(t)
    rows = i32(2) + b"".join(w(p.write_value, raw) for _, _, raw in value_cols) + i32(-1) * len(value_cols)
    m = add("result_rows_every_type", frame(0x08, i32(2) + meta + rows), lambda m: {
        "opcode": "RESULT", "kind": "ROWS", "paging_state": None,
        "columns": cols(m.column_metadata), "rows": typed_rows(m.column_metadata, m.parsed_rows)})
    if typed_rows(m.column_metadata, m.parsed_rows)[0] != [v[4] for v in VALUES]:
        raise SystemExit("the Python driver decodes a Rows result differently from single values")
    # Prepared: id, bind metadata with 1 pk index, result metadata.
    prepared = w(p.write_string, "\x0a\x0b") + i32(0x0001) + i32(2) + i32(1) + i16(0)
    prepared += w(p.write_string, "ks") + w(p.write_string, "t") + w(p.write_string, "a") + opt(0x0009) + w(p.write_string, "b") + opt(0x000D)
    prepared += i32(0x0001) + i32(1) + w(p.write_string, "ks") + w(p.write_string, "t") + w(p.write_string, "b") + opt(0x000D)
    add("result_prepared", frame(0x08, i32(4) + prepared), lambda m: {
        "opcode": "RESULT", "kind": "PREPARED", "id": m.query_id.hex(), "pk_indexes": list(m.pk_indexes),
        "bind": [[c[0], c[1], c[2], c[3].cql_parameterized_type()] for c in m.bind_metadata],
        "result": [[c[0], c[1], c[2], c[3].cql_parameterized_type()] for c in m.column_metadata]})
    # Prepared INSERT: two partition key columns in reverse order, per-column table
    # specs (two tables), no result metadata.
    prepared = w(p.write_string, "\x01") + i32(0) + i32(3) + i32(2) + i16(2) + i16(0)
    prepared += w(p.write_string, "ks") + w(p.write_string, "t1") + w(p.write_string, "k2") + opt(0x0002)
    prepared += w(p.write_string, "ks") + w(p.write_string, "t2") + w(p.write_string, "v") + opt(0x0022) + opt(0x000C)
    prepared += w(p.write_string, "ks") + w(p.write_string, "t1") + w(p.write_string, "k1") + opt(0x0001)
    prepared += i32(0x0004) + i32(0)
    add("result_prepared_no_result", frame(0x08, i32(4) + prepared), lambda m: {
        "opcode": "RESULT", "kind": "PREPARED", "id": m.query_id.hex(), "pk_indexes": list(m.pk_indexes),
        "bind": [[c[0], c[1], c[2], c[3].cql_parameterized_type()] for c in m.bind_metadata],
        "result": [[c[0], c[1], c[2], c[3].cql_parameterized_type()] for c in (m.column_metadata or [])]})
    schema_changes = [
        ("table", ["CREATED", "TABLE", "ks", "t"], []),
        ("keyspace", ["UPDATED", "KEYSPACE", "ks"], []),
        ("type", ["DROPPED", "TYPE", "ks", "address"], []),
        ("function", ["CREATED", "FUNCTION", "ks", "f"], ["int", "frozen<list<text>>"]),
        ("aggregate", ["DROPPED", "AGGREGATE", "ks", "agg"], []),
    ]
    for name, strings, args in schema_changes:
        sc = b"".join(w(p.write_string, x) for x in strings)
        if strings[1] in ("FUNCTION", "AGGREGATE"):
            sc += w(p.write_stringlist, args)
        add("result_schema_change" + ("" if name == "table" else "_" + name), frame(0x08, i32(5) + sc), lambda m: {
            "opcode": "RESULT", "kind": "SCHEMA_CHANGE", "event": jsonable(m.schema_change_event)})

    def ev(name, body):
        add("event_" + name, frame(0x0C, body, stream=-1), lambda m: {
            "opcode": "EVENT", "event_type": m.event_type, "args": jsonable(m.event_args)})

    inet = bytes([4, 127, 0, 0, 2]) + i32(9042)
    ev("topology_new_node", w(p.write_string, "TOPOLOGY_CHANGE") + w(p.write_string, "NEW_NODE") + inet)
    ev("status_down", w(p.write_string, "STATUS_CHANGE") + w(p.write_string, "DOWN") + inet)
    ev("schema_keyspace", w(p.write_string, "SCHEMA_CHANGE") + w(p.write_string, "DROPPED") + w(p.write_string, "KEYSPACE") + w(p.write_string, "ks"))
    ev("schema_type", w(p.write_string, "SCHEMA_CHANGE") + w(p.write_string, "UPDATED") + w(p.write_string, "TYPE") + w(p.write_string, "ks") + w(p.write_string, "addr"))
    ev("schema_function", w(p.write_string, "SCHEMA_CHANGE") + w(p.write_string, "CREATED") + w(p.write_string, "FUNCTION")
       + w(p.write_string, "ks") + w(p.write_string, "f") + w(p.write_stringlist, ["int", "text"]))
    inet6 = bytes([16]) + ipaddress.IPv6Address("2001:db8::7").packed + i32(19042)
    ev("topology_removed_node_v6", w(p.write_string, "TOPOLOGY_CHANGE") + w(p.write_string, "REMOVED_NODE") + inet6)
    ev("status_up", w(p.write_string, "STATUS_CHANGE") + w(p.write_string, "UP") + inet)
    ev("schema_table", w(p.write_string, "SCHEMA_CHANGE") + w(p.write_string, "UPDATED") + w(p.write_string, "TABLE")
       + w(p.write_string, "ks") + w(p.write_string, "t"))
    ev("schema_aggregate", w(p.write_string, "SCHEMA_CHANGE") + w(p.write_string, "DROPPED") + w(p.write_string, "AGGREGATE")
       + w(p.write_string, "ks") + w(p.write_string, "avg") + w(p.write_stringlist, ["double"]))
    # Tracing id and warnings on a response.
    body = uuid.UUID("11111111-2222-3333-4444-555555555555").bytes + w(p.write_stringlist, ["careful"]) + i32(1)
    add("result_void_traced_warned", frame(0x08, body, flags=0x02 | 0x08), lambda m: {
        "opcode": "RESULT", "kind": "VOID", "trace_id": str(m.trace_id), "warnings": list(m.warnings)})
    # Every extension at once: tracing id, warnings, custom payload, then the message.
    ext = uuid.UUID("00000000-0000-1000-8000-00000000abcd").bytes + w(p.write_stringlist, ["w1", "w2"])
    ext += w(p.write_bytesmap, {"example-key": b"\x00\x01"})
    rows_body = i32(2) + i32(0x0001) + i32(1) + w(p.write_string, "ks") + w(p.write_string, "t") + w(p.write_string, "a")
    rows_body += opt(0x000D) + i32(3) + w(p.write_value, b"x" * 50) + w(p.write_value, b"") + w(p.write_value, None)
    plain = frame(0x08, ext + rows_body, stream=23, flags=0x02 | 0x04 | 0x08)

    def rows_view(m):
        return {"opcode": "RESULT", "kind": "ROWS", "paging_state": None, "trace_id": str(m.trace_id),
                "warnings": list(m.warnings), "custom_payload": {k: v.hex() for k, v in m.custom_payload.items()},
                "columns": cols(m.column_metadata), "rows": typed_rows(m.column_metadata, m.parsed_rows)}
    add("result_rows_all_extensions", plain, rows_view)
    # The same response compressed by the Python driver's codecs (flags 0x01), decoded
    # by the Python driver with its decompressor.
    from cassandra.connection import locally_supported_compressions as codecs
    for algo in ("lz4", "snappy"):
        compress, decompress = codecs[algo]
        packed_body = compress(plain[9:])
        packed = frame(0x08, packed_body, stream=23, flags=0x01 | 0x02 | 0x04 | 0x08)
        m = py_decode(packed, decompressor=decompress)
        view = rows_view(m)
        view["compression"] = algo
        view["uncompressed_hex"] = plain.hex()
        out.append({"name": "result_rows_compressed_" + algo, "hex": packed.hex(), "response": view})
    return out


def jsonable(v):
    if v is None or isinstance(v, (bool, int, str)):
        return v
    if isinstance(v, float):
        return repr(v)
    if isinstance(v, bytes):
        return v.hex()
    if isinstance(v, dict):
        return {str(k): jsonable(x) for k, x in v.items()}
    if isinstance(v, (list, tuple, set, frozenset)):
        return [jsonable(x) for x in v]
    if hasattr(v, "argument_types"):
        return {"name": v.name, "arg_types": list(v.argument_types)}
    if isinstance(v, (uuid.UUID, ipaddress.IPv4Address, ipaddress.IPv6Address)):
        return str(v)
    return str(v)


def main():
    ap = argparse.ArgumentParser()
    g = ap.add_mutually_exclusive_group(required=True)
    g.add_argument("--write")
    g.add_argument("--check")
    args = ap.parse_args()
    data = {"generator": "cassandra-driver " + __import__("cassandra").__version__,
            "values": value_vectors(), "requests": request_vectors(), "responses": response_vectors()}
    text = json.dumps(data, indent=1, ensure_ascii=False, sort_keys=True) + "\n"
    if args.write:
        with open(args.write, "w", encoding="utf-8") as fh:
            fh.write(text)
        print(f"wrote {len(data['values'])} values, {len(data['requests'])} requests, {len(data['responses'])} responses")
        return 0
    with open(args.check, encoding="utf-8") as fh:
        committed = fh.read()
    if committed != text:
        print(f"{args.check} differs from what the Python driver produces now; regenerate with --write", file=sys.stderr)
        return 1
    print(f"golden vectors match the Python driver ({len(data['values'])} values, "
          f"{len(data['requests'])} requests, {len(data['responses'])} responses)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
