"""Input: the entry point of a functional model, producing the first SymbolicTensor."""

from .layer import Layer, LayerNode, SymbolicTensor


class InputLayer(Layer):
    """Holds the input's batch shape; in a model graph it is the node with no inputs."""

    def __init__(self, shape=None, batch_size=None, dtype=None, batch_shape=None, name=None, **kwargs):
        super().__init__(name=name, dtype=dtype or "float32", **kwargs)
        if batch_shape is None:
            if shape is None:
                raise ValueError("InputLayer needs `shape` (without the batch axis) or `batch_shape`")
            batch_shape = (batch_size,) + tuple(shape)
        self.batch_shape = tuple(batch_shape)
        self.built = True
        node = LayerNode(self, [], {})
        node.output = SymbolicTensor(self.batch_shape, self.dtype, node)
        self._inbound_nodes.append(node)

    def get_config(self):
        return {"batch_shape": list(self.batch_shape), "dtype": self.dtype, "name": self.name}

    def compute_output_shape(self, input_shape):
        return self.batch_shape


def Input(shape=None, batch_size=None, dtype=None, name=None, batch_shape=None):  # noqa: N802 - Keras API
    """A symbolic input tensor: `Input(shape=(28, 28, 1))` (shape excludes the batch axis)."""
    return InputLayer(shape=shape, batch_size=batch_size, dtype=dtype, batch_shape=batch_shape,
                      name=name).output
