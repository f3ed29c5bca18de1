"""Compare stage: near-duplicate articles (wire copy republished by several outlets, reworded copies).

Two articles are compared by their sets of word shingles: every run of
``shingle_size`` consecutive tokens of :func:`framing.text.tokenize`
(normalised, lower-cased, stop words kept). :func:`find_duplicates` reports
the pairs whose *containment* reaches a threshold, with the passages they
share; :func:`copy_weights` turns those pairs into article weights for
:func:`framing.distinctive.distinctive_terms`, so that a story printed by five
outlets counts once.

Why containment at 0.2 on 5-word shingles
-----------------------------------------
Containment (shared 5-word shingles over the shingles of the shorter
article) measured on the seeds, on the test fixture ``tests/data/duplicates``
and on a few public news pages (not shipped):

- verbatim wire copy (the same Reuters story on two sites): 0.75;
- a lightly reworded copy (synonyms every eight words or so, clauses
  reordered, a sentence dropped and one added): 0.30;
- a rewrite of a wire story that keeps some of its sentences: 0.19;
- independent articles on the same event, sharing names, a quote or a
  casualty count: 0.00-0.05 (all ten seed pairs are at most 0.016).

Jaccard (shared over all shingles) of the reworded copy is only 0.17 and
drops further when one article is much longer, so it is reported but not used
to flag. Heavily "spun" copy that changes every third or fourth word keeps
almost no 5-word shingles and is not found by any shingle method: seed 002 and
a public page that reword the same Reuters paragraphs independently share
0.036 of their shingles, no more than independent reports. Compare such
articles sentence by sentence instead.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.sparse.csgraph import connected_components

from framing._tokens import _byte_tokens, corpus_tokens
from framing.corpus import Article, Corpus, as_corpus
from framing.exceptions import FramingError
from framing.text import TOKEN_PATTERN, normalize_text

__all__ = ["DUPLICATE_COLUMNS", "EXACT_MAX_ARTICLES", "PASSAGE_COLUMNS", "copy_weights", "find_duplicates",
           "find_shared_passages"]

#: Columns of :func:`find_duplicates`.
DUPLICATE_COLUMNS = ["article_id_a", "article_id_b", "outlet_a", "outlet_b", "jaccard", "containment",
                     "n_shared_shingles", "shared_passages"]
#: Columns of :func:`find_shared_passages`.
PASSAGE_COLUMNS = ["start", "end", "n_words", "text", "start_b", "end_b"]

_METHODS = ("auto", "exact", "minhash")
_POLICIES = ("exclude", "downweight", "keep")
#: Corpora up to this many articles use the exact method when ``method="auto"``.
EXACT_MAX_ARTICLES = 5000
_ROWS_PER_BAND = 2
_TOKEN_RE = re.compile(TOKEN_PATTERN)
_MULTIPLIER = np.uint64(0x100000001B3)
_MASK32 = np.uint64(0xFFFFFFFF)


def _mix(values: np.ndarray) -> np.ndarray:
    """SplitMix64 finaliser: spread the bits of 64-bit values (wrapping arithmetic)."""
    values = values ^ (values >> np.uint64(30))
    values = values * np.uint64(0xBF58476D1CE4E5B9)
    values = values ^ (values >> np.uint64(27))
    values = values * np.uint64(0x94D049BB133111EB)
    return values ^ (values >> np.uint64(31))


def _token_hash(token: str) -> int:
    return int.from_bytes(hashlib.blake2b(token.encode("utf-8"), digest_size=8).digest(), "little")


def _shingle_sets(corpus: Corpus, shingle_size: int, n_jobs=None) -> tuple[np.ndarray, np.ndarray]:
    """Sorted unique 64-bit shingle hashes of each article: article ``i``'s are ``values[offsets[i]:offsets[i + 1]]``.

    Token hashes come from BLAKE2b of the token, so a shingle's hash does not
    depend on the corpus or its order. An article shorter than
    ``shingle_size`` tokens has one shingle, all its tokens. The sets share
    one array (an article has at most as many shingles as tokens), rather
    than one small array each, which would leave the heap fragmented.
    """
    tokens = corpus_tokens(corpus, n_jobs=n_jobs)
    token_hashes = np.fromiter(map(_token_hash, tokens.vocabulary), dtype=np.uint64, count=len(tokens.vocabulary))
    values = np.empty(len(tokens.ids), dtype=np.uint64)
    offsets = np.zeros(len(tokens) + 1, dtype=np.int64)
    for position in range(len(tokens)):
        hashes = token_hashes[tokens.article(position)]
        stored = offsets[position]
        if len(hashes):
            shingles = _mix(_window_hashes(hashes, min(shingle_size, len(hashes))))
            shingles.sort()  # then drop repeats: np.unique costs more than this for small arrays
            unique = shingles[np.concatenate([[True], shingles[1:] != shingles[:-1]])]
            values[stored:stored + len(unique)] = unique
            stored += len(unique)
        offsets[position + 1] = stored
    return values[:offsets[-1]], offsets


def _window_hashes(values: np.ndarray, width: int) -> np.ndarray:
    """A 64-bit polynomial hash of every run of ``width`` consecutive values (wrapping arithmetic)."""
    values = values.astype(np.uint64, copy=False)
    n_windows = len(values) - width + 1
    hashes = np.zeros(n_windows, dtype=np.uint64)
    for offset in range(width):
        hashes = hashes * _MULTIPLIER + values[offset:offset + n_windows]
    return hashes


def _incidence(values: np.ndarray, offsets: np.ndarray) -> sparse.csr_matrix:
    """Binary article x shingle matrix."""
    _, columns = np.unique(values, return_inverse=True)
    n_columns = int(columns.max()) + 1 if len(columns) else 0
    return sparse.csr_matrix((np.ones(len(columns), dtype=np.float64), columns.ravel(), offsets),
                             shape=(len(offsets) - 1, n_columns))


def _exact_pairs(incidence: sparse.csr_matrix, block: int = 2000) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every pair (i < j) sharing at least one shingle, with its intersection size."""
    first, second, shared = [], [], []
    transposed = incidence.T.tocsc()
    for start in range(0, incidence.shape[0], block):
        product = (incidence[start:start + block] @ transposed).tocoo()
        rows = product.row + start
        upper = product.col > rows
        first.append(rows[upper])
        second.append(product.col[upper])
        shared.append(product.data[upper])
    if not first:
        return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0)
    return (np.concatenate(first).astype(np.int64), np.concatenate(second).astype(np.int64),
            np.concatenate(shared))


