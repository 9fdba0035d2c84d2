"""Writes TensorFlow select ops as TensorFlow's converter does: the custom operator `Flex<Op>` whose
custom_options are a FlexBuffers vector [op name, serialized NodeDef].

The NodeDef is protobuf wire format (field numbers from TF's node_def.proto and attr_value.proto), laid
out as TF's converter writes it: no name, one empty input string per operand (the interpreter wires
tensors, not names), the attributes, and experimental_debug_info.original_node_names with the source
node's name. No protobuf library is needed for these few fields.
"""

from __future__ import annotations

import struct
from typing import Any, Dict, Iterable, Optional

import numpy as np
from flatbuffers import flexbuffers

# TF DataType enum (tensorflow/core/framework/types.proto), for the types .tflite tensors have.
TF_DATA_TYPES = {np.float32: 1, np.float64: 2, np.int32: 3, np.uint8: 4, np.int16: 5, np.int8: 6,
                 np.complex64: 8, np.int64: 9, np.bool_: 10, np.uint16: 17, np.complex128: 18,
                 np.float16: 19, np.uint32: 22, np.uint64: 23}


def tf_data_type(dtype: Any) -> int:
    """TF's DataType number of a NumPy dtype; ValueError for one TF has no tensor type for."""
    t = np.dtype(dtype).type
    if t not in TF_DATA_TYPES:
        raise ValueError(f"TensorFlow has no data type for {np.dtype(dtype)}")
    return TF_DATA_TYPES[t]


class TfType:
    """An attribute value that is a DataType (AttrValue.type), such as T or Tidx."""

    def __init__(self, dtype: Any):
        self.dtype = np.dtype(dtype)
        self.value = tf_data_type(dtype)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, TfType) and other.value == self.value

    def __repr__(self) -> str:
        return f"TfType({self.dtype})"


class SerializedAttr:
    """An AttrValue given as serialized bytes, written unchanged (tests use it for malformed values)."""

    def __init__(self, data: bytes):
        self.data = bytes(data)


def varint(value: int) -> bytes:
    """Protobuf base-128 varint; a negative int64 is its ten-byte two's complement, as protobuf writes it."""
    value &= (1 << 64) - 1
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if not value:
            out.append(byte)
            return bytes(out)
        out.append(byte | 0x80)


def field(number: int, wire_type: int, payload: bytes) -> bytes:
    """A field's tag followed by its already-encoded payload."""
    return varint(number << 3 | wire_type) + payload


def length_delimited(number: int, data: bytes) -> bytes:
    """A length-delimited field (bytes, string, embedded message, packed repeated)."""
    return field(number, 2, varint(len(data)) + data)


def attr_value(value: Any) -> bytes:
    """A serialized AttrValue: TfType -> type, bool -> b, int -> i, float -> f, str/bytes -> s, and lists of
    ints (packed), floats (packed), strings or TfTypes -> list. TypeError for anything else."""
    if isinstance(value, SerializedAttr):
        return value.data
    if isinstance(value, TfType):
        return field(6, 0, varint(value.value))
    if isinstance(value, (bool, np.bool_)):
        return field(5, 0, varint(int(value)))
    if isinstance(value, (int, np.integer)):
        return field(3, 0, varint(int(value)))
    if isinstance(value, (float, np.floating)):
        return field(4, 5, struct.pack("<f", float(value)))
    if isinstance(value, (str, bytes)):
        return length_delimited(2, value.encode() if isinstance(value, str) else value)
    if isinstance(value, (list, tuple)):
        values = list(value)
        if not values:
            return length_delimited(1, b"")
        if all(isinstance(v, (int, np.integer)) and not isinstance(v, (bool, np.bool_)) for v in values):
            return length_delimited(1, length_delimited(3, b"".join(varint(int(v)) for v in values)))
        if all(isinstance(v, (float, np.floating)) for v in values):
            return length_delimited(1, length_delimited(4, struct.pack(f"<{len(values)}f", *values)))
        if all(isinstance(v, str) for v in values):
            return length_delimited(1, b"".join(length_delimited(2, v.encode()) for v in values))
        if all(isinstance(v, TfType) for v in values):
            return length_delimited(1, length_delimited(6, b"".join(varint(v.value) for v in values)))
    raise TypeError(f"no AttrValue encoding for {value!r}")


def node_def(op: str, attrs: Optional[Dict[str, Any]] = None, *, name: str = "", inputs: Iterable[str] = (),
             original_names: Iterable[str] = ()) -> bytes:
    """A serialized NodeDef: name (omitted when empty, as TF's converter leaves it), op, inputs, the attr
    map (sorted by key; protobuf maps have no order) and experimental_debug_info.original_node_names."""
    out = bytearray()
    if name:
        out += length_delimited(1, name.encode())
    out += length_delimited(2, op.encode())
    for i in inputs:
        out += length_delimited(3, i.encode())
    for key, value in sorted((attrs or {}).items()):
        out += length_delimited(5, length_delimited(1, key.encode()) + length_delimited(2, attr_value(value)))
    debug = b"".join(length_delimited(1, n.encode()) for n in original_names)
    if debug:
        out += length_delimited(6, debug)
    return bytes(out)


def flex_options(op: str, node_def_bytes: bytes) -> bytes:
    """custom_options of Flex<op>: a FlexBuffers vector of two strings, op and the NodeDef. The NodeDef is
    binary, which flexbuffers' String() would re-encode as UTF-8, so it is written as a string blob."""
    fbb = flexbuffers.Builder()
    with fbb.Vector():
        fbb.String(op)
        fbb._WriteBlob(node_def_bytes, append_zero=True, type_=flexbuffers.Type.STRING)
    return bytes(fbb.Finish())


def flex_operator(op: str, attrs: Dict[str, Any], num_inputs: int, source_name: str = "") -> bytes:
    """The custom_options TF's converter writes for TF op `op` with `attrs` on `num_inputs` operands."""
    nd = node_def(op, attrs, inputs=[""] * num_inputs, original_names=[source_name] if source_name else [])
    return flex_options(op, nd)
