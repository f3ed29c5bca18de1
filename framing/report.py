"""Report stage: run every analysis on a corpus and write figures, tables and a page.

:func:`write_report` is the main job (``framing report CORPUS --out DIR`` and
``make report``). It writes:

- ``DIR/tables/*.csv``: articles, terms, outlets (profiles), distinctive
  terms, duplicates, load report; UTF-8, ``\\n`` line ends, byte-identical for
  the same input and options;
- ``DIR/figures/*.png`` (300 dpi) plus ``.svg`` and ``.pdf``;
- ``DIR/index.html``: one self-contained page (figures embedded, no network).

Every file is written to a temporary name and renamed into place, so an
interrupted run never leaves a half-written file that looks complete.
"""

from __future__ import annotations

import base64
import html
import io
import os
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from framing._tokens import shared_tokens  # noqa: E402
from framing._version import __version__  # noqa: E402
from framing.clusters import cluster_articles  # noqa: E402
from framing.corpus import Corpus, as_corpus  # noqa: E402
from framing.counting import TERM_KEYS, _group_column, count_terms  # noqa: E402
from framing.distinctive import distinctive_terms  # noqa: E402
from framing.duplicates import copy_weights, find_duplicates  # noqa: E402
from framing.exceptions import FramingError  # noqa: E402
from framing.features import LexiconVectorizer  # noqa: E402
from framing.lexicon import load_lexicons  # noqa: E402
from framing.plots import (plot_axis_shares, plot_distinctive_terms, plot_framing_map,  # noqa: E402
                           plot_similarity, plot_term_heatmap, plot_timeline)
from framing.profiles import outlet_similarity, profile_outlets  # noqa: E402

__all__ = ["FIGURE_FORMATS", "ReportResult", "write_report", "write_table"]

FIGURE_FORMATS = ("png", "svg", "pdf")
TABLE_NAMES = ("articles", "terms", "outlets", "distinctive_terms", "duplicates", "load_report")
_UMASK = os.umask(0)
os.umask(_UMASK)
_FIGURE_STYLE = {"svg.hashsalt": "framing", "font.size": 9, "axes.titlesize": 10, "figure.dpi": 100}
#: Figures draw at most this many groups (the palette has 10 colours), those with the most articles.
MAX_FIGURE_GROUPS = 10
#: ``distinctive_terms.csv`` keeps this many terms (highest z) per group and feature.
DISTINCTIVE_TOP_TERMS = 100


@dataclass
class ReportResult:
    """What :func:`write_report` computed and where it wrote it.

    ``timings`` holds the wall-clock seconds of each stage, in the order run:
    ``counting, duplicates, profiles, distinctive_terms, clustering, tables,
    figures, html``.
    """

    out: Path
    tables: dict[str, pd.DataFrame]
    figures: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)


class _Stopwatch:
    """Wall-clock seconds of consecutive stages: each :meth:`lap` closes the stage that ran since the last."""

    def __init__(self):
        self.laps: dict[str, float] = {}
        self._last = time.perf_counter()

    def lap(self, stage: str) -> None:
        now = time.perf_counter()
        self.laps[stage] = self.laps.get(stage, 0.0) + now - self._last
        self._last = now


def _atomic_write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.chmod(temporary, 0o666 & ~_UMASK)  # mkstemp makes 0600; give the usual permissions
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_text(path, text: str) -> None:
    """Write UTF-8 text through a temporary file and an atomic rename."""
    _atomic_write(Path(path), text.encode("utf-8"))


def write_table(frame: pd.DataFrame, path) -> None:
    """Write a table as UTF-8 CSV with ``\\n`` line ends, byte-identical across runs."""
    write_text(path, frame.to_csv(index=False, lineterminator="\n"))


def _save_figure(figure, directory: Path, name: str, formats) -> list[Path]:
    written = []
    for extension in formats:
        buffer = io.BytesIO()
        metadata = {"png": {"Software": f"framing {__version__}"}, "svg": {"Date": None},
                    "pdf": {"CreationDate": None, "ModDate": None}}[extension]
        figure.savefig(buffer, format=extension, dpi=300, bbox_inches="tight", metadata=metadata)
        path = directory / f"{name}.{extension}"
        _atomic_write(path, buffer.getvalue())
        written.append(path)
    plt.close(figure)
    return written


def _parse_formats(formats) -> tuple[str, ...]:
    if isinstance(formats, str):
        formats = [part.strip() for part in formats.split(",") if part.strip()]
    formats = tuple(dict.fromkeys(formats))
    unknown = [f for f in formats if f not in FIGURE_FORMATS]
    if unknown or not formats:
        raise FramingError(f"formats={','.join(formats) or '(none)'} is not valid; use a comma-separated "
                           f"subset of {','.join(FIGURE_FORMATS)}")
    if "png" not in formats:
        formats = ("png", *formats)  # the HTML page embeds the PNGs
    return formats


