"""ModelBuilder: writes .tflite files (schema `edgelite.schema`, identifier "TFL3") from Python.

Used by kernel tests (one-op models), by the converter's writer, and by anyone who wants a model
without a training framework. Tensors, operators and signatures are added one by one; `build()`
deduplicates constant buffers and operator codes and serializes with FlatBuffers.
"""

from __future__ import annotations

import importlib
from typing import Any, Dict, List, Mapping, Optional, Sequence, Union

import flatbuffers
import ml_dtypes
import numpy as np

from edgelite.schema.Buffer import BufferAddData, BufferEnd, BufferStart, BufferT
from edgelite.schema.BuiltinOperator import BuiltinOperator
from edgelite.schema.BuiltinOptions import BuiltinOptions
from edgelite.schema.BuiltinOptions2 import BuiltinOptions2
from edgelite.schema.Metadata import MetadataT
from edgelite.schema.Model import ModelT
from edgelite.schema.Operator import OperatorT
from edgelite.schema.OperatorCode import OperatorCodeT
from edgelite.schema.QuantizationParameters import QuantizationParametersT
from edgelite.schema.SignatureDef import SignatureDefT
from edgelite.schema.SubGraph import SubGraphT
from edgelite.schema.Tensor import TensorT
from edgelite.schema.TensorMap import TensorMapT
from edgelite.schema.TensorType import TensorType

SCHEMA_VERSION = 3
FILE_IDENTIFIER = b"TFL3"
# Constant data is aligned so that kernels (and mmap users) can read it in place with vector loads.
BUFFER_ALIGNMENT = 16
# deprecated_builtin_code is a byte; codes above 126 are stored there as this placeholder.
_PLACEHOLDER_FOR_GREATER_OP_CODES = 127

