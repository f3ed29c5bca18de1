"""Counting stage: tidy tables of term matches, counts, rates and pole shares.

Each table is long-form, one row per observation, and every rate carries its
denominator in the same row:

- :func:`find_matches`: one row per counted occurrence, with its character
  span in the displayed text and its sentence (the evidence);
- :func:`count_terms`: one row per group and term, with ``n_tokens``;
- :func:`summarize_poles`: one row per group and pole, with the axis total
  that a share is divided by;
- :func:`kwic`: keyword-in-context lines for a term, pole, axis or phrase.
"""

from __future__ import annotations

import bisect
import functools
from collections.abc import Iterable, Iterator

import numpy as np
import pandas as pd

from framing._parallel import map_chunks
from framing.corpus import Article, Corpus, as_corpus, check_group, group_value
from framing.exceptions import FramingError
from framing.lexicon import Lexicon, load_lexicons
from framing.matching import matcher_for
from framing.readers import CorpusStream
from framing.text import character_classes, count_tokens, normalize_text, split_sentences
from framing.voice import VOICES, check_voice, quoted_voices, segment_voice, voice_at

__all__ = ["count_tables", "count_terms", "find_matches", "kwic", "summarize_poles"]

MATCH_COLUMNS = ["article_id", "outlet", "lexicon", "kind", "axis", "pole", "term", "start", "end", "match",
                 "voice", "speaker", "sentence_start", "sentence_end", "sentence"]
TERM_KEYS = ["lexicon", "kind", "axis", "pole", "term"]
#: Count columns per voice in :func:`count_terms`, in :data:`framing.voice.VOICES` order.
VOICE_COUNT_COLUMNS = [f"count_{voice}" for voice in VOICES]
def _count_chunk(lexicons: tuple[Lexicon, ...], articles: list[tuple[str, str]]) -> tuple[list[tuple], list[int]]:
    """Term counts by voice and token counts of a chunk of (id, text); runs in a worker or in-process."""
    matcher = matcher_for(lexicons)
    slot = {voice: position for position, voice in enumerate(VOICES)}
    rows, tokens = [], []
    for article_id, text in articles:
        normalized, classes, matches, _ = _match_article(matcher, text, speakers=False)
        tokens.append(count_tokens(normalized.text, classes))
        voices = quoted_voices(text, [normalized.original_span(m.start, m.end)[0] for m in matches])
        tally: dict[int, list[int]] = {}
        for match, voice in zip(matches, voices):
            tally.setdefault(match.entry, [0] * len(VOICES))[slot[voice]] += 1
        rows.extend((article_id, index, *counts) for index, counts in tally.items())
    return rows, tokens


def select_voice(counts: pd.DataFrame, voice) -> pd.DataFrame:
    """A :func:`count_terms` table whose ``count`` (and rate) adds up only the voices ``voice`` selects.

    Parameters
    ----------
    counts : pandas.DataFrame
        Output of :func:`count_terms`, with its ``count_<voice>`` columns.
    voice : {"all", "narration", "quotation", "scare_quote"} or list of them

    Returns
    -------
    pandas.DataFrame
        A copy with ``count`` and ``rate_per_1000`` recomputed.
    """
    selected = check_voice(voice)
    missing = [column for column in VOICE_COUNT_COLUMNS if column not in counts]
    if missing:
        raise FramingError(f"counts has no {', '.join(missing)} column; pass the output of framing.count_terms")
    counts = counts.copy()
    counts["count"] = counts[[f"count_{value}" for value in selected]].sum(axis=1).astype("int64")
    if "rate_per_1000" in counts:
        counts["rate_per_1000"] = 1000.0 * counts["count"] / counts["n_tokens"].where(counts["n_tokens"] > 0)
    return counts


