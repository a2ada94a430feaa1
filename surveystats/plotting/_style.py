"""House style for surveystats charts: palette, rcParams, titles, source lines, saving.

Nothing here imports matplotlib at module import time; every helper imports it when called,
so ``import surveystats.plotting`` stays as light as ``import surveystats``.
"""

from __future__ import annotations

import functools
import textwrap
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, cast

from surveystats._display import pct_text

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

    Yields
    ------
    None
        Inside the ``with`` block, matplotlib draws in the house style.

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


def text_width(text: str, size: float, weight: str = "normal") -> float:
    """Width in points of ``text`` (its widest line) in the current font, as the Agg renderer
    draws it at 100 dpi (hinted glyphs are a few per cent wider than the outlines); no
    figure is needed, and it holds for any script the font covers."""
    import matplotlib as mpl

    rc = mpl.rcParams
    fonts = (str(rc["font.family"]), str(rc["font.sans-serif"]), str(rc["font.serif"]),
             str(rc["text.hinting"]))
    return max(_line_width(line, float(size), weight, fonts) for line in text.split("\n"))


@functools.lru_cache(maxsize=4096)
def _line_width(line: str, size: float, weight: str, fonts: tuple[str, ...]) -> float:
    """:func:`text_width` of one line; ``fonts`` (the rcParams that choose the font) keys
    the cache."""
    from matplotlib.backends.backend_agg import RendererAgg
    from matplotlib.font_manager import FontProperties

    renderer = RendererAgg(1, 1, 100)
    width = renderer.get_text_width_height_descent(line, FontProperties(size=size, weight=weight),
                                                   ismath=False)[0]
    return float(width) * 72 / 100


def wrap(text: str, width: float, size: float, weight: str = "normal") -> str:
    """``text`` broken into lines no wider than ``width`` points, measured in the current font.

    Lines break between words (line breaks already in ``text`` are kept); a word wider than
    a line is split between characters. Text that fits comes back unchanged.

    Examples
    --------
    >>> from surveystats.plotting._style import wrap
    >>> wrap("2026 will be successful", 200, 9)
    '2026 will be successful'
    >>> wrap("Надежды связаны с окончанием специальной военной операции", 150, 9).splitlines()
    ['Надежды связаны с', 'окончанием специальной', 'военной операции']
    """
    if text_width(text, size, weight) <= width:
        return text

    def fits(line: str) -> bool:
        return text_width(line, size, weight) <= width

    out: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for word in paragraph.split():
            joined = f"{line} {word}" if line else word
            if fits(joined):
                line = joined
                continue
            if line:
                out.append(line)
            while len(word) > 1 and not fits(word):
                cut = max(1, max((k for k in range(1, len(word)) if fits(word[:k])), default=1))
                out.append(word[:cut])
                word = word[cut:]
            line = word
        out.append(line)
    return "\n".join(out)


def shorten(text: str, width: float, size: float, weight: str = "normal") -> str:
    """``text`` on one line no wider than ``width`` points: cut between words (or, for a
    single long word, between characters) and ended with "…" when it does not fit.

    Examples
    --------
    >>> from surveystats.plotting._style import shorten, text_width
    >>> shorten("optimists", 100, 9)
    'optimists'
    >>> cut = shorten("those who expect a successful year for the country", 100, 9)
    >>> cut.endswith("…") and text_width(cut, 9) <= 100
    True
    """
    text = " ".join(text.split())
    if text_width(text, size, weight) <= width:
        return text
    words = text.split(" ")
    for k in range(len(words) - 1, 0, -1):
        cut = " ".join(words[:k]).rstrip(",;:") + "…"
        if text_width(cut, size, weight) <= width:
            return cut
    for k in range(len(text) - 1, 0, -1):
        if text_width(text[:k] + "…", size, weight) <= width:
            return text[:k] + "…"
    return "…"


def _cell_width_pt(ax: Axes) -> float:
    """Width in points of the grid cell ``ax`` sits in (all of it, before layout)."""
    fig = ax.get_figure()
    fig_width = float(cast(Any, fig).get_size_inches()[0]) if fig is not None else FIGSIZE[0]
    spec = ax.get_subplotspec()
    frac = (spec.get_position(cast(Any, fig)).width + 0.2 if spec is not None and fig is not None
            else ax.get_position().width)
    return frac * fig_width * 72


