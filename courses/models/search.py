"""The course search index and the synonyms administrators keep for it.

Search reads a table of normalised, segmented words per page (`SearchEntry`), written
when a course or lesson is published, unpublished, moved or deleted, so that a query
is a few indexed SQL lookups on SQLite and PostgreSQL alike rather than a scan of page
text in Python.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

MAX_VARIANT_LENGTH = 100


class SearchSynonym(models.Model):
    """Words and phrases that search treats as one: an abbreviation and its long form,
    a Thai word and its English one, two accepted spellings."""

    variants = models.TextField(
        _("words that mean the same"),
        help_text=_(
            "One word or phrase per line, for example พรบ, พ.ร.บ. and พระราชบัญญัติ. "
            "A search for any of them finds pages that use any other."
        ),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("search synonym")
        verbose_name_plural = _("search synonyms")
        ordering = ["pk"]

    def __str__(self) -> str:
        return " = ".join(self.variant_list)

    def clean(self) -> None:
        variants = self.variant_list
        if len(variants) < 2:
            raise ValidationError(
                {"variants": _("Give at least two words or phrases, one per line.")}
            )
        too_long = [
            variant for variant in variants if len(variant) > MAX_VARIANT_LENGTH
        ]
        if too_long:
            raise ValidationError(
                {
                    "variants": _("“%(variant)s” is longer than %(limit)d characters.")
                    % {"variant": too_long[0][:40], "limit": MAX_VARIANT_LENGTH}
                }
            )

    @property
    def variant_list(self) -> list[str]:
        lines = (line.strip() for line in (self.variants or "").splitlines())
        return list(dict.fromkeys(line for line in lines if line))

    @property
    def key(self) -> str:
        """The token under which pages using any variant are indexed."""
        return f"~syn{self.pk}"


class SearchEntry(models.Model):
    """One word of one live course or lesson, with the weight of the best field it is
    in (a title counts more than a summary, a summary more than lesson text)."""

    class Weight(models.IntegerChoices):
        BODY = 1, _("lesson text")
        LESSON_TITLE = 2, _("lesson title or description")
        SUMMARY = 4, _("summary or competency")
        TITLE = 8, _("title or code")

    page = models.ForeignKey(
        "wagtailcore.Page", on_delete=models.CASCADE, related_name="+"
    )
    course = models.ForeignKey(
        "courses.CoursePage", on_delete=models.CASCADE, related_name="+"
    )
    token = models.CharField(max_length=64)
    weight = models.PositiveSmallIntegerField(choices=Weight.choices)
    occurrences = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("search index entry")
        constraints = [
            models.UniqueConstraint(
                fields=["page", "token"], name="search_entry_page_token_unique"
            )
        ]
        indexes = [models.Index(fields=["token", "course"], name="search_entry_token")]

    def __str__(self) -> str:
        return f"{self.token} ({self.page_id})"
