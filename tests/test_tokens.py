"""Tests of framing._tokens: the shared tokenisation gives exactly the tokens of framing.text.tokenize."""

import pytest

from framing import Article, Corpus
from framing._tokens import corpus_tokens, shared_tokens, word_tokens
from framing.text import tokenize


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
