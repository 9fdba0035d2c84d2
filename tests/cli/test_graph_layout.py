"""The layered layout behind `edgelite inspect --html`: layers, spacing, straight chains, routed skip edges."""

import numpy as np
import pytest

from edgelite.cli_inspect import load_annotated_graph
from edgelite.visual import layout
from edgelite.visual.graph_svg import _subgraph_nodes
from edgelite.visual.layout import assign_layers, isotonic_placement, layered_layout
from testutil import model_path


def boxes_do_not_overlap(result, widths):
    by_layer = {}
    for v, layer in enumerate(result.layer):
        by_layer.setdefault(layer, []).append(v)
    for members in by_layer.values():
        members.sort(key=lambda v: result.x[v])
        for a, b in zip(members, members[1:]):
            assert result.x[b] - result.x[a] >= (widths[a] + widths[b]) / 2 + layout.H_GAP - 1e-6


def edges_run_downward(result):
    for line in result.edges:
        ys = [y for _, y in line]
        assert all(y1 > y0 for y0, y1 in zip(ys, ys[1:]))


def test_a_chain_is_one_straight_column():
    n = 6
    result = layered_layout([100] * n, [40] * n, [(i, i + 1) for i in range(n - 1)])
    assert result.layer == list(range(n))
    assert max(result.x) - min(result.x) < 1e-6
    assert result.crossings == 0
    edges_run_downward(result)


def test_a_diamond_puts_its_branches_side_by_side_and_joins_below():
    result = layered_layout([80, 120, 60, 80], [30] * 4, [(0, 1), (0, 2), (1, 3), (2, 3)])
    assert result.layer == [0, 1, 1, 2]
    boxes_do_not_overlap(result, [80, 120, 60, 80])
    assert min(result.x[1], result.x[2]) < result.x[3] < max(result.x[1], result.x[2])


def test_a_skip_edge_bends_around_a_straight_chain():
    # a -> b -> c -> d, and a -> d (a residual connection)
    result = layered_layout([100] * 4, [40] * 4, [(0, 1), (1, 2), (2, 3), (0, 3)])
    assert result.layer == [0, 1, 2, 3]
    skip = result.edges[3]
    assert len(skip) == 4  # source, one point per crossed layer, target
    assert max(result.x[:4]) - min(result.x[:4]) < 1.0  # the chain stays straight
    assert all(abs(px - result.x[1]) >= 50 + layout.H_GAP - 1e-6 for px, _ in skip[1:3])  # beside the boxes
    edges_run_downward(result)


def test_a_late_input_sits_just_above_its_consumer():
    # 0 -> 1 -> 2 -> 3, and source 4 feeds only node 3
    assert assign_layers(5, [(0, 1), (1, 2), (2, 3), (4, 3)]) == [0, 1, 2, 3, 2]


def test_a_cycle_is_refused():
    with pytest.raises(ValueError, match="cycle"):
        layered_layout([10, 10], [10, 10], [(0, 1), (1, 0)])


def test_isotonic_placement_solves_the_spacing_problem():
    np.testing.assert_allclose(isotonic_placement([0, 0], [10], [1, 1]), [-5, 5])
    np.testing.assert_allclose(isotonic_placement([0, 0], [10], [8, 1]), [-10 / 9, 80 / 9])
    np.testing.assert_allclose(isotonic_placement([0, 50, 100], [10, 10], [1, 1, 1]), [0, 50, 100])  # feasible
    rng = np.random.default_rng(0)
    for _ in range(50):
        n = int(rng.integers(2, 7))
        desired, gaps, weights = rng.uniform(-50, 50, n), rng.uniform(1, 30, n - 1), rng.uniform(0.5, 8, n)
        x = np.array(isotonic_placement(desired, gaps, weights))
        assert np.all(np.diff(x) >= gaps - 1e-9)

        def cost(p):
            return float(np.sum(weights * (p - desired) ** 2))
        # No feasible nudge of one block of consecutive positions lowers the cost.
        for i in range(n):
            for j in range(i + 1, n + 1):
                for step in (-0.1, 0.1):
                    y = x.copy()
                    y[i:j] += step
                    if np.all(np.diff(y) >= gaps - 1e-9):
                        assert cost(y) >= cost(x) - 1e-9


@pytest.mark.parametrize("name", ["mobilenet_v2", "transformer_block"])
def test_real_models_lay_out_cleanly(name):
    graph = load_annotated_graph(model_path("tf", f"{name}.tflite"))
    boxes, edges = _subgraph_nodes(graph, graph.subgraphs[0])
    widths = [b.width for b in boxes]
    result = layered_layout(widths, [b.height for b in boxes], [(a, b) for a, b, _ in edges])
    boxes_do_not_overlap(result, widths)
    edges_run_downward(result)
    for (a, b, _), line in zip(edges, result.edges):
        assert result.layer[b] > result.layer[a]
        assert len(line) == result.layer[b] - result.layer[a] + 1