def write_report(corpus, out, *, lexicon="israel_gaza", by: str = "outlet", exclude_duplicates: bool = False,
                 min_articles: int = 5, random_state: int = 0, formats=FIGURE_FORMATS,
                 duplicate_threshold: float | None = None) -> ReportResult:
    """Run the comparison on a corpus and write tables, figures and an HTML page.

    Parameters
    ----------
    corpus : Corpus
    out : str or pathlib.Path
        Output folder; ``tables/``, ``figures/`` and ``index.html`` go inside.
    lexicon : Lexicon, str, path or list of them, default="israel_gaza"
    by : str, default="outlet"
        Grouping column for profiles, distinctive terms and figures.
    exclude_duplicates : bool, default=False
        Give copies of an earlier article weight 0 in profiles and
        distinctive terms (see :func:`framing.duplicates.copy_weights`). By
        default copies are kept and listed in ``duplicates.csv``.
    min_articles : int, default=5
        Groups with fewer articles are flagged as small samples.
    random_state : int, default=0
    formats : str or sequence of str, default=("png", "svg", "pdf")
    duplicate_threshold : float, optional
        Passed to :func:`framing.find_duplicates`; its default when None.

    Returns
    -------
    ReportResult
        With the seconds each stage took in ``timings``.

    Notes
    -----
    Articles are processed in id order, so the same articles with the same
    options give byte-identical tables whatever order they were loaded in.
    """
    clock = _Stopwatch()
    corpus = as_corpus(corpus)
    if len(corpus) == 0:
        raise FramingError("the corpus has no articles; nothing to report (see the load report)")
    # Work in id order, so that no table depends on the order the inputs came in.
    corpus = Corpus(sorted(corpus, key=lambda article: article.id), load_report=corpus.load_report,
                    source=corpus.source)
    formats = _parse_formats(formats)
    lexicons = tuple(load_lexicons(lexicon))
    out = Path(out)
    notes = [f"Grouped by {by!r}; lexicons: {', '.join(lex.name for lex in lexicons)}; "
             f"random_state={random_state}."]

    article_counts = count_terms(corpus, lexicons, by="article")
    group_counts = _group_counts(corpus, lexicons, article_counts, by)
    clock.lap("counting")
    with shared_tokens():  # find_duplicates and distinctive_terms tokenise the corpus once
        duplicate_options = {} if duplicate_threshold is None else {"threshold": duplicate_threshold}
        duplicates = find_duplicates(corpus, **duplicate_options)
        weights = copy_weights(corpus, duplicates, policy="exclude") if exclude_duplicates else None
        if exclude_duplicates:
            notes.append(f"Copies excluded from profiles and distinctive terms: {int((weights == 0).sum())} articles.")
        else:
            notes.append(f"{len(duplicates)} near-duplicate pairs found and listed; copies are counted "
                         "(use --exclude-duplicates to leave them out).")
        clock.lap("duplicates")
        profiles = profile_outlets(corpus, lexicons, by=by, min_articles=min_articles, random_state=random_state,
                                   weights=weights, counts=article_counts)
        clock.lap("profiles")
        distinctive = _distinctive(corpus, by, lexicons, weights, article_counts, notes)
        clock.lap("distinctive_terms")
    clusters = None
    if len(corpus) >= 3:
        try:
            clusters = cluster_articles(corpus, lexicons, random_state=random_state)
        except FramingError as error:
            notes.append(f"No clustering: {error}.")
    else:
        notes.append("No clustering: it needs at least 3 articles.")
    clock.lap("clustering")

    tables = {
        "articles": _articles_table(corpus, lexicons, clusters, article_counts),
        "terms": article_counts,
        "outlets": pd.DataFrame(profiles),
        "distinctive_terms": distinctive,
        "duplicates": duplicates,
        "load_report": corpus.load_report,
    }
    for name in TABLE_NAMES:
        write_table(tables[name], out / "tables" / f"{name}.csv")
    clock.lap("tables")

    figures: list[Path] = []
    shown = _figure_groups(corpus, by, notes)
    profiles_shown = _only(profiles, profiles.columns[0], shown)
    group_counts = _only(group_counts, group_counts.columns[0], shown)
    with plt.rc_context(_FIGURE_STYLE):
        figures += _figure_axis_shares(profiles_shown, out / "figures", formats)
        figure, ax = plt.subplots(figsize=(10, 0.6 * max(2, group_counts.iloc[:, 0].nunique()) + 2.4))
        plot_term_heatmap(group_counts, ax=ax)
        figures += _save_figure(figure, out / "figures", "term_heatmap", formats)
        figure, ax = plt.subplots(figsize=(9, 5.5))
        ngrams = distinctive[distinctive["feature"] == "ngram"] if "feature" in distinctive else distinctive
        plot_distinctive_terms(_only(ngrams, "group", shown), ax=ax)
        figures += _save_figure(figure, out / "figures", "distinctive_terms", formats)
        if clusters is not None:
            figure, ax = plt.subplots(figsize=(8, 5.5))
            outlets = shown if by == "outlet" else _figure_groups(corpus, "outlet", notes)
            plot_framing_map(_only(clusters.articles, "outlet", outlets),
                             explained_variance=clusters.explained_variance, ax=ax)
            figures += _save_figure(figure, out / "figures", "framing_map", formats)
        figure, (left, right) = plt.subplots(1, 2, figsize=(12, 4.8), gridspec_kw={"width_ratios": [1.2, 1]})
        similarity = outlet_similarity(profiles_shown)
        plot_similarity(similarity, ax=left)
        plot_similarity(similarity, kind="dendrogram", ax=right)
        figures += _save_figure(figure, out / "figures", "similarity", formats)
        figures += _figure_timeline(corpus, lexicons, article_counts, by, out / "figures", formats, notes)
    clock.lap("figures")
    _write_index(out, corpus, lexicons, tables, figures, notes)
    clock.lap("html")
    return ReportResult(out, tables, figures, notes, clock.laps)


