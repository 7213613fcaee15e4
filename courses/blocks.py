"""Lesson body blocks: what a digital-skills instructor needs, with no raw-HTML block.

Rich text is limited to Wagtail's whitelisted features (its rich-text rewriter drops any
other markup); code is stored as text and escaped on output; videos are built from a
validated provider id, never from pasted HTML or a run-time oEmbed fetch.
"""

import re
from urllib.parse import parse_qs, urlparse

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.images.blocks import ImageChooserBlock

RICH_TEXT_FEATURES = [
    "h3",
    "h4",
    "bold",
    "italic",
    "ol",
    "ul",
    "link",
    "document-link",
    "code",
    "superscript",
    "subscript",
    "strikethrough",
    "blockquote",
]

YOUTUBE_ID = re.compile(r"^[A-Za-z0-9_-]{11}$")
VIMEO_ID = re.compile(r"^\d{5,12}$")


def parse_video_url(url: str) -> tuple[str, str]:
    """(provider, id) for a YouTube or Vimeo URL; ValueError otherwise."""
    parsed = urlparse(url.strip())
    host = (parsed.hostname or "").lower().removeprefix("www.").removeprefix("m.")
    if parsed.scheme not in {"http", "https"}:
        raise ValueError("not an http(s) URL")
    if host in {"youtube.com", "youtube-nocookie.com"}:
        if parsed.path == "/watch":
            video_id = parse_qs(parsed.query).get("v", [""])[0]
        else:
            parts = parsed.path.strip("/").split("/")
            video_id = (
                parts[1] if len(parts) == 2 and parts[0] in {"embed", "shorts"} else ""
            )
        if YOUTUBE_ID.match(video_id):
            return "youtube", video_id
    elif host == "youtu.be":
        video_id = parsed.path.strip("/")
        if YOUTUBE_ID.match(video_id):
            return "youtube", video_id
    elif host in {"vimeo.com", "player.vimeo.com"}:
        video_id = parsed.path.strip("/").split("/")[-1]
        if VIMEO_ID.match(video_id):
            return "vimeo", video_id
    raise ValueError("not a YouTube or Vimeo video URL")


class VideoBlock(blocks.StructBlock):
    url = blocks.URLBlock(
        label=_("Video URL"), help_text=_("A YouTube or Vimeo link to the video.")
    )
    caption = blocks.CharBlock(label=_("Caption"), required=False)
    transcript = blocks.TextBlock(
        label=_("Transcript"), required=False, help_text=_("For accessibility.")
    )

    class Meta:
        icon = "media"
        label = _("Video")
        template = "courses/blocks/video.html"

    def clean(self, value):
        value = super().clean(value)
        try:
            parse_video_url(value["url"])
        except ValueError as error:
            raise blocks.StructBlockValidationError(
                block_errors={
                    "url": ValidationError(_("Use a YouTube or Vimeo video link."))
                }
            ) from error
        return value

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context)
        provider, video_id = parse_video_url(value["url"])
        if provider == "youtube":
            context["embed_url"] = f"https://www.youtube-nocookie.com/embed/{video_id}"
        else:
            context["embed_url"] = f"https://player.vimeo.com/video/{video_id}"
        return context


class CodeBlock(blocks.StructBlock):
    language = blocks.ChoiceBlock(
        choices=[
            ("text", "Text"),
            ("python", "Python"),
            ("sql", "SQL"),
            ("javascript", "JavaScript"),
            ("html", "HTML"),
            ("json", "JSON"),
            ("bash", "Shell"),
        ],
        default="text",
        label=_("Language"),
    )
    code = blocks.TextBlock(label=pgettext_lazy("program source", "Code"))

    class Meta:
        icon = "code"
        label = pgettext_lazy("program source", "Code")
        template = "courses/blocks/code.html"


class CalloutBlock(blocks.StructBlock):
    kind = blocks.ChoiceBlock(
        choices=[("info", _("Note")), ("tip", _("Tip")), ("warning", _("Warning"))],
        default="info",
        label=_("Kind"),
    )
    title = blocks.CharBlock(label=_("Title"), required=False)
    text = blocks.RichTextBlock(features=RICH_TEXT_FEATURES, label=_("Text"))

    class Meta:
        icon = "warning"
        label = _("Callout")
        template = "courses/blocks/callout.html"


class ImageBlock(blocks.StructBlock):
    image = ImageChooserBlock(label=_("Image"))
    alt_text = blocks.CharBlock(
        label=_("Alternative text"),
        help_text=_("Describe the image for screen readers."),
    )
    caption = blocks.CharBlock(label=_("Caption"), required=False)

    class Meta:
        icon = "image"
        label = _("Image")
        template = "courses/blocks/image.html"


class DownloadBlock(blocks.StructBlock):
    document = DocumentChooserBlock(label=_("File"))
    label = blocks.CharBlock(label=_("Link text"), required=False)

    class Meta:
        icon = "download"
        label = _("Downloadable file")
        template = "courses/blocks/download.html"


class LessonBodyBlock(blocks.StreamBlock):
    heading = blocks.CharBlock(
        label=_("Heading"), icon="title", template="courses/blocks/heading.html"
    )
    paragraph = blocks.RichTextBlock(features=RICH_TEXT_FEATURES, label=_("Text"))
    image = ImageBlock()
    video = VideoBlock()
    code = CodeBlock()
    callout = CalloutBlock()
    download = DownloadBlock()
    quote = blocks.BlockQuoteBlock(label=_("Quote"))

    class Meta:
        block_counts = {}