# Every builtin operator and the options table its `builtin_options` holds (None: the operator has no
# options). Tables of the BuiltinOptions2 union (StableHLO ops) are looked up in that union instead.
# tests/test_model_builder.py checks this table against the schema: every operator listed exactly once,
# every named table a member of one of the two unions.
OPTIONS_TABLE: Dict[str, Optional[str]] = {
    "ADD": "AddOptions", "AVERAGE_POOL_2D": "Pool2DOptions", "CONCATENATION": "ConcatenationOptions",
    "CONV_2D": "Conv2DOptions", "DEPTHWISE_CONV_2D": "DepthwiseConv2DOptions",
    "DEPTH_TO_SPACE": "DepthToSpaceOptions", "DEQUANTIZE": "DequantizeOptions", "EMBEDDING_LOOKUP": None,
    "FLOOR": None, "FULLY_CONNECTED": "FullyConnectedOptions", "HASHTABLE_LOOKUP": None,
    "L2_NORMALIZATION": "L2NormOptions", "L2_POOL_2D": "Pool2DOptions",
    "LOCAL_RESPONSE_NORMALIZATION": "LocalResponseNormalizationOptions", "LOGISTIC": None,
    "LSH_PROJECTION": "LSHProjectionOptions", "LSTM": "LSTMOptions", "MAX_POOL_2D": "Pool2DOptions",
    "MUL": "MulOptions", "RELU": None, "RELU_N1_TO_1": None, "RELU6": None, "RESHAPE": "ReshapeOptions",
    "RESIZE_BILINEAR": "ResizeBilinearOptions", "RNN": "RNNOptions", "SOFTMAX": "SoftmaxOptions",
    "SPACE_TO_DEPTH": "SpaceToDepthOptions", "SVDF": "SVDFOptions", "TANH": None,
    "CONCAT_EMBEDDINGS": "ConcatEmbeddingsOptions", "SKIP_GRAM": "SkipGramOptions", "CALL": "CallOptions",
    "CUSTOM": None, "EMBEDDING_LOOKUP_SPARSE": "EmbeddingLookupSparseOptions", "PAD": "PadOptions",
    "UNIDIRECTIONAL_SEQUENCE_RNN": "SequenceRNNOptions", "GATHER": "GatherOptions",
    "BATCH_TO_SPACE_ND": "BatchToSpaceNDOptions", "SPACE_TO_BATCH_ND": "SpaceToBatchNDOptions",
    "TRANSPOSE": "TransposeOptions", "MEAN": "ReducerOptions", "SUB": "SubOptions", "DIV": "DivOptions",
    "SQUEEZE": "SqueezeOptions", "UNIDIRECTIONAL_SEQUENCE_LSTM": "UnidirectionalSequenceLSTMOptions",
    "STRIDED_SLICE": "StridedSliceOptions", "BIDIRECTIONAL_SEQUENCE_RNN": "BidirectionalSequenceRNNOptions",
    "EXP": "ExpOptions", "TOPK_V2": "TopKV2Options", "SPLIT": "SplitOptions",
    "LOG_SOFTMAX": "LogSoftmaxOptions", "DELEGATE": None,
    "BIDIRECTIONAL_SEQUENCE_LSTM": "BidirectionalSequenceLSTMOptions", "CAST": "CastOptions",
    "PRELU": None, "MAXIMUM": "MaximumMinimumOptions", "ARG_MAX": "ArgMaxOptions",
    "MINIMUM": "MaximumMinimumOptions", "LESS": "LessOptions", "NEG": "NegOptions", "PADV2": "PadV2Options",
    "GREATER": "GreaterOptions", "GREATER_EQUAL": "GreaterEqualOptions", "LESS_EQUAL": "LessEqualOptions",
    "SELECT": "SelectOptions", "SLICE": "SliceOptions", "SIN": None, "TRANSPOSE_CONV": "TransposeConvOptions",
    "SPARSE_TO_DENSE": "SparseToDenseOptions", "TILE": "TileOptions", "EXPAND_DIMS": "ExpandDimsOptions",
    "EQUAL": "EqualOptions", "NOT_EQUAL": "NotEqualOptions", "LOG": None, "SUM": "ReducerOptions",
    "SQRT": None, "RSQRT": None, "SHAPE": "ShapeOptions", "POW": "PowOptions", "ARG_MIN": "ArgMinOptions",
    "FAKE_QUANT": "FakeQuantOptions", "REDUCE_PROD": "ReducerOptions", "REDUCE_MAX": "ReducerOptions",
    "PACK": "PackOptions", "LOGICAL_OR": "LogicalOrOptions", "ONE_HOT": "OneHotOptions",
    "LOGICAL_AND": "LogicalAndOptions", "LOGICAL_NOT": "LogicalNotOptions", "UNPACK": "UnpackOptions",
    "REDUCE_MIN": "ReducerOptions", "FLOOR_DIV": "FloorDivOptions", "REDUCE_ANY": "ReducerOptions",
    "SQUARE": "SquareOptions", "ZEROS_LIKE": "ZerosLikeOptions", "FILL": "FillOptions",
    "FLOOR_MOD": "FloorModOptions", "RANGE": "RangeOptions",
    "RESIZE_NEAREST_NEIGHBOR": "ResizeNearestNeighborOptions", "LEAKY_RELU": "LeakyReluOptions",
    "SQUARED_DIFFERENCE": "SquaredDifferenceOptions", "MIRROR_PAD": "MirrorPadOptions", "ABS": "AbsOptions",
    "SPLIT_V": "SplitVOptions", "UNIQUE": "UniqueOptions", "CEIL": None, "REVERSE_V2": "ReverseV2Options",
    "ADD_N": "AddNOptions", "GATHER_ND": "GatherNdOptions", "COS": "CosOptions", "WHERE": "WhereOptions",
    "RANK": "RankOptions", "ELU": None, "REVERSE_SEQUENCE": "ReverseSequenceOptions",
    "MATRIX_DIAG": "MatrixDiagOptions", "QUANTIZE": "QuantizeOptions",
    "MATRIX_SET_DIAG": "MatrixSetDiagOptions", "ROUND": None, "HARD_SWISH": "HardSwishOptions",
    "IF": "IfOptions", "WHILE": "WhileOptions", "NON_MAX_SUPPRESSION_V4": "NonMaxSuppressionV4Options",
    "NON_MAX_SUPPRESSION_V5": "NonMaxSuppressionV5Options", "SCATTER_ND": "ScatterNdOptions",
    "SELECT_V2": "SelectV2Options", "DENSIFY": "DensifyOptions", "SEGMENT_SUM": "SegmentSumOptions",
    "BATCH_MATMUL": "BatchMatMulOptions", "PLACEHOLDER_FOR_GREATER_OP_CODES": None,
    "CUMSUM": "CumsumOptions", "CALL_ONCE": "CallOnceOptions", "BROADCAST_TO": "BroadcastToOptions",
    "RFFT2D": "Rfft2dOptions", "CONV_3D": "Conv3DOptions", "IMAG": None, "REAL": None, "COMPLEX_ABS": None,
    "HASHTABLE": "HashtableOptions", "HASHTABLE_FIND": "HashtableFindOptions",
    "HASHTABLE_IMPORT": "HashtableImportOptions", "HASHTABLE_SIZE": "HashtableSizeOptions",
    "REDUCE_ALL": "ReducerOptions", "CONV_3D_TRANSPOSE": "Conv3DOptions", "VAR_HANDLE": "VarHandleOptions",
    "READ_VARIABLE": "ReadVariableOptions", "ASSIGN_VARIABLE": "AssignVariableOptions",
    "BROADCAST_ARGS": None, "RANDOM_STANDARD_NORMAL": "RandomOptions", "BUCKETIZE": "BucketizeOptions",
    "RANDOM_UNIFORM": "RandomOptions", "MULTINOMIAL": "RandomOptions", "GELU": "GeluOptions",
    "DYNAMIC_UPDATE_SLICE": "DynamicUpdateSliceOptions", "RELU_0_TO_1": None,
    "UNSORTED_SEGMENT_PROD": "UnsortedSegmentProdOptions", "UNSORTED_SEGMENT_MAX": "UnsortedSegmentMaxOptions",
    "UNSORTED_SEGMENT_SUM": "UnsortedSegmentSumOptions", "ATAN2": "ATan2Options",
    "UNSORTED_SEGMENT_MIN": "UnsortedSegmentMinOptions", "SIGN": "SignOptions", "BITCAST": "BitcastOptions",
    "BITWISE_XOR": "BitwiseXorOptions", "RIGHT_SHIFT": "RightShiftOptions",
    # StableHLO operators: options in the BuiltinOptions2 union.
    "STABLEHLO_LOGISTIC": None, "STABLEHLO_ADD": None, "STABLEHLO_DIVIDE": None,
    "STABLEHLO_MULTIPLY": None, "STABLEHLO_MAXIMUM": None, "STABLEHLO_RESHAPE": None,
    "STABLEHLO_CLAMP": None, "STABLEHLO_CONCATENATE": "StablehloConcatenateOptions",
    "STABLEHLO_BROADCAST_IN_DIM": "StablehloBroadcastInDimOptions",
    "STABLEHLO_CONVOLUTION": "StablehloConvolutionOptions", "STABLEHLO_SLICE": "StablehloSliceOptions",
    "STABLEHLO_CUSTOM_CALL": "StablehloCustomCallOptions", "STABLEHLO_REDUCE": "StablehloReduceOptions",
    "STABLEHLO_ABS": None, "STABLEHLO_AND": None, "STABLEHLO_COSINE": None, "STABLEHLO_EXPONENTIAL": None,
    "STABLEHLO_FLOOR": None, "STABLEHLO_LOG": None, "STABLEHLO_MINIMUM": None, "STABLEHLO_NEGATE": None,
    "STABLEHLO_OR": None, "STABLEHLO_POWER": None, "STABLEHLO_REMAINDER": None, "STABLEHLO_RSQRT": None,
    "STABLEHLO_SELECT": None, "STABLEHLO_SUBTRACT": None, "STABLEHLO_TANH": None,
    "STABLEHLO_SCATTER": "StablehloScatterOptions", "STABLEHLO_COMPARE": "StablehloCompareOptions",
    "STABLEHLO_CONVERT": None, "STABLEHLO_DYNAMIC_SLICE": "StablehloDynamicSliceOptions",
    "STABLEHLO_DYNAMIC_UPDATE_SLICE": None, "STABLEHLO_PAD": "StablehloPadOptions",
    "STABLEHLO_IOTA": "StablehloIotaOptions", "STABLEHLO_DOT_GENERAL": "StablehloDotGeneralOptions",
    "STABLEHLO_REDUCE_WINDOW": "StablehloReduceWindowOptions", "STABLEHLO_SORT": "StablehloSortOptions",
    "STABLEHLO_WHILE": "StablehloWhileOptions", "STABLEHLO_GATHER": "StablehloGatherOptions",
    "STABLEHLO_TRANSPOSE": "StablehloTransposeOptions", "DILATE": "DilateOptions",
    "STABLEHLO_RNG_BIT_GENERATOR": "StablehloRngBitGeneratorOptions", "REDUCE_WINDOW": "ReduceWindowOptions",
    "STABLEHLO_COMPOSITE": "StableHLOCompositeOptions", "STABLEHLO_SHIFT_LEFT": "StablehloShiftLeftOptions",
    "STABLEHLO_CBRT": None, "STABLEHLO_CASE": "StablehloCaseOptions",
}

