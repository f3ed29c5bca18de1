"""Report stage (page): render the self-contained HTML page, every count linked to the sentences behind it.

:func:`render_report` turns the tables and figures of a report into one
``index.html`` string: CSS, script, data and figures are inline, and the
Content-Security-Policy forbids every network request. A count on the page is
a button; clicking it opens a panel with a sample of its sentences
(keyword in context: left context, the match, right context, article, outlet
and voice), taken from a *matches-like* table such as
:func:`framing.find_matches` gives.

Extra analysis tables (voice, referents, sourcing, agency, ...) are passed as
:class:`AnalysisSection` objects; :class:`EvidenceLink` says which of their
columns are counts and how a row finds its evidence rows.
"""

from __future__ import annotations

import base64
import hashlib
import importlib.resources
import html
import io
import json
import math
from collections.abc import Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from framing.exceptions import FramingError

__all__ = ["EVIDENCE_SAMPLE", "AnalysisSection", "EvidenceLink", "ReportFigure", "render_report"]

#: At most this many sentences are embedded per count; the panel says "showing k of N".
EVIDENCE_SAMPLE = 8
#: Characters of context kept on each side of a match in the page.
CONTEXT_CHARS = 150
#: Formats a column of an :class:`AnalysisSection` may be given.
COLUMN_FORMATS = ("text", "integer", "number", "percent", "yes/no")
_FIGURE_COLUMN_PX = 1040  # widest figure on the page, in CSS pixels
#: Image pixels per CSS pixel of an embedded figure: sharp on most screens, and the page stays small.
_PIXEL_DENSITY = 1.5
_BAND_PIXELS = 2**22  # pixels of a figure flattened at a time when it is embedded (16 MB of RGBA)


@dataclass(frozen=True)
class EvidenceLink:
    """How the numbers in one column of a table link to their evidence rows.

    Parameters
    ----------
    column : str
        The column of counts; each non-zero cell becomes a button.
    on : sequence of str or mapping of str to str
        Key columns: a cell's evidence is every evidence row whose key columns
        equal the cell's row. A sequence names columns present in both
        tables; a mapping maps table columns to evidence columns, e.g.
        ``{"outlet": "outlet", "pole": "pole"}``.
    where : mapping of str to object, default={}
        Fixed conditions on evidence columns, e.g. ``{"voice": "quotation"}``
        for a column that counts quoted uses only.

    Examples
    --------
    >>> link = EvidenceLink("n_quotation", on=["outlet", "axis", "pole"], where={"voice": "quotation"})
    >>> link.key_columns
    {'outlet': 'outlet', 'axis': 'axis', 'pole': 'pole'}
    """

    column: str
    on: Sequence[str] | Mapping[str, str]
    where: Mapping[str, object] = field(default_factory=dict)

    def __post_init__(self):
        if isinstance(self.on, str) or not self.on:
            raise FramingError(f"EvidenceLink({self.column!r}): on={self.on!r} must be a non-empty list of key "
                               "columns or a mapping of table columns to evidence columns")

    @property
    def key_columns(self) -> dict[str, str]:
        """Table column to evidence column, in key order."""
        return dict(self.on) if isinstance(self.on, Mapping) else {name: name for name in self.on}


@dataclass(frozen=True)
class ReportFigure:
    """A figure to embed: a PNG file (any resolution) and its caption.

    Parameters
    ----------
    path : str or pathlib.Path
        A PNG file; it is scaled to 1.5 times its display width and embedded as
        a ``data:`` URI.
    caption : str
        Shown under the figure; the first sentence also serves as alt text.
    """

    path: Path
    caption: str


@dataclass(frozen=True)
class AnalysisSection:
    """One table on the page, with the figures above it and the evidence behind its counts.

    Parameters
    ----------
    title : str
    intro : str
        One paragraph saying what a row is and how to read it.
    table : pandas.DataFrame
        Shown as a sortable table of at most ``max_rows`` rows.
    links : sequence of EvidenceLink, default=()
        Which columns are counts that open their sentences.
    evidence : pandas.DataFrame, optional
        Matches-like rows: ``article_id`` and either ``left, match, right``
        or ``sentence, sentence_start, start, end`` (as from
        :func:`framing.find_matches`); ``outlet``, ``voice`` and ``speaker``
        are shown when present, plus the key columns of the links. When
        None, the report's matches (every voice) are used.
    csv_name : str, optional
        The file under ``tables/`` holding every row, named when rows are cut.
    max_rows : int, default=200
    columns : sequence of str, optional
        The columns to show, in order; every column by default.
    formats : mapping of str to str, default={}
        Column to one of :data:`COLUMN_FORMATS`; by default integers,
        other numbers, booleans and text are told apart by dtype.
    filters : sequence of str, default=("outlet", "axis")
        Columns that get a drop-down filter, when present.
    figures : sequence of ReportFigure, default=()
    note : str, default=""
        A sentence shown under the table, e.g. which rows were left out.

    Examples
    --------
    >>> import pandas as pd
    >>> table = pd.DataFrame({"outlet": ["Wire"], "pole": ["hostage"], "n_quotation": [2]})
    >>> section = AnalysisSection("Who says it", "Quoted uses per pole.", table,
    ...                           links=[EvidenceLink("n_quotation", on=["outlet", "pole"],
    ...                                               where={"voice": "quotation"})])
    """

    title: str
    intro: str
    table: pd.DataFrame
    links: Sequence[EvidenceLink] = ()
    evidence: pd.DataFrame | None = None
    csv_name: str | None = None
    max_rows: int = 200
    columns: Sequence[str] | None = None
    formats: Mapping[str, str] = field(default_factory=dict)
    filters: Sequence[str] = ("outlet", "axis")
    figures: Sequence[ReportFigure] = ()
    note: str = ""

    def __post_init__(self):
        where = f"section {self.title!r}"
        if not isinstance(self.table, pd.DataFrame):
            raise FramingError(f"{where}: table must be a pandas DataFrame, got {type(self.table).__name__}")
        shown = list(self.table.columns if self.columns is None else self.columns)
        missing = [name for name in shown if name not in self.table.columns]
        for link in self.links:
            missing += [name for name in (link.column, *link.key_columns) if name not in self.table.columns]
        if missing:
            raise FramingError(f"{where}: no column {missing[0]!r} in its table; columns: "
                               f"{', '.join(map(str, self.table.columns))}")
        bad = {name: kind for name, kind in self.formats.items() if kind not in COLUMN_FORMATS}
        if bad:
            name, kind = next(iter(bad.items()))
            raise FramingError(f"{where}: column {name!r} has format {kind!r}; use one of {', '.join(COLUMN_FORMATS)}")
        if not isinstance(self.max_rows, int) or self.max_rows < 1:
            raise FramingError(f"{where}: max_rows must be a positive integer, got {self.max_rows!r}")


