"""Compare stage: cluster articles by how they frame a story, not by what it is about.

:func:`cluster_articles` builds framing features for each article, the
lexicon's pole shares and category rates, optionally with TF-IDF over
*framing-bearing* vocabulary (event-specific content words removed), and
clusters them with k-means (k chosen by silhouette unless given) and with
Ward's hierarchical method (for a dendrogram). It also places each article on
a 2-D map (PCA). Everything is deterministic given ``random_state``.
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
        ``x, y`` are the first two principal components of the features.
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
        The standardised feature matrix that was clustered.
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


def _features(corpus, lexicon, features, event_column, random_state):
    texts = [article.text for article in corpus]
    blocks, names = [], []
    if features in ("lexicon", "lexicon+tfidf"):
        vectorizer = LexiconVectorizer(lexicon=lexicon, scale="share").fit(texts)
        matrix = vectorizer.transform(texts)
        keep = matrix.std(axis=0) > 0
        if keep.any():
            blocks.append(StandardScaler().fit_transform(matrix[:, keep]))
            names += list(vectorizer.get_feature_names_out()[keep])
    if features in ("tfidf", "lexicon+tfidf"):
        vocabulary = None
        if features == "lexicon+tfidf":
            events = None
            if event_column:
                frame = corpus.to_frame()
                if event_column not in frame.columns:
                    raise FramingError(f"event_column={event_column!r} is not a column of the corpus; use one of: "
                                       f"{', '.join(frame.columns)}")
                events = frame[event_column].astype(str).tolist()
            vocabulary = framing_vocabulary(texts, events=events) or None
        tfidf = make_tfidf_vectorizer(ngram_range=(1, 1), min_df=1 if vocabulary else 2, vocabulary=vocabulary,
                                      max_features=None if vocabulary else 5000)
        try:
            matrix = tfidf.fit_transform(texts)
        except ValueError:
            matrix = csr_matrix((len(texts), 0))
        if matrix.shape[1] > 1:
            n_components = max(1, min(50, matrix.shape[1] - 1, len(texts) - 1))
            reduced = TruncatedSVD(n_components=n_components, random_state=random_state).fit_transform(matrix)
            blocks.append(StandardScaler().fit_transform(reduced))
            names += [f"tfidf_svd_{i}" for i in range(reduced.shape[1])]
    if not blocks or sum(block.shape[1] for block in blocks) == 0:
        raise FramingError("no framing feature varies across these articles; check that the lexicon matches "
                           "the corpus (see count_terms) or use features='tfidf'")
    matrix = np.hstack(blocks)
    return (matrix.toarray() if issparse(matrix) else matrix), names


def _canonical(labels: np.ndarray) -> np.ndarray:
    """Renumber clusters 0, 1, ... in order of first appearance (stable across runs)."""
    mapping: dict[int, int] = {}
    return np.array([mapping.setdefault(label, len(mapping)) for label in labels])


def cluster_articles(corpus, lexicon="israel_gaza", *, features: str = "lexicon", n_clusters: int | None = None,
                     max_clusters: int = 8, method: str = "kmeans", event_column: str | None = "event",
                     random_state: int = 0) -> ClusterResult:
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
        remove event-specific words. Ignored if the column is absent and it is
        the default.
    random_state : int, default=0

    Returns
    -------
    ClusterResult

    Raises
    ------
    FramingError
        With fewer than 3 articles, a bad option, or no varying feature.
    """
    corpus = as_corpus(corpus)
    if features not in FEATURE_SETS:
        raise FramingError(f"features={features!r} is not valid; use one of {', '.join(FEATURE_SETS)}")
    if method not in METHODS:
        raise FramingError(f"method={method!r} is not valid; use one of {', '.join(METHODS)}")
    if len(corpus) < 3:
        raise FramingError(f"clustering needs at least 3 articles, got {len(corpus)}")
    if n_clusters is not None and not (isinstance(n_clusters, (int, np.integer)) and 2 <= n_clusters < len(corpus)):
        raise FramingError(f"n_clusters must be an integer from 2 to {len(corpus) - 1} (fewer than the "
                           f"{len(corpus)} articles), got {n_clusters!r}")
    if event_column == "event" and all(article.event is None for article in corpus):
        event_column = None
    matrix, names = _features(corpus, lexicon, features, event_column, random_state)
    sample = np.arange(len(corpus))
    if len(corpus) > MAX_PAIRWISE_ARTICLES:
        sample = np.sort(np.random.default_rng(random_state).choice(len(corpus), MAX_PAIRWISE_ARTICLES,
                                                                    replace=False))
    tree = linkage(matrix[sample], method="ward")

    def labels_for(k: int) -> np.ndarray:
        if method == "kmeans":
            return KMeans(n_clusters=k, n_init=10, random_state=random_state).fit_predict(matrix)
        sample_labels = fcluster(tree, t=k, criterion="maxclust") - 1
        if len(sample) == len(corpus):
            return sample_labels
        # Articles outside the sample join the nearest Ward cluster centre.
        centres = np.vstack([matrix[sample][sample_labels == c].mean(axis=0) for c in range(sample_labels.max() + 1)])
        return ((matrix[:, None, :] - centres[None, :, :]) ** 2).sum(axis=2).argmin(axis=1)

    scores = []
    if n_clusters is None:
        best = None
        n_distinct = len(np.unique(matrix.round(12), axis=0))
        for k in range(2, min(max_clusters, len(corpus) - 1, n_distinct) + 1):
            labels = labels_for(k)
            if len(set(labels)) < 2:
                continue
            score = float(silhouette_score(matrix[sample], labels[sample]))
            scores.append((k, score))
            if best is None or score > best[1] + 1e-12:
                best = (k, score, labels)
        if best is None:
            raise FramingError("every article has the same framing features; nothing to cluster")
        n_clusters, labels = best[0], best[2]
    else:
        labels = labels_for(n_clusters)
    n_components = min(2, matrix.shape[1], len(corpus))
    pca = PCA(n_components=n_components, random_state=random_state)
    coordinates = pca.fit_transform(matrix)
    # Fix the sign of each component so the map does not flip between runs or platforms.
    signs = np.sign(coordinates[np.abs(coordinates).argmax(axis=0), range(n_components)])
    coordinates = coordinates * np.where(signs == 0, 1, signs)
    if n_components < 2:
        coordinates = np.column_stack([coordinates, np.zeros(len(corpus))])
    variance = tuple(float(v) for v in pca.explained_variance_ratio_) + (0.0,) * (2 - n_components)
    articles = pd.DataFrame({"article_id": [a.id for a in corpus], "outlet": [a.outlet for a in corpus],
                             "cluster": _canonical(labels), "x": coordinates[:, 0], "y": coordinates[:, 1]})
    return ClusterResult(articles, pd.DataFrame(scores, columns=["n_clusters", "silhouette"]), int(n_clusters),
                         tree, names, variance, matrix)