# Option fields whose schema type is an enum: values may be given by name ("SAME", "RELU6", "INT32")
# or, for TensorType fields, as a NumPy dtype.
ENUM_FIELDS: Dict[str, str] = {
    "padding": "Padding", "fused_activation_function": "ActivationFunctionType",
    "weights_format": "FullyConnectedOptionsWeightsFormat", "kernel_type": "LSTMKernelType",
    "combiner": "CombinerType", "type": "LSHProjectionType", "mode": "MirrorPadMode",
    "reduce_function": "ReduceWindowFunction", "comparison_direction": "StablehloComparisonDirection",
    "compare_type": "StablehloComparisonType", "algorithm": "RngAlgorithm",
    "precision_config": "StablehloPrecisionConfig",
    "quantized_bias_type": "TensorType", "in_data_type": "TensorType", "out_data_type": "TensorType",
    "output_type": "TensorType", "out_type": "TensorType", "idx_out_type": "TensorType",
}

_DTYPE_TO_TENSOR_TYPE = {
    np.dtype(np.float32): TensorType.FLOAT32, np.dtype(np.float16): TensorType.FLOAT16,
    np.dtype(np.int32): TensorType.INT32, np.dtype(np.uint8): TensorType.UINT8,
    np.dtype(np.int64): TensorType.INT64, np.dtype(np.bool_): TensorType.BOOL,
    np.dtype(np.int16): TensorType.INT16, np.dtype(np.complex64): TensorType.COMPLEX64,
    np.dtype(np.int8): TensorType.INT8, np.dtype(np.float64): TensorType.FLOAT64,
    np.dtype(np.complex128): TensorType.COMPLEX128, np.dtype(np.uint64): TensorType.UINT64,
    np.dtype(np.uint32): TensorType.UINT32, np.dtype(np.uint16): TensorType.UINT16,
}
_TENSOR_TYPE_TO_DTYPE = {v: k for k, v in _DTYPE_TO_TENSOR_TYPE.items()}
_TENSOR_TYPE_TO_DTYPE[TensorType.STRING] = np.dtype(object)
# ml_dtypes' low-precision types. int4 / uint4 / int2 constants are packed in the file (add_constant packs them);
# at run time the interpreter holds them one a byte and shows them as int8 / uint8, as LiteRT does.
_DTYPE_TO_TENSOR_TYPE.update({
    np.dtype(ml_dtypes.bfloat16): TensorType.BFLOAT16, np.dtype(ml_dtypes.float8_e4m3fn): TensorType.FLOAT8_E4M3FN,
    np.dtype(ml_dtypes.float8_e5m2): TensorType.FLOAT8_E5M2, np.dtype(ml_dtypes.int4): TensorType.INT4,
    np.dtype(ml_dtypes.uint4): TensorType.UINT4, np.dtype(ml_dtypes.int2): TensorType.INT2,
})
_TENSOR_TYPE_TO_DTYPE.update({v: k for k, v in _DTYPE_TO_TENSOR_TYPE.items()})
_PACKED_BITS = {TensorType.INT4: 4, TensorType.UINT4: 4, TensorType.INT2: 2}


