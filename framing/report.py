"""Report stage: run every analysis on a corpus and write figures, tables and a page.

:func:`write_report` is the main job (``framing report CORPUS --out DIR`` and
``make report``). It writes:

- ``DIR/tables/*.csv``: articles, terms, outlets (profiles), distinctive
  terms, duplicates, load report; UTF-8, ``\\n`` line ends, byte-identical for
  the same input and options;
- ``DIR/figures/*.png`` (300 dpi, less for a figure over 25 megapixels) plus ``.svg`` and ``.pdf``;
- ``DIR/index.html``: one self-contained page (figures embedded, no network).

Every file is written to a temporary name and renamed into place, so an
interrupted run never leaves a half-written file that looks complete.
"""

from __future__ import annotations

import contextlib
import io
import os
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from framing._memory import release_memory
from framing._parallel import in_child, meanwhile
from framing._stats import wilson_interval
from framing._tokens import shared_tokens
from framing._version import __version__
from framing.agency import agency_shares
from framing.casualties import casualty_sources, reports_and_figures
from framing.clusters import cluster_articles
from framing.corpus import Corpus, as_corpus
from framing.counting import count_terms, find_matches, select_voice
from framing.distinctive import distinctive_terms
from framing.duplicates import copy_weights, find_duplicates
from framing.exceptions import FramingError
from framing.features import LexiconVectorizer
from framing.html import AnalysisSection, EvidenceLink, ReportFigure, render_report
from framing.lexicon import load_lexicons
from framing.plots import (plot_agency_shares, plot_axis_shares, plot_distinctive_terms, plot_framing_map,
                           plot_referents, plot_similarity, plot_term_heatmap, plot_timeline)
from framing.profiles import outlet_similarity, profile_outlets
from framing.referents import find_referents, referent_table
from framing.voice import VOICES, check_voice, keep_voices, segment_shared, shared_voices

__all__ = ["FIGURE_FORMATS", "ReportResult", "write_report", "write_table"]

FIGURE_FORMATS = ("png", "svg", "pdf")
TABLE_NAMES = ("articles", "terms", "outlets", "distinctive_terms", "duplicates", "load_report", "voice",
               "referents", "referent_matches", "agency", "agency_shares", "casualties", "casualty_sources")
_UMASK = os.umask(0)
os.umask(_UMASK)
_FIGURE_STYLE = {"svg.hashsalt": "framing", "font.size": 9, "axes.titlesize": 10, "figure.dpi": 100}
#: Resolution of the figures, in dots per inch.
FIGURE_DPI = 300
#: A PNG figure larger than this is drawn at a lower resolution (the axis shares of a lexicon with many axes
#: can reach 75 megapixels at 300 dpi: 300 MB to draw, more to encode and embed).
MAX_FIGURE_PIXELS = 25_000_000
#: Figures draw at most this many groups (the palette has 10 colours), those with the most articles.
MAX_FIGURE_GROUPS = 10
#: ``distinctive_terms.csv`` keeps this many terms (highest z) per group and feature.
DISTINCTIVE_TOP_TERMS = 100
#: The timeline shows months, else quarters, else years: the finest period that gives at most this many.
MAX_TIMELINE_PERIODS = 24
_PERIOD_NAMES = {"MS": "months", "QS": "quarters", "YS": "years"}


@dataclass
class ReportResult:
    """What :func:`write_report` computed and where it wrote it.

    ``timings`` holds the wall-clock seconds of each stage, in the order run:
    ``counting, duplicates, profiles, clustering, distinctive_terms,
    voice_referents_sourcing_agency, figures, tables, html``. Some stages
    overlap: a stage's worker processes may run during the one before (see
    :func:`write_report`), and ``tables`` is the wait for the child process
    that writes them while the figures are drawn.
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


def _atomic_write(path: Path, data: bytes | Iterable[bytes]) -> None:
    """Write bytes (or pieces of bytes, one after another) to a temporary file, then rename it to ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            for piece in [data] if isinstance(data, bytes) else data:
                stream.write(piece)
        os.chmod(temporary, 0o666 & ~_UMASK)  # mkstemp makes 0600; give the usual permissions
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_text(path, text: str) -> None:
    """Write UTF-8 text through a temporary file and an atomic rename."""
    _atomic_write(Path(path), text.encode("utf-8"))


