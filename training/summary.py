"""model.summary(): a Keras-style table of layers, output shapes and parameter counts."""

from .layers import InputLayer


def _fmt_shape(shape):
    if isinstance(shape, list):  # a layer with several outputs
        return "[" + ", ".join(_fmt_shape(s) for s in shape) + "]"
    return "(" + ", ".join("None" if d is None else str(d) for d in shape) + ("," if len(shape) == 1 else "") + ")"


def print_summary(model, line_length=None, print_fn=None):
    """Prints the Keras-style table of model.summary(): each layer's name and type, output shape, parameter count
    (and its inputs, for a non-sequential model), then the totals. print_fn (default print) receives each line."""
    print_fn = print_fn or print
    graph = model.get_graph()
    is_chain = all(node.inputs == ([] if i == 0 else [i - 1]) for i, node in enumerate(graph))
    headers = ["Layer (type)", "Output Shape", "Param #"] + ([] if is_chain else ["Connected to"])
    rows, counted = [], set()
    for node in graph:
        layer = node.layer
        if is_chain and isinstance(layer, InputLayer):
            continue  # like Keras: a Sequential summary has no input row
        params = 0 if id(layer) in counted else layer.count_params()
        counted.add(id(layer))
        row = [f"{layer.name} ({type(layer).__name__})", _fmt_shape(node.output_shape), f"{params:,}"]
        if not is_chain:
            row.append(", ".join(graph[i].layer.name for i in node.inputs) or "-")
        rows.append(row)
    widths = [max(len(r[c]) for r in rows + [headers]) + 2 for c in range(len(headers))]
    total = line_length or sum(widths)
    print_fn(f'Model: "{model.name}"')
    print_fn("_" * total)
    print_fn("".join(h.ljust(w) for h, w in zip(headers, widths)).rstrip())
    print_fn("=" * total)
    for i, row in enumerate(rows):
        print_fn("".join(c.ljust(w) for c, w in zip(row, widths)).rstrip())
        if not is_chain and i < len(rows) - 1:
            print_fn("_" * total)
    print_fn("=" * total)
    trainable = sum(w.size for w in model.trainable_weights)
    every = sum(w.size for w in model.weights)
    print_fn(f"Total params: {every:,}")
    print_fn(f"Trainable params: {trainable:,}")
    print_fn(f"Non-trainable params: {every - trainable:,}")
    print_fn("_" * total)