def _minhash_signatures(values: np.ndarray, offsets: np.ndarray, num_perm: int, random_state) -> np.ndarray:
    """MinHash signatures, one row per article, by multiply-shift hashing of the shingle hashes."""
    rng = np.random.default_rng(random_state)
    multipliers = rng.integers(1, 2**63, size=num_perm, dtype=np.uint64) * np.uint64(2) + np.uint64(1)
    increments = rng.integers(0, 2**63, size=num_perm, dtype=np.uint64)
    n_articles = len(offsets) - 1
    sizes = np.diff(offsets)
    signatures = np.full((n_articles, num_perm), np.iinfo(np.uint64).max, dtype=np.uint64)
    # Batches of about 2**20 hashes (8 MB) stay in cache; one buffer serves every batch.
    budget = max(1, 2**20 // num_perm)
    buffer = np.empty((num_perm, max(budget, int(sizes.max(initial=0)))), dtype=np.uint64)
    position = 0
    while position < n_articles:
        # The articles that fit in the budget (at least one), and the non-empty ones among them.
        stop = max(position + 1, int(np.searchsorted(offsets, offsets[position] + budget, side="right")) - 1)
        chosen = position + np.flatnonzero(sizes[position:stop])
        if len(chosen):
            hashed = buffer[:, :offsets[stop] - offsets[position]]
            np.multiply(multipliers[:, None], values[None, offsets[position]:offsets[stop]], out=hashed)
            hashed += increments[:, None]
            # x >> 32 never decreases as x grows, so the minimum is taken before the shift.
            starts = offsets[chosen] - offsets[position]
            signatures[chosen] = (np.minimum.reduceat(hashed, starts, axis=1) >> np.uint64(32)).T
        position = stop
    return signatures


def _lsh_candidates(signatures: np.ndarray, has_shingles: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Pairs (i < j) whose signatures agree on every row of at least one band."""
    articles = np.flatnonzero(has_shingles)
    codes = []
    n_bands = signatures.shape[1] // _ROWS_PER_BAND
    for band in range(n_bands):
        columns = signatures[articles, band * _ROWS_PER_BAND:(band + 1) * _ROWS_PER_BAND]
        keys = (columns[:, 0] << np.uint64(32)) | (columns[:, 1] & _MASK32)
        order = np.argsort(keys, kind="stable")
        starts = np.concatenate([[0], np.flatnonzero(np.diff(keys[order])) + 1])
        lengths = np.diff(np.concatenate([starts, [len(order)]]))
        for start, length in zip(starts[lengths > 1], lengths[lengths > 1]):
            members = np.sort(articles[order[start:start + length]])
            left, right = np.triu_indices(len(members), 1)
            codes.append(members[left] * len(has_shingles) + members[right])
    if not codes:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    unique = np.unique(np.concatenate(codes))
    return unique // len(has_shingles), unique % len(has_shingles)


def _intersections(values: np.ndarray, offsets: np.ndarray, first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """Exact number of shared shingles of each candidate pair (the sets are sorted and unique)."""
    shared = np.zeros(len(first))
    for pair, (index_a, index_b) in enumerate(zip(first, second)):
        values_a = values[offsets[index_a]:offsets[index_a + 1]]
        values_b = values[offsets[index_b]:offsets[index_b + 1]]
        if len(values_a) > len(values_b):
            values_a, values_b = values_b, values_a
        positions = np.searchsorted(values_b, values_a).clip(max=len(values_b) - 1)
        shared[pair] = np.count_nonzero(values_b[positions] == values_a)
    return shared


def _word_ids() -> defaultdict[str, int]:
    """A vocabulary that gives each new word the next integer id."""
    vocabulary: defaultdict[str, int] = defaultdict()
    vocabulary.default_factory = vocabulary.__len__
    return vocabulary


def _token_spans(text: str, vocabulary: defaultdict[str, int]) -> tuple[np.ndarray, np.ndarray]:
    """Ids of the lower-cased tokens (as :func:`tokenize` gives them), with their spans in the displayed text."""
    normalized = normalize_text(text)
    lower = normalized.lower
    if lower.isascii():  # the tokens from re (strings made in C), their places from numpy: no match objects
        tokens = _TOKEN_RE.findall(lower)
        starts, ends, _, _ = _byte_tokens([lower.encode("ascii")])
        spans = np.column_stack([starts, ends])
    else:
        matches = list(_TOKEN_RE.finditer(lower))
        tokens = [match.group() for match in matches]
        spans = np.array([match.span() for match in matches], dtype=np.int64).reshape(-1, 2)
    # Most texts have no stretch whose length normalisation changed: their offsets need no mapping.
    if normalized.segments:
        spans = normalized.original_spans(spans)
    return np.fromiter(map(vocabulary.__getitem__, tokens), dtype=np.int64, count=len(tokens)), spans


def _shared_runs(ids_a: np.ndarray, ids_b: np.ndarray, min_words: int) -> list[tuple[int, int, int]]:
    """Every maximal run of at least ``min_words`` equal tokens, as (length, last position in a, in b).

    A run of ``n`` tokens is ``n - min_words + 1`` windows of ``min_words``
    tokens that match at consecutive positions with the same offset between
    the two articles, so runs are found from the matching windows (found by
    hash, then compared token by token).
    """
    if min(len(ids_a), len(ids_b)) < min_words:
        return []
    hashes_a, hashes_b = _window_hashes(ids_a, min_words), _window_hashes(ids_b, min_words)
    order_b = np.argsort(hashes_b, kind="stable")
    sorted_b = hashes_b[order_b]
    low = np.searchsorted(sorted_b, hashes_a, side="left")
    n_equal = np.searchsorted(sorted_b, hashes_a, side="right") - low
    first = np.repeat(np.arange(len(hashes_a)), n_equal)
    within = np.arange(len(first)) - np.repeat(np.cumsum(n_equal) - n_equal, n_equal)
    second = order_b[np.repeat(low, n_equal) + within]
    windows_a = np.lib.stride_tricks.sliding_window_view(ids_a, min_words)
    windows_b = np.lib.stride_tricks.sliding_window_view(ids_b, min_words)
    same = (windows_a[first] == windows_b[second]).all(axis=1)
    first, second = first[same], second[same]
    if len(first) == 0:
        return []
    order = np.lexsort((first, first - second))
    first, second = first[order], second[order]
    starts = np.ones(len(first), dtype=bool)
    starts[1:] = (first[1:] - second[1:] != first[:-1] - second[:-1]) | (first[1:] != first[:-1] + 1)
    run_starts = np.flatnonzero(starts)
    run_ends = np.append(run_starts[1:], len(first)) - 1
    lengths = first[run_ends] - first[run_starts] + min_words
    return list(zip(lengths.tolist(), (first[run_ends] + min_words - 1).tolist(),
                    (second[run_ends] + min_words - 1).tolist()))


def _passage_rows(text_a: str, ids_a: np.ndarray, spans_a: np.ndarray, ids_b: np.ndarray, spans_b: np.ndarray,
                  min_words: int, top: int | None) -> list[tuple]:
    """Rows of :func:`find_shared_passages`: longest runs first, each word of ``a`` in one passage at most."""
    runs = _shared_runs(ids_a, ids_b, min_words)
    runs.sort(key=lambda run: (-run[0], run[1] - run[0], run[2]))
    taken: list[tuple[int, int]] = []  # the words of a already in a passage, as (first, last) runs: a few
    rows = []
    for length, last_a, last_b in runs:
        first_a = last_a - length + 1
        if any(first <= last_a and first_a <= last for first, last in taken):
            continue
        taken.append((first_a, last_a))
        start, end = int(spans_a[first_a, 0]), int(spans_a[last_a, 1])
        rows.append((start, end, length, text_a[start:end], int(spans_b[last_b - length + 1, 0]),
                     int(spans_b[last_b, 1])))
        if top is not None and len(rows) == top:
            break
    return rows


def find_shared_passages(article_a: Article, article_b: Article, *, min_words: int = 8,
                         top: int | None = 3) -> pd.DataFrame:
    """The longest runs of consecutive words that two articles share, traced back to their text.

    Words are compared after normalisation and lower-casing, so typography and
    case do not break a run. Passages may appear in a different order in the
    two articles; each word of ``article_a`` belongs to at most one passage.

    Parameters
    ----------
    article_a, article_b : Article
    min_words : int, default=8
        Shortest passage reported, in words.
    top : int or None, default=3
        Number of passages, longest first; None for all.

    Returns
    -------
    pandas.DataFrame
        One row per passage: ``start, end, n_words, text, start_b, end_b``.
        ``article_a.text[start:end]`` is ``text``; ``start_b, end_b`` locate
        the same words in ``article_b.text``. Sorted by length (longest
        first), then by position in ``article_a``.

    Examples
    --------
    >>> a = Article("a", "Officials said the crossing was closed after a rocket attack on Sunday.")
    >>> b = Article("b", "On Sunday the crossing was closed after a rocket attack, officials said.")
    >>> find_shared_passages(a, b, min_words=5)[["n_words", "text"]].values.tolist()
    [[8, 'the crossing was closed after a rocket attack']]
    """
    if not isinstance(min_words, (int, np.integer)) or min_words < 1:
        raise FramingError(f"min_words must be a positive integer, got {min_words!r}; for example 8")
    if top is not None and (not isinstance(top, (int, np.integer)) or top < 1):
        raise FramingError(f"top must be a positive integer or None, got {top!r}")
    vocabulary = _word_ids()
    rows = _passage_rows(article_a.text, *_token_spans(article_a.text, vocabulary),
                         *_token_spans(article_b.text, vocabulary), min_words, top)
    return pd.DataFrame(rows, columns=PASSAGE_COLUMNS).astype(
        {"start": "int64", "end": "int64", "n_words": "int64", "start_b": "int64", "end_b": "int64"})


def _earliest_first(article_a: Article, article_b: Article) -> tuple[Article, Article]:
    return tuple(sorted((article_a, article_b), key=_age_key))


def _age_key(article: Article):
    return (article.date is None, article.date or 0, article.id)


def find_duplicates(corpus, *, threshold: float = 0.2, shingle_size: int = 5, method: str = "auto",
                    num_perm: int = 128, random_state=0, n_jobs=None) -> pd.DataFrame:
    """Pairs of articles that share much of their text: republished wire copy and reworded copies.

    Parameters
    ----------
    corpus : Corpus or iterable of Article
    threshold : float, default=0.2
        Report a pair when its containment (shared shingles divided by the
        shingles of the shorter article) is at least this. 0.2 flags lightly
        reworded copies (measured 0.30) and leaves independent articles on the
        same event (measured at most 0.05) alone; see the module notes.
    shingle_size : int, default=5
        Words per shingle.
    method : {"auto", "exact", "minhash"}, default="auto"
        ``"exact"`` computes the shared shingles of every pair with a sparse
        matrix product (fine for a few thousand articles). ``"minhash"``
        finds candidate pairs with MinHash signatures and locality-sensitive
        hashing (bands of 2 rows), then counts their shared shingles exactly,
        so every pair it reports is exact; it can miss pairs. A pair with
        Jaccard ``J`` is a candidate with probability
        ``1 - (1 - J**2) ** (num_perm // 2)``: with 128 permutations 0.47 at
        J = 0.1, 0.86 at J = 0.17 (the reworded copy of the tests), 0.99 at
        J = 0.27 and almost 1 for verbatim copies (J > 0.4); 256
        permutations raise 0.86 to 0.98. A short article copied inside a
        long one has a high containment but a low Jaccard and is the most
        likely miss. ``"auto"`` is exact up to :data:`EXACT_MAX_ARTICLES`
        articles.
    num_perm : int, default=128
        MinHash permutations; more catch more reworded copies, at a cost.
    random_state : int or numpy.random.Generator, default=0
        Seed of the MinHash permutations.
    n_jobs : int, optional
        Worker processes for tokenising (see
        :func:`framing.count_terms`); the table is the same whatever it is.

    Returns
    -------
    pandas.DataFrame
        One row per pair, columns :data:`DUPLICATE_COLUMNS`: ``article_id_a,
        article_id_b, outlet_a, outlet_b, jaccard, containment,
        n_shared_shingles, shared_passages``. Article ``a`` is the earlier of
        the two (by date, then id; undated last), the likely original.
        ``shared_passages`` holds up to three of the longest shared runs of at
        least 8 words, as ``[start:end] text`` joined by ``" | "``, where
        ``start:end`` indexes ``article_a.text`` and line breaks in ``text``
        are shown as spaces (see
        :func:`find_shared_passages` for all of them). Sorted by containment,
        then Jaccard (both descending), then ids.

    Raises
    ------
    FramingError
        If an option is not valid.

    See Also
    --------
    copy_weights : weights that count each cluster of copies once.
    find_shared_passages : every shared passage of one pair.

    Examples
    --------
    >>> pairs = find_duplicates(load_corpus("seeds"))   # doctest: +SKIP
    >>> weights = copy_weights(corpus, pairs)           # doctest: +SKIP
    """
    corpus = as_corpus(corpus)
    if isinstance(threshold, bool) or not isinstance(threshold, (int, float)) or not 0 < threshold <= 1:
        raise FramingError(f"threshold must be a number in (0, 1], got {threshold!r}; for example 0.2")
    if isinstance(shingle_size, bool) or not isinstance(shingle_size, (int, np.integer)) or shingle_size < 1:
        raise FramingError(f"shingle_size must be a positive integer, got {shingle_size!r}; for example 5")
    if method not in _METHODS:
        raise FramingError(f"method={method!r} is not valid; use one of: {', '.join(_METHODS)}")
    if isinstance(num_perm, bool) or not isinstance(num_perm, (int, np.integer)) or num_perm < _ROWS_PER_BAND:
        raise FramingError(f"num_perm must be an integer >= {_ROWS_PER_BAND}, got {num_perm!r}; for example 128")
    if method == "auto":
        method = "exact" if len(corpus) <= EXACT_MAX_ARTICLES else "minhash"

    values, offsets = _shingle_sets(corpus, shingle_size, n_jobs)
    sizes = np.diff(offsets).astype(float)
    if method == "exact":
        first, second, shared = _exact_pairs(_incidence(values, offsets))
    else:
        signatures = _minhash_signatures(values, offsets, num_perm, random_state)
        first, second = _lsh_candidates(signatures, sizes > 0)
        shared = _intersections(values, offsets, first, second)
    smaller = np.minimum(sizes[first], sizes[second])
    with np.errstate(divide="ignore", invalid="ignore"):
        containment = np.where(smaller > 0, shared / smaller, 0.0)
    keep = (shared > 0) & (containment >= threshold)
    first, second, shared, containment = first[keep], second[keep], shared[keep], containment[keep]
    jaccard = shared / (sizes[first] + sizes[second] - shared)

    rows = []
    vocabulary = _word_ids()
    article_tokens = {}  # article id -> token ids and spans, for articles in several pairs
    for index_a, index_b, n_shared, pair_jaccard, pair_containment in zip(
            first, second, shared, jaccard, containment):
        article_a, article_b = _earliest_first(corpus[int(index_a)], corpus[int(index_b)])
        for article in (article_a, article_b):
            if article.id not in article_tokens:
                article_tokens[article.id] = _token_spans(article.text, vocabulary)
        passages = _passage_rows(article_a.text, *article_tokens[article_a.id], *article_tokens[article_b.id],
                                 min_words=8, top=3)
        text = " | ".join(f"[{start}:{end}] {' '.join(passage.split())}" for start, end, _, passage, _, _ in passages)
        rows.append((article_a.id, article_b.id, article_a.outlet, article_b.outlet, float(pair_jaccard),
                     float(pair_containment), int(n_shared), text))
    table = pd.DataFrame(rows, columns=DUPLICATE_COLUMNS)
    table = table.astype({"jaccard": "float64", "containment": "float64", "n_shared_shingles": "int64"})
    table = table.sort_values(["containment", "jaccard", "article_id_a", "article_id_b"],
                              ascending=[False, False, True, True], kind="stable")
    return table.reset_index(drop=True)


def copy_weights(corpus, duplicates: pd.DataFrame, *, policy: str = "exclude") -> pd.Series:
    """A weight per article that counts each cluster of copies once.

    Pairs from :func:`find_duplicates` are joined into clusters (connected
    components: if A copies B and B copies C, all three are one cluster). In
    each cluster the earliest article (by date, then id; undated last) is the
    original and keeps weight 1.

    Parameters
    ----------
    corpus : Corpus or iterable of Article
    duplicates : pandas.DataFrame
        With columns ``article_id_a`` and ``article_id_b``, such as the output
        of :func:`find_duplicates`.
    policy : {"exclude", "downweight", "keep"}, default="exclude"
        ``"exclude"``: the other members get weight 0, so copied text counts
        once, for its first publisher: outlet profiles then describe what each
        outlet wrote. ``"downweight"``: the others get ``1 / cluster_size``.
        ``"keep"``: every article keeps weight 1 (what readers of each outlet
        saw, copies included).

    Returns
    -------
    pandas.Series
        Float weights named ``weight``, indexed by ``article_id`` in corpus
        order, ready for ``distinctive_terms(..., weights=...)``.

    Raises
    ------
    FramingError
        If ``policy`` is unknown, a column is missing or an id is not in the
        corpus.

    Examples
    --------
    >>> weights = copy_weights(corpus, find_duplicates(corpus))   # doctest: +SKIP
    """
    corpus = as_corpus(corpus)
    if policy not in _POLICIES:
        raise FramingError(f"policy={policy!r} is not valid; use one of: {', '.join(_POLICIES)}")
    if not isinstance(duplicates, pd.DataFrame):
        raise FramingError(f"duplicates must be a DataFrame from find_duplicates, got {type(duplicates).__name__}")
    missing = [column for column in ("article_id_a", "article_id_b") if column not in duplicates.columns]
    if missing:
        raise FramingError(f"duplicates has no column {missing[0]!r}; pass the output of find_duplicates")
    ids = corpus.ids
    position = pd.Index(ids)
    first = position.get_indexer(duplicates["article_id_a"])
    second = position.get_indexer(duplicates["article_id_b"])
    unknown = np.concatenate([duplicates["article_id_a"].to_numpy()[first < 0],
                              duplicates["article_id_b"].to_numpy()[second < 0]])
    if len(unknown):
        raise FramingError(f"duplicates names article {unknown[0]!r}, which is not in the corpus; "
                           "find duplicates in the same corpus you weight")
    weights = pd.Series(1.0, index=pd.Index(ids, name="article_id"), name="weight")
    if policy == "keep" or len(duplicates) == 0:
        return weights
    graph = sparse.coo_matrix((np.ones(len(first)), (first, second)), shape=(len(ids), len(ids)))
    _, labels = connected_components(graph, directed=False)
    cluster_sizes = np.bincount(labels)
    values = np.ones(len(ids))
    in_cluster = np.flatnonzero(cluster_sizes[labels] > 1)
    oldest_first = sorted(in_cluster, key=lambda index: (labels[index], _age_key(corpus[int(index)])))
    previous_label = None
    for index in oldest_first:  # sorted by cluster, then age: the first of each cluster is the original
        if labels[index] != previous_label:
            previous_label = labels[index]
            continue
        values[index] = 0.0 if policy == "exclude" else 1.0 / cluster_sizes[labels[index]]
    weights[:] = values
    return weights