def _pack_sub_byte(array: np.ndarray, bits: int) -> bytes:
    """int4 / uint4 / int2 values packed as .tflite stores constants: 8 // bits a byte, low bits first."""
    values = (array.reshape(-1).view(np.uint8) & ((1 << bits) - 1)).astype(np.uint8)
    per_byte = 8 // bits
    values = np.concatenate([values, np.zeros(-len(values) % per_byte, np.uint8)]).reshape(-1, per_byte)
    return (values << (np.arange(per_byte, dtype=np.uint8) * bits)).sum(axis=1, dtype=np.uint8).tobytes()


def tensor_type(dtype: Any) -> int:
    """The schema TensorType for a NumPy dtype (str/bytes/object dtypes are STRING), or for the names
    "resource" and "variant", which have no NumPy dtype."""
    if isinstance(dtype, str) and dtype.upper() in ("RESOURCE", "VARIANT"):
        return getattr(TensorType, dtype.upper())
    dt = np.dtype(dtype)
    if dt.kind in "OSU":
        return TensorType.STRING
    if dt not in _DTYPE_TO_TENSOR_TYPE:
        raise ValueError(f"no .tflite tensor type for NumPy dtype {dt}")
    return _DTYPE_TO_TENSOR_TYPE[dt]


def numpy_dtype(type_code: int) -> np.dtype:
    """The NumPy dtype of a schema TensorType (object for STRING)."""
    if type_code not in _TENSOR_TYPE_TO_DTYPE:
        raise ValueError(f"no NumPy dtype for tensor type {enum_name(TensorType, type_code)}")
    return _TENSOR_TYPE_TO_DTYPE[type_code]