# ---------------------------------------------------------------------------------------------- evidence


class _Evidence:
    """The evidence store of one page: sampled rows, each stored once, and the key of every linked count."""

    def __init__(self, corpus, sample: int):
        self.corpus = corpus
        self.sample = sample
        self.rows: list[list[str]] = []
        self.items: dict[str, dict] = {}
        self.articles: dict[str, dict] = {}
        self._row_index: dict[tuple[int, int], int] = {}
        self._item_index: dict[tuple, str] = {}
        self._groups: dict[tuple, tuple[pd.DataFrame, dict, np.ndarray | None]] = {}

    def _grouped(self, evidence: pd.DataFrame, link: EvidenceLink):
        columns = list(link.key_columns.values())
        cache_key = (id(evidence), tuple(columns), tuple(sorted((k, str(v)) for k, v in link.where.items())))
        if cache_key not in self._groups:
            missing = [name for name in [*columns, *link.where] if name not in evidence.columns]
            if "article_id" not in evidence.columns:
                missing.insert(0, "article_id")
            if missing:  # e.g. a voice column the matches do not have yet: no evidence, not a crash
                self._groups[cache_key] = (evidence, {}, None)
            else:
                keep = np.ones(len(evidence), dtype=bool)
                for name, value in link.where.items():
                    keep &= (evidence[name].astype(str) == str(value)).to_numpy()
                keys = evidence[columns].astype(str)
                positions = np.flatnonzero(keep)
                grouped = keys.iloc[positions].groupby(columns, sort=False).indices if len(positions) else {}
                lookup = {(k if isinstance(k, tuple) else (k,)): positions[v] for k, v in grouped.items()}
                # The article ids, once: converting the column for every linked cell took seconds on large pages.
                self._groups[cache_key] = (evidence, lookup, evidence["article_id"].to_numpy())
        return self._groups[cache_key]

    def link(self, evidence: pd.DataFrame, link: EvidenceLink, row: pd.Series, label: str) -> str | None:
        """The evidence id of one cell, or None when no evidence row matches it."""
        frame, lookup, article_ids = self._grouped(evidence, link)
        values = tuple(str(row[name]) for name in link.key_columns)
        positions = lookup.get(values)
        if positions is None or len(positions) == 0:
            return None
        item_key = (id(frame), tuple(link.key_columns.values()), values,
                    tuple(sorted((k, str(v)) for k, v in link.where.items())))
        if item_key in self._item_index:
            return self._item_index[item_key]
        chosen = _spread_sample(article_ids[positions], self.sample)
        indices = [self._row(frame, int(positions[i])) for i in chosen]
        key = f"e{len(self.items) + 1}"
        total = len(positions)
        self.items[key] = {"label": label, "n": total, "rows": indices,
                           "summary": f"Showing {len(indices)} of {total:,} {'match' if total == 1 else 'matches'}"}
        self._item_index[item_key] = key
        return key

    def _row(self, frame: pd.DataFrame, position: int) -> int:
        cache_key = (id(frame), position)
        if cache_key not in self._row_index:
            record = frame.iloc[position]
            left, match, right = _context(record)
            article_id = str(record["article_id"])
            self._add_article(article_id, record)
            voice = _text(record.get("voice", ""))
            speaker = _text(record.get("speaker", ""))
            self._row_index[cache_key] = len(self.rows)
            self.rows.append([article_id, left, match, right, voice, speaker])
        return self._row_index[cache_key]

    def _add_article(self, article_id: str, record) -> None:
        if article_id in self.articles:
            return
        info = {"outlet": _text(record.get("outlet", ""))}
        try:
            article = self.corpus[article_id]
        except (KeyError, IndexError, TypeError):
            article = None
        if article is not None:
            info = {"outlet": article.outlet, "title": article.title or "",
                    "date": article.date.isoformat() if article.date else "", "url": article.url or "",
                    "meta": _clip("; ".join(f"{k}: {_text(v)}" for k, v in sorted(article.meta.items())), 160)}
        self.articles[article_id] = info

    def data(self) -> dict:
        return {"evidence": self.items, "rows": self.rows, "articles": self.articles}


