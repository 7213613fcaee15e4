"""The vocabulary search uses now: PyThaiNLP's dictionary plus the synonym list."""

from academy.core.thaitext import Vocabulary

from ..models import SearchSynonym


def synonym_groups() -> dict[str, tuple[str, ...]]:
    """Key token → variants, read in one query."""
    return {
        synonym.key: tuple(synonym.variant_list)
        for synonym in SearchSynonym.objects.order_by("pk")
    }


_cache: dict[tuple, Vocabulary] = {}


def current_vocabulary() -> Vocabulary:
    """A vocabulary for the synonyms as they stand; built once per synonym list, since
    loading the segmentation dictionary takes about a second."""
    groups = synonym_groups()
    signature = tuple(sorted(groups.items()))
    vocabulary = _cache.get(signature)
    if vocabulary is None:
        if len(_cache) >= 4:
            _cache.clear()
        vocabulary = _cache[signature] = Vocabulary(groups)
    return vocabulary