def axes_width_pt(ax: Axes) -> float:
    """Width in points the axes will have under constrained layout: its share of the figure's
    grid, less the layout's padding, the y tick labels (measured, at their own size) with
    their padding, and the y label."""
    import matplotlib as mpl

    fig = ax.get_figure()
    fig_width = float(cast(Any, fig).get_size_inches()[0]) if fig is not None else FIGSIZE[0]
    spec = ax.get_subplotspec()
    share = (len(spec.colspan) / spec.get_gridspec().ncols if spec is not None
             else ax.get_position().width)
    pad = 72 * float(mpl.rcParams["figure.constrained_layout.w_pad"])
    ticks = [t for t in ax.get_yticklabels() if t.get_text()]
    used = max((text_width(t.get_text(), float(t.get_fontsize())) for t in ticks),
               default=0.0) + 8.0
    if ax.get_ylabel():
        used += 16.0
    return share * fig_width * 72 - 2 * pad - used


def _legend_columns(ax: Axes, labels: list[str], ncols: int,
                    options: dict[str, Any]) -> tuple[int, list[str]]:
    """How many columns and which wrapped labels keep a legend inside the axes' width.

    A legend that fits as asked is left alone. Otherwise each column gets an equal share of
    the width left after the legend's padding and the handles, and labels are wrapped to it
    (:func:`wrap`); of 1 to ``ncols`` columns, the one giving the shortest legend (lines in
    its longest column) wins, ties going to more columns.
    """
    import matplotlib as mpl
    from matplotlib.font_manager import FontProperties

    if not labels:
        return ncols, labels
    rc: Any = mpl.rcParams
    size = FontProperties(size=options.get("fontsize", rc["legend.fontsize"])).get_size_in_points()

    def em(key: str) -> float:
        return float(options.get(key, rc[f"legend.{key}"])) * size

    def columns(n: int, texts: list[str]) -> list[list[str]]:
        rows = -(-len(texts) // n)  # matplotlib fills columns first
        return [texts[i:i + rows] for i in range(0, len(texts), rows)]

    avail = axes_width_pt(ax) - 2 * (em("borderaxespad") + em("borderpad"))
    handle = em("handlelength") + em("handletextpad")
    cols = columns(max(1, ncols), labels)
    needed = sum(max(text_width(t, size) for t in col) + handle for col in cols)
    if needed + (len(cols) - 1) * em("columnspacing") <= avail:
        return ncols, labels
    best: tuple[int, int, list[str]] = (ncols, 0, labels)
    for n in range(max(1, ncols), 0, -1):
        per = (avail - (n - 1) * em("columnspacing")) / n - handle
        wrapped = [wrap(label, max(per, 4 * size), size) for label in labels]
        height = max(sum(w.count("\n") + 1 for w in col) for col in columns(n, wrapped))
        if n == max(1, ncols) or height < best[1]:
            best = (n, height, wrapped)
    return best[0], best[2]


def legend_lines(leg: Any) -> int:
    """How many lines of text deep a legend is: its longest column, counting the lines of
    wrapped labels (1 for a legend of one-line labels in one row)."""
    texts = [t.get_text() for t in leg.get_texts()]
    if not texts:
        return 0
    rows = -(-len(texts) // max(1, int(getattr(leg, "_ncols", 1))))
    return max(sum(t.count("\n") + 1 for t in texts[i:i + rows])
               for i in range(0, len(texts), rows))


def legend(ax: Axes, *, room: Literal["bottom", "top"] | None = None, **kwargs: Any) -> Any:
    """A legend on an opaque white box without an edge, so reference lines pass behind it.

    Labels are wrapped, and columns given up, so that the legend is no wider than the axes
    will be (:func:`_legend_columns`); ``ncols`` (or ``ncol``) is the most columns used.
    ``room``: the side of the plot whose empty strip holds the legend; the y-range is
    widened there by a line for each line that wrapping added, so a deeper legend stays
    clear of the data (set the y-limits first). Other keywords go to ``ax.legend``.
    """
    handles = kwargs.pop("handles", None)
    labels = kwargs.pop("labels", None)
    if handles is None:
        handles, found = ax.get_legend_handles_labels()
        labels = found if labels is None else labels
    elif labels is None:
        labels = [h.get_label() for h in handles]
    ncols = int(kwargs.pop("ncols", kwargs.pop("ncol", 1)))
    ncols, labels = _legend_columns(ax, [str(label) for label in labels], ncols, kwargs)
    leg = ax.legend(handles, labels, ncols=ncols,
                    **{"frameon": True, "framealpha": 1.0, **kwargs})
    leg.get_frame().set_edgecolor("none")
    added = legend_lines(leg) - -(-len(labels) // ncols)
    if room is not None and added > 0:
        # a line of legend text is about 1/18 of a chart's plotting height
        share = min(0.5, added / 18)
        lo, hi = ax.get_ylim()
        more = (hi - lo) * share / (1 - share)
        ax.set_ylim((lo - more, hi) if room == "bottom" else (lo, hi + more))
    return leg


def percent_axis(ax: Axes, which: str = "x", *, decimals: int | None = 0) -> None:
    """Format the ticks of a share axis (values in [0, 1]) as percentages."""
    from matplotlib.ticker import PercentFormatter

    axis = ax.xaxis if which == "x" else ax.yaxis
    axis.set_major_formatter(PercentFormatter(xmax=1.0, decimals=decimals))


def pct(x: float, decimals: int | None = 0) -> str:
    """``0.553 -> "55%"`` (``decimals=1``: ``"55.3%"``; ``None``: one decimal only when the
    value is not a whole percentage, so ``0.55 -> "55%"`` and ``0.385 -> "38.5%"``)."""
    return pct_text(x, decimals)


def points(x: float, decimals: int = 1) -> str:
    """A difference of shares in percentage points: ``0.025 -> "2.5"``."""
    return f"{100 * x:.{decimals}f}"


def set_title(ax: Axes, text: str, *, max_chars: int | None = None) -> None:
    """A title that states the finding, wrapped to the width it will have.

    A left-aligned title runs from the axes' left edge to the right edge of its grid cell.
    Under constrained layout the axes' left edge moves right by the width of the y tick
    labels and the y label, so the wrap width is estimated from the cell (a colour bar takes
    width from the axes, not from the title) minus that label width, in characters; where
    the wrapped title measured in its font is wider than that room (:func:`axes_width_pt`),
    as Cyrillic text or long runs of digits can be, it is wrapped to the measured width.
    ``max_chars`` caps the line length in characters (a question text read as a question,
    not as a finding, is easier to read in lines of about 60 characters).
    """
    lines = [line for label in ax.get_yticklabels() for line in label.get_text().split("\n")]
    label_pt = max((len(line) for line in lines), default=0) * 0.55 * 9.0 + 12.0
    if ax.get_ylabel():
        label_pt += 16.0
    # DejaVu Sans Bold averages about 0.6 em per character in Latin script
    chars = max(40, int((_cell_width_pt(ax) - label_pt) / (0.6 * _TITLE_SIZE)))
    if max_chars is not None:
        chars = min(chars, max_chars)
    wrapped = "\n".join(textwrap.wrap(text, chars))
    room = axes_width_pt(ax)
    if text_width(wrapped, _TITLE_SIZE, "bold") > room:
        # wider letters (Cyrillic, digits, capitals) or wider tick labels than the estimate:
        # wrap to the measured width
        wrapped = wrap(" ".join(text.split()), room, _TITLE_SIZE, "bold")
    # the centre title object, moved to the left edge: ``ax.get_title()`` returns it
    ax.set_title(wrapped, loc="center", x=0.0,
                 horizontalalignment="left", fontsize=_TITLE_SIZE, fontweight="bold",
                 color="#111111")


def add_source(ax: Axes, text: str | None) -> None:
    """A small source line below the x-axis label, in axes-fraction x coordinates.

    ``None`` or ``""`` draws nothing. The line is an ``Annotation`` whose ``gid`` is
    ``"source"``, so tests and callers can find it.
    """
    if not text:
        return
    # a long line (a poll card's long description) wraps to the axes' width instead of
    # running off the figure
    text = wrap(text, axes_width_pt(ax), _SOURCE_SIZE)
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
