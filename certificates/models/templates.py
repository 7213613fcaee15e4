"""The certificate template administrators edit: HTML, logo, signatory, colours."""

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models, transaction
from django.db.models import Q
from django.http import HttpResponse
from django.template import TemplateSyntaxError
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy as _

from wagtail.admin.panels import FieldPanel, FieldRowPanel, HelpPanel, MultiFieldPanel
from wagtail.models import PreviewableMixin

from certificates import face

colour_validator = RegexValidator(
    r"^#[0-9a-fA-F]{6}$", _("Give the colour as #rrggbb, e.g. #0b4f8a.")
)


def _variables_help() -> str:
    rows = "".join(
        f"<li><code>{{{{ {name} }}}}</code>: {meaning}</li>"
        for name, meaning in face.ALLOWED_VARIABLES.items()
    )
    return (
        "<p>The body is HTML with Django template syntax, restricted to presentation: "
        "<code>if</code>, <code>for</code>, <code>with</code> and simple filters, "
        "plus <code>thai_date</code>, <code>thai_digits</code> and <code>wrap</code>, "
        "which breaks Thai between words to fit a width (Thai has no spaces to "
        'wrap at): <code>{{ course_title|wrap:"235mm 19pt bold 2" }}</code> '
        "(width, size, bold, at most 2 lines: set smaller when longer). "
        "No <code>load</code>, <code>include</code> or "
        "<code>extends</code>; images only from the variables below or the bundled "
        f"<code>{face.DEFAULT_LOGO}</code>. Variables:</p><ul>{rows}</ul>"
    )


class CertificateTemplate(PreviewableMixin, models.Model):
    """The design of certificate PDFs; the active one is used for new certificates.

    Issued PDFs are never re-rendered: a change applies to certificates issued after
    it. The preview renders the real PDF for a sample certificate.
    """

    name = models.CharField(_("name"), max_length=120)
    is_active = models.BooleanField(
        _("use for new certificates"),
        default=False,
        help_text=_(
            "Only one template is active; activating this one deactivates others."
        ),
    )
    body = models.TextField(_("HTML body"), default=face.default_body)
    primary_colour = models.CharField(
        _("primary colour"),
        max_length=7,
        default=face.DEFAULT_PRIMARY_COLOUR,
        validators=[colour_validator],
    )
    accent_colour = models.CharField(
        _("accent colour"),
        max_length=7,
        default=face.DEFAULT_ACCENT_COLOUR,
        validators=[colour_validator],
    )
    logo = models.ForeignKey(
        "wagtailimages.Image",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("logo"),
        help_text=_("PNG or JPEG; the bundled Academy seal when empty."),
    )
    signature = models.ForeignKey(
        "wagtailimages.Image",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("signature image"),
        help_text=_("PNG or JPEG, ideally transparent, about 3:1."),
    )
    signatory_name_th = models.CharField(
        _("signatory name (Thai)"), max_length=200, blank=True
    )
    signatory_name_en = models.CharField(
        _("signatory name (English)"), max_length=200, blank=True
    )
    signatory_position_th = models.CharField(
        _("signatory position (Thai)"), max_length=300, blank=True
    )
    signatory_position_en = models.CharField(
        _("signatory position (English)"), max_length=300, blank=True
    )
    updated_at = models.DateTimeField(auto_now=True)

    panels = [
        FieldRowPanel([FieldPanel("name"), FieldPanel("is_active")]),
        MultiFieldPanel(
            [
                FieldPanel("logo"),
                FieldRowPanel(
                    [FieldPanel("primary_colour"), FieldPanel("accent_colour")]
                ),
            ],
            heading=_("Look"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("signature"),
                FieldRowPanel(
                    [FieldPanel("signatory_name_th"), FieldPanel("signatory_name_en")]
                ),
                FieldRowPanel(
                    [
                        FieldPanel("signatory_position_th"),
                        FieldPanel("signatory_position_en"),
                    ]
                ),
            ],
            heading=_("Signatory"),
        ),
        FieldPanel("body"),
        HelpPanel(content=_variables_help(), heading=_("Template variables")),
    ]

    class Meta:
        verbose_name = _("certificate template")
        verbose_name_plural = _("certificate templates")
        ordering = ["-is_active", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_active"],
                condition=Q(is_active=True),
                name="certificate_template_one_active",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        # One active template: activating this one deactivates the others, in the
        # same transaction (the partial unique constraint holds it in the database).
        with transaction.atomic():
            if self.is_active:
                CertificateTemplate.objects.select_for_update().filter(
                    is_active=True
                ).exclude(pk=self.pk).update(is_active=False)
            super().save(*args, **kwargs)

    def clean(self) -> None:
        """Refuse a body that does not compile, names unknown variables, or reaches
        outside the bundled assets: the admin sees why before anything is issued."""
        super().clean()
        from certificates.pdf import PdfRenderError, RefusedResourceError
        from certificates.samples import sample_certificate

        design = self.design()
        context = face.certificate_context(sample_certificate(), design=design)
        try:
            unknown = face.unknown_variables(self.body, context)
        except TemplateSyntaxError as error:
            raise ValidationError({"body": _("Template error: %s") % error}) from error
        if unknown:
            raise ValidationError(
                {
                    "body": _("Unknown variables: %(names)s.")
                    % {"names": ", ".join(sorted(unknown))}
                }
            )
        try:
            face.render_certificate_pdf(design=design, context=context)
        except RefusedResourceError as error:
            raise ValidationError({"body": str(error)}) from error
        except PdfRenderError as error:
            raise ValidationError({"body": str(error)}) from error

    def design(self) -> face.Design:
        return face.Design(
            body=self.body,
            primary_colour=self.primary_colour or face.DEFAULT_PRIMARY_COLOUR,
            accent_colour=self.accent_colour or face.DEFAULT_ACCENT_COLOUR,
            logo_src=face.image_data_uri(self.logo) or face.DEFAULT_LOGO,
            signature_src=face.image_data_uri(self.signature),
            signatory_name_th=self.signatory_name_th,
            signatory_name_en=self.signatory_name_en,
            signatory_position_th=self.signatory_position_th,
            signatory_position_en=self.signatory_position_en,
        )

    # Wagtail preview: the real PDF of a sample certificate, in each language.
    @property
    def preview_modes(self):
        return [("th", _("Thai")), ("en", _("English"))]

    def serve_preview(self, request, mode_name):
        from certificates.selectors import certificate_template_preview

        pdf = certificate_template_preview(template=self, language=mode_name or "th")
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = content_disposition_header(
            as_attachment=False, filename="preview.pdf"
        )
        return response
