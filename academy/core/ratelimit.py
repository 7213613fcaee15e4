"""The client's address, and a per-address attempt counter in Django's cache.

allauth counts its own endpoints (ACCOUNT_RATE_LIMITS); this counts the others, such as
public certificate verification, in the same cache so that every host shares it. Both
ask `client_address` (allauth through AccountAdapter.get_client_ip), and so does the
audit log: one answer to "who is this client" everywhere.
"""

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.core.cache import cache


@lru_cache(maxsize=8)
def _networks(cidrs: tuple[str, ...]) -> tuple:
    return tuple(ipaddress.ip_network(cidr.strip(), strict=False) for cidr in cidrs)


def _trusted(address: str, networks) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


def client_address(request) -> str | None:
    """The address of the client that sent `request`.

    REMOTE_ADDR, unless it is one of ACADEMY_TRUSTED_PROXIES (CIDRs, the Academy's
    own reverse proxies and load balancers): then X-Forwarded-For is read from the
    right, each trusted proxy's entry skipped, and the first address that is not a
    trusted proxy is the client. Whatever a client writes into X-Forwarded-For lies
    to the left of that and is never read, and a request that did not come through
    a trusted proxy is counted by its own REMOTE_ADDR whatever its headers say.
    """
    if request is None:
        return None
    remote = request.META.get("REMOTE_ADDR") or None
    networks = _networks(tuple(getattr(settings, "ACADEMY_TRUSTED_PROXIES", ())))
    if remote is None or not networks or not _trusted(remote, networks):
        return remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
    client = remote
    for hop in reversed(hops):
        try:
            address = str(ipaddress.ip_address(hop))
        except ValueError:
            break  # not written by a proxy of ours: stop at the last trusted hop
        client = address
        if not _trusted(address, networks):
            break
    return client


def attempt_refused(request, *, scope: str, limit: int, window: int = 60) -> bool:
    """Count one attempt; True once more than `limit` fell in the current window.

    The window opens at the first attempt and closes `window` seconds later (the
    counter's expiry: incr keeps it, in Redis and in the local-memory cache), so
    the 11th attempt within a minute is refused wherever the minute starts.
    """
    key = f"academy:attempts:{scope}:{client_address(request) or 'unknown'}"
    cache.add(key, 0, timeout=window)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        count = 1
    return count > limit
