"""A per-address attempt counter in Django's cache, for public forms allauth does not own.

allauth counts its own endpoints (ACCOUNT_RATE_LIMITS); this counts the others, such as
public certificate verification, in the same cache so that every host shares it.
"""

from django.core.cache import cache

from academy.accounts.audit import client_ip


def attempt_refused(request, *, scope: str, limit: int, window: int = 60) -> bool:
    """Count one attempt; True once more than `limit` fell in the current window.

    The window opens at the first attempt and closes `window` seconds later (the
    counter's expiry: incr keeps it, in Redis and in the local-memory cache), so
    the 11th attempt within a minute is refused wherever the minute starts.
    The address is REMOTE_ADDR, not X-Forwarded-For, which any client can write;
    behind a proxy the proxy sets REMOTE_ADDR (e.g. gunicorn --forwarded-allow-ips).
    """
    key = f"academy:attempts:{scope}:{client_ip(request) or 'unknown'}"
    cache.add(key, 0, timeout=window)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        count = 1
    return count > limit