def _spread_sample(article_ids: np.ndarray, size: int) -> list[int]:
    """Up to ``size`` positions spread over articles: each article's first match, then second, ...; in text order."""
    seen: dict[str, int] = {}
    rank = np.empty(len(article_ids), dtype=np.int64)
    for i, article_id in enumerate(article_ids):
        rank[i] = seen.get(article_id, 0)
        seen[article_id] = rank[i] + 1
    order = np.lexsort((np.arange(len(article_ids)), rank))[:size]
    return sorted(int(i) for i in order)


def _text(value) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return ""
    return str(value)


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def _context(record) -> tuple[str, str, str]:
    """Left context, match and right context of one evidence row, each side cut to :data:`CONTEXT_CHARS`."""
    if {"left", "match", "right"} <= set(record.index):
        left, match, right = (_text(record[name]) for name in ("left", "match", "right"))
    else:
        sentence = _text(record.get("sentence", ""))
        match = _text(record.get("match", ""))
        try:
            offset = int(record["start"]) - int(record["sentence_start"])
            end = int(record["end"]) - int(record["sentence_start"])
        except (KeyError, TypeError, ValueError):
            offset = sentence.find(match) if match else -1
            end = offset + len(match)
        if 0 <= offset <= end <= len(sentence):
            left, match, right = sentence[:offset], sentence[offset:end], sentence[end:]
        else:
            left, right = sentence, ""
    left, right = left.replace("\n", " "), right.replace("\n", " ")
    if len(left) > CONTEXT_CHARS:
        cut = left[-CONTEXT_CHARS:]
        left = "…" + (cut[cut.find(" ") + 1:] if " " in cut[:40] else cut)
    if len(right) > CONTEXT_CHARS:
        cut = right[:CONTEXT_CHARS]
        right = (cut[:cut.rfind(" ")] if " " in cut[-40:] else cut) + "…"
    return left, match, right


# ---------------------------------------------------------------------------------------------- tables


def _format_number(value, kind: str) -> str:
    if value is None or value is pd.NA or (isinstance(value, (float, np.floating)) and math.isnan(value)):
        return ""
    if kind == "yes/no":
        return "yes" if bool(value) else "no"
    value = float(value)
    if kind == "percent":
        return f"{100 * value:.1f}%".replace(".0%", "%")
    if kind == "integer" or (value.is_integer() and abs(value) < 1e15):
        return f"{value:,.0f}"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 0.01 or value == 0:
        return f"{value:.3g}" if abs(value) < 10 else f"{value:.1f}"
    return f"{value:.2g}"


def _column_kind(series: pd.Series, given: str | None) -> str:
    if given:
        return given
    if pd.api.types.is_bool_dtype(series):
        return "yes/no"
    if pd.api.types.is_integer_dtype(series):
        return "integer"
    if pd.api.types.is_float_dtype(series):
        return "number"
    return "text"


def _table_html(section: AnalysisSection, table_id: str, evidence: pd.DataFrame | None, store: _Evidence) -> str:
    frame = section.table
    columns = list(frame.columns if section.columns is None else section.columns)
    kinds = {name: _column_kind(frame[name], section.formats.get(name)) for name in columns}
    shown = frame.iloc[:section.max_rows]
    links = {link.column: link for link in section.links}
    label_columns = list(dict.fromkeys(c for link in section.links for c in link.key_columns))
    varying = [c for c in label_columns if shown[c].nunique(dropna=False) > 1]  # leave out what every row shares
    label_columns = varying or label_columns[:1]
    numeric = ' data-type="number"'
    head = "".join(
        f'<th scope="col"{numeric if kinds[name] != "text" else ""}>'
        f'<button type="button" class="sort" title="Sort by {_e(name)}">{_e(_header(name))}</button></th>'
        for name in columns)
    nowrap = {name: ' class="nowrap"' if kinds[name] == "text" and shown[name].map(
        lambda v: len(_text(v))).max() <= 14 else "" for name in columns} if len(shown) else {}
    body = []
    for _, row in shown.iterrows():
        cells = []
        for name in columns:
            value = row[name]
            if kinds[name] == "text":
                cells.append(f"<td{nowrap[name]}>{_e(_clip(_text(value), 400))}</td>")
                continue
            number = None if _format_number(value, "number") == "" else float(value)
            shown_text = _format_number(value, kinds[name])
            attribute = "" if number is None else f' data-v="{number!r}"'
            key = None
            if name in links and evidence is not None and number:
                label = " · ".join(_text(row[c]) for c in label_columns)
                where = links[name].where
                if where:
                    label += " · " + ", ".join(f"{k}: {v}" for k, v in where.items())
                key = store.link(evidence, links[name], row, f"{label} — {_header(name)} {shown_text}")
            if key:
                cells.append(f'<td class="num"{attribute}><button type="button" class="count" data-ev="{key}" '
                             f'aria-expanded="false" title="Show the sentences behind this count">'
                             f"{shown_text}</button></td>")
            else:
                cells.append(f'<td class="num"{attribute}>{shown_text}</td>')
        body.append("<tr>" + "".join(cells) + "</tr>")
    filters = _filters_html(section, shown, columns, table_id)
    note = f'<p class="cut">{_e(section.note)}</p>' if section.note else ""
    if len(frame) > len(shown):
        where = f"tables/{section.csv_name}" if section.csv_name else "the CSV tables"
        note += f'<p class="cut">Showing {len(shown):,} of {len(frame):,} rows; all rows are in {_e(where)}.</p>'
    if frame.empty:
        return "" if section.intro else '<p class="empty">No rows.</p>'
    return (f'{filters}<div class="table-wrap"><table class="data" id="{table_id}"><thead><tr>{head}</tr></thead>'
            f'<tbody>{"".join(body)}</tbody></table></div>{note}')