#: Starts of a cell that a spreadsheet would run as a formula (OWASP's list for CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
#: File that marks a folder as framing's own output folder, which a new report may overwrite.
OUTPUT_MARKER = ".framing-output"


def guard_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """Text cells that a spreadsheet would read as a formula, prefixed with ``'``.

    Article text, titles, outlet names and metadata are untrusted: a title
    such as ``=HYPERLINK("http://x", "click")`` would run when the CSV is
    opened in a spreadsheet. Cells of text columns that start with
    :data:`FORMULA_STARTS` get a leading apostrophe, which spreadsheets show
    as text; numbers are left alone. pandas reads the apostrophe back as part
    of the text.
    """
    guarded = None
    for column in frame.columns:
        values = frame[column]
        if not (values.dtype == object or pd.api.types.is_string_dtype(values.dtype)):
            continue
        risky = pd.Series([isinstance(value, str) and value.startswith(FORMULA_STARTS) for value in values.tolist()],
                          index=values.index, dtype=bool)  # a list comprehension: 3x faster than Series.map
        if risky.any():
            guarded = frame.copy() if guarded is None else guarded
            guarded[column] = values.where(~risky, "'" + values[risky].astype(str))
    return frame if guarded is None else guarded


def check_output(path, *, folder: bool, force: bool = False) -> Path:
    """Refuse to overwrite what framing did not write, unless ``force``.

    A folder may be written into when it is new, empty or marked by
    :data:`OUTPUT_MARKER` (a report wrote it before); a file when it does not
    exist yet.

    Raises
    ------
    FramingError
        Naming the path and the way out (another path, or ``--force``).
    """
    path = Path(path)
    if folder and path.exists() and not path.is_dir():
        raise FramingError(f"output folder {str(path)!r} is a file; choose a folder name")
    if force or not path.exists():
        return path
    if folder:
        if (path / OUTPUT_MARKER).exists() or not any(path.iterdir()):
            return path
        raise FramingError(f"output folder {str(path)!r} already holds files that framing did not write; "
                           "choose a new or empty folder, or pass --force to write into it anyway")
    if path.is_dir():
        raise FramingError(f"output file {str(path)!r} is a folder; choose a file name")
    raise FramingError(f"output file {str(path)!r} already exists; choose another name, or pass --force to "
                       "replace it")


def mark_output_folder(path) -> None:
    """Mark ``path`` as framing's output folder (see :func:`check_output`)."""
    write_text(Path(path) / OUTPUT_MARKER, "Written by framing; framing may overwrite the files in this folder.\n")


def write_table(frame: pd.DataFrame | Iterable[pd.DataFrame], path) -> None:
    """Write a table as UTF-8 CSV with ``\\n`` line ends, byte-identical across runs.

    Text cells that would run as spreadsheet formulas are prefixed with an
    apostrophe (see :func:`guard_formulas`). ``frame`` may also be an
    iterable of tables with the same columns, written one after another under
    one header, so that a table larger than memory is never held whole.
    """
    if isinstance(frame, pd.DataFrame):
        write_text(path, guard_formulas(frame).to_csv(index=False, lineterminator="\n"))
        return
    _atomic_write(Path(path), (guard_formulas(part).to_csv(index=False, header=number == 0, lineterminator="\n")
                               .encode("utf-8") for number, part in enumerate(frame)))


def _subplots(*args, figsize, **kwargs):
    """A figure and its axes, made without pyplot: the report never touches the user's backend or open figures."""
    figure = Figure(figsize=figsize)
    return figure, figure.subplots(*args, **kwargs)


def _save_figure(figure, directory: Path, name: str, formats) -> list[Path]:
    written = []
    for extension in formats:
        buffer = io.BytesIO()
        metadata = {"png": {"Software": f"framing {__version__}"}, "svg": {"Date": None},
                    "pdf": {"CreationDate": None, "ModDate": None}}[extension]
        figure.savefig(buffer, format=extension, dpi=_png_dpi(figure) if extension == "png" else FIGURE_DPI,
                       bbox_inches="tight", metadata=metadata)
        path = directory / f"{name}.{extension}"
        _atomic_write(path, buffer.getvalue())
        written.append(path)
    return written


def _png_dpi(figure) -> int:
    """:data:`FIGURE_DPI`, or less for a figure so large that it would pass :data:`MAX_FIGURE_PIXELS`."""
    width, height = figure.get_size_inches()
    return min(FIGURE_DPI, int((MAX_FIGURE_PIXELS / (width * height)) ** 0.5))


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