def enum_name(enum_class: type, value: int) -> str:
    """The name of `value` in a flatc-generated enum class (e.g. TensorType), or the number as a string when it has
    none."""
    for name, v in vars(enum_class).items():
        if not name.startswith("_") and v == value:
            return name
    return str(value)


def builtin_code(op: str) -> int:
    """The BuiltinOperator value of an operator name such as "CONV_2D"."""
    code = getattr(BuiltinOperator, op, None)
    if not isinstance(code, int) or op.startswith("_"):
        raise ValueError(f"unknown builtin operator {op!r} (names are BuiltinOperator members, e.g. 'CONV_2D')")
    return code


def _schema_class(table: str, suffix: str = "T"):
    return getattr(importlib.import_module(f"edgelite.schema.{table}"), table + suffix)


def _camel(snake: str) -> str:
    """Schema field name -> attribute of the flatc object API (stride_w -> strideW)."""
    head, *rest = snake.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def _option_value(table: str, field: str, value: Any) -> Any:
    enum = ENUM_FIELDS.get(field)
    if enum is not None:
        if isinstance(value, (list, tuple)):
            return [_option_value(table, field, v) for v in value]
        if enum == "TensorType" and not isinstance(value, (str, int, np.integer)):
            return tensor_type(value)
        if isinstance(value, str):
            enum_class = _schema_class(enum, "")
            code = getattr(enum_class, value.upper(), None)
            if not isinstance(code, int):
                choices = sorted(n for n in vars(enum_class) if not n.startswith("_"))
                raise ValueError(f"{table}.{field}: {value!r} is not one of {choices}")
            return code
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, tuple):
        return list(value)
    return value


def make_options(op: str, options: Union[None, Mapping[str, Any], Any]):
    """(union type, union value, is_options2) for `op` with options given as a dict of schema field names."""
    table = OPTIONS_TABLE.get(op)
    if options is None and table is None:
        return 0, None, False
    if table is None:
        raise ValueError(f"operator {op} takes no builtin options, got {options!r}")
    cls = _schema_class(table)
    if isinstance(options, cls):
        obj = options
    elif options is None or isinstance(options, Mapping):
        obj = cls()
        for field, value in (options or {}).items():
            attr = _camel(field)
            if not hasattr(obj, attr):
                valid = sorted(_snake(a) for a in vars(cls()))
                raise ValueError(f"{op}: {table} has no field {field!r}; fields are {valid}")
            setattr(obj, attr, _option_value(table, field, value))
    else:
        raise TypeError(f"{op}: options must be a dict of {table} fields or a {cls.__name__}, got {options!r}")
    if hasattr(BuiltinOptions, table):
        return getattr(BuiltinOptions, table), obj, False
    return getattr(BuiltinOptions2, table), obj, True