def _distinctive(corpus, by, lexicons, weights, article_counts, notes) -> pd.DataFrame:
    frames = []
    for features in ("ngrams", "lexicon"):
        try:
            frames.append(distinctive_terms(corpus, by=by, features=features, lexicon=lexicons, weights=weights,
                                            top=DISTINCTIVE_TOP_TERMS, counts=article_counts))
        except FramingError as error:
            notes.append(f"No distinctive {features}: {error}.")
    if any((frame.groupby("group").size() >= DISTINCTIVE_TOP_TERMS).any() for frame in frames):
        notes.append(f"distinctive_terms.csv lists at most the {DISTINCTIVE_TOP_TERMS} highest-z terms of each "
                     f"{by} and feature; framing.distinctive_terms gives every term.")
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(
        columns=["group", "versus", "term", "feature", "count_group", "count_versus", "z"])


def _group_counts(corpus, lexicons, article_counts, by: str) -> pd.DataFrame:
    """``count_terms(corpus, lexicons, by=by)``, added up from the article counts instead of matching again.

    Rows come in the same order: by group, then in lexicon order (the order
    of ``Lexicon.entries``).
    """
    if by == "article":
        return article_counts
    entries = [(entry.lexicon, entry.kind, entry.axis, entry.pole, entry.term.text)
               for lexicon in lexicons for entry in lexicon.entries()]
    if len(set(entries)) < len(entries):  # a term listed twice: its rows cannot be told apart
        return count_terms(corpus, lexicons, by=by)
    group, articles = _group_column(corpus, by)
    sizes = articles.groupby(group, sort=True).agg(n_articles=("article_id", "size"),
                                                  n_tokens=("n_tokens", "sum")).reset_index()
    entry = pd.MultiIndex.from_tuples(entries).get_indexer(pd.MultiIndex.from_frame(article_counts[TERM_KEYS]))
    counts = article_counts[["article_id", *TERM_KEYS, "count"]].assign(entry=entry).merge(
        articles[["article_id", group]], on="article_id")
    counts = counts.groupby([group, *TERM_KEYS, "entry"], sort=False, as_index=False)["count"].sum()
    table = counts.merge(sizes, on=group, how="left")
    table["_group_order"] = table[group].map({value: i for i, value in enumerate(sizes[group])})
    table = table.sort_values(["_group_order", "entry"], kind="stable")
    table["rate_per_1000"] = 1000.0 * table["count"] / table["n_tokens"].where(table["n_tokens"] > 0)
    return table[[group, "n_articles", "n_tokens", *TERM_KEYS, "count", "rate_per_1000"]].reset_index(drop=True)