def write_report(corpus, out, *, lexicon="israel_gaza", by: str = "outlet", voice="narration",
                 exclude_duplicates: bool = False, min_articles: int = 5, random_state: int = 0,
                 formats=FIGURE_FORMATS, duplicate_threshold: float | None = None,
                 force: bool = False, n_jobs=None, progress: bool | None = None, engine: str = "local",
                 scheduler: str | None = None) -> ReportResult:
    """Run the comparison on a corpus and write tables, figures and an HTML page.

    Parameters
    ----------
    corpus : Corpus
    out : str or pathlib.Path
        Output folder; ``tables/``, ``figures/`` and ``index.html`` go inside.
    lexicon : Lexicon, str, path or list of them, default="israel_gaza"
    by : str, default="outlet"
        Grouping column for profiles, distinctive terms and figures.
    voice : {"narration", "all", "quotation", "scare_quote"} or list of them, default="narration"
        Whose words the profiles, distinctive terms, clusters, referents and
        figures count: by default the outlet's own, leaving out quotations
        and scare quotes (see :func:`framing.voice.segment_voice`). The
        terms table always splits every count by voice.
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
    force : bool, default=False
        Write into ``out`` even when it holds files that framing did not
        write. By default only a new or empty folder, or one a report wrote
        before (marked by :data:`OUTPUT_MARKER`), is written into.
    n_jobs : int, optional
        Worker processes for counting (see :func:`framing.count_terms`); the
        tables are byte-identical whatever it is.
    progress : bool, optional
        Progress bars on a terminal or in Jupyter (None: only there; False: never).
    engine : {"local", "dask"}, default="local"
        Where the per-document work runs (see :func:`framing.count_terms`);
        ``scheduler`` is the address of a running Dask cluster, or None for a
        new ``LocalCluster``. The tables are the same on either engine.
    scheduler : str, optional

    Returns
    -------
    ReportResult
        With the seconds each stage took in ``timings``.

    Notes
    -----
    Articles are processed in id order, so the same articles with the same
    options give byte-identical tables whatever order they were loaded in.

    With worker processes (``n_jobs`` above 1, or a large corpus), the
    stages that send their texts to workers run alongside the serial ones
    of this process: voice segmentation during duplicates and profiles,
    harm reports and casualty figures during distinctive terms, and the
    page's matches during the figures, while child processes write the
    tables and draw the largest figure. Each stage computes what it would
    alone.
    """
    out = check_output(out, folder=True, force=force)
    with shared_voices():  # every stage reads the same voice spans; segment each text once
        return _report(corpus, out, lexicon=lexicon, by=by, voice=voice, exclude_duplicates=exclude_duplicates,
                       min_articles=min_articles, random_state=random_state, formats=formats,
                       duplicate_threshold=duplicate_threshold, n_jobs=n_jobs, progress=progress, engine=engine,
                       scheduler=scheduler)


