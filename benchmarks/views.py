"""A bare Django view: the floor that page throughput is compared against."""

from django.http import HttpResponse


def bare(request):
    """The whole middleware stack and URL resolution, with no template or query."""
    return HttpResponse("ok", content_type="text/plain")
