"""Graph rewrites, one class a file, and the default pipeline that runs them to a fixed point."""

from __future__ import annotations

from typing import List, Optional, Sequence

from ..ir import Graph
from .base import Pass
from .cancel_transposes import CancelTransposes
from .constant_folding import ConstantFolding
from .dead_node_removal import DeadNodeRemoval
from .distribute_over_concat import DistributeOverConcat
from .fold_transpose_into_fc import FoldTransposeIntoFullyConnected
from .fuse_activation import FuseActivation
from .fuse_batch_norm import FuseBatchNorm
from .fuse_bias import FuseBias
from .fuse_gelu import FuseGelu
from .fuse_hard_swish import FuseHardSwish
from .fuse_leaky_relu import FuseLeakyRelu
from .fuse_local_response_norm import FuseLocalResponseNorm
from .fuse_rsqrt import FuseRsqrt
from .lower_erf import LowerErf
from .merge_reshapes import MergeReshapes
from .remove_identity import RemoveIdentity
from .sink_through_shuffle import SinkTransposeThroughShuffle
from .sink_transposes import SinkTransposes

__all__ = ["Pass", "CancelTransposes", "ConstantFolding", "DeadNodeRemoval", "DistributeOverConcat",
           "FoldTransposeIntoFullyConnected", "FuseActivation", "FuseBatchNorm", "FuseBias", "FuseGelu",
           "FuseHardSwish", "FuseLeakyRelu", "FuseLocalResponseNorm", "FuseRsqrt", "LowerErf", "MergeReshapes",
           "RemoveIdentity", "SinkTransposeThroughShuffle", "SinkTransposes", "default_passes", "optimize"]


def default_passes() -> List[Pass]:
    """New instances of the passes optimize runs by default, in their order: decomposed-op patterns first, then
    layout (transpose sinking and cancellation), then the fusions into convolutions."""
    # Patterns of decomposed ops first (they look for one value read twice, before transposes are moved),
    # then layout (so weights meet their convs), then the fusions that need conv next to its consumers.
    return [RemoveIdentity(), ConstantFolding(), FuseLocalResponseNorm(), FuseHardSwish(), FuseLeakyRelu(),
            FuseGelu(), LowerErf(), FuseRsqrt(), SinkTransposes(), SinkTransposeThroughShuffle(), CancelTransposes(),
            FoldTransposeIntoFullyConnected(), MergeReshapes(), DeadNodeRemoval(), DistributeOverConcat(),
            FuseBatchNorm(), FuseBias(), FuseActivation(), DeadNodeRemoval()]


def optimize(graph: Graph, passes: Optional[Sequence[Pass]] = None, max_rounds: int = 50) -> Graph:
    """Runs the passes in order, repeatedly, until a round changes nothing."""
    passes = list(passes) if passes is not None else default_passes()
    # Subgraphs (loop bodies, branches) are optimized like the primary graph; their inputs and outputs stay.
    for g in [graph] + list(graph.subgraphs):
        for _ in range(max_rounds):
            changed = False
            for p in passes:
                changed |= p.run(g)
            if not changed:
                break
        g.check()
    return graph
