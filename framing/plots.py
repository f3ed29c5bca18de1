"""Plots stage: axes-level seaborn figures, readable in black and white.

Every function takes a tidy DataFrame and ``ax=None`` (the current Axes), draws
on one Axes and returns it. None of them displays or saves the figure:
that is the report's job. Empty data gives an empty, labelled Axes.

Groups are told apart by colour (seaborn's colour-blind palette) *and* by
marker shape, so a figure survives a black-and-white printer. Titles and axis
labels say what is counted and how many articles stand behind it.
"""

from __future__ import annotations

import warnings

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib import ticker
from scipy.cluster.hierarchy import dendrogram, linkage
from scipy.spatial.distance import squareform

from framing.exceptions import FramingError

__all__ = ["plot_agency_shares", "plot_axis_shares", "plot_distinctive_terms", "plot_framing_map",
           "plot_referents", "plot_similarity", "plot_term_heatmap", "plot_timeline"]

MARKERS = ["o", "s", "^", "D", "v", "P", "X", "*", "h", "<", ">", "p"]
#: Hatches of stacked segments, so that shares are told apart in black and white too.
HATCHES = ["", "///", "...", "xx", "\\\\", "++", "oo", "--"]
HEATMAP_COLORMAP = "cividis"  # perceptually uniform, colour-blind safe, monotonic in grey
#: The x span of a similarity dendrogram whose groups all have the same profile (every height 0).
IDENTICAL_PROFILES_SPAN = 0.05

_DOCS = {
    "ax": """ax : matplotlib.axes.Axes, optional
        Axes to draw on; the current Axes when None.""",
    "kwargs": """**kwargs
        Passed to the underlying seaborn or matplotlib call.""",
    "returns": """Returns
    -------
    matplotlib.axes.Axes""",
}


def _document(function):
    function.__doc__ = function.__doc__.format(**_DOCS)
    return function


def _require(data: pd.DataFrame, columns, function: str) -> None:
    if not isinstance(data, pd.DataFrame):
        raise FramingError(f"{function} takes a pandas DataFrame, got {type(data).__name__}")
    missing = [column for column in columns if column not in data.columns]
    if missing:
        raise FramingError(f"{function}: data has no column {missing[0]!r}; it needs {', '.join(columns)} "
                           f"(columns present: {', '.join(map(str, data.columns))})")


def _empty(ax, title: str, xlabel: str = "", ylabel: str = ""):
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.text(0.5, 0.5, "no data", ha="center", va="center", transform=ax.transAxes, color="0.4")
    return ax


def _palette(n: int) -> list:
    """seaborn's colour-blind palette, reordered so the first colours differ most (no orange next to vermillion)."""
    base = sns.color_palette("colorblind", 10)
    order = [0, 1, 2, 4, 3, 5, 7, 9, 6, 8]
    return [base[order[i % 10]] for i in range(max(n, 1))]


def _styles(groups) -> dict:
    palette = _palette(len(groups))
    return {group: (palette[i], MARKERS[i % len(MARKERS)]) for i, group in enumerate(groups)}


