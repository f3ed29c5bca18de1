"""Compare stage: words and lexicon terms that distinguish one group of articles from another.

:func:`distinctive_terms` ranks n-grams (or lexicon terms) by the weighted
log-odds ratio with an informative Dirichlet prior of Monroe, Colaresi and
Quinn (2008), "Fightin' Words: Lexical Feature Selection and Evaluation for
Identifying the Content of Political Conflict", *Political Analysis* 16(4).
:func:`log_odds_dirichlet` is the same computation on plain count vectors.

Reading the z-scores
--------------------
``z`` is the log-odds difference divided by its approximate standard error.
``|z| > 1.96`` is significant at 5 % *for one word tested alone*; a vocabulary
of 20,000 words gives about 1,000 such words by chance. Read ``p_adjusted``
(Holm's family-wise correction over every term of one comparison) and the
``significant`` flag instead, and treat ``z`` as a ranking score. The model
counts tokens as independent draws, but words cluster within articles (one
article on Rafah says "Rafah" twenty times), so even the adjusted p-values are
optimistic for topical words: check the articles behind a term, for example
with :func:`framing.kwic`, and down-weight republished copies with
:func:`framing.duplicates.copy_weights`.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.special import ndtr

from framing._memory import release_memory
from framing._tokens import CorpusTokens, corpus_tokens
from framing.corpus import Corpus, as_corpus
from framing.counting import count_terms, select_voice
from framing.exceptions import FramingError
from framing.features import make_tfidf_vectorizer
from framing.voice import keep_voices

__all__ = ["REST_LABEL", "distinctive_terms", "log_odds_dirichlet"]

#: Value of the ``versus`` column when a group is compared with all other groups pooled.
REST_LABEL = "(rest)"

_FEATURES = ("ngrams", "lexicon")
_LEXICON_KEYS = ["lexicon", "kind", "axis", "pole"]


def _log_odds(counts_i, counts_j, prior, n_i, n_j, prior_total):
    """Delta, standard error and z, broadcasting over leading axes."""
    log_odds_i = np.log(counts_i + prior) - np.log(n_i + prior_total - counts_i - prior)
    log_odds_j = np.log(counts_j + prior) - np.log(n_j + prior_total - counts_j - prior)
    delta = log_odds_i - log_odds_j
    se = np.sqrt(1.0 / (counts_i + prior) + 1.0 / (counts_j + prior))
    return delta, se, delta / se


def log_odds_dirichlet(counts_i, counts_j, prior, *, n_i=None, n_j=None, prior_total=None):
    """Log-odds ratio with an informative Dirichlet prior (Monroe et al. 2008, eq. 16, 18-19).

    For every word ``w``::

        delta_w = log((y_iw + a_w) / (n_i + a_0 - y_iw - a_w))
                - log((y_jw + a_w) / (n_j + a_0 - y_jw - a_w))
        se_w    = sqrt(1 / (y_iw + a_w) + 1 / (y_jw + a_w))
        z_w     = delta_w / se_w

    Parameters
    ----------
    counts_i, counts_j : array-like of float
        Counts of each word in group ``i`` and group ``j`` (same shape; 2-D
        arrays compare several pairs at once, one per row).
    prior : float or array-like of float
        Dirichlet pseudo-counts ``a_w``, all positive. A scalar is the same for
        every word (a uniform prior).
    n_i, n_j : float or array-like, optional
        Total tokens of each group, the log-odds denominators. Default: the sum
        of the counts along the last axis (every word is in the vectors).
    prior_total : float or array-like, optional
        ``a_0``, the total prior mass. Default: the sum of ``prior`` along the
        last axis.

    Returns
    -------
    delta : numpy.ndarray
        Log-odds ratio of each word, group ``i`` over group ``j``.
    z : numpy.ndarray
        ``delta`` divided by its approximate standard error.

    Raises
    ------
    FramingError
        If the shapes differ, a count is negative or a pseudo-count is not
        positive.

    Examples
    --------
    >>> delta, z = log_odds_dirichlet([10, 0, 5, 85], [2, 8, 5, 85], [12, 8, 10, 170])
    >>> np.round(delta, 4).tolist(), np.round(z, 4).tolist()
    ([0.4804, -0.7209, 0.0, 0.0], [1.405, -1.6649, 0.0, 0.0])
    """
    counts_i = np.asarray(counts_i, dtype=float)
    counts_j = np.asarray(counts_j, dtype=float)
    if counts_i.shape != counts_j.shape:
        raise FramingError(f"counts_i and counts_j must have the same shape, got {counts_i.shape} and "
                           f"{counts_j.shape}; count the same vocabulary in both groups")
    if (counts_i < 0).any() or (counts_j < 0).any():
        raise FramingError("counts_i and counts_j must be non-negative; pass word counts")
    prior = np.broadcast_to(np.asarray(prior, dtype=float), counts_i.shape)
    if not (prior > 0).all():
        raise FramingError(f"prior must be positive for every word, got a minimum of {float(prior.min())!r}; "
                           "add a small constant such as 0.01")
    n_i = counts_i.sum(axis=-1, keepdims=True) if n_i is None else np.asarray(n_i, dtype=float)
    n_j = counts_j.sum(axis=-1, keepdims=True) if n_j is None else np.asarray(n_j, dtype=float)
    prior_total = prior.sum(axis=-1, keepdims=True) if prior_total is None else np.asarray(prior_total, float)
    delta, _, z = _log_odds(counts_i, counts_j, prior, n_i, n_j, prior_total)
    return delta, z


def _holm(p_values: np.ndarray) -> np.ndarray:
    """Holm step-down adjusted p-values along the last axis of a 2-D array."""
    weights = np.ones(p_values.shape[1], dtype=np.int64)
    return np.array([_holm_of(row, weights, row) for row in p_values]).reshape(p_values.shape)


def _holm_of(p_values: np.ndarray, weights: np.ndarray, wanted: np.ndarray) -> np.ndarray:
    """Holm-adjusted p-values of ``wanted``, in the family of ``p_values`` each repeated ``weights`` times.

    Holm multiplies the ``k``-th smallest of ``n`` p-values by ``n - k + 1``
    and takes the running maximum. Tied p-values all get the value at the
    first of them (the products along a tie decrease, so the running maximum
    stops growing there), so a repeated p-value needs one product, at the
    position of its first copy, and a wanted p-value is looked up by its
    place among the sorted ones. Only the p-values up to the largest wanted
    one are sorted.
    """
    n_tests = int(weights.sum())
    if len(wanted) and not np.isnan(wanted.max()):
        below = p_values <= wanted.max()
        p_values, weights = p_values[below], weights[below]
    order = np.argsort(p_values)
    ordered, repeats = p_values[order], weights[order]
    first = np.cumsum(repeats) - repeats  # position of each value's first copy among all n_tests
    ranked = np.minimum(np.maximum.accumulate(ordered * (n_tests - first)), 1.0)
    return ranked[np.searchsorted(ordered, wanted)]


def _kth_largest(values: np.ndarray, weights: np.ndarray, k: int) -> float:
    """The ``k``-th largest of ``values`` each repeated ``weights`` (>= 1) times; NaN sorts last.

    NaN too when fewer than ``k`` copies are not NaN, like
    ``-np.partition(-repeated, k - 1)[k - 1]``.
    """
    if len(values) > k:  # every weight is at least 1, so the k largest values hold the k-th largest copy
        kept = np.argpartition(-values, k - 1)[:k]
        values, weights = values[kept], weights[kept]
    order = np.argsort(-values)
    position = np.searchsorted(np.cumsum(weights[order]), k)
    return values[order[position]] if position < len(values) else np.nan


def _article_weights(ids: list[str], weights, exclude_articles) -> np.ndarray:
    """One weight in [0, 1] per article, in corpus order."""
    result = np.ones(len(ids))
    if weights is not None:
        if not isinstance(weights, pd.Series):
            raise FramingError(f"weights must be a pandas Series indexed by article id, got "
                               f"{type(weights).__name__}; build one with copy_weights")
        missing = [article_id for article_id in ids if article_id not in weights.index]
        if missing:
            raise FramingError(f"weights has no value for {len(missing)} article(s), e.g. {missing[0]!r}; "
                               "give a weight for every article of the corpus")
        if weights.index.has_duplicates:
            raise FramingError("weights has a repeated article id; give one weight per article")
        values = pd.to_numeric(weights.reindex(ids), errors="coerce").to_numpy(dtype=float)
        bad = ~((values >= 0) & (values <= 1))
        if bad.any():
            position = int(np.flatnonzero(bad)[0])
            value = weights.reindex(ids).iloc[position]
            value = value.item() if isinstance(value, np.generic) else value
            raise FramingError(f"weights must be numbers between 0 and 1; article {ids[position]!r} has "
                               f"{value!r}; give excluded articles 0 and full articles 1")
        result = values
    if exclude_articles is not None:
        if isinstance(exclude_articles, str):
            exclude_articles = [exclude_articles]
        excluded = set(exclude_articles)
        unknown = sorted(excluded - set(ids))
        if unknown:
            raise FramingError(f"exclude_articles names {len(unknown)} id(s) not in the corpus, e.g. "
                               f"{unknown[0]!r}; pass ids from corpus.ids")
        result = np.where(np.isin(ids, list(excluded)), 0.0, result)
    return result


def _ngram_counts(tokens: CorpusTokens, ngram_range, min_count: float, *, rows: np.ndarray | None = None,
                  n_rows: int = 0) -> tuple[sparse.csr_matrix, pd.DataFrame, int]:
    """Article x n-gram counts of the n-grams seen at least ``min_count`` times, and the number of distinct n-grams.

    With ``rows`` (the row, below ``n_rows``, of each article), the counts of
    the articles of each row are summed: row x n-gram counts.

    The n-grams are those of a scikit-learn ``CountVectorizer`` with the
    settings of :func:`framing.features.make_tfidf_vectorizer`: tokens of
    :func:`framing.text.tokenize`, stop words removed, then n-grams of the
    remaining tokens of each article. They are counted on integer token ids
    rather than joined strings, and rare n-grams are dropped before the matrix
    is built: with weights of at most 1, a term seen fewer than ``min_count``
    times cannot reach ``min_count`` after weighting. The third value counts
    every distinct n-gram, rare ones included (the uniform prior needs it).
    """
    if (not isinstance(ngram_range, tuple) or len(ngram_range) != 2
            or not all(isinstance(n, (int, np.integer)) for n in ngram_range)
            or not 1 <= ngram_range[0] <= ngram_range[1]):
        raise FramingError(f"ngram_range must be a tuple (min_n, max_n) with 1 <= min_n <= max_n, got "
                           f"{ngram_range!r}; for example (1, 2)")
    min_n, max_n = (int(n) for n in ngram_range)
    stop_words = frozenset(make_tfidf_vectorizer().get_params()["stop_words"] or ())
    vocabulary = tokens.vocabulary
    is_stop_word = np.fromiter((token in stop_words for token in vocabulary), dtype=bool, count=len(vocabulary))
    kept = np.flatnonzero(~is_stop_word[tokens.ids])
    words = tokens.ids[kept]
    word_offsets = np.searchsorted(kept, tokens.offsets)  # article i's words: words[word_offsets[i]:...[i + 1]]
    n_articles = len(tokens)
    del kept, tokens  # only the stop-word-free ids are used below (unless a shared_tokens block keeps them all)
    article_of_word = np.repeat(np.arange(n_articles, dtype=np.int32), np.diff(word_offsets))
    n_vocabulary = max(len(vocabulary), 1)

    columns = []  # per n: column of the n-gram that starts at each word, -1 if it is rare or crosses articles
    frequent_by_n = {}  # n -> codes of the n-grams kept, in column order (a unigram's code is its word id)
    distinct_by_n = {}  # n -> sorted codes of every n-gram, to decode longer ones
    n_features = n_columns = 0
    for n in range(1, max_n + 1):
        if n == 1:
            tally = np.bincount(words, minlength=len(vocabulary))
            distinct = np.flatnonzero(tally)
            counts = tally[distinct]
        else:
            n_positions = max(len(words) - n + 1, 0)
            within_article = article_of_word[:n_positions] == article_of_word[n - 1:]
            codes = _gram_codes(words, 0, n_positions, n, distinct_by_n, n_vocabulary)
            codes[~within_article] = -1  # not an n-gram; sorts first
            distinct, counts = _tally(codes)  # sorts codes in place: they are computed again below
            del codes
            if len(distinct) and distinct[0] == -1:
                distinct, counts = distinct[1:], counts[1:]
            if n < max_n:
                distinct_by_n[n] = distinct
        if n < min_n:
            continue
        n_features += len(distinct)
        frequent = distinct[counts >= min_count]
        del distinct, counts
        if n == 1:
            column_of_word = np.full(len(vocabulary), -1, dtype=np.int32)
            column_of_word[frequent] = np.arange(n_columns, n_columns + len(frequent))
            columns.append(column_of_word[words])
        else:
            columns.append(_columns(words, n, distinct_by_n, n_vocabulary, within_article, frequent, n_columns))
            del within_article
        frequent_by_n[n] = frequent
        n_columns += len(frequent)
    del words

    terms = []
    for n, frequent in frequent_by_n.items():
        gram_words = np.empty((len(frequent), n), dtype=np.int64)
        gram_codes = frequent
        for place in range(n - 1, 0, -1):
            gram_words[:, place] = gram_codes % n_vocabulary
            gram_codes = gram_codes // n_vocabulary
            if place > 1:
                gram_codes = distinct_by_n[place][gram_codes]
        gram_words[:, 0] = gram_codes
        # Column by column: one list lookup per word and one join per n-gram, not a generator per n-gram.
        word_columns = (map(vocabulary.__getitem__, gram_words[:, place].tolist()) for place in range(n))
        terms += map(" ".join, zip(*word_columns))
    if rows is None:
        matrix = _count_matrix(columns, article_of_word, word_offsets, n_columns)
    elif n_rows * n_columns <= _DENSE_CELLS:
        matrix = _row_counts(columns, rows, article_of_word, n_rows, n_columns)
    else:
        matrix = _indicator(rows, n_rows) @ _count_matrix(columns, article_of_word, word_offsets, n_columns)
    return matrix, pd.DataFrame({"term": pd.Series(terms, dtype=object)}), n_features


def _indicator(rows: np.ndarray, n_rows: int) -> sparse.csr_matrix:
    """Row x article matrix with a 1 where an article is in a row: its product with an article x term matrix
    sums the articles of each row."""
    return sparse.csr_matrix((np.ones(len(rows)), (rows, np.arange(len(rows)))), shape=(n_rows, len(rows)))


#: Most cells of a row x column count table made dense (see :func:`_row_counts`): 64 MB of counts, and as
#: much again as floats.
_DENSE_CELLS = 2**23


def _row_counts(columns: list[np.ndarray], rows: np.ndarray, article_of_word: np.ndarray, n_rows: int,
               n_columns: int, block: int = 2**22) -> sparse.csr_matrix:
    """Row x column counts from the column of the n-gram starting at each word (-1: not counted) and the row
    of each article, by a ``bincount`` of (row, column) cells: a few groups need no article x column matrix.
    The words go a block at a time, to bound the memory of the temporaries."""
    cells = np.zeros(n_rows * n_columns, dtype=np.int64)
    for column in columns:
        for start in range(0, len(column), block):
            found = column[start:start + block]
            counted = found >= 0
            cells += np.bincount(rows[article_of_word[start:start + len(found)][counted]] * n_columns + found[counted],
                                 minlength=n_rows * n_columns)
    return sparse.csr_matrix(cells.reshape(n_rows, n_columns).astype(np.float64))


def _gram_codes(words: np.ndarray, start: int, stop: int, n: int, distinct_by_n: dict, n_vocabulary: int) -> np.ndarray:
    """Codes of the n-grams that start at ``words[start:stop]`` (for n > 1).

    An n-gram's code is its (n-1)-gram prefix (the first word's id for n = 2,
    else the prefix's index among the distinct (n-1)-grams) times the
    vocabulary size, plus the last word's id. N-grams that run into the next
    article get a code too; the caller masks them.
    """
    if stop <= start:
        return np.zeros(0, dtype=np.int64)
    codes = words[start:stop + n - 1]
    for k in range(2, n + 1):
        prefix = codes[:-1].astype(np.int64) if k == 2 else np.searchsorted(distinct_by_n[k - 1], codes[:-1])
        prefix *= n_vocabulary
        prefix += words[start + k - 1:stop + n - 1]
        codes = prefix
    return codes


def _tally(codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distinct values (sorted) and how often each occurs; sorts ``codes`` in place.

    With tens of millions of n-gram codes this is the memory peak of
    :func:`distinctive_terms`, so it makes one boolean mask and no copy of
    the run starts.
    """
    codes.sort()
    if len(codes) == 0:
        return codes, np.zeros(0, dtype=np.int64)
    is_start = np.empty(len(codes), dtype=bool)
    is_start[0] = True
    np.not_equal(codes[1:], codes[:-1], out=is_start[1:])
    starts = np.flatnonzero(is_start)
    del is_start
    counts = np.empty(len(starts), dtype=np.int64)
    np.subtract(starts[1:], starts[:-1], out=counts[:-1])
    counts[-1] = len(codes) - starts[-1]
    return codes[starts], counts