def _snake(camel: str) -> str:
    return "".join("_" + c.lower() if c.isupper() else c for c in camel)


def _quantization(q: Any) -> Optional[QuantizationParametersT]:
    """Accepts QuantizationParametersT, a dict (scale, zero_point, quantized_dimension, min, max) or a
    (scale, zero_point) pair; scalars become one-element lists."""
    if q is None or isinstance(q, QuantizationParametersT):
        return q
    if isinstance(q, tuple) and len(q) == 2:
        q = {"scale": q[0], "zero_point": q[1]}
    if not isinstance(q, Mapping):
        raise TypeError("quantization must be a dict, a (scale, zero_point) pair or QuantizationParametersT")
    out = QuantizationParametersT()
    for key, value in q.items():
        if key not in ("scale", "zero_point", "quantized_dimension", "min", "max"):
            raise ValueError(f"unknown quantization field {key!r}")
        if key == "quantized_dimension":
            out.quantizedDimension = int(value)
        else:
            values = np.atleast_1d(np.asarray(value)).ravel()
            setattr(out, _camel(key), [int(v) for v in values] if key == "zero_point" else
                    [float(v) for v in values])
    return out


def _string_tensor_bytes(array: np.ndarray) -> bytes:
    """The .tflite string tensor layout: int32 count, int32 offsets[count + 1], then the bytes."""
    items = [s.encode("utf-8") if isinstance(s, str) else bytes(s) for s in array.ravel()]
    header = 4 * (len(items) + 2)
    offsets = np.cumsum([header] + [len(s) for s in items]).astype("<i4")
    return np.int32(len(items)).astype("<i4").tobytes() + offsets.tobytes() + b"".join(items)


class _AlignedBufferT(BufferT):
    """A Buffer whose data vector starts on a BUFFER_ALIGNMENT boundary of the file."""

    def Pack(self, builder):
        data = None
        if self.data is not None:
            payload = self.data
            builder.StartVector(1, len(payload), BUFFER_ALIGNMENT)
            builder.head -= len(payload)
            builder.Bytes[builder.head:builder.head + len(payload)] = payload
            data = builder.EndVector()
        BufferStart(builder)
        if data is not None:
            BufferAddData(builder, data)
        return BufferEnd(builder)


