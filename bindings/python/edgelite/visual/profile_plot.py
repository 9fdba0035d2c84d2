"""`edgelite benchmark --plot`: the per-operator profile as a PNG — time per operator type (slowest first) and
time per node in execution order, coloured by type. Drawn with matplotlib, an optional extra
(`pip install 'edgelite[plot]'`)."""

from __future__ import annotations

from ..cli_common import CommandLineError

MAX_TYPES = 15  # the rest are summed into one "other" bar


def require_matplotlib():
    """matplotlib.pyplot on the Agg backend (no display needed), or a one-line error saying how to get it."""
    try:
        import matplotlib
    except ImportError:
        raise CommandLineError("--plot needs matplotlib, which is not installed: pip install 'edgelite[plot]' "
                               "(or pip install matplotlib)") from None
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    return plt


def plot_profile(profile, path: str, title: str = "") -> None:
    """Writes a PNG to `path` of a benchmark profile: time by operator type and the slowest nodes, titled `title`.
    Raises CommandLineError naming pip install 'edgelite[plot]' without matplotlib."""
    plt = require_matplotlib()
    types = profile.by_type()
    shown = types[:MAX_TYPES]
    if len(types) > MAX_TYPES:
        rest = types[MAX_TYPES:]
        shown.append((f"other ({len(rest)} types)", sum(c for _, c, _ in rest), sum(ms for _, _, ms in rest)))
    palette = plt.get_cmap("tab20")
    colour = {op: palette(i % 20) for i, (op, _, _) in enumerate(types)}
    total = profile.total_ms or 1e-12
    fig, (by_type, by_node) = plt.subplots(
        1, 2, figsize=(13, max(4.0, 0.32 * len(shown) + 1.6)), gridspec_kw={"width_ratios": [1, 1.4]})
    labels = [f"{op} ×{count}" for op, count, _ in shown]
    values = [ms for _, _, ms in shown]
    bars = by_type.barh(range(len(shown)), values, color=[colour.get(op, "#999999") for op, _, _ in shown])
    by_type.set_yticks(range(len(shown)), labels, fontsize=8)
    by_type.invert_yaxis()
    by_type.set_xlabel(f"ms per run (average over {profile.runs} runs)")
    by_type.set_title("time per operator type")
    for bar, ms in zip(bars, values):
        by_type.text(bar.get_width(), bar.get_y() + bar.get_height() / 2, f" {100 * ms / total:.1f}%",
                     va="center", fontsize=7)
    by_type.margins(x=0.18)
    positions = range(len(profile.nodes))
    by_node.bar(positions, [n.ms for n in profile.nodes], width=0.9,
                color=[colour[n.op_name] for n in profile.nodes])
    by_node.set_xlabel("node, in execution order")
    by_node.set_ylabel("ms per run")
    by_node.set_title(f"time per node ({len(profile.nodes)} nodes, {profile.total_ms:.3f} ms in all)")
    if title:
        fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    try:
        fig.savefig(path, dpi=100)
    except OSError as e:
        raise CommandLineError(f"--plot {path}: cannot write: {e.strerror or e}") from e
    finally:
        plt.close(fig)