@_document
def plot_axis_shares(data: pd.DataFrame, *, axis: str | None = None, group: str | None = None, ax=None, **kwargs):
    """Pole shares of one axis per group, with their intervals.

    Parameters
    ----------
    data : pandas.DataFrame
        Output of :func:`framing.profile_outlets`: a group column (the first
        column, or ``group``), ``axis, pole, measure, value, ci_low, ci_high,
        count, denominator, n_articles, small_sample``.
    axis : str, optional
        The axis to draw; required when ``data`` holds several axes.
    group : str, optional
        Grouping column; the first column of ``data`` by default.
    {ax}
    {kwargs}

    {returns}
        Points are shares (count / axis total), bars are the 95% intervals;
        hollow markers flag groups with too few articles.
    """
    ax = plt.gca() if ax is None else ax
    group = group or data.columns[0]
    _require(data, [group, "axis", "pole", "measure", "value", "ci_low", "ci_high", "denominator", "n_articles"],
             "plot_axis_shares")
    shares = data[data["measure"] == "share"]
    axes = list(dict.fromkeys(shares["axis"]))
    if axis is None and len(axes) > 1:
        raise FramingError(f"plot_axis_shares: data holds {len(axes)} axes; pass axis= one of {', '.join(axes)}")
    axis = axis or (axes[0] if axes else "")
    shares = shares[shares["axis"] == axis]
    if shares.empty:
        return _empty(ax, f"{axis}: no data", "share of the axis total")
    poles = list(dict.fromkeys(shares["pole"]))
    groups = sorted(shares[group].unique(), key=str)
    styles = _styles(groups)
    height = 0.8 / max(len(groups), 1)
    for index, name in enumerate(groups):
        rows = shares[shares[group] == name].set_index("pole").reindex(poles)
        y = np.arange(len(poles)) + (index - (len(groups) - 1) / 2) * height
        color, marker = styles[name]
        first = rows.iloc[0]
        small = bool(rows["small_sample"].iloc[0]) if "small_sample" in rows else False
        label = f"{name} (n={first['n_articles']} art., {int(first['denominator']) if pd.notna(first['denominator']) else 0} mentions){' *' if small else ''}"
        values = rows["value"].to_numpy(dtype=float)
        lower = values - rows["ci_low"].to_numpy(dtype=float)
        upper = rows["ci_high"].to_numpy(dtype=float) - values
        ax.errorbar(values, y, xerr=[lower, upper], fmt=marker, color=color, ecolor=color, elinewidth=1.2,
                    capsize=2.5, markersize=6, markerfacecolor="white" if small else color, label=label,
                    **kwargs)
    ax.set_yticks(np.arange(len(poles)), poles)
    ax.invert_yaxis()
    ax.set_xlim(-0.02, 1.02)
    ax.xaxis.set_major_formatter(plt.FuncFormatter(lambda v, _: f"{v:.0%}"))
    ax.set_xlabel("share of the axis total (point) with 95% interval (bar)")
    ax.set_ylabel("")
    ax.set_title(f"{axis}: which word each {group} uses")
    ax.grid(axis="x", color="0.9")
    ax.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1.01, 1), borderaxespad=0,
              title=f"{group} (* = small sample, hollow)", title_fontsize="x-small")
    return ax


@_document
def plot_term_heatmap(data: pd.DataFrame, *, group: str | None = None, value: str = "rate_per_1000",
                      top: int = 15, ax=None, **kwargs):
    """Group × term heatmap of term rates.

    Parameters
    ----------
    data : pandas.DataFrame
        Output of :func:`framing.count_terms` with ``by=<group>``: a group
        column, ``term, count, n_tokens`` and ``value``.
    group : str, optional
        Grouping column; the first column of ``data`` by default.
    value : str, default="rate_per_1000"
    top : int, default=15
        Show the ``top`` terms by total count.
    {ax}
    {kwargs}

    {returns}
    """
    ax = plt.gca() if ax is None else ax
    group = group or data.columns[0]
    _require(data, [group, "term", "count", "n_tokens", value], "plot_term_heatmap")
    title = f"Lexicon terms per {group}: {value.replace('_', ' ')}"
    if data.empty:
        return _empty(ax, title, "term", group)
    totals = data.groupby("term", sort=False)["count"].sum().sort_values(ascending=False, kind="stable")
    terms = list(totals.index[:top])
    table = data[data["term"].isin(terms)].pivot_table(index=group, columns="term", values=value, aggfunc="sum",
                                                       fill_value=0, sort=False)
    table = table.reindex(columns=terms)
    sizes = data.drop_duplicates(group).set_index(group)["n_tokens"]
    table.index = [f"{name} ({int(sizes[name]):,} tokens)" for name in table.index]
    sns.heatmap(table, ax=ax, cmap=HEATMAP_COLORMAP, annot=len(terms) <= 20, fmt=".1f", linewidths=0.5,
                linecolor="white", cbar_kws={"label": value.replace("_", " ")}, annot_kws={"fontsize": 7},
                **kwargs)
    ax.set_title(f"{title} (top {len(terms)} terms by count)")
    ax.set_xlabel("term")
    ax.set_ylabel("")
    ax.tick_params(axis="x", labelrotation=60)
    return ax