def _report(corpus, out, *, lexicon, by, voice, exclude_duplicates, min_articles, random_state, formats,
            duplicate_threshold, n_jobs, progress, engine, scheduler) -> ReportResult:
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
    mark_output_folder(out)
    voices = check_voice(voice)
    notes = [f"Grouped by {by!r}; lexicons: {', '.join(lex.name for lex in lexicons)}; "
             f"random_state={random_state}.", _voice_note(voices)]

    article_counts = count_terms(corpus, lexicons, by="article", n_jobs=n_jobs, progress=progress, engine=engine,
                                 scheduler=scheduler)
    group_counts = count_terms(corpus, lexicons, by=by, voice=voice, counts=article_counts)
    clock.lap("counting")
    # find_duplicates reads every word and distinctive_terms the selected voices: they tokenise the same corpus,
    # once, only when every voice is selected; otherwise keeping the first tokens would only hold memory.
    with shared_tokens() if voices == VOICES else contextlib.nullcontext():
        # Every text is segmented into voices once, in workers that run while this process finds duplicates
        # and profiles; the spans are kept for clustering, distinctive terms and the evidence below.
        with meanwhile(segment_shared, corpus, n_jobs=n_jobs, n_items=len(corpus)) as voices_segmented:
            duplicate_options = {} if duplicate_threshold is None else {"threshold": duplicate_threshold}
            duplicates = find_duplicates(corpus, **duplicate_options, n_jobs=n_jobs)
            weights = copy_weights(corpus, duplicates, policy="exclude") if exclude_duplicates else None
            if exclude_duplicates:
                notes.append(f"Copies excluded from profiles and distinctive terms: {int((weights == 0).sum())} "
                             "articles.")
            else:
                notes.append(f"{len(duplicates)} near-duplicate pairs found and listed; copies are counted "
                             "(use --exclude-duplicates to leave them out).")
            clock.lap("duplicates")
            profiles = profile_outlets(corpus, lexicons, by=by, min_articles=min_articles,
                                       random_state=random_state, weights=weights, voice=voices,
                                       counts=article_counts)
            clock.lap("profiles")
            voices_segmented()
        # The outlet's own words (or the chosen voices).
        release_memory()  # what duplicates and profiles let go, before the largest stages
        own_words = keep_voices(corpus, voices, n_jobs=n_jobs)
        clusters = None
        if len(corpus) >= 3:
            try:
                clusters = cluster_articles(own_words, lexicons, random_state=random_state, n_jobs=n_jobs)
            except FramingError as error:
                notes.append(f"No clustering: {error}.")
        else:
            notes.append("No clustering: it needs at least 3 articles.")
        # A blanked copy of every text: distinctive terms makes its own from the kept spans and lets it go once
        # tokenised, before the n-gram tally (the memory peak of a large corpus), so none is held here.
        del own_words
        release_memory()
        clock.lap("clustering")
        # Harm reports and casualty figures read only the texts and their voice spans: their workers run while
        # this process finds the distinctive terms.
        with meanwhile(reports_and_figures, corpus, n_jobs=n_jobs, n_items=len(corpus),
                       progress=progress) as harm_and_casualties:
            distinctive = _distinctive(corpus, by, lexicons, weights, voices, article_counts, notes, n_jobs)
            clock.lap("distinctive_terms")
            analyses = _voice_analyses(corpus, lexicons, by, voices, article_counts, notes,
                                       harm_and_casualties())
    release_memory()
    clock.lap("voice_referents_sourcing_agency")

    tables = {
        "articles": _articles_table(corpus, lexicons, clusters, select_voice(article_counts, voices)),
        "terms": article_counts,
        "outlets": pd.DataFrame(profiles),
        "distinctive_terms": distinctive,
        "duplicates": duplicates,
        "load_report": corpus.load_report,
        **analyses,
    }
    # The sentences behind the counts on the page: only the groups the page shows need them. Their workers
    # run while the tables are written and the figures drawn.
    shown = _figure_groups(corpus, by, notes)
    on_page = corpus
    if shown is not None:
        labels = pd.Series(corpus.ids) if by == "article" else corpus.group_labels(by).reset_index(drop=True)
        keep = set(pd.Series(corpus.ids)[labels.isin(shown).to_numpy()])
        on_page = corpus.filter(lambda article: article.id in keep)
    # Child processes write the tables and draw the axis shares, the largest figure, while this one draws the
    # others.
    with meanwhile(find_matches, on_page, lexicons, n_jobs=n_jobs, n_items=len(on_page)) as page_matches, \
            in_child(_write_tables, tables, out / "tables") as tables_written, \
            in_child(_figure_axis_shares, _only(profiles, profiles.columns[0], shown), out / "figures",
                     formats) as axis_shares:
        figures = _draw_figures(corpus, lexicons, by, shown, profiles, group_counts, distinctive, clusters,
                                article_counts, analyses, notes, out / "figures", formats)
        figures = axis_shares() + figures
        clock.lap("figures")
        tables_written()
        clock.lap("tables")
        matches = page_matches()
    page = render_report(corpus, tables, lexicons=lexicons, figures=figures, matches=matches, notes=notes,
                         settings=None,
                         sections=_analysis_sections(tables, matches, corpus, by, voices, shown, figures),
                         by=by, groups=shown, term_counts=group_counts, voices=voices)
    write_text(out / "index.html", page)
    clock.lap("html")
    return ReportResult(out, tables, figures, notes, clock.laps)


def _write_tables(tables: dict[str, pd.DataFrame], directory: Path) -> None:
    for name in TABLE_NAMES:
        write_table(tables[name], directory / f"{name}.csv")


