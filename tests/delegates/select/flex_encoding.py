"""Writes Flex operators the way TensorFlow's converter does, without TensorFlow: a NodeDef in protobuf
wire format (node_def.proto / attr_value.proto field numbers) and the FlexBuffers vector
[op name, serialized NodeDef] that is the operator's custom_options. Tests use it to make nodes with any
attribute; the committed TF-serialized NodeDefs (tests/models/select/) check the decoder against TF."""

import struct

import numpy as np
from flatbuffers import flexbuffers

# TF DataType numbers (types.proto)
DT = {np.float32: 1, np.float64: 2, np.int32: 3, np.uint8: 4, np.int16: 5, np.int8: 6, np.int64: 9,
      np.bool_: 10, np.uint16: 17, np.complex64: 8, np.complex128: 18, np.uint32: 22, np.uint64: 23}


def dtype_enum(dtype) -> int:
    return DT[np.dtype(dtype).type]


def varint(value: int) -> bytes:
    value &= (1 << 64) - 1  # negative int64 values are ten-byte two's complement varints
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def field(number: int, wire: int, payload: bytes) -> bytes:
    return varint(number << 3 | wire) + payload


def length_delimited(number: int, data: bytes) -> bytes:
    return field(number, 2, varint(len(data)) + data)


class Type:
    """An attribute holding a DataType (AttrValue.type)."""

    def __init__(self, dtype):
        self.value = dtype_enum(dtype)


class Raw:
    """An AttrValue given as already-serialized bytes (for malformed-input tests)."""

    def __init__(self, data: bytes):
        self.data = data


def attr_value(value) -> bytes:
    if isinstance(value, Raw):
        return value.data
    if isinstance(value, Type):
        return field(6, 0, varint(value.value))
    if isinstance(value, bool):
        return field(5, 0, varint(int(value)))
    if isinstance(value, int):
        return field(3, 0, varint(value))
    if isinstance(value, float):
        return field(4, 5, struct.pack("<f", value))
    if isinstance(value, (str, bytes)):
        return length_delimited(2, value.encode() if isinstance(value, str) else value)
    if isinstance(value, (list, tuple)):
        if all(isinstance(v, int) and not isinstance(v, bool) for v in value):
            packed = b"".join(varint(v) for v in value)
            return length_delimited(1, length_delimited(3, packed) if value else b"")
        if all(isinstance(v, float) for v in value):
            return length_delimited(1, length_delimited(4, struct.pack(f"<{len(value)}f", *value)))
        if all(isinstance(v, str) for v in value):
            return length_delimited(1, b"".join(length_delimited(2, v.encode()) for v in value))
    raise TypeError(f"no AttrValue encoding for {value!r}")


def node_def(op: str, attrs=None, name: str = "", inputs=()) -> bytes:
    out = bytearray()
    if name:
        out += length_delimited(1, name.encode())
    out += length_delimited(2, op.encode())
    for i in inputs:
        out += length_delimited(3, i.encode())
    for key, value in sorted((attrs or {}).items()):
        entry = length_delimited(1, key.encode()) + length_delimited(2, attr_value(value))
        out += length_delimited(5, entry)
    return bytes(out)


def flex_options(op: str, node_def_bytes: bytes) -> bytes:
    """custom_options as TF writes them: a FlexBuffers vector of two strings. The NodeDef is binary,
    which the Python builder's String() would UTF-8 encode, so it is written as a string blob directly."""
    fbb = flexbuffers.Builder()
    with fbb.Vector():
        fbb.String(op)
        fbb._WriteBlob(node_def_bytes, append_zero=True, type_=flexbuffers.Type.STRING)
    return bytes(fbb.Finish())
