"""Front-ends: each turns one kind of source model into a converter graph (ir.Graph)."""
