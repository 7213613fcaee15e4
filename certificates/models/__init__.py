"""The certificates app's models, re-exported from their modules."""

from .bundles import CertificateBundle
from .certificates import Certificate, CertificateNumberCounter
from .keys import SigningKey
from .status import StatusList
from .templates import CertificateTemplate

__all__ = [
    "Certificate",
    "CertificateBundle",
    "CertificateNumberCounter",
    "CertificateTemplate",
    "SigningKey",
    "StatusList",
]
