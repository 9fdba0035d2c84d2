"""Writes Flex operators the way TensorFlow's converter does, without TensorFlow: the converter's own
writer (edgelite.converter.flex), under the names these tests use. The committed TF-serialized NodeDefs
(tests/models/select/) check the decoder against TF."""

from edgelite.converter.flex import SerializedAttr as Raw  # noqa: F401
from edgelite.converter.flex import TfType as Type  # noqa: F401
from edgelite.converter.flex import attr_value, field, flex_options, length_delimited, node_def, varint  # noqa: F401
