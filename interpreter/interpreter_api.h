// The checks and messages every front end applies (the Python module, the C API, JNI), in one place: index
// ranges, copying values into and out of tensors, resizing inputs, signatures by name, and the name of each
// error kind. Front ends only convert their own types (NumPy arrays, C buffers, Java arrays) and call these.
// The calls that touch tensors hold an InterpreterUse (interpreter.h): from a second thread while another
// is inside the interpreter they fail with "interpreter is busy in another thread".
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "interpreter/interpreter.h"

namespace edgelite {
namespace api {

// The error class a front end raises for a status: "InvalidArgumentError", "InvalidModelError",
// "UnsupportedError", "NotReadyError", "CancelledError", "InternalError" (the names of edgelite.errors).
const char* ErrorName(StatusCode code);

Status GetSubgraph(Interpreter& interp, int subgraph, Subgraph** out);
Status GetTensor(Interpreter& interp, int subgraph, int tensor, Tensor** out);

// The tensor index of a subgraph's input / output at `position` (0 <= position < its count).
Status InputTensorIndex(Interpreter& interp, int subgraph, int position, int* tensor);
Status OutputTensorIndex(Interpreter& interp, int subgraph, int position, int* tensor);

// Fails when the tensor has no memory to read or write (before allocate_tensors, or internal to a delegate).
Status CheckHasData(const Tensor& t);

// Copies a caller's value into a tensor: `type` is the value's .tflite type (-1 for a type edgelite has no
// tensor type for; `type_name` names it in the message), `dims` its shape, `bytes` its size. The tensor must
// not be a constant or a resource, and type and shape must be the tensor's exactly. A string tensor takes a
// whole .tflite string buffer (string_tensor.h), checked, of any size within the memory cap.
Status CopyToTensor(Interpreter& interp, int subgraph, int tensor, int type, const std::string& type_name,
                    const Dims& dims, const void* data, size_t bytes);

// Makes the tensor's host bytes current (a delegate may hold them) and checks it can be read; `*out` is the
// tensor, whose data and ValueBytes() the caller copies from.
Status ReadableTensor(Interpreter& interp, int subgraph, int tensor, Tensor** out);

// Copies a tensor's value out into a caller's buffer of exactly ValueBytes() (a string tensor's whole buffer).
Status CopyFromTensor(Interpreter& interp, int subgraph, int tensor, void* out, size_t bytes);

// Sets an input's shape (allocate again before invoke); `strict`: only dimensions the signature leaves open.
Status ResizeInput(Interpreter& interp, int subgraph, int tensor, const Dims& dims, bool strict);

// The signature with this key; with an empty key, the only one (an error when there are none or several).
Status FindSignature(Interpreter& interp, const std::string& key, const SignatureInfo** out);
// The tensor of a signature input / output by name, with a message listing the names when it is not there.
Status SignatureInput(const SignatureInfo& sig, const std::string& name, int* tensor);
Status SignatureOutput(const SignatureInfo& sig, const std::string& name, int* tensor);

// Before a signature call with these inputs (name, shape): every name known, none missing; inputs whose shape
// changed are resized; the signature's subgraph is allocated if it needs to be.
Status PrepareSignatureCall(Interpreter& interp, const SignatureInfo& sig,
                            const std::vector<std::pair<std::string, Dims>>& inputs);

}  // namespace api
}  // namespace edgelite