def _match_article(matcher, text: str, *, speakers: bool = True):
    """Normalised text, character classes, matches and the voice span of each match, of one text.

    The text is normalised once; its character classes serve both the
    matcher's word boundaries and the token count. The voice segmentation
    runs only when there are matches, and only when ``speakers`` are wanted
    (otherwise the voices are empty: see :func:`framing.voice.quoted_voices`).
    """
    normalized = normalize_text(text)
    classes = character_classes(normalized.text)
    matches = matcher.match(normalized, classes)
    voices = voice_at(segment_voice(text), [normalized.original_span(m.start, m.end)[0] for m in matches]) \
        if matches and speakers else []
    return normalized, classes, matches, voices


def find_matches(corpus, lexicon="israel_gaza", *, n_jobs=None) -> pd.DataFrame:
    """Every counted occurrence of every lexicon term, with its sentence.

    Parameters
    ----------
    corpus : Corpus or iterable of Article
    lexicon : Lexicon, str, path or list of them, default="israel_gaza"
    n_jobs : int, optional
        Worker processes (see :func:`count_terms`); the rows are the same,
        in the same order, whatever ``n_jobs`` is.

    Returns
    -------
    pandas.DataFrame
        One row per match, in article and text order. ``start`` and ``end``
        index the article's displayed text (``article.text[start:end]`` is
        ``match``); ``sentence`` is the sentence around it and
        ``sentence_start``/``sentence_end`` its span.

    See Also
    --------
    count_terms : the same matches, counted.
    kwic : matches as keyword-in-context lines.
    """
    corpus = as_corpus(corpus)
    lexicons = tuple(load_lexicons(lexicon))
    rows = []
    for _, chunk_rows in map_chunks(functools.partial(_match_rows, lexicons), list(corpus), n_jobs=n_jobs,
                                    progress=False):
        rows.extend(chunk_rows)
    frame = pd.DataFrame(rows, columns=MATCH_COLUMNS)
    return frame.astype({"start": "int64", "end": "int64", "sentence_start": "int64", "sentence_end": "int64"})


def _match_rows(lexicons: tuple[Lexicon, ...], articles: list[Article]) -> list[tuple]:
    """The :func:`find_matches` rows of some articles; runs in a worker or in-process."""
    matcher = matcher_for(lexicons)
    rows = []
    for article in articles:
        normalized, _, matches, voices = _match_article(matcher, article.text)
        if not matches:
            continue
        sentences = split_sentences(normalized.text, near=[match.start for match in matches])
        sentence_starts = [span[0] for span in sentences]
        for match, voice in zip(matches, voices):
            entry = matcher.entries[match.entry]
            start, end = normalized.original_span(match.start, match.end)
            slot = max(bisect.bisect_right(sentence_starts, match.start) - 1, 0)
            if sentences:
                sentence_start, sentence_end = normalized.original_span(*sentences[slot])
                sentence_end = max(sentence_end, end)
                sentence_start = min(sentence_start, start)
            else:
                sentence_start, sentence_end = start, end
            rows.append((article.id, article.outlet, entry.lexicon, entry.kind, entry.axis, entry.pole,
                         entry.term.text, start, end, article.text[start:end], voice.voice, voice.speaker,
                         sentence_start, sentence_end, article.text[sentence_start:sentence_end]))
    return rows


def _group_column(corpus: Corpus, by: str) -> tuple[str, pd.DataFrame]:
    """The group column's name and the article table (``article_id, outlet, n_tokens``) with that column as strings."""
    articles = pd.DataFrame({"article_id": corpus.ids, "outlet": [article.outlet for article in corpus],
                             "n_tokens": np.array([corpus.n_tokens(article) for article in corpus], dtype="int64")})
    if by == "article":
        return "article_id", articles
    articles[by] = corpus.group_labels(by).to_numpy()
    return by, articles


