"""House style for surveystats charts: palette, rcParams, titles, source lines, saving.

Nothing here imports matplotlib at module import time; every helper imports it when called,
so ``import surveystats.plotting`` stays as light as ``import surveystats``.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, cast

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = [
    "COLORS",
    "FIGSIZE",
    "PALETTE",
    "RC",
    "new_figure",
    "save_figure",
    "style",
]

#: The Okabe-Ito palette (Okabe and Ito 2008), safe for the common forms of colour blindness.
PALETTE: dict[str, str] = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
}

#: Colour cycle: the palette without yellow (too pale on white for lines) and black (kept for
#: reference lines), in an order whose neighbours differ in lightness as well as hue.
COLORS: tuple[str, ...] = (
    PALETTE["blue"],
    PALETTE["orange"],
    PALETTE["bluish_green"],
    PALETTE["vermillion"],
    PALETTE["reddish_purple"],
    PALETTE["sky_blue"],
)

#: Grey for reference lines, source lines and secondary text.
GREY = "#555555"
LIGHT_GREY = "#DDDDDD"

#: About 800 x 450 pixels at 100 dpi: legible in a blog column or a slide.
FIGSIZE: tuple[float, float] = (8.0, 4.5)

#: rcParams applied inside every plotting function with ``matplotlib.rc_context``; global
#: rcParams are never changed.
RC: dict[str, Any] = {
    "figure.figsize": FIGSIZE,
    "figure.dpi": 100,
    "savefig.dpi": 100,
    "figure.constrained_layout.use": True,
    "font.size": 10,
    "axes.titlesize": 11.5,
    "axes.titleweight": "bold",
    "axes.labelsize": 10,
    "axes.labelcolor": "#222222",
    "axes.edgecolor": GREY,
    "axes.linewidth": 0.8,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.prop_cycle": None,  # filled in by style(), which needs matplotlib's cycler
    "xtick.labelsize": 9,
    "ytick.labelsize": 9,
    "xtick.color": GREY,
    "ytick.color": GREY,
    "legend.fontsize": 9,
    "legend.frameon": False,
    "lines.linewidth": 1.8,
    "svg.fonttype": "none",
    "svg.hashsalt": "surveystats",
}

_SOURCE_SIZE = 7.5
_TITLE_SIZE = 11.5


@contextmanager
def style() -> Iterator[None]:
    """Context in which the house rcParams apply (global rcParams are left alone).

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from surveystats.plotting import style
    >>> with style():
    ...     fig, ax = plt.subplots()
    >>> [round(v) for v in fig.get_size_inches()]
    [8, 4]
    >>> plt.close(fig)
    """
    import matplotlib as mpl
    from cycler import cycler

    rc = {**RC, "axes.prop_cycle": cycler(color=list(COLORS))}
    with mpl.rc_context(cast(Any, rc)):
        yield


def get_axes(ax: Axes | None) -> Axes:
    """``ax``, or the current axes (``plt.gca()``) when it is None."""
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    return plt.gca()


def prepare_axes(ax: Axes, *, grid: Literal["x", "y", "both"] | None = "x") -> None:
    """House look on an existing Axes (which may predate the rc context)."""
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    for side in ("left", "bottom"):
        ax.spines[side].set_color(GREY)
        ax.spines[side].set_linewidth(0.8)
    ax.tick_params(labelsize=9, colors=GREY, labelcolor="#333333")
    if grid:
        ax.grid(True, axis=grid, color=LIGHT_GREY, linewidth=0.7, zorder=0)
        ax.set_axisbelow(True)


def legend(ax: Axes, **kwargs: Any) -> Any:
    """A legend on an opaque white box without an edge, so reference lines pass behind it."""
    leg = ax.legend(**{"frameon": True, "framealpha": 1.0, **kwargs})
    leg.get_frame().set_edgecolor("none")
    return leg


def percent_axis(ax: Axes, which: str = "x", *, decimals: int | None = 0) -> None:
    """Format the ticks of a share axis (values in [0, 1]) as percentages."""
    from matplotlib.ticker import PercentFormatter

    axis = ax.xaxis if which == "x" else ax.yaxis
    axis.set_major_formatter(PercentFormatter(xmax=1.0, decimals=decimals))


def pct(x: float, decimals: int | None = 0) -> str:
    """``0.553 -> "55%"`` (``decimals=1``: ``"55.3%"``; ``None``: one decimal only when the
    value is not a whole percentage, so ``0.55 -> "55%"`` and ``0.385 -> "38.5%"``)."""
    if decimals is None:
        decimals = 0 if abs(100 * x - round(100 * x)) < 1e-6 else 1
    return f"{100 * x:.{decimals}f}%"


def points(x: float, decimals: int = 1) -> str:
    """A difference of shares in percentage points: ``0.025 -> "2.5"``."""
    return f"{100 * x:.{decimals}f}"


def set_title(ax: Axes, text: str) -> None:
    """A title that states the finding, wrapped to the width it will have.

    A left-aligned title runs from the axes' left edge to the right edge of its grid cell.
    Under constrained layout the axes' left edge moves right by the width of the y tick
    labels and the y label, so the wrap width is estimated from the cell (a colour bar takes
    width from the axes, not from the title) minus that label width.
    """
    fig = ax.get_figure()
    fig_width = float(cast(Any, fig).get_size_inches()[0]) if fig is not None else FIGSIZE[0]
    spec = ax.get_subplotspec()
    frac = (spec.get_position(cast(Any, fig)).width + 0.2 if spec is not None and fig is not None
            else ax.get_position().width)
    lines = [line for label in ax.get_yticklabels() for line in label.get_text().split("\n")]
    label_pt = max((len(line) for line in lines), default=0) * 0.55 * 9.0 + 12.0
    if ax.get_ylabel():
        label_pt += 16.0
    # DejaVu Sans Bold averages about 0.6 em per character
    chars = max(40, int((frac * fig_width * 72 - label_pt) / (0.6 * _TITLE_SIZE)))
    # the centre title object, moved to the left edge: ``ax.get_title()`` returns it
    ax.set_title("\n".join(textwrap.wrap(text, chars)), loc="center", x=0.0,
                 horizontalalignment="left", fontsize=_TITLE_SIZE, fontweight="bold",
                 color="#111111")


def add_source(ax: Axes, text: str | None) -> None:
    """A small source line below the x-axis label, in axes-fraction x coordinates.

    ``None`` or ``""`` draws nothing. The line is an ``Annotation`` whose ``gid`` is
    ``"source"``, so tests and callers can find it.
    """
    if not text:
        return
    label = ax.xaxis.label
    if label.get_text():
        xycoords: Any = ("axes fraction", label)
        xy, offset = (0.0, 0.0), (0.0, -5.0)
    else:
        xycoords = "axes fraction"
        xy, offset = (0.0, 0.0), (0.0, -24.0)
    ann = ax.annotate(text, xy=xy, xycoords=xycoords, xytext=offset,
                      textcoords="offset points", ha="left", va="top",
                      fontsize=_SOURCE_SIZE, color=GREY, annotation_clip=False)
    ann.set_gid("source")


def source_text(n: float | None = None, source: str | None = None) -> str:
    """The source line: ``source`` as given, or a neutral default naming ``n``."""
    if source is not None:
        return source
    if n is None:
        return "Chart: surveystats"
    return f"n = {n:,.0f}; chart: surveystats"


def new_figure(figsize: tuple[float, float] = FIGSIZE) -> tuple[Figure, Axes]:
    """A figure and axes for one chart in the house style, made without pyplot.

    The figure belongs to no pyplot state and no backend: nothing opens a window, nothing
    needs closing, the user's backend and rcParams are untouched, and :func:`save_figure`
    draws it with its own canvas. Constrained layout, 100 dpi.

    Examples
    --------
    >>> from surveystats.plotting._style import new_figure
    >>> fig, ax = new_figure()
    >>> [round(v) for v in fig.get_size_inches()], fig.get_layout_engine() is not None
    ([8, 4], True)
    """
    from matplotlib.figure import Figure

    with style():
        fig = Figure(figsize=figsize, dpi=100, layout="constrained")
        ax = fig.subplots()
    return fig, ax


_METADATA: dict[str, dict[str, Any]] = {"svg": {"Date": None}, "png": {"Software": "surveystats"}}


def save_figure(
    fig: Figure,
    path_without_ext: str | Path,
    formats: Sequence[str] = ("png", "svg"),
    dpi: float = 100,
) -> list[Path]:
    """Write a figure in each format; return the paths written.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The figure to save (for example ``ax.figure``).
    path_without_ext : str or Path
        Path without extension; ``".png"``, ``".svg"`` ... are appended (so a name with dots,
        such as ``"vtsiom.2025"``, keeps them). Missing parent folders are created.
    formats : sequence of str, default ("png", "svg")
        Any format ``Figure.savefig`` knows.
    dpi : float, default 100
        Resolution of raster formats: an 8-inch-wide figure becomes 800 pixels wide.

    Returns
    -------
    list of Path
        One path per format, in the order given.

    Notes
    -----
    The size is the figure's own (no ``bbox_inches="tight"``), so widths are predictable.
    SVG files carry no date and (unless ``svg.hashsalt`` is set) a fixed hash salt, so
    re-rendering an unchanged chart gives an identical file.

    The figure is laid out once, by the first format drawn, and every format is drawn from
    that layout: ``Figure.savefig`` alone would run the layout engine again, with a draw of
    its own, for each file. A PNG is drawn once on an Agg canvas and its pixels written as
    ``FigureCanvasAgg.print_png`` writes them (``savefig`` is used instead when rcParams ask
    for a transparent, coloured or tight ``savefig``). The figure's canvas and layout engine
    are restored afterwards.

    Examples
    --------
    >>> import tempfile, matplotlib.pyplot as plt
    >>> from surveystats.plotting import plot_coverage, save_figure
    >>> ax = plot_coverage(50)
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     paths = save_figure(ax.figure, f"{tmp}/coverage")
    ...     [p.suffix for p in paths]
    ['.png', '.svg']
    >>> plt.close("all")
    """
    import matplotlib as mpl

    base = Path(path_without_ext)
    base.parent.mkdir(parents=True, exist_ok=True)
    targets = [(f, base.with_name(f"{base.name}.{f}")) for f in
               (fmt.lower().lstrip(".") for fmt in formats)]
    rc = {} if mpl.rcParams["svg.hashsalt"] is not None else {"svg.hashsalt": "surveystats"}
    canvas, engine = fig.canvas, fig.get_layout_engine()
    try:
        with mpl.rc_context(cast(Any, rc)):
            for fmt, path in targets:
                if fmt == "png" and _plain_savefig():
                    _write_png(fig, path, dpi)
                else:
                    fig.savefig(path, format=fmt, dpi=dpi, metadata=_METADATA.get(fmt))
                _freeze_layout(fig)
    finally:
        fig.set_canvas(canvas)
        if engine is not None:
            fig.set_layout_engine(engine)
    return [path for _, path in targets]


def _plain_savefig() -> bool:
    """Whether ``savefig`` would draw the figure as it is (no rcParams change its colours or
    crop it), so its PNG equals the pixels of an Agg canvas."""
    import matplotlib as mpl

    rc = mpl.rcParams
    return (not rc["savefig.transparent"] and rc["savefig.bbox"] in (None, "standard")
            and all(isinstance(rc[k], str) and rc[k] == "auto"
                    for k in ("savefig.facecolor", "savefig.edgecolor")))


def _write_png(fig: Figure, path: Path, dpi: float) -> None:
    """Draw ``fig`` once on an Agg canvas at ``dpi`` (layout included) and write the pixels,
    as ``FigureCanvasAgg.print_png`` does."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.image import imsave

    old = fig.dpi
    fig.dpi = dpi
    try:
        canvas = FigureCanvasAgg(fig)
        canvas.draw()
        imsave(path, canvas.buffer_rgba(), format="png", origin="upper", dpi=dpi,
               metadata=_METADATA["png"])
    finally:
        fig.dpi = old


def _freeze_layout(fig: Figure) -> None:
    """Keep the layout just computed: no engine, so later draws place artists as they are.

    ``set_layout_engine("none")`` would leave a placeholder engine, and ``savefig`` runs an
    extra draw for any engine; ``None`` with the rcParams' automatic layouts off removes it.
    """
    import matplotlib as mpl

    if fig.get_layout_engine() is not None:
        with mpl.rc_context({"figure.autolayout": False,
                             "figure.constrained_layout.use": False}):
            fig.set_layout_engine(None)