@_document
def plot_distinctive_terms(data: pd.DataFrame, *, top: int = 8, group: str = "group", ax=None, **kwargs):
    """Distinctiveness (z) against frequency, with the top terms labelled.

    Parameters
    ----------
    data : pandas.DataFrame
        Output of :func:`framing.distinctive_terms`: ``group, term, z,
        count_group, count_versus``.
    top : int, default=8
        Label the ``top`` terms with the highest z of each group (a label
        that would overlap one already placed is left out).
    group : str, default="group"
    {ax}
    {kwargs}

    {returns}
    """
    ax = plt.gca() if ax is None else ax
    _require(data, [group, "term", "z", "count_group", "count_versus"], "plot_distinctive_terms")
    title = "Distinctive terms: log-odds z-score against frequency"
    if data.empty:
        return _empty(ax, title, "occurrences in the whole corpus (log scale)", "z-score (log-odds, informative prior)")
    groups = sorted(data[group].unique(), key=str)
    styles = _styles(groups)
    frequency = data["count_group"] + data["count_versus"]
    ax.set_xscale("log")
    log_range = np.ptp(np.log10(frequency.clip(lower=1))) or 1.0
    z_range = np.ptp(data["z"]) or 1.0
    placed: list[tuple[float, float]] = []
    for name in groups:
        rows = data[data[group] == name]
        color, marker = styles[name]
        ax.scatter(frequency[rows.index], rows["z"], s=14, alpha=0.55, color=color, marker=marker,
                   label=str(name), **kwargs)
        best = rows.sort_values(["z", "term"], ascending=[False, True], kind="stable").head(top)
        for row in best.itertuples():
            x = row.count_group + row.count_versus
            spot = (np.log10(max(x, 1)) / log_range, row.z / z_range)
            if any(abs(spot[0] - px) < 0.08 and abs(spot[1] - py) < 0.035 for px, py in placed):
                continue  # a label already sits here; the point is still drawn
            placed.append(spot)
            ax.annotate(str(row.term), (x, row.z), fontsize=7, xytext=(3, 2), textcoords="offset points",
                        color=color)
    ax.axhline(1.96, color="0.5", linewidth=0.8, linestyle="--")
    ax.axhline(-1.96, color="0.5", linewidth=0.8, linestyle="--")
    _plain_log_ticks(ax.xaxis, log_range)
    ax.set_xlabel("occurrences in the whole corpus (log scale)")
    ax.set_ylabel("z-score (each group against the rest)")
    ax.set_title(f"{title}\n(dashed: |z| = 1.96, nominal, not corrected for the many terms tested)")
    ax.legend(fontsize="small", title=group, loc="upper left", bbox_to_anchor=(1.01, 1), borderaxespad=0)
    return ax


def _plain_log_ticks(axis, decades: float) -> None:
    """Counts on a log axis as plain numbers ("20", "1,000"), not powers of ten ("2×10^1"); the 2s and 5s
    between powers of ten are labelled too when the data span less than two decades."""
    def plain(value: float) -> str:
        return f"{value:,.0f}" if value >= 1 else f"{value:g}"

    def minor(value: float, _) -> str:
        mantissa = round(value / 10 ** np.floor(np.log10(value)))
        return plain(value) if decades < 2 and mantissa in (2, 5) else ""

    axis.set_major_formatter(ticker.FuncFormatter(lambda value, _: plain(value)))
    axis.set_minor_formatter(ticker.FuncFormatter(minor))