def _draw_figures(corpus, lexicons, by, shown, profiles, group_counts, distinctive, clusters, article_counts,
                  analyses, notes, directory: Path, formats) -> list[Path]:
    """Draw and save the report's figures but the axis shares (see :func:`_figure_axis_shares`), of the ``shown``
    groups; return the files written."""
    figures: list[Path] = []
    profiles_shown = _only(profiles, profiles.columns[0], shown)
    group_counts = _only(group_counts, group_counts.columns[0], shown)
    with matplotlib.rc_context(_FIGURE_STYLE):
        figure, ax = _subplots(figsize=(10, 0.6 * max(2, group_counts.iloc[:, 0].nunique()) + 2.4))
        plot_term_heatmap(group_counts, ax=ax)
        figures += _save_figure(figure, directory, "term_heatmap", formats)
        figure, ax = _subplots(figsize=(9, 5.5))
        ngrams = distinctive[distinctive["feature"] == "ngram"] if "feature" in distinctive else distinctive
        plot_distinctive_terms(_only(ngrams, "group", shown), ax=ax)
        figures += _save_figure(figure, directory, "distinctive_terms", formats)
        if clusters is not None:
            figure, ax = _subplots(figsize=(8, 5.5))
            outlets = shown if by == "outlet" else _figure_groups(corpus, "outlet", notes)
            plot_framing_map(_only(clusters.articles, "outlet", outlets),
                             explained_variance=clusters.explained_variance, ax=ax)
            figures += _save_figure(figure, directory, "framing_map", formats)
        figure, (left, right) = _subplots(1, 2, figsize=(12, 4.8), gridspec_kw={"width_ratios": [1.2, 1]})
        similarity = outlet_similarity(profiles_shown)
        plot_similarity(similarity, ax=left)
        plot_similarity(similarity, kind="dendrogram", ax=right)
        figures += _save_figure(figure, directory, "similarity", formats)
        figures += _figure_timeline(corpus, lexicons, article_counts, by, directory, formats, notes)
        figures += _figure_analyses(analyses, by, shown, directory, formats)
    release_memory()  # a drawn figure keeps its pixel buffer (100 MB for a large one) until collected
    return figures


