"""Bitstring Status List v1.0, so revocation checks do not reveal who is checked."""

from __future__ import annotations

import gzip
import zlib

from .errors import MultibaseError, StatusListError
from .multibase import decode_base64url, encode_base64url

# The specification's minimum, chosen so one list hides which credential a
# verifier is checking among at least 131,072.
MIN_SIZE = 131_072
# Upper bound on a decoded list (2**27 bits, 16 MiB), so a small GZIP bomb
# from an untrusted verifier input cannot exhaust memory.
MAX_SIZE = 2**27
_GZIP_WBITS = 16 + zlib.MAX_WBITS


class StatusList:
    """A bitstring of one-bit statuses; bit 0 is the left-most (high) bit of byte 0."""

    __slots__ = ("_bits",)

    def __init__(self, size: int = MIN_SIZE) -> None:
        if isinstance(size, bool) or not isinstance(size, int):
            raise TypeError("size must be an int.")
        if size < MIN_SIZE:
            raise ValueError(
                f"A status list holds at least {MIN_SIZE} entries, not {size}."
            )
        if size > MAX_SIZE:
            raise ValueError(f"A status list holds at most {MAX_SIZE} entries.")
        if size % 8:
            raise ValueError("A status list's size must be a multiple of 8.")
        self._bits = bytearray(size // 8)

    @property
    def size(self) -> int:
        return len(self._bits) * 8

    def __len__(self) -> int:
        return self.size

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, StatusList):
            return NotImplemented
        return self._bits == other._bits

    __hash__ = None  # type: ignore[assignment]  # mutable

    def __repr__(self) -> str:
        set_bits = sum(byte.bit_count() for byte in self._bits)
        return f"<StatusList size={self.size} set={set_bits}>"

    def get(self, index: int) -> bool:
        byte, mask = self._locate(index)
        return bool(self._bits[byte] & mask)

    def set(self, index: int, value: bool = True) -> None:
        if not isinstance(value, bool):
            raise TypeError("value must be a bool.")
        byte, mask = self._locate(index)
        if value:
            self._bits[byte] |= mask
        else:
            self._bits[byte] &= ~mask

    def encode(self) -> str:
        """``encodedList``: GZIP, then Multibase base64url without padding (``u...``).

        The GZIP header's timestamp is zero, so equal lists encode equally.
        """
        return encode_base64url(gzip.compress(bytes(self._bits), mtime=0))

    @classmethod
    def decode(cls, encoded_list: str) -> StatusList:
        """Parse an ``encodedList``; StatusListError if it is not a valid list."""
        try:
            compressed = decode_base64url(encoded_list)
        except MultibaseError as error:
            raise StatusListError(f"encodedList: {error}") from error
        decompressor = zlib.decompressobj(wbits=_GZIP_WBITS)
        try:
            bits = decompressor.decompress(compressed, MAX_SIZE // 8 + 1)
        except zlib.error as error:
            raise StatusListError("encodedList is not GZIP data.") from error
        if len(bits) * 8 > MAX_SIZE:
            raise StatusListError(
                f"encodedList expands beyond {MAX_SIZE} entries; refused."
            )
        if not decompressor.eof or decompressor.unused_data:
            raise StatusListError("encodedList is truncated or has trailing data.")
        if len(bits) * 8 < MIN_SIZE:
            raise StatusListError(
                f"encodedList holds {len(bits) * 8} entries, fewer than {MIN_SIZE}."
            )
        status_list = cls.__new__(cls)
        status_list._bits = bytearray(bits)
        return status_list

    def _locate(self, index: int) -> tuple[int, int]:
        if isinstance(index, bool) or not isinstance(index, int):
            raise TypeError("A status list index must be an int.")
        if not 0 <= index < self.size:
            raise IndexError(
                f"Status list index {index} is outside 0..{self.size - 1}."
            )
        return index // 8, 0x80 >> (index % 8)