@_document
def plot_framing_map(data: pd.DataFrame, *, hue: str = "outlet", style: str = "cluster",
                     explained_variance=None, label_points_up_to: int = 20, ax=None, **kwargs):
    """Articles on the 2-D framing map, coloured by outlet, shaped by cluster.

    Parameters
    ----------
    data : pandas.DataFrame
        ``ClusterResult.articles``: ``article_id, outlet, cluster, x, y``.
    hue, style : str
        Columns for colour and marker shape.
    explained_variance : (float, float), optional
        ``ClusterResult.explained_variance``, shown on the axis labels.
    label_points_up_to : int, default=20
        Write the ``hue`` value beside every point when there are at most
        this many articles.
    {ax}
    {kwargs}

    {returns}
    """
    ax = plt.gca() if ax is None else ax
    _require(data, ["x", "y", hue, style], "plot_framing_map")
    title = f"Framing map of {len(data)} articles"
    labels = ("first principal component", "second principal component")
    if explained_variance is not None:
        labels = tuple(f"{label} ({share:.0%} of variance)" for label, share in zip(labels, explained_variance))
    if data.empty:
        return _empty(ax, title, *labels)
    frame = data.assign(**{style: data[style].astype(str)})
    hue_order = sorted(frame[hue].unique(), key=str)
    sns.scatterplot(data=frame, x="x", y="y", hue=hue, style=style, hue_order=hue_order,
                    style_order=sorted(frame[style].unique()), palette=_palette(len(hue_order)),
                    s=90, ax=ax, markers=MARKERS[:frame[style].nunique()], **kwargs)
    if len(frame) <= label_points_up_to:  # small maps: name each point, so the map reads in black and white
        for row in frame.itertuples():
            ax.annotate(str(getattr(row, hue)), (row.x, row.y), fontsize=7, xytext=(5, 4),
                        textcoords="offset points", color="0.25")
    ax.set_xlabel(labels[0])
    ax.set_ylabel(labels[1])
    ax.set_title(f"{title}: colour = {hue}, shape = {style} ({frame[style].nunique()} clusters)")
    ax.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1.01, 1), borderaxespad=0)
    return ax


@_document
def plot_similarity(data: pd.DataFrame, *, kind: str = "matrix", ax=None, **kwargs):
    """Outlet × outlet similarity of framing profiles, as a matrix or a dendrogram.

    Parameters
    ----------
    data : pandas.DataFrame
        Output of :func:`framing.outlet_similarity`: ``group_a, group_b,
        similarity`` (every ordered pair, the diagonal included).
    kind : {{"matrix", "dendrogram"}}, default="matrix"
        The dendrogram joins groups by average linkage on 1 − similarity.
    {ax}
    {kwargs}

    {returns}
    """
    ax = plt.gca() if ax is None else ax
    _require(data, ["group_a", "group_b", "similarity"], "plot_similarity")
    if kind not in ("matrix", "dendrogram"):
        raise FramingError(f"kind={kind!r} is not valid; use 'matrix' or 'dendrogram'")
    title = "Similarity of framing profiles (cosine of pole shares)"
    if data.empty:
        return _empty(ax, title)
    names = list(dict.fromkeys(data["group_a"]))
    matrix = data.pivot(index="group_a", columns="group_b", values="similarity").reindex(index=names, columns=names)
    if kind == "matrix":
        sns.heatmap(matrix, ax=ax, cmap=HEATMAP_COLORMAP, vmin=0, vmax=1, annot=True, fmt=".2f", square=True,
                    cbar_kws={"label": "cosine similarity"}, **kwargs)
        ax.set_xlabel("")
        ax.set_ylabel("")
        ax.set_title(title)
        return ax
    if len(names) < 2:
        return _empty(ax, f"{title}: a dendrogram needs two groups")
    distance = np.clip(1 - matrix.to_numpy(dtype=float), 0, None)
    np.fill_diagonal(distance, 0)
    tree = linkage(squareform((distance + distance.T) / 2, checks=False), method="average")
    with warnings.catch_warnings():  # identical profiles: every height is 0, and scipy sets equal x limits
        warnings.filterwarnings("ignore", message="Attempting to set identical low and high xlims",
                                category=UserWarning)
        dendrogram(tree, labels=names, orientation="left", ax=ax, color_threshold=0, above_threshold_color="0.2",
                   **kwargs)
    if not tree[:, 2].max() > 0:
        ax.set_xlim(IDENTICAL_PROFILES_SPAN, 0)
    ax.set_xlabel("1 − cosine similarity of pole shares (average linkage)")
    ax.set_title(title)
    return ax


