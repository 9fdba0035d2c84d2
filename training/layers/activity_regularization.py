"""Keras 3's activity regularization for the layers that take `activity_regularizer`: the penalty of each output,
divided by the batch size, added to the layer's losses."""


def add_activity_loss(layer, outputs):
    """Adds layer.activity_regularizer(output) / batch size for each output (a Tensor or a list) to the layer's
    losses, when the layer has an activity regularizer; returns outputs unchanged."""
    if layer.activity_regularizer is not None:
        for output in outputs if isinstance(outputs, (list, tuple)) else [outputs]:
            layer.add_loss(layer.activity_regularizer(output) / (output.shape[0] if output.ndim else 1))
    return outputs