def _columns(words: np.ndarray, n: int, distinct_by_n: dict, n_vocabulary: int, counted: np.ndarray,
             frequent: np.ndarray, first_column: int, chunk: int = 2**22) -> np.ndarray:
    """The column of the n-gram at each position: its place among the sorted ``frequent`` codes plus
    ``first_column``, or -1 if it is rare or not ``counted``.

    Codes are computed again and looked up a chunk at a time, to bound the memory of the temporaries.
    """
    columns = np.full(len(counted), -1, dtype=np.int32)
    if len(frequent) == 0:
        return columns
    # A hash table finds a code's place three times faster than a binary search of the sorted codes.
    places = pd.Index(frequent)
    for start in range(0, len(counted), chunk):
        stop = min(start + chunk, len(counted))
        position = places.get_indexer(_gram_codes(words, start, stop, n, distinct_by_n, n_vocabulary))
        found = counted[start:stop] & (position >= 0)
        columns[start:stop][found] = position[found] + first_column
    return columns


def _count_matrix(columns: list[np.ndarray], article_of_word: np.ndarray, word_offsets: np.ndarray,
                  n_columns: int, block: int = 2048) -> sparse.csr_matrix:
    """Article x column counts from the column of the n-gram starting at each word (-1: not counted)."""
    n_articles = len(word_offsets) - 1
    width = max(n_columns, 1)
    # At most one entry per counted n-gram; np.empty takes memory only as the entries are written.
    capacity = sum(int(np.count_nonzero(column >= 0)) for column in columns)
    indices = np.empty(capacity, dtype=np.int32)
    data = np.empty(capacity, dtype=np.float64)
    indptr = np.zeros(n_articles + 1, dtype=np.int64)
    for first in range(0, n_articles, block):
        last = min(first + block, n_articles)
        low, high = word_offsets[first], word_offsets[last]
        keys = []  # (article - first) * width + column of every counted n-gram of the block
        for column in columns:
            found = column[low:high]  # shorter than high - low at the end of the corpus for n > 1
            counted = found >= 0
            keys.append((article_of_word[low:low + len(found)][counted] - first).astype(np.int64) * width
                        + found[counted])
        keys = np.concatenate(keys) if keys else np.zeros(0, dtype=np.int64)
        keys.sort(kind="stable")  # runs of keys come sorted by article already: timsort merges them (3x faster)
        starts = np.flatnonzero(np.concatenate([[True], keys[1:] != keys[:-1]])) if len(keys) else keys
        stored = indptr[first]
        indices[stored:stored + len(starts)] = keys[starts] % width
        data[stored:stored + len(starts)] = np.diff(np.append(starts, len(keys)))
        indptr[first + 1:last + 1] = stored + np.cumsum(np.bincount(keys[starts] // width, minlength=last - first))
    nnz = indptr[-1]
    return sparse.csr_matrix((data[:nnz], indices[:nnz], indptr), shape=(n_articles, n_columns))


def _lexicon_counts(corpus: Corpus, lexicon, table: pd.DataFrame | None) -> tuple[sparse.csr_matrix, pd.DataFrame]:
    """Article x lexicon-term counts from :func:`framing.count_terms` (``table``, when given)."""
    if table is None:
        table = count_terms(corpus, lexicon, by="article")
    keys = [*_LEXICON_KEYS, "term"]
    terms = table[keys].drop_duplicates().reset_index(drop=True)
    column = pd.MultiIndex.from_frame(terms).get_indexer(pd.MultiIndex.from_frame(table[keys]))
    row = pd.Index(corpus.ids).get_indexer(table["article_id"])
    matrix = sparse.csr_matrix((table["count"].to_numpy(float), (row, column)),
                               shape=(len(corpus), len(terms)))
    return matrix, terms


def distinctive_terms(corpus, *, by: str = "outlet", features: str = "ngrams", lexicon="israel_gaza",
                      pair=None, prior="pooled", prior_scale: float = 0.1, min_count: float = 5,
                      ngram_range=(1, 2), exclude_articles=None, weights=None,
                      significance_level: float = 0.05, top: int | None = None, voice="narration",
                      counts: pd.DataFrame | None = None, n_jobs=None) -> pd.DataFrame:
    """Terms that distinguish each group, by log-odds with an informative Dirichlet prior.

    Every group is compared with all other groups pooled (one-vs-rest), or
    one group with another when ``pair`` is given. Counts are taken from the
    whole vocabulary at once (sparse matrices), so eight outlets and tens of
    thousands of articles take one call.

    Parameters
    ----------
    corpus : Corpus or iterable of Article
    by : str, default="outlet"
        The column of :meth:`Corpus.to_frame` that defines the groups
        (``"outlet"``, ``"event"``, ``"date"`` or a manifest column).
    features : {"ngrams", "lexicon"}, default="ngrams"
        ``"ngrams"``: word n-grams from :func:`framing.text.tokenize` without
        scikit-learn's English stop words (the n-grams a ``CountVectorizer``
        with the settings of :func:`framing.features.make_tfidf_vectorizer`
        counts, counted on token ids). ``"lexicon"``: matches of lexicon
        terms, as counted by :func:`framing.count_terms`.
    lexicon : str, Lexicon, path or list of them, default="israel_gaza"
        Used when ``features="lexicon"``.
    pair : (str, str), optional
        Compare only these two groups, the first against the second.
    prior : "pooled" or float, default="pooled"
        ``"pooled"``: an informative prior proportional to each term's rate in
        the whole corpus (all groups, after ``weights``)::

            a_w = prior_scale * (n_i + n_j) * m_w / M

        where ``m_w`` is the term's count in the corpus, ``M`` the corpus's
        token count and ``n_i + n_j`` the tokens of the two sides compared,
        so ``a_0 = prior_scale * (n_i + n_j)``. A float: the same
        pseudo-count for every term (a uniform prior; ``a_0`` is that value
        times the number of terms counted before ``min_count``).
    prior_scale : float, default=0.1
        Weight of the pooled prior, as a fraction of the tokens compared.
        ``1.0`` gives a prior as heavy as the data: with one-vs-rest it equals
        the pooled counts themselves, the prior of Monroe et al.'s examples.
    min_count : float, default=5
        Leave out terms whose (weighted) count in the whole corpus is lower.
        The multiple-comparison correction covers the terms that remain.
    ngram_range : (int, int), default=(1, 2)
        Unigrams and bigrams by default; bigrams skip removed stop words.
    exclude_articles : iterable of str, optional
        Article ids to leave out (weight 0), such as copies found by
        :func:`framing.duplicates.find_duplicates`.
    weights : pandas.Series, optional
        A weight between 0 and 1 for every article, indexed by article id, for
        example from :func:`framing.duplicates.copy_weights`. Each article's
        counts and tokens are multiplied by its weight.
    significance_level : float, default=0.05
        Family-wise error rate of the ``significant`` flag.
    top : int, optional
        Keep only the ``top`` terms with the highest ``z`` of each comparison
        (the first rows of each group in the full table; ``p_adjusted`` still
        corrects for every term). By default every term is kept, which makes
        ``n_groups x n_terms`` rows: hundreds of outlets and a large corpus's
        vocabulary give hundreds of millions.
    voice : {"narration", "all", "quotation", "scare_quote"} or list of them, default="narration"
        Whose words are counted (see :func:`framing.voice.segment_voice`). By
        default the outlet's own: quotations and scare quotes are left out
        (n-grams are counted on the text with those spans blanked out, so a
        bigram may join the words on either side of a removed quotation).
        ``"all"`` counts every word.
    counts : pandas.DataFrame, optional
        ``count_terms(corpus, lexicon, by="article")``, to avoid counting twice
        when ``features="lexicon"``; its per-voice columns are added up as
        ``voice`` says.
    n_jobs : int, optional
        Worker processes for the voice segmentation and tokenising (see
        :func:`framing.count_terms`); the table is the same whatever it is.

    Returns
    -------
    pandas.DataFrame
        One row per comparison and term: ``group, versus, feature, term,
        count_group, count_versus, n_tokens_group, n_tokens_versus,
        rate_per_1000_group, rate_per_1000_versus, prior, delta, se, z,
        p_value, p_adjusted, significant``; with ``features="lexicon"``,
        ``lexicon, kind, axis, pole`` come before ``term``. ``versus`` is
        :data:`REST_LABEL` in one-vs-rest comparisons. Counts and token totals
        are floats (weights may be fractional); rates divide by tokens
        including stop words, as in :func:`framing.count_terms`. ``delta`` is
        the log-odds ratio (positive: more typical of ``group``), ``se`` its
        standard error, ``z = delta / se``; ``p_value`` is two-sided and
        ``p_adjusted`` is Holm-adjusted over all terms of the comparison;
        ``significant`` is ``p_adjusted < significance_level``. Rows are
        sorted by group (in sorted order), then ``z`` descending, then term.

    Raises
    ------
    FramingError
        If ``by`` is not a column, ``pair`` names a missing group, fewer than
        two groups have tokens, or an option is not valid.

    See Also
    --------
    log_odds_dirichlet : the computation on count vectors.
    framing.duplicates.copy_weights : weights that exclude republished copies.

    Notes
    -----
    Why the default prior. With a tiny uniform prior (``prior=0.01``) a word
    seen 8 times in 100 tokens on one side and never in 100 on the other
    gets ``delta = -6.77``, an odds ratio of about 870 from eight tokens,
    while its ``z`` collapses to -0.68 because ``se`` is dominated by
    ``1 / 0.01``: rare one-sided words top the ``delta`` ranking and vanish
    from the ``z`` ranking. Monroe et al. recommend an informative prior
    from a background corpus; here the pooled corpus is that background. It
    shrinks each side toward the common rate, strongly for rare words and
    hardly at all for common ones. The unscaled pooled counts
    (``prior_scale=1.0``) weigh as much as the data: in a simulation with
    no true differences (one group of eight against the rest) the standard
    deviation of ``z`` was about 0.4 instead of 1, so Holm's correction
    finds almost nothing even where differences are real. With
    ``prior_scale=0.1`` it was 0.75-0.85: slightly conservative, which
    partly offsets the clustering of words within articles that the model
    ignores. On the 8-versus-0 word above the default gives
    ``delta = -2.47, z = -2.11``.

    Examples
    --------
    >>> table = distinctive_terms(corpus, by="outlet")          # doctest: +SKIP
    >>> table[table.significant].groupby("group").head(10)      # doctest: +SKIP
    """
    corpus = as_corpus(corpus)
    if features not in _FEATURES:
        raise FramingError(f"features={features!r} is not valid; use one of: {', '.join(_FEATURES)}")
    if isinstance(prior, str):
        if prior != "pooled":
            raise FramingError(f"prior={prior!r} is not valid; use 'pooled' or a positive number such as 0.01")
    elif isinstance(prior, bool) or not isinstance(prior, (int, float)) or not prior > 0:
        raise FramingError(f"prior={prior!r} is not valid; use 'pooled' or a positive number such as 0.01")
    if isinstance(prior_scale, bool) or not isinstance(prior_scale, (int, float)) or not prior_scale > 0:
        raise FramingError(f"prior_scale must be a positive number, got {prior_scale!r}; for example 0.1")
    if isinstance(min_count, bool) or not isinstance(min_count, (int, float)) or not min_count >= 0:
        raise FramingError(f"min_count must be a number >= 0, got {min_count!r}; for example 5")
    if not isinstance(significance_level, float) or not 0 < significance_level < 1:
        raise FramingError(f"significance_level must be between 0 and 1, got {significance_level!r}; "
                           "for example 0.05")
    if top is not None and (isinstance(top, bool) or not isinstance(top, (int, np.integer)) or top < 1):
        raise FramingError(f"top must be a positive integer or None, got {top!r}; for example 100")
    if counts is not None and features == "lexicon":
        counts = select_voice(counts, voice)
    corpus = keep_voices(corpus, voice, n_jobs=n_jobs)  # token totals and n-grams from the selected voices only

    labels = corpus.group_labels(by).to_numpy()
    article_weights = _article_weights(corpus.ids, weights, exclude_articles)
    # Tokenised first, the texts need not be read again for most token totals (see corpus_tokens).
    tokens_of_articles = [corpus_tokens(corpus, n_jobs=n_jobs)] if features == "ngrams" else []
    tokens = np.array([corpus.n_tokens(article) for article in corpus], dtype=float) * article_weights
    group_names = sorted(set(labels[tokens > 0]))
    if pair is not None:
        if isinstance(pair, str) or not isinstance(pair, Iterable) or len(tuple(pair)) != 2:
            raise FramingError(f"pair must be two group names such as ('Al Jazeera', 'Reuters'), got {pair!r}")
        pair = tuple(pair)
        for name in pair:
            if name not in group_names:
                raise FramingError(f"pair={pair!r}: group {name!r} is not in column {by!r} (or has no tokens "
                                   f"left after weights); groups are: {', '.join(group_names)}")
        if pair[0] == pair[1]:
            raise FramingError(f"pair={pair!r} names the same group twice; name two different groups")
    if len(group_names) < 2:
        found = ", ".join(repr(name) for name in group_names) or "none"
        raise FramingError(f"distinctive_terms needs at least 2 groups in column {by!r}, found "
                           f"{len(group_names)} ({found}); use a corpus with more groups or another by")

    group_index = {name: position for position, name in enumerate(group_names)}
    # The articles of no group (whose group has no tokens) in a last row, that counts toward the totals only.
    rows = np.array([group_index.get(label, len(group_names)) for label in labels], dtype=np.int64)
    indicator = _indicator(rows, len(group_names) + 1)[:len(group_names)]
    unweighted = features == "ngrams" and bool(np.all(article_weights == 1.0))
    if features == "ngrams":
        # Past its tokens, the text with the other voices blanked out (see keep_voices) is not needed: let it
        # go (unless the caller holds it) before the n-gram tally, the memory peak of a large corpus. The
        # tokens are popped into the call, so that _ngram_counts can let the ids go in turn.
        corpus = None
        release_memory(collect=False)  # texts and articles hold no reference cycles: they are gone already
        # Unweighted, the counts are summed by group as they are counted: the same whole numbers as summed
        # from the article x term matrix below.
        matrix, terms, n_features = _ngram_counts(tokens_of_articles.pop(), ngram_range, min_count,
                                                  rows=rows if unweighted else None, n_rows=len(group_names) + 1)
    else:
        matrix, terms = _lexicon_counts(corpus, lexicon, counts)
        n_features = matrix.shape[1]
    if not unweighted:
        matrix = sparse.diags(article_weights) @ matrix
    totals = np.asarray(matrix.sum(axis=0)).ravel()
    keep = np.flatnonzero(totals >= max(min_count, np.finfo(float).tiny))
    terms = terms.iloc[keep].reset_index(drop=True)
    totals = totals[keep]

    group_counts = (matrix[:len(group_names)] if unweighted else indicator @ matrix)[:, keep].tocsr()
    group_tokens = np.asarray(indicator @ tokens).ravel()
    comparison = _Comparison(group_names=np.array(group_names, dtype=object), group_counts=group_counts,
                             group_tokens=group_tokens, totals=totals, corpus_tokens=tokens.sum(),
                             prior=prior, prior_scale=prior_scale, n_features=n_features, terms=terms,
                             features=features, significance_level=significance_level, top=top)
    if pair is None:
        pieces = [comparison.rows(side, None) for side in range(len(group_names))]
    else:
        pieces = [comparison.rows(group_index[pair[0]], group_index[pair[1]])]
    return pd.DataFrame({name: pieces[0][name] if isinstance(pieces[0][name], str)
                         else np.concatenate([piece[name] for piece in pieces]) for name in pieces[0]})


class _Comparison:
    """The log-odds of one group against the rest or against another group, over every term.

    Against the rest, a term the group does not use has a count of 0 there
    and its whole total in the rest, so everything about it depends on that
    total alone. Such terms are computed once per distinct total (a *level*)
    and stand in for all the terms of their level, so a comparison costs the
    terms the group uses plus the levels, not the whole vocabulary: hundreds
    of groups each use a small part of a large corpus's n-grams. The values
    are the same floats as term by term, since each is the same operations on
    the same numbers.
    """

    def __init__(self, *, group_names, group_counts, group_tokens, totals, corpus_tokens, prior, prior_scale,
                 n_features, terms, features, significance_level, top):
        self.group_names, self.group_counts, self.group_tokens = group_names, group_counts, group_tokens
        self.totals, self.corpus_tokens = totals, corpus_tokens
        self.prior, self.prior_scale, self.n_features = prior, prior_scale, n_features
        self.terms, self.features, self.significance_level, self.top = terms, features, significance_level, top
        n_terms = len(terms)
        self.term_rank = np.empty(n_terms, dtype=np.int64)
        names = terms["term"].tolist()  # Python's sort of str is twice as fast as numpy's argsort of objects
        self.term_rank[sorted(range(n_terms), key=names.__getitem__)] = np.arange(n_terms)
        self.group_counts.sort_indices()  # the used terms of a group, sorted, to look terms up among them
        self.levels, self.level_of_term = np.unique(totals, return_inverse=True)
        self.level_size = np.bincount(self.level_of_term, minlength=len(self.levels))
        # Terms by level, then in output order among equal z: a level's first terms are the ones shown.
        self.members = np.lexsort((self.term_rank, self.level_of_term))
        self.level_start = np.cumsum(self.level_size) - self.level_size

    def rows(self, side: int, versus_side: int | None) -> dict:
        """Columns of the output rows of the comparison of group ``side`` with ``versus_side`` (None: the rest)."""
        term, level, weight, counts_i, counts_j, totals = self._cells(side, versus_side)
        n_i = self.group_tokens[side]
        n_j = self.corpus_tokens - n_i if versus_side is None else self.group_tokens[versus_side]
        counts_j = np.maximum(counts_j, 0.0)  # float round-off of totals - counts
        if self.prior == "pooled":
            prior_total = self.prior_scale * (n_i + n_j)
            prior_counts = prior_total * totals / self.corpus_tokens
        else:
            prior_counts = np.full(len(term), float(self.prior))
            prior_total = float(self.prior) * self.n_features
        delta, se, z = _log_odds(counts_i, counts_j, prior_counts, n_i, n_j, prior_total)
        p_value = 2.0 * ndtr(-np.abs(z))

        cell, term_position = self._order(z, term, level, weight)
        columns = {
            "group": np.full(len(cell), self.group_names[side], dtype=object),
            "versus": np.full(len(cell), REST_LABEL if versus_side is None else self.group_names[versus_side],
                              dtype=object),
            "feature": "ngram" if self.features == "ngrams" else "lexicon",
        }
        if self.features == "lexicon":
            for key in _LEXICON_KEYS:
                columns[key] = self.terms[key].to_numpy(object)[term_position]
        columns["term"] = self.terms["term"].to_numpy(object)[term_position]
        columns.update({
            "count_group": counts_i[cell], "count_versus": counts_j[cell],
            "n_tokens_group": np.full(len(cell), n_i), "n_tokens_versus": np.full(len(cell), n_j),
        })
        with np.errstate(divide="ignore", invalid="ignore"):
            columns["rate_per_1000_group"] = 1000.0 * columns["count_group"] / columns["n_tokens_group"]
            columns["rate_per_1000_versus"] = 1000.0 * columns["count_versus"] / columns["n_tokens_versus"]
        columns.update({
            "prior": prior_counts[cell], "delta": delta[cell], "se": se[cell], "z": z[cell],
            "p_value": p_value[cell], "p_adjusted": _holm_of(p_value, weight, p_value[cell]),
        })
        columns["significant"] = columns["p_adjusted"] < self.significance_level
        return columns

    def _cells(self, side: int, versus_side: int | None) -> tuple[np.ndarray, ...]:
        """The cells of one comparison: ``term, level, weight, counts_i, counts_j, totals``.

        Against another group, one cell per term (level -1). Against the rest,
        one per term the group uses (level -1), then one per level of the terms
        it does not use (term -1), ``weight`` being how many terms each stands for.
        """
        if versus_side is not None:
            n_terms = len(self.totals)
            return (np.arange(n_terms), np.full(n_terms, -1), np.ones(n_terms, dtype=np.int64),
                    self.group_counts[side].toarray().ravel(), self.group_counts[versus_side].toarray().ravel(),
                    self.totals)
        row = slice(self.group_counts.indptr[side], self.group_counts.indptr[side + 1])
        used, used_counts = self.group_counts.indices[row], self.group_counts.data[row]
        unused = self.level_size - np.bincount(self.level_of_term[used], minlength=len(self.levels))
        level = np.flatnonzero(unused)
        totals = np.concatenate([self.totals[used], self.levels[level]])
        counts_i = np.concatenate([used_counts, np.zeros(len(level))])
        return (np.concatenate([used, np.full(len(level), -1)]), np.concatenate([np.full(len(used), -1), level]),
                np.concatenate([np.ones(len(used), dtype=np.int64), unused[level]]), counts_i, totals - counts_i,
                totals)

    def _order(self, z: np.ndarray, term: np.ndarray, level: np.ndarray,
               weight: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(cell, term) of the rows kept, sorted by z descending, then term."""
        top = len(self.totals) if self.top is None else min(self.top, len(self.totals))
        # Only cells at or above the top-th highest z (counting every term of a level) can hold the first rows.
        # (A NaN z sorts last; a comparison whose threshold is NaN keeps every cell as a candidate.)
        threshold = _kth_largest(z, weight, top)
        candidate = (z >= threshold) | np.isnan(threshold)
        used = np.flatnonzero(candidate & (term >= 0))
        levels = np.flatnonzero(candidate & (level >= 0))
        owner, unused = self._first_unused(level[levels], weight[levels], term[term >= 0], top)
        cell = np.concatenate([used, levels[owner]])
        term_position = np.concatenate([term[used], unused])
        order = np.lexsort((self.term_rank[term_position], -z[cell]))[:top]
        return cell[order], term_position[order]

    def _first_unused(self, levels: np.ndarray, n_unused: np.ndarray, used: np.ndarray,
                      count: int) -> tuple[np.ndarray, np.ndarray]:
        """The first ``count`` terms (by term) of each of ``levels`` that are not among the sorted ``used``.

        Returns the position in ``levels`` of each term found, and the term.
        Those terms share their level's z, so the rest of a level cannot come
        before them. Skipping the used terms of a level, ``count`` unused
        ones lie among its first ``count`` plus its number of used terms.
        """
        size = self.level_size[levels]
        length = np.minimum(size, count + size - n_unused)
        owner = np.repeat(np.arange(len(levels)), length)
        offset = np.arange(len(owner)) - np.repeat(np.cumsum(length) - length, length)
        terms = self.members[np.repeat(self.level_start[levels], length) + offset]
        unused = np.searchsorted(used, terms, side="right") == np.searchsorted(used, terms)
        owner, terms = owner[unused], terms[unused]
        kept = np.arange(len(owner)) - np.searchsorted(owner, owner) < count
        return owner[kept], terms[kept]