def _filters_html(section: AnalysisSection, shown: pd.DataFrame, columns: list[str], table_id: str) -> str:
    controls = []
    for name in section.filters:
        if name not in columns:
            continue
        values = sorted({_clip(_text(v), 400) for v in shown[name]})
        if len(values) < 2:
            continue
        options = "".join(f'<option value="{_e(v)}">{_e(_clip(v, 80))}</option>' for v in values)
        controls.append(f'<label>{_e(_header(name))} <select data-col="{columns.index(name)}">'
                        f'<option value="">all</option>{options}</select></label>')
    if not controls:
        return ""
    return (f'<div class="filters" data-table="{table_id}">{"".join(controls)}'
            f'<span class="filter-status" aria-live="polite"></span></div>')


_HEADERS = {"n_articles": "articles", "n_tokens": "tokens", "rate_per_1000": "per 1,000 tokens",
            "count_group": "count", "count_versus": "count (rest)", "rate_per_1000_group": "per 1,000",
            "rate_per_1000_versus": "per 1,000 (rest)", "p_adjusted": "p (adjusted)", "article_id": "article",
            "article_id_a": "article A", "article_id_b": "article B", "outlet_a": "outlet A", "outlet_b": "outlet B",
            "n_shared_shingles": "shared shingles", "shared_passages": "shared passages"}


def _header(name) -> str:
    return _HEADERS.get(str(name), str(name).replace("_", " "))


def _e(text) -> str:
    return html.escape(str(text), quote=True)


# ---------------------------------------------------------------------------------------------- figures


def _figure_html(figure: ReportFigure, images: Mapping[Path, Future] | None = None) -> str:
    """The figure as an ``<img>`` of :func:`_png_data`, taken from ``images`` when it is being made there."""
    image = (images or {}).get(Path(figure.path))
    data, display, height = image.result() if image is not None else _png_data(figure.path)
    title, _, rest = figure.caption.partition(". ")
    caption = f"<b>{_e(title)}.</b> {_e(rest)}" if rest else _e(figure.caption)
    return (f'<figure><img src="data:image/png;base64,{data}" width="{display}" height="{height}" '
            f'alt="{_e(title)}"><figcaption>{caption}</figcaption></figure>')


def _png_data(path) -> tuple[str, int, int]:
    """A PNG scaled to 1.5 times its display width, as a base64 palette PNG (small, still crisp), with its
    display width and height in CSS pixels."""
    from PIL import Image

    with Image.open(path) as image:
        dpi = float((image.info.get("dpi") or (300, 300))[0]) or 300.0
        display = min(round(image.width / dpi * 96), _FIGURE_COLUMN_PX)
        height = round(display * image.height / image.width)
        scale = min(1.0, _PIXEL_DENSITY * display / image.width)
        size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
        factor = max(1, int(image.width / size[0])) if scale < 1 else 1
        reduced = _flat_reduced(image.convert("RGBA") if image.mode != "RGBA" else image, factor)
        scaled = reduced.resize(size, Image.LANCZOS) if scale < 1 else reduced  # a sharp resampling after the box
    palette = scaled.quantize(colors=64, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)  # charts: few colours
    buffer = io.BytesIO()
    palette.save(buffer, format="PNG", compress_level=9)
    return base64.b64encode(buffer.getvalue()).decode("ascii"), display, height