def _pole_shares(corpus, lexicons, article_counts) -> pd.DataFrame:
    """``LexiconVectorizer(lexicon=lexicons, scale="share")`` features, from the article counts instead of matching.

    One column per pole and category, in the vectorizer's order (that of
    ``Lexicon.poles``): a pole's share of its axis in the article (0 when the
    axis has no match), a category's rate per 1,000 tokens.
    """
    vectorizer = LexiconVectorizer(lexicon=lexicons, scale="share").set_output(transform="pandas").fit()
    poles = [(lexicon.name, kind, axis, pole) for lexicon in lexicons for kind, axis, pole in lexicon.poles()]
    if len(poles) != len(vectorizer.get_feature_names_out()):  # not one column per pole: let it count
        return vectorizer.transform(corpus)
    articles = corpus.to_frame()
    rows = pd.Index(articles["id"]).get_indexer(article_counts["article_id"])
    columns = pd.MultiIndex.from_tuples(poles).get_indexer(
        pd.MultiIndex.from_frame(article_counts[["lexicon", "kind", "axis", "pole"]]))
    counts = np.zeros((len(articles), len(poles)))
    np.add.at(counts, (rows, columns), article_counts["count"].to_numpy(dtype=float))
    n_tokens = articles["n_tokens"].to_numpy(dtype=float)[:, None]
    axis_keys: dict[tuple[str, str], int] = {}
    axis_of = np.array([axis_keys.setdefault((lexicon, axis), len(axis_keys)) for lexicon, _, axis, _ in poles])
    is_share = np.array([kind == "axis" for _, kind, _, _ in poles])
    totals = np.zeros((len(articles), len(axis_keys)))
    np.add.at(totals.T, axis_of, counts.T)
    totals = totals[:, axis_of]
    with np.errstate(divide="ignore", invalid="ignore"):
        rates = np.where(n_tokens > 0, 1000.0 * counts / n_tokens, 0.0)
        shares = np.where(totals > 0, counts / totals, 0.0)
    return pd.DataFrame(np.where(is_share, shares, rates), columns=vectorizer.get_feature_names_out())


def _articles_table(corpus, lexicons, clusters, article_counts) -> pd.DataFrame:
    frame = corpus.to_frame()[["id", "outlet", "date", "title", "n_tokens"]].rename(columns={"id": "article_id"})
    frame["date"] = frame["date"].dt.strftime("%Y-%m-%d")
    if clusters is not None:
        frame = frame.merge(clusters.articles[["article_id", "cluster", "x", "y"]], on="article_id", how="left")
    else:
        frame = frame.assign(cluster=pd.NA, x=np.nan, y=np.nan)
    features = _pole_shares(corpus, lexicons, article_counts)
    features.columns = [f"share:{name}" if ":" in name else f"rate:{name}" for name in features.columns]
    return pd.concat([frame.reset_index(drop=True), features.reset_index(drop=True)], axis=1)


def _figure_groups(corpus, by: str, notes) -> list[str] | None:
    """The :data:`MAX_FIGURE_GROUPS` groups with the most articles, or None when figures can show every group."""
    sizes = corpus.group_labels(by).value_counts()
    if len(sizes) <= MAX_FIGURE_GROUPS:
        return None
    ranked = sorted(sizes.items(), key=lambda item: (-item[1], str(item[0])))
    notes.append(f"Figures show the {MAX_FIGURE_GROUPS} values of {by!r} with the most articles (of "
                 f"{len(sizes)}); the tables cover every one.")
    return [name for name, _ in ranked[:MAX_FIGURE_GROUPS]]


def _only(frame: pd.DataFrame, column: str, shown: list[str] | None) -> pd.DataFrame:
    """The rows of ``frame`` whose ``column`` is one of ``shown``; every row when ``shown`` is None."""
    return frame if shown is None else frame[frame[column].isin(shown)]


def _figure_axis_shares(profiles, directory: Path, formats) -> list[Path]:
    axes_names = list(dict.fromkeys(profiles.loc[profiles["measure"] == "share", "axis"]))
    if not axes_names:
        return []
    columns = 2
    rows = (len(axes_names) + columns - 1) // columns
    n_groups = profiles.iloc[:, 0].nunique()
    figure, grid = plt.subplots(rows, columns, figsize=(15, rows * (1.2 + 0.35 * n_groups * 1.2) + 0.6),
                                squeeze=False)
    for ax, axis in zip(grid.flat, axes_names):
        plot_axis_shares(profiles, axis=axis, ax=ax)
    for ax in list(grid.flat)[len(axes_names):]:
        ax.set_visible(False)
    figure.suptitle("Pole shares per axis, with 95% intervals (bootstrap over articles)", y=1.0)
    figure.tight_layout()
    return _save_figure(figure, directory, "axis_shares", formats)


