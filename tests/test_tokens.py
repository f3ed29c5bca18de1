"""Tests of framing._tokens: the shared tokenisation gives exactly the tokens of framing.text.tokenize."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from framing import Article, Corpus, _parallel, _tokens
from framing._tokens import _chunk_tokens, _decode_keys, corpus_tokens, shared_tokens, word_tokens
from framing.text import count_tokens, normalize_text, tokenize


@pytest.mark.parametrize("text", [
    "Hamas-run ministry: 1,200 killed",
    "Israel\u2019s \u201cflexibility\u201d\u2026 don't -lead trail- a--b a'-b snake_case",
    "Caf\u00e9 cafe\u0301 na\u00efve \u0130stanbul Stra\u00dfe \ufb01le \u00bd \u2460 \u00b2",
    "love \u2764\ufe0f derp\u2122\ufe0f",  # variation selector: a word character to NLTK's regex engine only
    "\u0915\u093f\u0924\u093e\u092c \u0645\u0631\u062d\u0628\u0627 \u65e5\u672c\u8a9e",  # spacing marks, Arabic, CJK
    "soft\u00adhyphen zero\u200bwidth tab\tand\u00a0nbsp",
    "",
])
def test_word_tokens_are_those_of_tokenize(text):
    assert word_tokens(text) == tokenize(text)


def test_corpus_tokens_give_each_article_its_tokens():
    corpus = Corpus([Article("a", "Hostages were freed; hostages!"), Article("b", ""),
                     Article("c", "The hostages\u2019 families")])
    tokens = corpus_tokens(corpus)
    assert len(tokens) == 3
    for position, article in enumerate(corpus):
        assert [tokens.vocabulary[i] for i in tokens.article(position)] == tokenize(article.text)
    assert corpus_tokens(corpus) is not tokens  # nothing is kept outside a shared_tokens block


def test_tokens_are_shared_only_inside_the_block():
    corpus = Corpus([Article("a", "one two")])
    with shared_tokens():
        tokens = corpus_tokens(corpus)
        assert corpus_tokens(corpus) is tokens
        assert corpus_tokens(Corpus(list(corpus))) is not tokens  # another corpus object is tokenised again
    assert corpus_tokens(corpus) is not tokens


@pytest.mark.parametrize("n_jobs", [1, 2])
def test_chunks_join_into_one_vocabulary_in_corpus_order(monkeypatch, n_jobs):
    """Tokenised in chunks (in workers or not), the ids are those of one pass over the corpus."""
    monkeypatch.setattr(_parallel, "CHUNK_SIZE", 4)  # 13 articles -> 4 chunks
    words = "hostages captives ceasefire truce talks aid Gaza Israel's Hamas-run".split()
    corpus = Corpus([Article(str(i), " ".join(words[(i * 3) % 9:(i * 3) % 9 + 1 + i % 4]) if i != 5 else "")
                     for i in range(13)])
    tokens = corpus_tokens(corpus, n_jobs=n_jobs)
    expected_vocabulary = list(dict.fromkeys(token for article in corpus for token in tokenize(article.text)))
    assert tokens.vocabulary == expected_vocabulary
    for position, article in enumerate(corpus):
        assert [tokens.vocabulary[i] for i in tokens.article(position)] == tokenize(article.text)
    assert tokens.offsets[-1] == len(tokens.ids) and tokens.ids.dtype.name == "int32"


def test_chunk_tokens_handle_every_kind_of_text():
    """Texts read in numpy (ASCII, wide letters, wide separators) and by word_tokens (marks) in one chunk;
    tokens of 1-8, 9-16 and over 16 bytes; the same token in both kinds of text gets one id."""
    texts = ["Hostages freed; ceasefire-talks", "\u00a9 2024 Caf\u00e9 r\u00e9sum\u00e9 hostages",
             "love \u2764\ufe0f hostages caf\u00e9", "", "extraordinarily counterinsurgency's hostages",
             "\u2022 na\u00efve-ish -lead a--b x'-y \u00bd", "caf\u00e9 internationalisations"]
    tokens = corpus_tokens(Corpus([Article(str(i), text) for i, text in enumerate(texts)]))
    expected = [tokenize(text) for text in texts]
    assert tokens.vocabulary == list(dict.fromkeys(token for article in expected for token in article))
    assert [[tokens.vocabulary[i] for i in tokens.article(position)] for position in range(len(texts))] == expected
    assert tokens.vocabulary.count("caf\u00e9") == 1 and "counterinsurgency's" in tokens.vocabulary


#: Pieces of text: ASCII, wide letters and separators, characters that normalisation changes, marks and
#: a variation selector (which NLTK's regex engine puts in words), a symbol whose lower case is another
#: (circled A), words of 9 and of over 16 bytes.
_PIECES = list("abyz09 '-.\n_Q") + ["\u00e9", "\u00a9", "\u2022", "\u2019", "\u2014", "\u0301", "\ufe0f",
                                     "\u0130", "\u24b6", "\ufb01", "\u00bd", "\u65e5", "abcdefghi",
                                     "internationalisation"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(st.sampled_from(_PIECES), max_size=12).map("".join), max_size=6))
def test_chunk_tokens_are_those_of_tokenize(texts):
    keys, long_tokens, ids, lengths, exact = _chunk_tokens(texts)
    vocabulary = _decode_keys(keys, long_tokens)
    expected = [tokenize(text) for text in texts]
    assert vocabulary == list(dict.fromkeys(token for article in expected for token in article))
    assert [vocabulary[i] for i in ids] == [token for article in expected for token in article]
    assert lengths.tolist() == [len(article) for article in expected]
    for text, same, length in zip(texts, exact, lengths):
        if same:
            assert count_tokens(normalize_text(text).text) == length


def test_keys_that_mix_to_the_same_number_keep_their_own_codes():
    """Two keys (first, second) are mixed into one integer for hashing; a collision falls back to pairs."""
    mask = (1 << 64) - 1
    first, second = [0x61, 0x62, 0x61, 0x63], [5, 9, 5, 0]
    first[1] = (first[0] + (second[0] - second[1]) * int(_tokens._MIX)) & mask  # (first[1], 9) mixes like (0x61, 5)
    keys = np.array(first, dtype=np.uint64), np.array(second, dtype=np.uint64)
    assert len(set((keys[0] + keys[1] * _tokens._MIX).tolist())) == 2  # the collision is real
    codes, (distinct_first, distinct_second) = _tokens._number_keys(*keys)
    assert codes.tolist() == [0, 1, 0, 2]
    assert list(zip(distinct_first.tolist(), distinct_second.tolist())) == [(0x61, 5), (first[1], 9), (0x63, 0)]
