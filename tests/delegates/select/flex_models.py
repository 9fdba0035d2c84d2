"""Reads the Flex operators of a .tflite file (custom code and custom_options), with the generated schema
reader of the edgelite package, for tests that check every Flex node a model holds."""

from edgelite.schema.Model import Model


def flex_operators(data: bytes):
    """[(operator index, custom code, custom_options bytes)] of the main subgraph's custom operators."""
    model = Model.GetRootAs(data, 0)
    codes = [model.OperatorCodes(i) for i in range(model.OperatorCodesLength())]
    graph = model.Subgraphs(0)
    out = []
    for i in range(graph.OperatorsLength()):
        op = graph.Operators(i)
        code = codes[op.OpcodeIndex()]
        name = code.CustomCode()
        if name is not None:
            out.append((i, name.decode(), op.CustomOptionsAsNumpy().tobytes()))
    return out
