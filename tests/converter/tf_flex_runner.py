"""Run with TensorFlow's Python (a subprocess of test_select_ops.py): executes a .tflite file's Flex ops in
TensorFlow. Each Flex op's NodeDef, exactly as the file carries it, is parsed by TF's protobuf, wired to
Placeholders (the file's inputs) and Consts (its constant tensors), imported into a TF graph (which checks
the op and its attributes against TF's op registry) and run. Also runs the whole file in tf.lite.Interpreter
when TF's Flex delegate is linked into it (it is not in every TF wheel).

    python tf_flex_runner.py model.tflite feeds.npz out.npz
out.npz: node<k>_output<j> for each Flex op k, and interpreter_<name> for the file's outputs (when it ran),
plus nodedef<k> (the NodeDef in text form) and the flag flex_interpreter."""

import sys

import numpy as np
import tensorflow as tf
from flatbuffers import flexbuffers
from tensorflow.core.framework import node_def_pb2
from tensorflow.lite.python import schema_py_generated as schema

TFLITE_TO_TF = {0: tf.float32, 2: tf.int32, 4: tf.int64, 6: tf.bool, 10: tf.float64}


def main(path, feeds_path, out_path):
    data = open(path, "rb").read()
    feeds = dict(np.load(feeds_path))
    model = schema.ModelT.InitFromObj(schema.Model.GetRootAsModel(data, 0))
    sg = model.subgraphs[0]
    out = {}
    k = 0
    for op in sg.operators:
        code = model.operatorCodes[op.opcodeIndex].customCode
        if not code or not code.startswith(b"Flex"):
            continue
        options = flexbuffers.GetRoot(bytes(op.customOptions)).AsVector
        nd = node_def_pb2.NodeDef()
        nd.ParseFromString(bytes(options[1].AsStringBytes))
        out[f"nodedef{k}"] = np.array(str(nd))
        graph = tf.Graph()
        with graph.as_default():
            wired = node_def_pb2.NodeDef()
            wired.CopyFrom(nd)
            wired.name = f"flex{k}"
            del wired.input[:]
            feed = {}
            readable = all(model.buffers[sg.tensors[t].buffer].data is not None or
                           sg.tensors[t].name.decode() in feeds for t in op.inputs)
            if not readable:  # reads another op's output: only ops on the file's inputs run here
                k += 1
                continue
            for j, t in enumerate(op.inputs):
                tensor = sg.tensors[t]
                buffer = model.buffers[tensor.buffer].data
                dtype = TFLITE_TO_TF[tensor.type]
                name = tensor.name.decode()
                if buffer is not None and len(buffer):
                    value = np.frombuffer(bytes(buffer), dtype.as_numpy_dtype).reshape(tensor.shape)
                    x = tf.constant(value, name=f"const{j}")
                else:
                    x = tf.compat.v1.placeholder(dtype, name=f"input{j}")
                    feed[x] = feeds[name]
                wired.input.append(x.op.name)
        graph_def = graph.as_graph_def()
        graph_def.node.append(wired)
        run_graph = tf.Graph()
        with run_graph.as_default():
            tf.graph_util.import_graph_def(graph_def, name="")  # checks the NodeDef against TF's OpDef
            flex = run_graph.get_operation_by_name(f"flex{k}")
            feed = {run_graph.get_tensor_by_name(x.name): v for x, v in feed.items()}
            with tf.compat.v1.Session(graph=run_graph) as session:
                for j, value in enumerate(session.run(list(flex.outputs), feed)):
                    out[f"node{k}_output{j}"] = value
        k += 1
    try:
        interp = tf.lite.Interpreter(model_content=data)
        interp.allocate_tensors()
        out["flex_interpreter"] = np.array(True)
    except RuntimeError:
        out["flex_interpreter"] = np.array(False)  # this TF's interpreter has no Flex delegate
    if out["flex_interpreter"]:
        for d in interp.get_input_details():
            interp.set_tensor(d["index"], feeds[d["name"]])
        interp.invoke()
        for d in interp.get_output_details():
            out[f"interpreter_{d['name']}"] = interp.get_tensor(d["index"])
    np.savez(out_path, **out)


if __name__ == "__main__":
    main(*sys.argv[1:4])