@_document
def plot_timeline(data: pd.DataFrame, *, axis: str, pole: str, group: str = "outlet", freq: str = "MS",
                  dodge: bool = True, ax=None, **kwargs):
    """Share of one pole in its axis over time, per group.

    Parameters
    ----------
    data : pandas.DataFrame
        Per-article pole counts with dates: ``date, <group>, axis, pole,
        count, axis_total`` (``summarize_poles(corpus, by="article")`` merged
        with the articles' dates and outlets).
    axis, pole : str
        The pole whose share is drawn.
    group : str, default="outlet"
    freq : str, default="MS"
        pandas period for the time buckets ("MS": calendar months).
    dodge : bool, default=True
        Spread the groups' markers across each period, in group order, so
        that groups with the same share stay visible; a marker's place within
        its period means nothing. False puts every marker at the period's
        start.
    {ax}
    {kwargs}

    {returns}
        Undated articles are left out; the title says how many.
    """
    ax = plt.gca() if ax is None else ax
    _require(data, ["date", group, "axis", "pole", "count", "axis_total"], "plot_timeline")
    rows = data[(data["axis"] == axis) & (data["pole"] == pole)]
    dated = rows[rows["date"].notna()]
    title = f"Share of '{pole}' in {axis} over time"
    if dated.empty:
        return _empty(ax, f"{title}: no dated articles", "date", "share of the axis total")
    dated = dated.assign(bucket=pd.to_datetime(dated["date"]).dt.to_period(freq[:1]).dt.start_time)
    summary = dated.groupby([group, "bucket"], sort=True).agg(count=("count", "sum"), total=("axis_total", "sum"),
                                                              articles=("count", "size")).reset_index()
    summary = summary[summary["total"] > 0]
    names = sorted(summary[group].unique(), key=str)
    styles = _styles(names)
    buckets = pd.date_range(summary["bucket"].min(), summary["bucket"].max(), freq=freq)
    for name, rows_of_group in summary.groupby(group, sort=False):
        color, marker = styles[name]
        # Every bucket on the axis, so a period without articles breaks the line instead of bridging it.
        series = (rows_of_group.set_index("bucket")["count"] / rows_of_group.set_index("bucket")["total"])
        series = series.reindex(buckets.union(series.index))
        # Dodged: the groups share the middle 80% of each period, the first group earliest.
        place = 0.5 + (names.index(name) - (len(names) - 1) / 2) * 0.8 / len(names) if dodge else 0.0
        x = series.index + (series.index.to_period(freq[:1]).end_time - series.index) * place
        ax.plot(x, series.to_numpy(), marker=marker, color=color, markersize=7,
                markerfacecolor="none", markeredgewidth=1.5,
                label=f"{name} ({int(rows_of_group['articles'].sum())} art., "
                      f"{int(rows_of_group['total'].sum())} mentions)", **kwargs)
    ax.set_ylim(-0.02, 1.02)
    ax.yaxis.set_major_formatter(plt.FuncFormatter(lambda v, _: f"{v:.0%}"))
    ax.set_xlabel("date")
    ax.set_ylabel(f"share of '{pole}' in the {axis} total")
    left_out = len(rows) - len(dated)
    ax.set_title(f"{title}" + (f" ({left_out} undated articles left out)" if left_out else ""))
    ax.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1.01, 1), borderaxespad=0)
    ax.figure.autofmt_xdate()
    return ax


def _stacked_shares(ax, rows: list[str], totals: list[int], segments: list[str], shares: np.ndarray, *,
                    segment_title: str):
    """Horizontal bars of ``shares`` (rows × segments), each row summing to 1, labelled with its total."""
    palette = _palette(len(segments))
    left = np.zeros(len(rows))
    y = np.arange(len(rows))
    for index, segment in enumerate(segments):
        values = np.nan_to_num(shares[:, index])
        ax.barh(y, values, left=left, color=palette[index], hatch=HATCHES[index % len(HATCHES)],
                edgecolor="white", linewidth=0.6, label=segment)
        for row, (start, width) in enumerate(zip(left, values)):
            if width >= 0.12:
                ax.text(start + width / 2, row, f"{width:.0%}", ha="center", va="center", fontsize="x-small",
                        color="black", bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "alpha": 0.8,
                                             "linewidth": 0})
        left += values
    ax.set_yticks(y, [f"{row}  (n={total})" for row, total in zip(rows, totals)])
    ax.invert_yaxis()
    ax.set_xlim(0, 1)
    ax.xaxis.set_major_formatter(plt.FuncFormatter(lambda v, _: f"{v:.0%}"))
    ax.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1.01, 1), borderaxespad=0, title=segment_title,
              title_fontsize="x-small")
    return ax