def _voice_analyses(corpus, lexicons, by, voices, article_counts, notes,
                    harm_and_casualties: tuple[pd.DataFrame, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """Voice shares, referents, harm reports and casualty figures, each with its per-group summary.

    ``harm_and_casualties`` is :func:`framing.casualties.reports_and_figures` of the corpus. The row tables
    (``referent_matches``, ``agency``, ``casualties``) keep every voice, with a ``voice`` column; the summaries
    count the selected ``voices`` only.
    """
    group_of = dict(zip(corpus.ids, corpus.group_labels(by))) if by != "article" else None
    group = "article_id" if by == "article" else by

    def grouped(table: pd.DataFrame) -> pd.DataFrame:
        if group in table:
            return table
        return table.assign(**{group: table["article_id"].map(group_of)})

    tables = {"voice": _voice_shares(article_counts, corpus, by)}
    with_referents = [lexicon for lexicon in lexicons if lexicon.referents is not None]
    if with_referents:
        matches = grouped(find_referents(corpus, with_referents))
        tables["referent_matches"] = matches
        tables["referents"] = referent_table(corpus, with_referents, by=group, voice=voices, referents=matches)
    else:
        notes.append("No referents: none of the lexicons has a referents section (see lexicons/README.md).")
        tables["referent_matches"] = pd.DataFrame(columns=["article_id", "outlet", "axis", "pole", "match", "voice",
                                                           "referent", "referent_cue", "sentence"])
        tables["referents"] = pd.DataFrame(columns=[group, "lexicon", "kind", "axis", "referent", "pole", "count",
                                                    "referent_total", "share", "ci_low", "ci_high"])
    reports, figures = map(grouped, harm_and_casualties)
    tables["agency"] = reports
    tables["agency_shares"] = agency_shares(reports[reports["voice"].isin(voices)], by=group)
    tables["casualties"] = figures
    tables["casualty_sources"] = casualty_sources(figures[figures["voice"].isin(voices)], by=group)
    return tables


def _voice_shares(article_counts: pd.DataFrame, corpus, by: str) -> pd.DataFrame:
    """Per group and voice: lexicon matches in that voice, of all matches (the denominator), with an interval."""
    group = "article_id" if by == "article" else by
    labels = dict(zip(corpus.ids, corpus.ids if by == "article" else corpus.group_labels(by)))
    counts = article_counts.assign(**{group: article_counts["article_id"].map(labels)}) if group != "article_id" \
        else article_counts
    totals = counts.groupby(group)[[f"count_{voice}" for voice in VOICES]].sum()
    totals = totals.reindex(sorted(set(labels.values()), key=str), fill_value=0)
    rows = []
    for name, row in totals.iterrows():
        n_matches = int(row.sum())
        for voice in VOICES:
            rows.append((name, voice, int(row[f"count_{voice}"]), n_matches))
    table = pd.DataFrame(rows, columns=[group, "voice", "count", "n_matches"])
    total = table["n_matches"].to_numpy(float)
    low, high = wilson_interval(table["count"].to_numpy(float), total)
    with np.errstate(invalid="ignore", divide="ignore"):
        table["share"] = np.where(total > 0, table["count"] / total, np.nan)
    table["ci_low"], table["ci_high"] = np.where(total > 0, low, np.nan), np.where(total > 0, high, np.nan)
    return table


def _analysis_sections(tables, matches, corpus, by, voices, shown, figures) -> list[AnalysisSection]:
    """The page's voice, referent, sourcing and agency tables, each count linked to its sentences."""
    group = "article_id" if by == "article" else by
    labels = dict(zip(corpus.ids, corpus.ids if by == "article" else corpus.group_labels(by)))

    def evidence(rows: pd.DataFrame, only_selected: bool = True) -> pd.DataFrame:
        rows = rows if group in rows else rows.assign(**{group: rows["article_id"].map(labels)})
        return rows[rows["voice"].isin(voices)] if only_selected else rows

    def figure(name: str, caption: str) -> tuple:
        path = next((path for path in figures if path.name == f"{name}.png"), None)
        return (ReportFigure(path, caption),) if path is not None else ()

    selected = ", ".join(voices)
    referents = tables["referents"]
    return [
        AnalysisSection(
            "Voice: who is speaking",
            "For each group, its lexicon matches in the outlet's own narration, inside quotations, and inside scare "
            "quotes; the share divides by all its matches (n_matches). Click a count for its sentences.",
            _only(tables["voice"], group, shown), csv_name="voice.csv", formats={"share": "percent"},
            links=[EvidenceLink("count", on=[group, "voice"])], evidence=evidence(matches, only_selected=False)),
        AnalysisSection(
            "Referents: whom a word names",
            f"Captivity, death and people words by the side they name ({selected}); the share divides by the "
            "words naming that side (referent_total). 'unknown': nothing in the sentence or earlier says.",
            _only(referents[referents["referent_total"] > 0], group, shown), csv_name="referents.csv",
            formats={"share": "percent"}, links=[EvidenceLink("count", on=[group, "axis", "referent", "pole"])],
            evidence=evidence(tables["referent_matches"]),
            figures=figure("referents", "Which words each outlet uses for each side's people (n = words).")),
        AnalysisSection(
            "Casualty figures: whose numbers",
            f"Figures of killed and injured per source type ({selected}); the share divides by all the group's "
            "figures (n_total). n_hedged: attributed with 'according to', 'said', 'claims'; n_qualified: with a "
            "qualifier such as 'Hamas-run'.",
            _only(tables["casualty_sources"], group, shown), csv_name="casualty_sources.csv",
            formats={"share": "percent"}, links=[EvidenceLink("n_figures", on=[group, "source_type"])],
            evidence=evidence(tables["casualties"])),
        AnalysisSection(
            "Casualty figures, one by one",
            "Every figure with its bound, population, source and hedge, and whose words it is in.",
            _only(tables["casualties"], group, shown), csv_name="casualties.csv",
            columns=["article_id", "outlet", "number_text", "bound", "outcome", "population", "source",
                     "source_type", "source_qualifier", "hedge", "voice"]),
        AnalysisSection(
            "Agency: who does the harm",
            f"Reports of killing and injury by construction ({selected}); the share divides by all the group's "
            "reports (n_reports). Active or passive with an agent names who acted; passive without agent, "
            "intransitive ('died') and nominal ('deaths') do not.",
            _only(tables["agency_shares"], group, shown), csv_name="agency_shares.csv",
            formats={"share": "percent"}, links=[EvidenceLink("count", on=[group, "construction"])],
            evidence=evidence(tables["agency"]),
            figures=figure("agency_shares", "Constructions in reports of death and injury (n = reports).")),
    ]


def _figure_analyses(analyses, by, shown, directory: Path, formats) -> list[Path]:
    """The referent figure (when the lexicon defines referents) and the agency shares."""
    group = "article_id" if by == "article" else by
    figures = []
    referents = _only(analyses["referents"], group, shown)
    if not referents.empty and (referents["referent_total"] > 0).any():
        axis = referents["axis"].iloc[0]
        n_bars = referents[(referents["axis"] == axis) & (referents["referent"] != "unknown")
                           & (referents["referent_total"] > 0)].groupby([group, "referent"]).ngroups
        figure, ax = _subplots(figsize=(9, 0.45 * max(n_bars, 3) + 1.8))
        plot_referents(referents, axis=axis, ax=ax)
        figures += _save_figure(figure, directory, "referents", formats)
    shares = _only(analyses["agency_shares"], group, shown)
    figure, ax = _subplots(figsize=(9, 0.45 * max(shares[group].nunique(), 3) + 1.8))
    plot_agency_shares(shares, ax=ax)
    figures += _save_figure(figure, directory, "agency_shares", formats)
    return figures


def _voice_note(voices: tuple[str, ...]) -> str:
    """The voice setting, said plainly for the notes and the page."""
    if voices == ("narration",):
        return ("Voice: narration only. Profiles, distinctive terms, clusters, referents and figures count the "
                "outlet's own words; quotations and scare quotes are left out (terms.csv splits every count by "
                "voice; use --voice all to include them).")
    if voices == VOICES:
        return "Voice: all. Profiles, distinctive terms, clusters and figures count quoted words too."
    return f"Voice: {', '.join(voices)} only."


def _distinctive(corpus, by, lexicons, weights, voices, article_counts, notes, n_jobs=None) -> pd.DataFrame:
    frames = []
    for features in ("ngrams", "lexicon"):
        try:
            frames.append(distinctive_terms(corpus, by=by, features=features, lexicon=lexicons, weights=weights,
                                            top=DISTINCTIVE_TOP_TERMS, voice=voices, counts=article_counts,
                                            n_jobs=n_jobs))
        except FramingError as error:
            notes.append(f"No distinctive {features}: {error}.")
    if any((frame.groupby("group").size() >= DISTINCTIVE_TOP_TERMS).any() for frame in frames):
        notes.append(f"distinctive_terms.csv lists at most the {DISTINCTIVE_TOP_TERMS} highest-z terms of each "
                     f"{by} and feature; framing.distinctive_terms gives every term.")
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(
        columns=["group", "versus", "term", "feature", "count_group", "count_versus", "z"])


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


@matplotlib.rc_context(_FIGURE_STYLE)  # drawn apart from the others (see _report), in the report's style
def _figure_axis_shares(profiles, directory: Path, formats) -> list[Path]:
    """Draw and save the pole shares of every axis, with their intervals; return the files written."""
    axes_names = list(dict.fromkeys(profiles.loc[profiles["measure"] == "share", "axis"]))
    if not axes_names:
        return []
    columns = 2
    rows = (len(axes_names) + columns - 1) // columns
    n_groups = profiles.iloc[:, 0].nunique()
    figure, grid = _subplots(rows, columns, figsize=(15, rows * (1.2 + 0.35 * n_groups * 1.2) + 0.6),
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
    freq = _timeline_period(per_article["date"])
    if freq != "MS":
        notes.append(f"The timeline shows {_PERIOD_NAMES[freq]}: the dated articles span more than "
                     f"{MAX_TIMELINE_PERIODS} months.")
    figure, ax = _subplots(figsize=(9, 4))
    plot_timeline(per_article, axis=axis.name, pole=axis.poles[0].name, group=group, freq=freq, ax=ax)
    return _save_figure(figure, directory, "timeline", formats)


def _timeline_period(dates: pd.Series) -> str:
    """The pandas frequency of the timeline's periods for these dates (see :data:`MAX_TIMELINE_PERIODS`).

    A period holds a share of the few mentions an outlet makes in it: over
    eight years of months, most points rest on one or two mentions and swing
    between 0 and 100%.
    """
    dates = pd.to_datetime(dates.dropna())
    if dates.empty:
        return "MS"
    for freq in ("MS", "QS"):
        if len(pd.period_range(dates.min(), dates.max(), freq=freq[:1])) <= MAX_TIMELINE_PERIODS:
            return freq
    return "YS"