def _article_term_counts(corpus: Corpus, lexicons: tuple[Lexicon, ...], n_jobs=None, progress: bool | None = None,
                         engine: str = "local", scheduler: str | None = None) -> pd.DataFrame:
    """Per article and term: matches in each voice (``count_<voice>``) and an ``entry`` index for ordering.

    The articles go in chunks (see :func:`framing._parallel.map_chunks`) to ``n_jobs`` worker
    processes (or Dask workers); chunks come back in order, so the table is
    the same whatever ``n_jobs`` and ``engine`` are. Token counts are cached
    on the corpus on the way.
    """
    articles = [(article.id, article.text) for article in corpus]
    rows = []
    work = functools.partial(_count_chunk, lexicons)
    for chunk, (chunk_rows, tokens) in map_chunks(work, articles, n_jobs=n_jobs, engine=engine, scheduler=scheduler,
                                                  progress=progress, description="counting"):
        rows.extend(chunk_rows)
        corpus.remember_n_tokens({article_id: n for (article_id, _), n in zip(chunk, tokens)})
    matcher = matcher_for(lexicons)
    frame = pd.DataFrame(
        [(article_id, entry.lexicon, entry.kind, entry.axis, entry.pole, entry.term.text, *counts, index)
         for article_id, index, *counts in rows for entry in (matcher.entries[index],)],
        columns=["article_id", *TERM_KEYS, *VOICE_COUNT_COLUMNS, "entry"])
    return frame.astype(dict.fromkeys([*VOICE_COUNT_COLUMNS, "entry"], "int64"))