@_document
def plot_referents(data: pd.DataFrame, *, axis: str | None = None, group: str | None = None,
                   include_unknown: bool = False, ax=None):
    """Which words each group uses for each side: pole shares per group and referent.

    Parameters
    ----------
    data : pandas.DataFrame
        Output of :func:`framing.referent_table`: a group column (the first
        column, or ``group``), ``axis, referent, pole, count, referent_total,
        share``.
    axis : str, optional
        The axis to draw; the first in ``data`` by default.
    group : str, optional
        Grouping column; the first column of ``data`` by default.
    include_unknown : bool, default=False
        Also draw the matches whose referent is unknown.
    {ax}

    {returns}
        One bar per group and referent with at least one match; segments are
        the poles' shares of that referent's matches, and the label gives
        ``n``, the number of matches behind the bar.
    """
    ax = plt.gca() if ax is None else ax
    group = group or data.columns[0]
    _require(data, [group, "axis", "referent", "pole", "count", "referent_total"], "plot_referents")
    axes = list(dict.fromkeys(data["axis"]))
    axis = axis or (axes[0] if axes else "")
    rows = data[(data["axis"] == axis) & (data["referent_total"] > 0)]
    if not include_unknown:
        rows = rows[rows["referent"] != "unknown"]
    title = f"{axis}: the words each {group} uses for each side's people"
    if rows.empty:
        return _empty(ax, title, "share of the matches naming that side")
    poles = list(dict.fromkeys(data.loc[data["axis"] == axis, "pole"]))
    referents = list(dict.fromkeys(rows["referent"]))
    labels, totals, shares = [], [], []
    for name in sorted(rows[group].unique(), key=str):
        for referent in referents:
            part = rows[(rows[group] == name) & (rows["referent"] == referent)].set_index("pole")
            if part.empty:
                continue
            counts = part["count"].reindex(poles).fillna(0).to_numpy(float)
            labels.append(f"{name} · {referent}")
            totals.append(int(counts.sum()))
            shares.append(counts / counts.sum())
    _stacked_shares(ax, labels, totals, poles, np.array(shares), segment_title="word used (pole)")
    ax.set_xlabel("share of the matches naming that side (n = matches)")
    ax.set_title(title)
    return ax


@_document
def plot_agency_shares(data: pd.DataFrame, *, group: str | None = None, ax=None):
    """How each group reports deaths and injuries: shares of each grammatical construction.

    Parameters
    ----------
    data : pandas.DataFrame
        Output of :func:`framing.agency_shares`: a group column (the first
        column, or ``group``), ``construction, count, n_reports, share``.
    group : str, optional
    {ax}

    {returns}
        One bar per group; segments are the constructions' shares of its
        harm reports, and the label gives ``n``, the number of reports.
    """
    ax = plt.gca() if ax is None else ax
    group = group or data.columns[0]
    _require(data, [group, "construction", "count", "n_reports"], "plot_agency_shares")
    rows = data[data["n_reports"] > 0]
    title = f"Who does the harm? Constructions in reports of death and injury, per {group}"
    if rows.empty:
        return _empty(ax, title, "share of the harm reports")
    constructions = list(dict.fromkeys(data["construction"]))
    labels, totals, shares = [], [], []
    for name in sorted(rows[group].unique(), key=str):
        part = rows[rows[group] == name].set_index("construction")["count"].reindex(constructions).fillna(0)
        labels.append(str(name))
        totals.append(int(part.sum()))
        shares.append(part.to_numpy(float) / part.sum())
    _stacked_shares(ax, labels, totals, [c.replace("_", " ") for c in constructions], np.array(shares),
                    segment_title="construction")
    ax.set_xlabel("share of the harm reports (n = reports)")
    ax.set_title(title)
    return ax
