"""Compare stage: cluster articles by how they frame a story, not by what it is about.

:func:`cluster_articles` builds framing features for each article, the
lexicon's pole shares and category rates, optionally with TF-IDF over
*framing-bearing* vocabulary (event-specific content words removed), and
clusters them with k-means (k chosen by silhouette unless given) and with
Ward's hierarchical method (for a dendrogram). It also places each article on
a 2-D map (PCA). Options for real, mixed-topic corpora pool the pole shares
over axes, leave out articles with too little lexicon evidence, and compare
each article with the other articles on its event or topic. Everything is
deterministic given ``random_state``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.sparse import csr_matrix, issparse
from sklearn.cluster import KMeans
from sklearn.decomposition import PCA, TruncatedSVD
from sklearn.metrics import silhouette_score
from sklearn.preprocessing import StandardScaler

from framing.corpus import as_corpus
from framing.exceptions import FramingError
from framing.features import LexiconVectorizer, make_tfidf_vectorizer
from framing.text import normalize_text

__all__ = ["ClusterResult", "cluster_articles", "framing_vocabulary"]

FEATURE_SETS = ("lexicon", "lexicon+tfidf", "tfidf")
#: Above this many articles, the Ward tree and the silhouette use a fixed random
#: sample of this size (both need memory that grows with the square of n).
MAX_PAIRWISE_ARTICLES = 3000
METHODS = ("kmeans", "ward")


@dataclass(frozen=True)
class ClusterResult:
    """Clusters of articles and the map to draw them on.

    Attributes
    ----------
    articles : pandas.DataFrame
        One row per article: ``article_id, outlet, cluster, x, y``, where
        ``x, y`` are the first two principal components of the features and
        ``cluster`` is -1 for articles left unclustered by ``min_matches``.
    silhouette : pandas.DataFrame
        ``n_clusters, silhouette`` for every k tried (empty when k was given).
    n_clusters : int
    linkage : numpy.ndarray
        Ward linkage matrix (``scipy.cluster.hierarchy`` format) for a
        dendrogram; over a random sample of :data:`MAX_PAIRWISE_ARTICLES`
        articles on larger corpora.
    feature_names : list of str
    explained_variance : tuple of float
        Share of the feature variance on the map's two axes.
    features : numpy.ndarray
        The standardised feature matrix that was clustered, one row per
        article (rows of unclustered articles are transformed the same way).
    """

    articles: pd.DataFrame
    silhouette: pd.DataFrame
    n_clusters: int
    linkage: np.ndarray
    feature_names: list[str]
    explained_variance: tuple[float, float]
    features: np.ndarray = field(repr=False)


def framing_vocabulary(texts, *, events=None, max_event_share: float = 0.6, min_df: int = 2) -> list[str]:
    """Words that can carry framing once topic words are removed.

    A word is dropped when it is a number, when it is mostly written with a
    capital letter mid-sentence (names of people and places), or, when event
    labels are given, when more than ``max_event_share`` of the documents that
    use it cover one event (it names the event rather than framing it).

    Parameters
    ----------
    texts : list of str
    events : sequence, optional
        An event or topic label per text.
    max_event_share : float, default=0.6
    min_df : int, default=2
        Words in fewer documents are dropped.

    Returns
    -------
    list of str
        Sorted vocabulary for :func:`framing.features.make_tfidf_vectorizer`.
    """
    word = re.compile(r"[^\W\d_]+(?:['-][^\W\d_]+)*")
    capitalised: dict[str, int] = {}
    total: dict[str, int] = {}
    documents: dict[str, set[int]] = {}
    for index, text in enumerate(texts):
        normalized = normalize_text(text).text
        for match in word.finditer(normalized):
            token = match.group()
            lower = token.lower()
            total[lower] = total.get(lower, 0) + 1
            start = match.start()
            sentence_start = start == 0 or normalized[max(0, start - 2):start].strip() in (".", "!", "?", '"', "")
            if token[0].isupper() and not sentence_start:
                capitalised[lower] = capitalised.get(lower, 0) + 1
            documents.setdefault(lower, set()).add(index)
    labels = None if events is None else list(events)
    keep = []
    for lower, count in total.items():
        docs = documents[lower]
        if len(docs) < min_df or capitalised.get(lower, 0) > count / 2:
            continue
        if labels is not None:
            _, per_event = np.unique([labels[i] for i in docs], return_counts=True)
            if per_event.max() / len(docs) > max_event_share and len(set(labels)) > 1:
                continue
        keep.append(lower)
    return sorted(keep)


def _lexicon_features(texts, lexicon, pool_axes, n_jobs=None):
    """Raw lexicon features and the number of lexicon matches in each article.

    Per-axis pole shares (or, with ``pool_axes``, pole shares pooled over the
    axes that share a pole name) and category rates per 1,000 word tokens, all
    derived from one pass of :class:`~framing.features.LexiconVectorizer`
    counts.
    """
    vectorizer = LexiconVectorizer(lexicon=lexicon, scale="count", n_jobs=n_jobs).fit(texts)
    counts, n_tokens = vectorizer.counts_and_tokens(texts)  # the workers count the tokens on the way
    n_tokens = n_tokens.astype(np.float64)[:, None]
    # Which axis and pole each "axis:pole" column belongs to (categories map to None).
    prefix = len(vectorizer.lexicons_) > 1
    role_of_name = {}
    for lexicon_object in vectorizer.lexicons_:
        for axis in lexicon_object.axes:
            for pole in axis.poles:
                name = ":".join(([lexicon_object.name] if prefix else []) + [axis.name, pole.name])
                role_of_name[name] = ((lexicon_object.name, axis.name), pole.name)
    column_names = list(vectorizer.get_feature_names_out())
    roles = [role_of_name.get(name) for name in column_names]
    is_axis = np.array([role is not None for role in roles], dtype=bool)
    n_matches = counts.sum(axis=1)
    # Categories keep their rates per 1,000 word tokens.
    matrix = np.divide(1000.0 * counts, n_tokens, out=np.zeros_like(counts), where=n_tokens > 0)
    for key in dict.fromkeys(role[0] for role in roles if role is not None):
        columns = [i for i, role in enumerate(roles) if role is not None and role[0] == key]
        total = counts[:, columns].sum(axis=1, keepdims=True)
        matrix[:, columns] = np.divide(counts[:, columns], total, out=np.zeros((len(texts), len(columns))),
                                       where=total > 0)
    names = column_names
    if pool_axes and is_axis.any():
        pole_names = list(dict.fromkeys(role[1] for role in roles if role is not None))
        pooled = np.column_stack([counts[:, [role is not None and role[1] == pole for role in roles]].sum(axis=1)
                                  for pole in pole_names])
        total = counts[:, is_axis].sum(axis=1, keepdims=True)
        matrix = np.hstack([np.divide(pooled, total, out=np.zeros_like(pooled), where=total > 0),
                            matrix[:, ~is_axis]])
        names = [f"pooled:{pole}" for pole in pole_names] + [name for name, axis in zip(column_names, is_axis)
                                                               if not axis]
    return matrix, names, n_matches


def _tfidf_features(texts, features, events, random_state):
    """TF-IDF (over the framing vocabulary for "lexicon+tfidf") reduced to at most 50 SVD components."""
    vocabulary = None
    if features == "lexicon+tfidf":
        vocabulary = framing_vocabulary(texts, events=events) or None
    tfidf = make_tfidf_vectorizer(ngram_range=(1, 1), min_df=1 if vocabulary else 2, vocabulary=vocabulary,
                                  max_features=None if vocabulary else 5000)
    try:
        matrix = tfidf.fit_transform(texts)
    except ValueError:
        matrix = csr_matrix((len(texts), 0))
    if matrix.shape[1] <= 1:
        return np.zeros((len(texts), 0)), []
    n_components = max(1, min(50, matrix.shape[1] - 1, len(texts) - 1))
    reduced = TruncatedSVD(n_components=n_components, random_state=random_state).fit_transform(matrix)
    return (reduced.toarray() if issparse(reduced) else reduced), [f"tfidf_svd_{i}" for i in range(reduced.shape[1])]


def _center_within_events(matrix: np.ndarray, events: np.ndarray, clustered: np.ndarray) -> np.ndarray:
    """Subtract from each row the mean of the clustered rows of its event."""
    centered = matrix.copy()
    for event in np.unique(events):
        rows = events == event
        reference = rows & clustered
        if reference.any():
            centered[rows] -= matrix[reference].mean(axis=0)
    return centered


def _standardize(blocks, clustered, center, events):
    """Centre (optionally within events) and scale each block's varying columns on the clustered rows."""
    scaled, names = [], []
    for matrix, block_names in blocks:
        if center:
            matrix = _center_within_events(matrix, events, clustered)
        # A tolerance, not "> 0": centring a constant column leaves rounding noise that scaling would blow up.
        keep = matrix[clustered].std(axis=0) > 1e-12
        if keep.any():
            scaler = StandardScaler().fit(matrix[clustered][:, keep])
            scaled.append(scaler.transform(matrix[:, keep]))
            names += [name for name, kept in zip(block_names, keep) if kept]
    if not scaled:
        raise FramingError("no framing feature varies across these articles; check that the lexicon matches "
                           "the corpus (see count_terms) or use features='tfidf'")
    return np.hstack(scaled), names