def _stream_term_counts(articles: Iterable[Article], lexicons: tuple[Lexicon, ...], by: str, n_jobs=None,
                        progress: bool | None = None, engine: str = "local",
                        scheduler: str | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Counts per group and term, and group sizes, of a stream of articles read once.

    Only the sums per group are kept (per article with ``by="article"``),
    never the articles: memory grows with the number of groups and terms, not
    with the corpus. The tables are those :func:`count_terms` builds from a
    :class:`~framing.corpus.Corpus` before it adds them up.
    """
    if by in ("id", "n_chars", "n_tokens"):
        check_group(by, ())
    sizes: dict[str, list] = {}  # group: [outlet (by article) or None, n_articles, n_tokens]
    tally: dict[tuple[str, int], np.ndarray] = {}
    meta_keys: set[str] = set()

    def items():
        for article in articles:
            meta_keys.update(article.meta)
            group = group_value(article, by)
            size = sizes.setdefault(group, [article.outlet if by == "article" else None, 0, 0])
            size[1] += 1
            yield group, article.text

    work = functools.partial(_count_chunk, lexicons)
    for chunk, (rows, tokens) in map_chunks(work, items(), n_jobs=n_jobs, engine=engine, scheduler=scheduler,
                                            progress=progress, description="counting"):
        for (group, _), n in zip(chunk, tokens):
            sizes[group][2] += n
        for group, index, *counts in rows:
            key = (group, index)
            tally[key] = tally[key] + counts if key in tally else np.array(counts, dtype="int64")
    check_group(by, meta_keys)
    group = "article_id" if by == "article" else by
    matcher = matcher_for(lexicons)
    counts = pd.DataFrame(
        [(key, entry.lexicon, entry.kind, entry.axis, entry.pole, entry.term.text, *values, index)
         for (key, index), values in tally.items() for entry in (matcher.entries[index],)],
        columns=[group, *TERM_KEYS, *VOICE_COUNT_COLUMNS, "entry"])
    counts = counts.astype(dict.fromkeys([*VOICE_COUNT_COLUMNS, "entry"], "int64"))
    if by == "article":
        table = pd.DataFrame([(key, outlet, n_tokens, n_articles) for key, (outlet, n_articles, n_tokens)
                              in sizes.items()], columns=[group, "outlet", "n_tokens", "n_articles"])
        return counts, table.astype({"n_articles": "int64", "n_tokens": "int64"})
    table = pd.DataFrame([(key, n_articles, n_tokens) for key, (_, n_articles, n_tokens) in sorted(sizes.items())],
                         columns=[group, "n_articles", "n_tokens"])
    return _sum_by_group(counts, group), table.astype({"n_articles": "int64", "n_tokens": "int64"})


def _sum_by_group(counts: pd.DataFrame, group: str) -> pd.DataFrame:
    """Counts per group and term (terms with the same keys added up; ``entry`` the first of them)."""
    return counts.groupby([group, *TERM_KEYS], sort=False, as_index=False).agg(
        **{column: (column, "sum") for column in VOICE_COUNT_COLUMNS}, entry=("entry", "min"))


def count_terms(corpus, lexicon="israel_gaza", *, by: str = "article", voice="all",
                counts: pd.DataFrame | None = None, n_jobs=None, progress: bool | None = None,
                engine: str = "local", scheduler: str | None = None) -> pd.DataFrame:
    """Count lexicon terms per article or per group of articles.

    Parameters
    ----------
    corpus : Corpus, CorpusStream or iterable of Article
        A :class:`~framing.readers.CorpusStream` (see
        :func:`~framing.readers.stream_corpus`) or any other iterator is
        counted as it is read, keeping only the sums per group: memory stays
        flat however large the corpus. The table is the same as for the
        corpus loaded whole.
    lexicon : Lexicon, str, path or list of them, default="israel_gaza"
        Shipped lexicon names, YAML paths or :class:`~framing.lexicon.Lexicon`.
    by : str, default="article"
        ``"article"``, or any column of :meth:`Corpus.to_frame` such as
        ``"outlet"``, ``"event"`` or ``"date"``.
    voice : {"all", "narration", "quotation", "scare_quote"} or list of them, default="all"
        Which matches ``count`` adds up (see :func:`framing.voice.segment_voice`):
        ``"narration"`` counts only the outlet's own words, leaving out
        quotations and scare quotes.
    counts : pandas.DataFrame, optional
        ``count_terms(corpus, lexicon, by="article")`` (any ``voice``), to add
        up per group without matching the corpus again.
    n_jobs : int, optional
        Worker processes for matching, one document at a time: None uses one
        for corpora under :data:`framing._parallel.PARALLEL_FROM` articles and
        every core above; -1 every core. The table is identical whatever
        ``n_jobs`` is.
    progress : bool, optional
        Show a progress bar (tqdm) on a terminal or in Jupyter; None shows
        it only where output is interactive, False never.
    engine : {"local", "dask"}, default="local"
        ``"dask"`` runs the per-document work as a Dask bag: on the cluster
        at ``scheduler``, or on a new ``LocalCluster`` of ``n_jobs`` workers
        (every core when None). Needs ``pip install 'framing[dask]'``. The
        table is identical to the local engine's.
    scheduler : str, optional
        Address of a running Dask scheduler, e.g. ``"tcp://10.0.0.5:8786"``.

    Returns
    -------
    pandas.DataFrame
        One row per group and term that occurs at least once (in any voice),
        with columns ``<group>, [outlet,] n_articles, n_tokens, lexicon, kind,
        axis, pole, term, count, rate_per_1000, count_narration,
        count_quotation, count_scare_quote``. ``count`` adds up the voices
        selected by ``voice``; the ``count_<voice>`` columns always split all
        matches by voice. ``rate_per_1000`` is ``count`` divided by the
        group's ``n_tokens``, times 1,000 (every token is in the denominator,
        whatever the voice). Rows are sorted by group, then in lexicon order.

    See Also
    --------
    find_matches : the occurrences behind each count.
    summarize_poles : counts per pole, with shares of the axis total.

    Examples
    --------
    >>> from framing import Article
    >>> table = count_terms([Article("a", "Two hostages, one captive.")], "israel_gaza")
    >>> table[["pole", "term", "count"]].values.tolist()
    [['hostage', 'hostage*', 1], ['captive', 'captive*', 1]]
    """
    lexicons = tuple(load_lexicons(lexicon))
    selected = check_voice(voice)
    counts, sizes = _counts_and_sizes(corpus, lexicons, by, counts, n_jobs, progress, engine, scheduler)
    return _term_table(counts, sizes, by, selected)


def _counts_and_sizes(corpus, lexicons: tuple[Lexicon, ...], by: str, counts: pd.DataFrame | None, n_jobs,
                      progress, engine, scheduler) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Counts per group and term, and the size of every group: of a stream read once, or of a corpus.

    A :class:`~framing.readers.CorpusStream` or an iterator is read as it goes,
    keeping only sums; anything else (or a stream with ``counts`` given) is
    read into a :class:`~framing.corpus.Corpus`.
    """
    if isinstance(corpus, (CorpusStream, Iterator)) and counts is None:
        return _stream_term_counts(corpus, lexicons, by, n_jobs, progress, engine, scheduler)
    return _corpus_term_counts(as_corpus(corpus), lexicons, by, counts, n_jobs, progress, engine, scheduler)