class ModelBuilder:
    """Builds a .tflite model tensor by tensor. Methods act on the current subgraph (see add_subgraph)."""

    def __init__(self, description: str = "edgelite"):
        self.description = description
        self._buffers: List[bytes] = [b""]  # buffer 0: the empty sentinel of non-constant tensors
        self._buffer_index: Dict[bytes, int] = {}
        self._opcodes: List[OperatorCodeT] = []
        self._opcode_index: Dict[tuple, int] = {}
        self._subgraphs: List[SubGraphT] = []
        self._metadata: List[MetadataT] = []
        self._signatures: List[SignatureDefT] = []
        self.add_subgraph("main")

    # ---- subgraphs ----
    def add_subgraph(self, name: Optional[str] = None) -> int:
        """Starts a new subgraph and makes it current; returns its index."""
        sg = SubGraphT(tensors=[], inputs=[], outputs=[], operators=[])
        sg.name = name if name is not None else f"subgraph_{len(self._subgraphs)}"
        self._subgraphs.append(sg)
        self.current_subgraph = len(self._subgraphs) - 1
        return self.current_subgraph

    def set_subgraph(self, index: int) -> None:
        """Makes subgraph `index` the current one for the methods that follow. Raises IndexError when it does not
        exist."""
        if not 0 <= index < len(self._subgraphs):
            raise IndexError(f"subgraph {index} does not exist ({len(self._subgraphs)} subgraphs)")
        self.current_subgraph = index

    @property
    def _sg(self) -> SubGraphT:
        return self._subgraphs[self.current_subgraph]

    def tensor(self, index: int) -> TensorT:
        """The TensorT of the current subgraph (to read back or adjust shape/quantization)."""
        return self._sg.tensors[index]

    @property
    def num_tensors(self) -> int:
        """The number of tensors in the current subgraph (the index the next add_tensor returns)."""
        return len(self._sg.tensors)

    # ---- tensors ----
    def add_tensor(self, name: str, shape: Optional[Sequence[int]] = None, dtype: Any = np.float32, *,
                   quantization: Any = None, shape_signature: Optional[Sequence[int]] = None,
                   sparsity: Any = None, is_variable: bool = False, buffer: int = 0) -> int:
        """Adds a tensor; shape None writes [] (the runtime sizes op outputs in prepare)."""
        t = TensorT()
        t.name = name
        t.shape = [int(d) for d in (shape or [])]
        t.type = tensor_type(dtype)
        t.buffer = buffer
        t.quantization = _quantization(quantization)
        t.sparsity = sparsity
        t.isVariable = bool(is_variable)
        if shape_signature is not None:
            if len(shape_signature) != len(t.shape):
                raise ValueError(f"tensor {name!r}: shape_signature {list(shape_signature)} and shape "
                                 f"{t.shape} differ in rank")
            t.shapeSignature = [int(d) for d in shape_signature]
        self._sg.tensors.append(t)
        return len(self._sg.tensors) - 1

    def add_input(self, name: str, shape: Sequence[int], dtype: Any = np.float32,
                  shape_signature: Optional[Sequence[int]] = None, *, quantization: Any = None) -> int:
        """Adds a runtime input of the current subgraph."""
        index = self.add_tensor(name, shape, dtype, quantization=quantization, shape_signature=shape_signature)
        self._sg.inputs.append(index)
        return index

    def add_constant(self, name: str, array: Any, quantization: Any = None, *, dtype: Any = None,
                     shape: Optional[Sequence[int]] = None, sparsity: Any = None) -> int:
        """Adds a constant tensor holding `array` (C order, little endian). `shape` overrides the array's
        shape, e.g. the dense shape of a sparse constant whose values are the compressed data."""
        array = np.asarray(array, dtype=dtype)
        if array.dtype.kind in "OSU":
            data = _string_tensor_bytes(array)
        else:
            code = tensor_type(array.dtype)  # refuse dtypes the format has no type for
            if code in _PACKED_BITS:
                data = _pack_sub_byte(np.ascontiguousarray(array), _PACKED_BITS[code])
            elif array.dtype.kind == "V":  # ml_dtypes' floats: no byte order to swap on a little-endian host
                data = np.ascontiguousarray(array).tobytes()
            else:
                data = np.ascontiguousarray(array).astype(array.dtype.newbyteorder("<"), copy=False).tobytes()
        buffer = self.add_buffer(data)
        return self.add_tensor(name, array.shape if shape is None else shape, array.dtype,
                               quantization=quantization, sparsity=sparsity, buffer=buffer)

    def add_buffer(self, data: bytes) -> int:
        """Adds constant data, reusing an identical buffer; returns the buffer index."""
        data = bytes(data)
        if not data:
            # An empty constant still gets its own buffer: buffer 0 means "not constant".
            self._buffers.append(data)
            return len(self._buffers) - 1
        index = self._buffer_index.get(data)
        if index is None:
            index = len(self._buffers)
            self._buffers.append(data)
            self._buffer_index[data] = index
        return index

    def mark_output(self, index: int) -> None:
        """Appends tensor `index` to the current subgraph's outputs. Raises IndexError for an unknown tensor."""
        self._check_tensor(index)
        self._sg.outputs.append(index)

    # ---- operators ----
    def _opcode(self, code: int, custom_code: Optional[str], version: int) -> int:
        key = (code, custom_code, version)
        if key not in self._opcode_index:
            oc = OperatorCodeT()
            oc.builtinCode = code
            oc.deprecatedBuiltinCode = min(code, _PLACEHOLDER_FOR_GREATER_OP_CODES)
            oc.customCode = custom_code
            oc.version = version
            self._opcode_index[key] = len(self._opcodes)
            self._opcodes.append(oc)
        return self._opcode_index[key]

    def add_operator(self, op: str, inputs: Sequence[Optional[int]], outputs: Sequence[int],
                     options: Any = None, version: int = 1, custom_code: Optional[str] = None,
                     custom_options: Optional[bytes] = None, *,
                     intermediates: Optional[Sequence[int]] = None) -> int:
        """Appends an operator (execution order = call order). `op` is a BuiltinOperator name or "CUSTOM"
        (with custom_code); None or -1 in `inputs` marks an omitted optional input."""
        code = builtin_code(op)
        if op == "CUSTOM" and not custom_code:
            raise ValueError("a CUSTOM operator needs custom_code")
        if op != "CUSTOM" and (custom_code is not None):
            raise ValueError(f"custom_code is only for CUSTOM operators, not {op}")
        ins = [-1 if i is None else int(i) for i in inputs]
        for i in ins:
            if i != -1:
                self._check_tensor(i)
        for o in outputs:
            self._check_tensor(o)
        o = OperatorT()
        o.opcodeIndex = self._opcode(code, custom_code, int(version))
        o.inputs = ins
        o.outputs = [int(i) for i in outputs]
        union_type, value, is_options2 = make_options(op, options)
        if is_options2:
            o.builtinOptions2Type, o.builtinOptions2 = union_type, value
        else:
            o.builtinOptionsType, o.builtinOptions = union_type, value
        if custom_options is not None:
            o.customOptions = np.frombuffer(bytes(custom_options), np.uint8)
        if intermediates:
            o.intermediates = [int(i) for i in intermediates]
        self._sg.operators.append(o)
        return len(self._sg.operators) - 1

    def _check_tensor(self, index: int) -> None:
        if not 0 <= int(index) < len(self._sg.tensors):
            raise IndexError(f"tensor {index} does not exist in subgraph {self.current_subgraph} "
                             f"({len(self._sg.tensors)} tensors)")

    # ---- model-level entries ----
    def add_signature(self, key: str, inputs: Mapping[str, int], outputs: Mapping[str, int],
                      subgraph_index: Optional[int] = None) -> None:
        """A named entry point mapping names to tensors of a subgraph (default: the current one)."""
        sig = SignatureDefT()
        sig.signatureKey = key
        sig.subgraphIndex = self.current_subgraph if subgraph_index is None else subgraph_index
        sig.inputs = [TensorMapT(name=n, tensorIndex=int(i)) for n, i in inputs.items()]
        sig.outputs = [TensorMapT(name=n, tensorIndex=int(i)) for n, i in outputs.items()]
        self._signatures.append(sig)

    def add_metadata(self, name: str, data: bytes) -> int:
        """Stores `data` in a buffer under `name` (e.g. "min_runtime_version"); returns the buffer index."""
        buffer = self.add_buffer(data)
        self._metadata.append(MetadataT(name=name, buffer=buffer))
        return buffer

    # ---- serialization ----
    def build_object(self) -> ModelT:
        """The model as a flatc object tree (what build() serializes)."""
        m = ModelT()
        m.version = SCHEMA_VERSION
        m.description = self.description
        m.operatorCodes = list(self._opcodes)
        m.subgraphs = list(self._subgraphs)
        m.buffers = [_AlignedBufferT(data=d if d else None) for d in self._buffers]
        m.metadata = list(self._metadata) or None
        m.signatureDefs = list(self._signatures) or None
        return m

    def build(self) -> bytes:
        """The model as .tflite bytes (file identifier TFL3, buffers aligned). Raises ValueError when the constants
        pass the 2 GB a flatbuffer can hold."""
        payload = sum(len(d) + BUFFER_ALIGNMENT for d in self._buffers)
        if payload >= 2 ** 31 - (1 << 24):
            raise ValueError(f"constants total {payload} bytes: a flatbuffer holds at most 2 GB "
                             "(external buffers are not written by ModelBuilder)")
        builder = flatbuffers.Builder(payload + 4096 + 256 * sum(len(s.tensors) for s in self._subgraphs))
        builder.Finish(self.build_object().Pack(builder), file_identifier=FILE_IDENTIFIER)
        return bytes(builder.Output())