def _canonical(labels: np.ndarray) -> np.ndarray:
    """Renumber clusters 0, 1, ... in order of first appearance (stable across runs); -1 stays -1."""
    mapping: dict[int, int] = {-1: -1}
    return np.array([mapping.setdefault(label, len(mapping) - 1) for label in labels], dtype=int)


def cluster_articles(corpus, lexicon="israel_gaza", *, features: str = "lexicon", n_clusters: int | None = None,
                     max_clusters: int = 8, method: str = "kmeans", event_column: str | None = "event",
                     pool_axes: bool = False, min_matches: int = 0, center_within_events: bool = False,
                     random_state: int = 0, n_jobs=None) -> ClusterResult:
    """Cluster articles on framing features and place them on a 2-D map.

    Parameters
    ----------
    corpus : Corpus or iterable of Article
    lexicon : Lexicon, str, path or list of them, default="israel_gaza"
    features : {"lexicon", "lexicon+tfidf", "tfidf"}, default="lexicon"
        ``"lexicon"``: pole shares within each axis and category rates.
        ``"lexicon+tfidf"``: those plus TF-IDF over :func:`framing_vocabulary`
        (names, numbers and event-specific words removed). ``"tfidf"``: plain
        TF-IDF, the topic-driven baseline to compare against.
    n_clusters : int, optional
        Fix k; by default k is chosen by the best silhouette for k = 2 ...
        ``max_clusters`` (and at most n_articles - 1). On corpora larger than
        :data:`MAX_PAIRWISE_ARTICLES` the silhouette is computed on a fixed
        random sample of that size.
    max_clusters : int, default=8
    method : {"kmeans", "ward"}, default="kmeans"
        Labels from k-means, or from cutting the Ward tree at k clusters. The
        Ward linkage is always returned for a dendrogram.
    event_column : str or None, default="event"
        Column holding event or topic labels, used by ``"lexicon+tfidf"`` to
        remove event-specific words and by ``center_within_events``. Ignored
        if the column is absent and it is the default.
    pool_axes : bool, default=False
        Replace the per-axis pole shares by pole shares pooled over all axes
        that share a pole name: each pole's matches, summed over axes, divided
        by the article's matches on all axes (0 when it has none). Per-axis
        shares are zero on every axis an article never touches, so they mostly
        record *which* axes, and hence which topics, an article is about; the
        pooled shares keep only the balance of its wording. Useful when the
        poles mean the same thing on every axis (``left_coded``,
        ``right_coded`` and ``neutral`` in ``us_politics``). Categories keep
        their rates.
    min_matches : int, default=0
        Cluster only the articles with at least this many lexicon matches
        (terms of any axis or category). The others carry little or no
        framing evidence; articles with no match at all have identical lexicon
        features and would otherwise form one large cluster of their own. They
        get ``cluster = -1``, are left out of k-means, the Ward tree, the
        silhouette and the fitting of the map, and are then placed on the map.
    center_within_events : bool, default=False
        Before scaling, subtract from every feature the mean of the clustered
        articles of the same event (``event_column``), so that articles are
        compared with other coverage of the same event or topic and clusters
        cannot follow the events' different baselines. Needs event labels.
    random_state : int, default=0
    n_jobs : int, optional
        Worker processes for matching the lexicon (see
        :func:`framing.count_terms`); the result is the same whatever it is.

    Returns
    -------
    ClusterResult
        ``articles["cluster"]`` is -1 for articles left out by
        ``min_matches``; their rows of ``features`` are transformed like the
        others but were not clustered.

    Raises
    ------
    FramingError
        With fewer than 3 (clustered) articles, a bad option, no event labels
        for ``center_within_events``, or no varying feature.

    Examples
    --------
    Compare each article with the other articles on its topic, using the
    balance of left- and right-coded wording, and leave out articles with
    fewer than two matches:

    >>> result = cluster_articles(corpus, "us_politics", pool_axes=True,
    ...                           min_matches=2, center_within_events=True,
    ...                           event_column="topic")  # doctest: +SKIP
    """
    corpus = as_corpus(corpus)
    if features not in FEATURE_SETS:
        raise FramingError(f"features={features!r} is not valid; use one of {', '.join(FEATURE_SETS)}")
    if method not in METHODS:
        raise FramingError(f"method={method!r} is not valid; use one of {', '.join(METHODS)}")
    if not (isinstance(min_matches, (int, np.integer)) and min_matches >= 0):
        raise FramingError(f"min_matches must be a non-negative integer, got {min_matches!r}")
    if len(corpus) < 3:
        raise FramingError(f"clustering needs at least 3 articles, got {len(corpus)}")
    if event_column == "event" and all(article.event is None for article in corpus):
        event_column = None
    events = None
    if event_column:
        frame = corpus.to_frame()
        if event_column not in frame.columns:
            raise FramingError(f"event_column={event_column!r} is not a column of the corpus; use one of: "
                               f"{', '.join(frame.columns)}")
        events = frame[event_column].astype(str).to_numpy()
    if center_within_events and events is None:
        raise FramingError("center_within_events=True needs event labels; pass event_column= naming a corpus "
                           "column with event or topic labels (the articles have no 'event')")
    texts = [article.text for article in corpus]
    blocks = []
    clustered = np.ones(len(corpus), dtype=bool)
    if features in ("lexicon", "lexicon+tfidf") or min_matches > 0:
        lexicon_matrix, lexicon_names, n_matches = _lexicon_features(texts, lexicon, pool_axes, n_jobs)
        clustered = n_matches >= min_matches
        if features in ("lexicon", "lexicon+tfidf"):
            blocks.append((lexicon_matrix, lexicon_names))
    n_clustered = int(clustered.sum())
    if n_clustered < 3:
        raise FramingError(f"clustering needs at least 3 articles, got {n_clustered} with at least "
                           f"min_matches={min_matches} lexicon matches; lower min_matches")
    if n_clusters is not None and not (isinstance(n_clusters, (int, np.integer)) and 2 <= n_clusters < n_clustered):
        raise FramingError(f"n_clusters must be an integer from 2 to {n_clustered - 1} (fewer than the "
                           f"{n_clustered} articles clustered), got {n_clusters!r}")
    if features in ("tfidf", "lexicon+tfidf"):
        blocks.append(_tfidf_features(texts, features, events if features == "lexicon+tfidf" else None,
                                      random_state))
    matrix, names = _standardize(blocks, clustered, center_within_events, events)
    data = matrix[clustered]
    sample = np.arange(n_clustered)
    if n_clustered > MAX_PAIRWISE_ARTICLES:
        sample = np.sort(np.random.default_rng(random_state).choice(n_clustered, MAX_PAIRWISE_ARTICLES,
                                                                    replace=False))
    tree = linkage(data[sample], method="ward")

    def labels_for(k: int) -> np.ndarray:
        if method == "kmeans":
            return KMeans(n_clusters=k, n_init=10, random_state=random_state).fit_predict(data)
        sample_labels = fcluster(tree, t=k, criterion="maxclust") - 1
        if len(sample) == n_clustered:
            return sample_labels
        # Articles outside the sample join the nearest Ward cluster centre.
        centres = np.vstack([data[sample][sample_labels == c].mean(axis=0) for c in range(sample_labels.max() + 1)])
        return ((data[:, None, :] - centres[None, :, :]) ** 2).sum(axis=2).argmin(axis=1)

    scores = []
    if n_clusters is None:
        best = None
        n_distinct = len(np.unique(data.round(12), axis=0))
        for k in range(2, min(max_clusters, n_clustered - 1, n_distinct) + 1):
            labels = labels_for(k)
            if len(set(labels)) < 2:
                continue
            score = float(silhouette_score(data[sample], labels[sample]))
            scores.append((k, score))
            if best is None or score > best[1] + 1e-12:
                best = (k, score, labels)
        if best is None:
            raise FramingError("every article has the same framing features; nothing to cluster")
        n_clusters, labels = best[0], best[2]
    else:
        labels = labels_for(n_clusters)
    all_labels = np.full(len(corpus), -1)
    all_labels[clustered] = labels
    n_components = min(2, matrix.shape[1], n_clustered)
    pca = PCA(n_components=n_components, random_state=random_state).fit(data)
    coordinates = pca.transform(matrix)
    # Fix the sign of each component so the map does not flip between runs or platforms.
    fitted = coordinates[clustered]
    signs = np.sign(fitted[np.abs(fitted).argmax(axis=0), range(n_components)])
    coordinates = coordinates * np.where(signs == 0, 1, signs)
    if n_components < 2:
        coordinates = np.column_stack([coordinates, np.zeros(len(corpus))])
    variance = tuple(float(v) for v in pca.explained_variance_ratio_) + (0.0,) * (2 - n_components)
    articles = pd.DataFrame({"article_id": [a.id for a in corpus], "outlet": [a.outlet for a in corpus],
                             "cluster": _canonical(all_labels), "x": coordinates[:, 0], "y": coordinates[:, 1]})
    return ClusterResult(articles, pd.DataFrame(scores, columns=["n_clusters", "silhouette"]), int(n_clusters),
                         tree, names, variance, matrix)