def _figure_timeline(corpus, lexicons, article_counts, by, directory, formats, notes) -> list[Path]:
    frame = corpus.to_frame()
    if frame["date"].notna().sum() < 2:
        notes.append("No timeline: fewer than two dated articles.")
        return []
    group = by if by in frame.columns and by != "date" else "outlet"
    lexicon = lexicons[0]
    axis = lexicon.axes[0] if lexicon.axes else None
    if axis is None:
        return []
    pole_counts = article_counts[article_counts["axis"] == axis.name].groupby(
        ["article_id", "pole"], as_index=False)["count"].sum()
    grid = pd.MultiIndex.from_product([frame["id"], [pole.name for pole in axis.poles]],
                                      names=["article_id", "pole"]).to_frame(index=False)
    per_article = grid.merge(pole_counts, how="left", on=["article_id", "pole"]).fillna({"count": 0})
    per_article["axis_total"] = per_article.groupby("article_id")["count"].transform("sum")
    per_article = per_article.merge(frame[["id", "date", group]].rename(columns={"id": "article_id"}),
                                    on="article_id").assign(axis=axis.name)
    per_article = _only(per_article, group, _figure_groups(corpus, group, notes if group != by else []))
    figure, ax = plt.subplots(figsize=(9, 4))
    plot_timeline(per_article, axis=axis.name, pole=axis.poles[0].name, group=group, ax=ax)
    return _save_figure(figure, directory, "timeline", formats)


_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;max-width:1100px;margin:2em auto;
padding:0 1em;color:#1d1d1f;line-height:1.45}h1{font-size:1.6em}h2{margin-top:2em;border-bottom:1px solid #ddd}
table{border-collapse:collapse;font-size:.85em;margin:.5em 0}td,th{border:1px solid #ddd;padding:3px 6px;
text-align:left;vertical-align:top}th{background:#f4f4f6}img{max-width:100%;border:1px solid #eee}
.note{color:#555;font-size:.9em}.scroll{max-height:420px;overflow:auto}
"""


def _html_table(frame: pd.DataFrame, limit: int = 200) -> str:
    shown = frame.head(limit)
    more = f"<p class='note'>Showing {len(shown)} of {len(frame)} rows; all are in the CSV.</p>" \
        if len(frame) > limit else ""
    return "<div class='scroll'>" + shown.to_html(index=False, escape=True, na_rep="", border=0) + "</div>" + more


def _write_index(out: Path, corpus, lexicons, tables, figures, notes) -> None:
    def image(name: str, alt: str) -> str:
        path = out / "figures" / f"{name}.png"
        if path not in figures:
            return ""
        data = base64.b64encode(path.read_bytes()).decode("ascii")
        return f"<figure><img src='data:image/png;base64,{data}' alt='{html.escape(alt)}'></figure>"

    report = corpus.load_report
    loaded = int((report["status"] == "loaded").sum())
    skipped = int((report["status"] == "skipped").sum())
    outlets = ", ".join(html.escape(o) for o in corpus.outlets)
    body = [
        f"<h1>Framing report</h1><p>{len(corpus)} articles from {len(corpus.outlets)} outlets ({outlets}); "
        f"lexicons: {html.escape(', '.join(lex.name for lex in lexicons))}. "
        f"Load report: {loaded} inputs loaded, {skipped} skipped.</p>",
        "<ul>" + "".join(f"<li class='note'>{html.escape(note)}</li>" for note in notes) + "</ul>",
        "<h2>Outlet profiles</h2>", image("axis_shares", "Pole shares per axis with intervals"),
        _html_table(tables["outlets"]),
        "<h2>Term rates</h2>", image("term_heatmap", "Term rates per outlet"),
        "<h2>Distinctive terms</h2>", image("distinctive_terms", "Distinctive terms"),
        _html_table(tables["distinctive_terms"], limit=60),
        "<h2>Framing map</h2>", image("framing_map", "Articles on the framing map"),
        image("similarity", "Outlet similarity"), image("timeline", "Pole share over time"),
        "<h2>Articles</h2>", _html_table(tables["articles"]),
        "<h2>Copied and shared text</h2>", _html_table(tables["duplicates"]),
        "<h2>Load report</h2>", _html_table(tables["load_report"]),
        "<h2>What these numbers cannot show</h2><p class='note'>Counts do not know who is speaking, whom a word "
        "names, or why it was chosen; a lexicon sees only its own terms; small groups give wide intervals. "
        "See the method notes in the project README.</p>",
    ]
    page = ("<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>Framing report</title>"
            "<meta http-equiv='Content-Security-Policy' content=\"default-src 'none'; img-src data:; "
            "style-src 'unsafe-inline'\">"
            f"<style>{_CSS}</style></head><body>{''.join(body)}</body></html>\n")
    write_text(out / "index.html", page)
