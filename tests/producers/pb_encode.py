#!/usr/bin/python3
"""pb_encode.py: writes a delimited protobuf exposition (a stream of
io.prometheus.client.MetricFamily messages, each preceded by its length)
from a JSON description, for the protobuf fixtures (fixtures/proto/).

The encoder writes the wire format itself, so it can also write what no
protobuf library would: wrong wire types, unknown fields, truncated or
oversized messages, bad length prefixes. Python's protobuf runtime
(python3-protobuf) decodes every well-formed output as a cross-check
(--verify).

  pb_encode.py INPUT.json OUTPUT.pb [--verify]

JSON: {"messages": [MSG, ...], "packed": bool, "truncate": N}
  MSG is a MetricFamily as a JSON object (field names of metrics.proto;
  "type" by name; a label list as [["name", "value"], ...]; spans as
  [[offset, length], ...]), or {"$raw": "hex"} (bytes as they are), or
  {"$length": N, "$body": "hex"} (a length prefix that may lie).
  Any message object may carry "$extra": [[field, wiretype, value]], raw
  fields appended to it (value: an int for wire types 0, 1, 5; a hex
  string for 2).
"""
import json
import struct
import sys

FIELDS = {
    "MetricFamily": {"name": (1, "string"), "help": (2, "string"),
                     "type": (3, "enum"), "metric": (4, "Metric"),
                     "unit": (5, "string")},
    "Metric": {"label": (1, "LabelPair"), "gauge": (2, "Gauge"),
               "counter": (3, "Counter"), "summary": (4, "Summary"),
               "untyped": (5, "Untyped"), "histogram": (7, "Histogram"),
               "timestamp_ms": (6, "int64")},
    "LabelPair": {"name": (1, "string"), "value": (2, "string")},
    "Gauge": {"value": (1, "double")},
    "Untyped": {"value": (1, "double")},
    "Counter": {"value": (1, "double"), "exemplar": (2, "Exemplar"),
                "created_timestamp": (3, "Timestamp")},
    "Quantile": {"quantile": (1, "double"), "value": (2, "double")},
    "Summary": {"sample_count": (1, "uint64"), "sample_sum": (2, "double"),
                "quantile": (3, "Quantile"),
                "created_timestamp": (4, "Timestamp")},
    "Histogram": {"sample_count": (1, "uint64"),
                  "sample_count_float": (4, "double"),
                  "sample_sum": (2, "double"), "bucket": (3, "Bucket"),
                  "created_timestamp": (15, "Timestamp"),
                  "schema": (5, "sint32"), "zero_threshold": (6, "double"),
                  "zero_count": (7, "uint64"),
                  "zero_count_float": (8, "double"),
                  "negative_span": (9, "BucketSpan"),
                  "negative_delta": (10, "sint64"),
                  "negative_count": (11, "double"),
                  "positive_span": (12, "BucketSpan"),
                  "positive_delta": (13, "sint64"),
                  "positive_count": (14, "double"),
                  "exemplars": (16, "Exemplar")},
    "Bucket": {"cumulative_count": (1, "uint64"),
               "cumulative_count_float": (4, "double"),
               "upper_bound": (2, "double"), "exemplar": (3, "Exemplar")},
    "BucketSpan": {"offset": (1, "sint32"), "length": (2, "uint32")},
    "Exemplar": {"label": (1, "LabelPair"), "value": (2, "double"),
                 "timestamp": (3, "Timestamp")},
    "Timestamp": {"seconds": (1, "int64"), "nanos": (2, "int32")},
}
TYPES = {"COUNTER": 0, "GAUGE": 1, "SUMMARY": 2, "UNTYPED": 3,
         "HISTOGRAM": 4, "GAUGE_HISTOGRAM": 5}
VARINT = {"enum", "int64", "int32", "uint64", "uint32", "sint32", "sint64"}


def varint(n):
    n &= (1 << 64) - 1
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def number(v):
    if isinstance(v, str):
        return float(v.replace("Inf", "inf"))  # "+Inf", "-Inf", "NaN"
    return v


def scalar(kind, v):
    if kind == "double":
        return struct.pack("<d", float(number(v)))
    if kind == "enum" and isinstance(v, str):
        v = TYPES[v]
    if kind in ("sint32", "sint64"):
        v = (v << 1) ^ (v >> 63)
    return varint(int(v))


def wiretype(kind):
    if kind == "double":
        return 1
    return 0 if kind in VARINT else 2


def shape(kind, v):
    """JSON shorthands: labels as pairs, spans as pairs."""
    if kind == "LabelPair" and isinstance(v, list):
        return {"name": v[0], "value": v[1]}
    if kind == "BucketSpan" and isinstance(v, list):
        return {"offset": v[0], "length": v[1]}
    return v


def field(num, wt, payload):
    return varint(num << 3 | wt) + payload