def _flat_reduced(rgba, factor: int):
    """``rgba`` on a white background, box-reduced by ``factor``, one band of rows at a time.

    A 300 dpi figure can be tens of megapixels; whole-image copies (the
    flattened RGB, the alpha mask) would each take hundreds of megabytes.
    Bands are a multiple of ``factor`` rows high, so every box falls inside
    one band and the result is the same as reducing the whole image.
    """
    from PIL import Image

    width, height = rgba.size
    reduced = Image.new("RGB", (-(-width // factor), -(-height // factor)))
    rows = factor * max(1, _BAND_PIXELS // (width * factor))
    for top in range(0, height, rows):
        band = rgba.crop((0, top, width, min(top + rows, height)))
        flat = Image.new("RGB", band.size, "white")
        flat.paste(band, mask=band.getchannel("A"))
        reduced.paste(flat.reduce(factor) if factor > 1 else flat, (0, top // factor))
    return reduced


_CAPTIONS = {
    "axis_shares": "Pole shares per axis. Which word each outlet uses for the same thing, as a share of all its "
                   "words on that axis, with 95% intervals; the legend gives the articles and mentions behind each "
                   "outlet; hollow markers flag small samples.",
    "term_heatmap": "Term rates. Each outlet's rate per 1,000 tokens for the most frequent lexicon terms; the token "
                    "count of each outlet is in its label.",
    "distinctive_terms": "Distinctive terms. Log-odds z-score (each outlet against the rest) against frequency; "
                         "dashed lines mark the nominal |z| = 1.96.",
    "framing_map": "Framing map. Articles placed by their framing features (PCA), coloured by outlet, shaped by "
                   "cluster.",
    "similarity": "Outlet similarity. Cosine similarity of pole-share profiles, as a matrix and a dendrogram.",
    "timeline": "Timeline. Share of one pole over time, per month (per quarter or year when the articles span "
                "more than two years); periods without articles leave a gap, and the outlets' markers are spread "
                "across each period so that equal shares stay visible.",
}


# ---------------------------------------------------------------------------------------------- page


def render_report(corpus, tables: Mapping[str, pd.DataFrame], *, lexicons: Sequence = (),
                  figures: Sequence = (), matches: pd.DataFrame | None = None, notes: Sequence[str] = (),
                  settings: Mapping[str, str] | None = None, sections: Sequence[AnalysisSection] = (),
                  by: str = "outlet", groups: Sequence[str] | None = None,
                  term_counts: pd.DataFrame | None = None, voices: Sequence[str] | None = None,
                  evidence_sample: int = EVIDENCE_SAMPLE) -> str:
    """Render the report page: one self-contained HTML document.

    Parameters
    ----------
    corpus : Corpus
        For the overview, the load report and the article behind each
        sentence (title, date, url, meta).
    tables : mapping of str to pandas.DataFrame
        The report tables by name, as :func:`framing.write_report` writes
        them: ``outlets``, ``distinctive_terms``, ``articles``,
        ``duplicates``, ``load_report`` (each optional).
    lexicons : sequence of Lexicon, default=()
    figures : sequence of path, default=()
        Figure files; the PNG of each known figure (``axis_shares``,
        ``term_heatmap``, ``distinctive_terms``, ``framing_map``,
        ``similarity``, ``timeline``) is embedded in its section.
    matches : pandas.DataFrame, optional
        Evidence rows for the built-in tables, as from
        :func:`framing.find_matches`; ``voice`` and ``speaker`` are shown
        when present. Without it, counts are not linked.
    notes : sequence of str, default=()
        Notes of the run, listed under the method notes.
    settings : mapping of str to str, optional
        Shown in the overview, e.g. ``{"voice": "narration and quotations"}``;
        ``voice`` defaults to a description of ``voices`` (``"narration
        only"`` when ``voices`` is None).
    sections : sequence of AnalysisSection, default=()
        Extra analysis tables, shown under "Voice, referents, sourcing and
        agency".
    by : str, default="outlet"
        The grouping column of the profiles.
    groups : sequence of str, optional
        Show only these groups in the profile, term and distinctive tables
        (the figures' groups); every group when None.
    term_counts : pandas.DataFrame, optional
        ``count_terms(corpus, lexicons, by=by)``; added up from
        ``tables["terms"]`` when None.
    voices : sequence of str, optional
        The voices the built-in counts include (``("narration",)`` when the
        report counts the outlet's own words only): their evidence is
        limited to matches in those voices, and the overview says so. Extra
        sections without evidence of their own get every match, so that
        they can select voices with :attr:`EvidenceLink.where`.
    evidence_sample : int, default=:data:`EVIDENCE_SAMPLE`
        Sentences embedded per count.

    Returns
    -------
    str
        The page. The same arguments give the same string.

    See Also
    --------
    AnalysisSection, EvidenceLink : how an extra table links its counts.

    Examples
    --------
    >>> import framing
    >>> corpus = framing.Corpus([framing.Article("a", "Two hostages were freed.", outlet="Wire")])
    >>> page = render_report(corpus, {}, matches=framing.find_matches(corpus))
    >>> page.startswith("<!DOCTYPE html>")
    True
    """
    store = _Evidence(corpus, evidence_sample)
    all_evidence = evidence = None if matches is None else _with_group(matches, corpus, by)
    if evidence is not None and voices is not None and "voice" in evidence.columns:
        evidence = evidence[evidence["voice"].isin(list(voices))]
    settings = {"voice": _describe_voices(voices), **(settings or {})}
    lexicons = list(lexicons)
    figure_paths = {Path(p).stem: Path(p) for p in figures if Path(p).suffix == ".png"}
    # The PNGs are scaled and encoded in two threads (PIL lets go of the GIL) while the tables render; each is
    # waited for where its section embeds it. Shut down now, the pool still finishes what was submitted.
    pool = ThreadPoolExecutor(max_workers=2)
    images = {path: pool.submit(_png_data, path) for path in figure_paths.values()}
    pool.shutdown(wait=False)

    def figure(name: str) -> tuple[ReportFigure, ...]:
        return (ReportFigure(figure_paths[name], _CAPTIONS[name]),) if name in figure_paths else ()

    note = ""
    if groups is not None:
        n_groups = corpus.group_labels(by).nunique() if len(corpus) else 0
        note = (f"Only {len(groups):,} of the {n_groups:,} values of {by!r} (those with the most articles) are "
                "shown here, as in the figures; the CSV file has every one.")
    parts = [("overview", "Overview", _overview_html(corpus, tables, lexicons, settings, by))]
    parts.append(("profiles", "Outlet profiles", _sections_html(
        _profile_sections(tables.get("outlets"), groups, figure("axis_shares"), len(lexicons) > 1, note),
        "profiles", evidence, store, images=images)))
    if term_counts is None and "terms" in tables:
        term_counts = _sum_terms(tables["terms"], corpus, by, voices)
    parts.append(("terms", "Term counts", _sections_html(
        _term_sections(term_counts, groups, figure("term_heatmap"), note), "terms", evidence, store, images=images)))
    parts.append(("distinctive", "Distinctive terms", _sections_html(
        _distinctive_sections(tables.get("distinctive_terms"), groups, by, figure("distinctive_terms"), note),
        "distinctive", evidence, store, images=images)))
    parts.append(("map", "Framing map", _sections_html(
        _map_sections(tables.get("articles"), figure("framing_map") + figure("similarity") + figure("timeline")),
        "map", evidence, store, images=images)))
    parts.append(("duplicates", "Duplicates", _sections_html(_duplicate_sections(tables.get("duplicates")),
                                                             "duplicates", evidence, store)))
    extra = _sections_html(list(sections), "extra", all_evidence, store, level=3, images=images) if sections else (
        '<p class="empty">No voice, referent, sourcing or agency tables were made for this report.</p>')
    parts.append(("voice", "Voice, referents, sourcing and agency", extra))
    parts.append(("method", "Method notes and limitations", _method_html(notes)))

    name = _corpus_name(corpus)
    outlets = len({article.outlet for article in corpus})
    lede = (f"{len(corpus):,} {'article' if len(corpus) == 1 else 'articles'} from {outlets:,} "
            f"{'outlet' if outlets == 1 else 'outlets'}; lexicons: "
            f"{', '.join(lexicon.name for lexicon in lexicons) or 'none'}.")
    navigation = "".join(f'<li><a href="#{key}">{_e(title)}</a></li>' for key, title, _ in parts)
    body = "".join(f'<section class="part" id="{key}" aria-labelledby="{key}-title">'
                   f'<h2 id="{key}-title">{_e(title)}</h2>{content}</section>' for key, title, content in parts)
    data = _json_for_script(store.data())
    from framing._version import __version__

    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">'
        '<meta name="referrer" content="no-referrer">'
        f"<title>Framing report: {_e(name)}</title><style>{_CSS}</style></head>\n<body>"
        '<a class="skip" href="#main">Skip to the report</a>'
        f'<header class="top"><p class="brand">framing report</p><h1>{_e(name)}</h1>'
        f'<p class="lede">{_e(lede)}</p></header>'
        f'<div class="layout"><nav class="toc" aria-label="Sections"><ol>{navigation}</ol></nav>'
        f'<main id="main">{body}</main></div>'
        f'<footer>Made by framing {_e(__version__)}. Every file it read is listed in the load report; '
        "every table is in tables/ as CSV.</footer>\n"
        f'<script type="application/json" id="report-data">{data}</script>\n'
        f"<script>{_SCRIPT}</script></body></html>\n")


def _describe_voices(voices) -> str:
    if voices is None or tuple(voices) == ("narration",):
        return "narration only"
    names = [str(voice).replace("_", " ") for voice in voices]
    if set(names) >= {"narration", "quotation", "scare quote"}:
        return "all: narration, quotations and scare quotes"
    return " and ".join(names) + " only"


def _json_for_script(data) -> str:
    """JSON that cannot end its ``<script>`` element: ``<``, ``>`` and ``&`` become ``\\u003c`` and so on."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026").replace(
        "\u2028", "\\u2028").replace("\u2029", "\\u2029")


def _with_group(matches: pd.DataFrame, corpus, by: str) -> pd.DataFrame:
    """The matches with a column for the grouping ``by`` (added from the corpus when missing)."""
    column = "article_id" if by == "article" else by
    if column in matches.columns or matches.empty:
        return matches
    labels = corpus.group_labels(by)
    return matches.assign(**{column: matches["article_id"].map(labels).fillna("(none)").to_numpy()})


def _sum_terms(terms: pd.DataFrame, corpus, by: str, voices) -> pd.DataFrame:
    """Counts per group and term from the article counts, in the selected voices when they are split."""
    column = "article_id" if by == "article" else by
    frame = terms if column in terms.columns else terms.assign(
        **{column: terms["article_id"].map(corpus.group_labels(by)).to_numpy()})
    by_voice = [f"count_{voice}" for voice in voices or ()]
    if by_voice and all(name in frame.columns for name in by_voice):
        frame = frame.assign(count=frame[by_voice].sum(axis=1))
    keys = [column, "lexicon", "kind", "axis", "pole", "term"]
    return frame.groupby(keys, sort=False, as_index=False)["count"].sum()


def _corpus_name(corpus) -> str:
    source = getattr(corpus, "source", None)
    return Path(str(source).rstrip("/")).name if source else "corpus"


def _sections_html(sections, prefix: str, evidence, store: _Evidence, level: int = 3,
                   images: Mapping[Path, Future] | None = None) -> str:
    parts = []
    for index, section in enumerate(sections, start=1):
        section_evidence = section.evidence if section.evidence is not None else evidence
        figures = "".join(_figure_html(figure, images) for figure in section.figures)
        heading = f"<h{level}>{_e(section.title)}</h{level}>" if section.title else ""
        intro = f'<p class="intro">{_e(section.intro)}</p>' if section.intro else ""
        parts.append(heading + intro + figures + _table_html(section, f"t-{prefix}-{index}", section_evidence, store))
    return "".join(parts) if parts else '<p class="empty">Not computed for this report.</p>'


def _only_groups(frame: pd.DataFrame, column: str, groups) -> pd.DataFrame:
    return frame if groups is None or column not in frame.columns else frame[frame[column].astype(str).isin(
        [str(g) for g in groups])]


def _profile_sections(profiles, groups, figures, several_lexicons: bool, note: str) -> list[AnalysisSection]:
    if profiles is None or profiles.empty:
        return []
    group = profiles.columns[0]
    profiles = _only_groups(profiles, group, groups)
    keys = {group: group, "lexicon": "lexicon", "axis": "axis", "pole": "pole"}
    lexicon = ["lexicon"] if several_lexicons else []
    shares = profiles[profiles["measure"] == "share"].copy()
    shares["interval"] = [f"{_format_number(lo, 'percent')}–{_format_number(hi, 'percent')}"
                          for lo, hi in zip(shares["ci_low"], shares["ci_high"])]
    shares = shares.rename(columns={"value": "share", "denominator": "axis_total"})
    rates = profiles[profiles["measure"] != "share"].copy()
    rates["interval"] = [f"{_format_number(lo, 'number')}–{_format_number(hi, 'number')}"
                         for lo, hi in zip(rates["ci_low"], rates["ci_high"])]
    rates = rates.rename(columns={"value": "rate_per_1000", "denominator": "n_tokens_total"}).drop(
        columns=["n_tokens"])
    rates = rates.rename(columns={"n_tokens_total": "n_tokens"})
    link = (EvidenceLink("count", on=keys),)
    return [
        AnalysisSection("Pole shares", "Each row is one outlet and one pole: of all the outlet's words on that "
                        "axis (axis total), the share that used this pole, with its 95% interval (a bootstrap over "
                        "the outlet's articles). Read the count and the axis total before the share. Click a count "
                        "to read its sentences.", shares, links=link, csv_name="outlets.csv", max_rows=300,
                        columns=[group, *lexicon, "axis", "pole", "share", "interval", "count", "axis_total",
                                 "n_articles", "small_sample"],
                        formats={"share": "percent"}, filters=(group, "axis"), figures=figures, note=note),
        AnalysisSection("Category rates", "Each row is one outlet and one category of words counted on their own "
                        "(not as alternatives): matches per 1,000 tokens, with a 95% interval.", rates, links=link,
                        csv_name="outlets.csv", max_rows=300,
                        columns=[group, *lexicon, "axis", "rate_per_1000", "interval", "count", "n_tokens",
                                 "n_articles", "small_sample"], filters=(group, "axis"), note=note),
    ]


def _term_sections(term_counts, groups, figures, note: str) -> list[AnalysisSection]:
    if term_counts is None or term_counts.empty:
        return []
    group = term_counts.columns[0]
    frame = _only_groups(term_counts, group, groups)
    if len(frame) > 300:
        frame = frame.sort_values("count", ascending=False, kind="stable")
    columns = [c for c in [group, "axis", "pole", "term", "count", "n_tokens", "rate_per_1000"] if c in frame]
    return [AnalysisSection(
        "Counts per term", "Each row is one outlet and one lexicon term: how many times the term matched in the "
        "outlet's articles (titles are not counted), and that count per 1,000 tokens. Click a count to read the "
        "sentences.", frame, links=(EvidenceLink("count", on=[group, "lexicon", "axis", "pole", "term"]),),
        csv_name="terms.csv", max_rows=300, columns=columns, filters=(group, "axis"), figures=figures, note=note)]


def _distinctive_sections(distinctive, groups, by: str, figures, note: str) -> list[AnalysisSection]:
    if distinctive is None or distinctive.empty:
        return [AnalysisSection("", "", pd.DataFrame(), figures=figures)] if figures else []
    frame = _only_groups(distinctive, "group", groups)
    frame = frame.sort_values(["group", "feature", "z"], ascending=[True, False, False], kind="stable")
    frame = frame.groupby(["group", "feature"], sort=False).head(10)
    column = "article_id" if by == "article" else by
    group = "group"
    if column not in frame.columns:  # say "outlet" rather than "group"
        frame, group = frame.rename(columns={"group": column}), column
    columns = [c for c in [group, "feature", "term", "count_group", "count_versus", "rate_per_1000_group",
                           "rate_per_1000_versus", "z", "p_adjusted"] if c in frame]
    return [AnalysisSection(
        "Most distinctive terms", "The ten terms of each outlet and feature (single words and phrases, "
        "\"ngram\", or lexicon terms) with the highest log-odds z-score against all other outlets. A z above "
        "1.96 is nominally notable; p (adjusted) corrects for the many terms tested. Counts of lexicon terms open "
        "their sentences.", frame,
        links=(EvidenceLink("count_group", on={group: column, "lexicon": "lexicon", "axis": "axis",
                                               "pole": "pole", "term": "term"}),),
        csv_name="distinctive_terms.csv", max_rows=200, columns=columns, filters=(group, "feature"),
        figures=figures, note=note)]


def _map_sections(articles, figures) -> list[AnalysisSection]:
    if articles is None:
        return [AnalysisSection("", "", pd.DataFrame(), figures=figures)] if figures else []
    columns = [c for c in ["article_id", "outlet", "date", "title", "n_tokens", "cluster"] if c in articles]
    return [AnalysisSection(
        "Articles", "One row per article with its cluster on the framing map; every framing feature is in the "
        "CSV.", articles, csv_name="articles.csv", max_rows=200, columns=columns, formats={"cluster": "integer"},
        filters=("outlet", "cluster"), figures=figures)]


def _duplicate_sections(duplicates) -> list[AnalysisSection]:
    if duplicates is None:
        return []
    if duplicates.empty:
        return [AnalysisSection("", "No pair of articles shares enough text to count as a copy.", duplicates)]
    return [AnalysisSection(
        "Copied and shared text", "Pairs of articles that share runs of five words; containment is the share of "
        "the shorter article's five-word runs found in the other. Copies are counted once per outlet that "
        "printed them unless the report excluded them.", duplicates, csv_name="duplicates.csv", max_rows=100,
        filters=("outlet_a",))]


def _overview_html(corpus, tables, lexicons, settings, by: str) -> str:
    report = tables.get("load_report", getattr(corpus, "load_report", None))
    report = report if report is not None else pd.DataFrame(columns=["status", "reason", "article_id"])
    status = report["status"].astype(str)
    article_rows = report["article_id"].fillna("").astype(str) != ""
    loaded = int(((status == "loaded") & article_rows).sum())
    other = int(((status == "loaded") & ~article_rows).sum())
    skipped = int((status == "skipped").sum())
    outlets = sorted({article.outlet for article in corpus})
    stats = [(len(corpus), "articles"), (len(outlets), "outlets"), (len(lexicons), "lexicons"),
             (skipped, "inputs skipped")]
    facts = [("Corpus", _text(getattr(corpus, "source", "")) or "(given in Python)")]
    shown = ", ".join(outlets[:12]) + (f" and {len(outlets) - 12:,} more" if len(outlets) > 12 else "")
    facts.append(("Outlets", shown))
    for lexicon in lexicons:
        n_terms = sum(1 for _ in lexicon.entries())
        facts.append(("Lexicon", f"{lexicon.name}{' — ' + lexicon.title if lexicon.title else ''}: {n_terms:,} "
                                 f"terms on {len(lexicon.axes)} axes and {len(lexicon.categories)} categories"))
    facts.append(("Grouped by", by))
    for key, value in settings.items():
        facts.append((str(key).replace("_", " ").capitalize(), _text(value)))
    facts.append(("Load report", f"{loaded:,} {'article' if loaded == 1 else 'articles'} loaded, {skipped:,} "
                                 f"{'input' if skipped == 1 else 'inputs'} skipped"
                                 f"{f', {other:,} other input' + ('' if other == 1 else 's') + ' read (such as a manifest)' if other else ''}; "
                                 "every input is listed in tables/load_report.csv."))
    html_parts = ['<ul class="stats">' + "".join(f"<li><b>{n:,}</b><span>{_e(label)}</span></li>"
                                                 for n, label in stats) + "</ul>",
                  '<dl class="facts">' + "".join(f"<dt>{_e(k)}</dt><dd>{_e(v)}</dd>" for k, v in facts) + "</dl>"]
    if skipped:
        reasons = report.loc[status == "skipped", "reason"].fillna("").astype(str).value_counts()
        reasons = pd.DataFrame({"reason": reasons.index, "inputs": reasons.to_numpy()}).sort_values(
            ["inputs", "reason"], ascending=[False, True], kind="stable")
        html_parts.append(_sections_html([AnalysisSection(
            "Why inputs were skipped", "Each reason with the number of inputs skipped for it.", reasons,
            csv_name="load_report.csv", max_rows=50, filters=())], "skipped", None, _Evidence(corpus, 0)))
    if "warnings" in report.columns:
        warned = report["warnings"].fillna("").astype(str)
        warned = warned[warned != ""].value_counts()
        if len(warned):
            frame = pd.DataFrame({"warning": warned.index, "inputs": warned.to_numpy()})
            html_parts.append(_sections_html([AnalysisSection(
                "Warnings while loading", "Inputs that loaded with a warning, by warning.", frame,
                csv_name="load_report.csv", max_rows=50, filters=())], "warnings", None, _Evidence(corpus, 0)))
    return "".join(html_parts)


_LIMITS = [
    "A count does not know who is speaking: a word inside a quotation is the speaker's choice, not the outlet's. "
    "The voice badge beside each sentence says whether the match is narration, quotation or a scare quote.",
    "A count does not know whom a word names: \"prisoners\" is used for Israelis held in Gaza and for Palestinians "
    "held by Israel. Read the sentences before the share.",
    "A count does not know why a word was chosen, or whether it is quoted to be criticised.",
    "A lexicon is a choice of words made by its author; a term absent from it is invisible here, and n-gram "
    "counts in the distinctive terms are not linked to sentences.",
    "Small groups give wide intervals: with one or two articles per outlet, differences reflect the story as much "
    "as the outlet. Rows flagged as small samples deserve the least weight.",
    "With copies excluded (--exclude-duplicates), a weighted count can be smaller than the number of sentences "
    "behind it: the sentences still include the copies.",
    "The page shows a sample of at most a few sentences per count and a limited number of rows per table; the "
    "CSV files in tables/ hold every row, and framing kwic prints every sentence.",
]


def _method_html(notes) -> str:
    method = ("<p>A <b>count</b> is the number of non-overlapping matches of a lexicon term in an article's body "
              "(titles are not counted). A <b>rate</b> is that count per 1,000 word tokens; a <b>pole share</b> "
              "is the count divided by all matches on the same axis (the axis total). Intervals are 95% "
              "percentile bootstrap intervals over articles, widened to contain the Wilson interval where a "
              "group has few articles. Distinctive terms use log-odds with an informative Dirichlet prior, one "
              "outlet against all the others. The framing map places articles by their pole shares and category "
              "rates (PCA) and clusters them with Ward linkage.</p>")
    notes_html = "".join(f"<li>{_e(note)}</li>" for note in notes)
    limits = "".join(f"<li>{_e(limit)}</li>" for limit in _LIMITS)
    return (method + (f"<h3>Notes on this run</h3><ul>{notes_html}</ul>" if notes_html else "")
            + f"<h3>What these numbers cannot show</h3><ul>{limits}</ul>")


#: The page's style sheet and script, package data in ``framing/assets/`` (embedded in every page).
_CSS = "\n" + importlib.resources.files("framing").joinpath("assets", "report.css").read_text(encoding="utf-8")
_SCRIPT = "\n" + importlib.resources.files("framing").joinpath("assets", "report.js").read_text(encoding="utf-8")


def _sha256(text: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")


_CSP = (f"default-src 'none'; img-src data:; style-src '{_sha256(_CSS)}'; script-src '{_sha256(_SCRIPT)}'; "
        "base-uri 'none'; form-action 'none'")