def _term_table(counts: pd.DataFrame, sizes: pd.DataFrame, by: str, selected: list[str]) -> pd.DataFrame:
    """The :func:`count_terms` table from counts per group and term and the group sizes."""
    keys = ["article_id", "outlet"] if by == "article" else [by]
    counts = counts.assign(count=counts[[f"count_{value}" for value in selected]].sum(axis=1).astype("int64"))
    table = counts.merge(sizes, on=keys[:1], how="left")
    order = {value: i for i, value in enumerate(sizes[keys[0]])}
    table["_group_order"] = table[keys[0]].map(order)
    table = table.sort_values(["_group_order", "entry"], kind="stable")
    table["rate_per_1000"] = 1000.0 * table["count"] / table["n_tokens"].where(table["n_tokens"] > 0)
    columns = [*keys, "n_articles", "n_tokens", *TERM_KEYS, "count", "rate_per_1000", *VOICE_COUNT_COLUMNS]
    return table[columns].reset_index(drop=True)


def count_tables(corpus, lexicon="israel_gaza", *, by: str = "outlet", voice="all", n_jobs=None,
                 progress: bool | None = None, engine: str = "local",
                 scheduler: str | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """:func:`count_terms` and :func:`summarize_poles` from one reading of the corpus.

    The way to count a :class:`~framing.readers.CorpusStream`: it is read
    once, one article at a time, and only the sums per group are kept.

    Parameters
    ----------
    corpus : Corpus, CorpusStream or iterable of Article
    lexicon : Lexicon, str, path or list of them, default="israel_gaza"
    by, voice, n_jobs, progress, engine, scheduler
        As for :func:`count_terms` (``by`` defaults to ``"outlet"`` here).

    Returns
    -------
    (terms, poles) : tuple of pandas.DataFrame
        Exactly ``count_terms(corpus, lexicon, by=by, voice=voice)`` and
        ``summarize_poles(corpus, lexicon, by=by, voice=voice)``.

    Examples
    --------
    >>> from framing import stream_corpus
    >>> terms, poles = count_tables(stream_corpus("seeds"), by="outlet")  # doctest: +SKIP
    """
    lexicons = tuple(load_lexicons(lexicon))
    selected = check_voice(voice)
    counts, sizes = _counts_and_sizes(corpus, lexicons, by, None, n_jobs, progress, engine, scheduler)
    terms = _term_table(counts, sizes, by, selected)
    return terms, _pole_table(terms, sizes, by, lexicons)


def _corpus_term_counts(corpus: Corpus, lexicons: tuple[Lexicon, ...], by: str, counts: pd.DataFrame | None,
                        n_jobs, progress, engine, scheduler) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Counts per group and term, and group sizes, of a corpus (from ``counts`` when given)."""
    if counts is None:
        counts = _article_term_counts(corpus, lexicons, n_jobs, progress, engine, scheduler)  # caches n_tokens too
    else:  # recover the lexicon order of each term
        entries: dict[tuple, int] = {}
        for index, entry in enumerate(entry for lexicon in lexicons for entry in lexicon.entries()):
            entries.setdefault((entry.lexicon, entry.kind, entry.axis, entry.pole, entry.term.text), index)
        counts = counts[["article_id", *TERM_KEYS, *VOICE_COUNT_COLUMNS]].assign(
            entry=[entries.get(key, len(entries)) for key in counts[TERM_KEYS].itertuples(index=False, name=None)])
    group, articles = _group_column(corpus, by)
    if group == "article_id":
        return counts, articles[["article_id", "outlet", "n_tokens"]].assign(n_articles=1)
    sizes = articles.groupby(group, sort=True).agg(n_articles=("article_id", "size"),
                                                  n_tokens=("n_tokens", "sum")).reset_index()
    return _sum_by_group(counts.merge(articles[["article_id", group]], on="article_id"), group), sizes


def summarize_poles(corpus, lexicon="israel_gaza", *, by: str = "outlet", voice="all",
                    counts: pd.DataFrame | None = None) -> pd.DataFrame:
    """Counts, rates and axis shares per group and pole, zeros included.

    Parameters
    ----------
    corpus : Corpus, CorpusStream or iterable of Article
        A stream is read once (see :func:`count_tables`).
    lexicon : Lexicon, str, path or list of them, default="israel_gaza"
    by : str, default="outlet"
        ``"article"`` or a column of :meth:`Corpus.to_frame`.
    voice : {"all", "narration", "quotation", "scare_quote"} or list of them, default="all"
        Which matches are counted, as in :func:`count_terms`.
    counts : pandas.DataFrame, optional
        The output of ``count_terms(corpus, lexicon, by=by, voice=voice)``,
        to avoid counting twice.

    Returns
    -------
    pandas.DataFrame
        One row per group and pole (every pole, even with a zero count):
        ``<group>, n_articles, n_tokens, lexicon, kind, axis, pole, count,
        rate_per_1000, axis_total, share``. ``share`` is ``count /
        axis_total``, the pole's part of all matches on its axis in that group;
        it is empty (NaN) when ``axis_total`` is 0 and for categories.
    """
    lexicons = tuple(load_lexicons(lexicon))
    if counts is None:
        return count_tables(corpus, lexicons, by=by, voice=voice)[1]
    corpus = as_corpus(corpus)
    group, articles = _group_column(corpus, by)
    if group == "article_id":
        sizes = articles[["article_id", "n_tokens"]].assign(n_articles=1)
    else:
        sizes = articles.groupby(group, sort=True).agg(n_articles=("article_id", "size"),
                                                      n_tokens=("n_tokens", "sum")).reset_index()
    return _pole_table(counts, sizes, by, lexicons)


def _pole_table(counts: pd.DataFrame, sizes: pd.DataFrame, by: str, lexicons: tuple[Lexicon, ...]) -> pd.DataFrame:
    """The :func:`summarize_poles` table from a :func:`count_terms` table and the sizes of every group."""
    group = "article_id" if by == "article" else by
    sizes = sizes[[group, "n_articles", "n_tokens"]].assign(_group_order=np.arange(len(sizes)))
    poles = pd.DataFrame([(lex.name, kind, axis, pole) for lex in lexicons for kind, axis, pole in lex.poles()],
                         columns=["lexicon", "kind", "axis", "pole"])
    poles["_pole_order"] = np.arange(len(poles))
    grid = sizes.merge(poles, how="cross")
    pole_counts = counts.groupby([group, "lexicon", "kind", "axis", "pole"], as_index=False)["count"].sum()
    table = grid.merge(pole_counts, on=[group, "lexicon", "kind", "axis", "pole"], how="left")
    table["count"] = table["count"].fillna(0).astype("int64")
    table["rate_per_1000"] = 1000.0 * table["count"] / table["n_tokens"].where(table["n_tokens"] > 0)
    table["axis_total"] = table.groupby([group, "lexicon", "axis"])["count"].transform("sum").astype("int64")
    is_axis = table["kind"] == "axis"
    table["share"] = (table["count"] / table["axis_total"].where(table["axis_total"] > 0)).where(is_axis)
    table = table.sort_values(["_group_order", "_pole_order"], kind="stable")
    columns = [group, "n_articles", "n_tokens", "lexicon", "kind", "axis", "pole", "count", "rate_per_1000",
               "axis_total", "share"]
    return table[columns].reset_index(drop=True)


def kwic(corpus, query: str, *, lexicon=None, width: int = 60) -> pd.DataFrame:
    """Keyword in context: the sentences behind a count, with the match marked.

    Parameters
    ----------
    corpus : Corpus or iterable of Article
    query : str
        With ``lexicon``: a term exactly as written in the lexicon, a pole, an
        axis or a category name, or ``"axis:pole"``. Without a lexicon, or
        when the query names none of those, it is matched as a term of its own
        (same syntax: ``hostage*``, ``Hamas-run``).
    lexicon : Lexicon, str, path or list of them, optional
    width : int, default=60
        Characters of context on each side in ``left`` and ``right``.

    Returns
    -------
    pandas.DataFrame
        ``article_id, outlet, lexicon, kind, axis, pole, term, start, end,
        left, match, right, voice, speaker, sentence, marked``, where
        ``marked`` is the sentence with the match wrapped in ``[[ ]]`` and
        ``voice``/``speaker`` say who is speaking at the match.

    Examples
    --------
    >>> from framing import Article
    >>> kwic([Article("a", "He freed two hostages. Nothing else.")], "hostage*")[["left", "match"]].values.tolist()
    [['He freed two ', 'hostages']]
    """
    if not isinstance(width, (int, np.integer)) or width < 0:
        raise FramingError(f"width must be a non-negative integer, got {width!r}")
    if not isinstance(query, str) or not query.strip():
        raise FramingError(f"query must be a non-empty term, pole or axis name, got {query!r}")
    corpus = as_corpus(corpus)
    query = query.strip()
    matches = None
    if lexicon is not None:
        lexicons = load_lexicons(lexicon)
        matches = find_matches(corpus, lexicons)
        axis, _, pole = query.partition(":")
        selectors = [matches["term"] == query, matches["pole"] == query, matches["axis"] == query,
                     (matches["axis"] == axis) & (matches["pole"] == pole)]
        known = {(e.term.text) for lex in lexicons for e in lex.entries()} | {
            name for lex in lexicons for _, a, p in lex.poles() for name in (a, p, f"{a}:{p}")}
        if query in known:
            matches = matches[np.logical_or.reduce(selectors)]
        else:
            matches = None
    if matches is None:
        adhoc = Lexicon.from_dict({"name": "query", "categories": {"query": {"terms": [query]}}},
                                  source="query")
        matches = find_matches(corpus, adhoc)
    rows = []
    for row in matches.itertuples(index=False):
        text = corpus[row.article_id].text
        left = text[max(0, row.start - width):row.start].replace("\n", " ")
        right = text[row.end:row.end + width].replace("\n", " ")
        offset = row.start - row.sentence_start
        marked = (row.sentence[:offset] + "[[" + row.match + "]]" + row.sentence[offset + len(row.match):])
        rows.append((row.article_id, row.outlet, row.lexicon, row.kind, row.axis, row.pole, row.term, row.start,
                     row.end, left, row.match, right, row.voice, row.speaker, row.sentence, marked))
    return pd.DataFrame(rows, columns=["article_id", "outlet", "lexicon", "kind", "axis", "pole", "term", "start",
                                       "end", "left", "match", "right", "voice", "speaker", "sentence", "marked"])