def message(name, obj, packed):
    out = bytearray()
    for key, v in obj.items():
        if key.startswith("$"):
            continue
        num, kind = FIELDS[name][key]
        values = v if isinstance(v, list) and not (
            kind in ("LabelPair", "BucketSpan") and v and
            not isinstance(v[0], (list, dict))) else [v]
        if kind in FIELDS:
            for item in values:
                body = message(kind, shape(kind, item), packed)
                out += field(num, 2, varint(len(body)) + body)
        elif packed and isinstance(v, list) and kind != "string":
            body = b"".join(scalar(kind, item) for item in values)
            out += field(num, 2, varint(len(body)) + body)
        else:
            for item in values:
                if kind == "string":
                    b = item.encode("utf-8", "surrogateescape") \
                        if isinstance(item, str) else bytes.fromhex(item["hex"])
                    out += field(num, 2, varint(len(b)) + b)
                else:
                    out += field(num, wiretype(kind), scalar(kind, item))
    for num, wt, val in obj.get("$extra", []):
        if wt == 0:
            out += field(num, 0, varint(val))
        elif wt == 1:
            out += field(num, 1, struct.pack("<Q", val))
        elif wt == 5:
            out += field(num, 5, struct.pack("<I", val))
        else:
            b = bytes.fromhex(val)
            out += field(num, wt, varint(len(b)) + b)
    return bytes(out)


def encode(spec):
    out = bytearray()
    packed = spec.get("packed", False)
    for m in spec["messages"]:
        if "$raw" in m:
            out += bytes.fromhex(m["$raw"])
        elif "$length" in m:
            out += varint(m["$length"]) + bytes.fromhex(m.get("$body", ""))
        else:
            body = message("MetricFamily", m, packed)
            out += varint(len(body)) + body
    if spec.get("truncate"):
        out = out[:-spec["truncate"]]
    return bytes(out)


def descriptor_pool():
    """The schema of FIELDS as a python3-protobuf descriptor pool."""
    from google.protobuf import descriptor_pb2, descriptor_pool as dp
    fd = descriptor_pb2.FileDescriptorProto(
        name="pg_metrics.proto", package="io.prometheus.client",
        syntax="proto2")
    enum = fd.enum_type.add(name="MetricType")
    for k, v in TYPES.items():
        enum.value.add(name=k, number=v)
    F = descriptor_pb2.FieldDescriptorProto
    kinds = {"string": F.TYPE_STRING, "double": F.TYPE_DOUBLE,
             "uint64": F.TYPE_UINT64, "uint32": F.TYPE_UINT32,
             "int64": F.TYPE_INT64, "int32": F.TYPE_INT32,
             "sint32": F.TYPE_SINT32, "sint64": F.TYPE_SINT64,
             "enum": F.TYPE_ENUM}
    repeated = {("MetricFamily", "metric"), ("Metric", "label"),
                ("Summary", "quantile"), ("Exemplar", "label")} | {
        ("Histogram", k) for k in ("bucket", "negative_span",
                                   "negative_delta", "negative_count",
                                   "positive_span", "positive_delta",
                                   "positive_count", "exemplars")}
    for mname, fields in FIELDS.items():
        m = fd.message_type.add(name=mname)
        for fname, (num, kind) in fields.items():
            f = m.field.add(name=fname, number=num)
            f.label = F.LABEL_REPEATED if (mname, fname) in repeated \
                else F.LABEL_OPTIONAL
            if kind in FIELDS:
                f.type = F.TYPE_MESSAGE
                f.type_name = ".io.prometheus.client." + kind
            else:
                f.type = kinds[kind]
                if kind == "enum":
                    f.type_name = ".io.prometheus.client.MetricType"
    pool = dp.DescriptorPool()
    pool.Add(fd)
    return pool


def verify(data):
    """Decodes every message with python3-protobuf: a well-formed fixture
    must be one a protobuf library reads."""
    from google.protobuf import message_factory
    from google.protobuf.internal import decoder
    pool = descriptor_pool()
    cls = message_factory.MessageFactory(pool).GetPrototype(
        pool.FindMessageTypeByName("io.prometheus.client.MetricFamily"))
    pos = n = 0
    while pos < len(data):
        length, pos = decoder._DecodeVarint(data, pos)
        body = data[pos:pos + length]
        if len(body) != length:
            raise SystemExit("verify: message %d truncated" % (n + 1))
        cls.FromString(body)
        pos += length
        n += 1
    return n


def main():
    if len(sys.argv) < 3:
        sys.exit("usage: pb_encode.py INPUT.json OUTPUT.pb [--verify]")
    with open(sys.argv[1]) as f:
        spec = json.load(f)
    data = encode(spec)
    if "--verify" in sys.argv[3:]:
        verify(data)
    with open(sys.argv[2], "wb") as f:
        f.write(data)


if __name__ == "__main__":
    main()
