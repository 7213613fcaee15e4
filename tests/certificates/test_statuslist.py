"""Bitstring Status List v1.0: sizes, bit order and the encodedList format."""

import base64
import gzip

import pytest

from certificates.credentials import StatusList, StatusListError, decode_base64url
from certificates.credentials.statuslist import MAX_SIZE, MIN_SIZE

# encodedList of an all-clear 131,072-entry list, from the W3C specification's
# examples; GZIP'd by another implementation.
SPEC_EXAMPLE = "uH4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA"


def raw_bits(status_list: StatusList) -> bytes:
    return gzip.decompress(decode_base64url(status_list.encode()))


def encoded(raw: bytes) -> str:
    return "u" + base64.urlsafe_b64encode(gzip.compress(raw)).rstrip(b"=").decode()


def test_default_size_is_the_specification_minimum():
    assert StatusList().size == MIN_SIZE == 131_072


@pytest.mark.parametrize("size", [0, 8, MIN_SIZE - 8])
def test_list_smaller_than_the_minimum_is_refused(size):
    with pytest.raises(ValueError, match="at least 131072"):
        StatusList(size)


def test_size_must_be_whole_bytes():
    with pytest.raises(ValueError, match="multiple of 8"):
        StatusList(MIN_SIZE + 1)


def test_list_larger_than_the_maximum_is_refused():
    with pytest.raises(ValueError, match="at most"):
        StatusList(MAX_SIZE + 8)


def test_new_list_has_every_status_clear():
    status_list = StatusList()
    assert raw_bits(status_list) == bytes(MIN_SIZE // 8)
    assert not status_list.get(0)
    assert not status_list.get(MIN_SIZE - 1)


@pytest.mark.parametrize(
    ("index", "byte", "value"),
    [(0, 0, 0x80), (1, 0, 0x40), (7, 0, 0x01), (8, 1, 0x80), (131_071, 16_383, 0x01)],
)
def test_bit_zero_is_the_left_most_bit(index, byte, value):
    status_list = StatusList()
    status_list.set(index, True)
    bits = raw_bits(status_list)
    assert bits[byte] == value
    assert sum(bits) == value


def test_set_then_get_only_changes_that_index():
    status_list = StatusList()
    status_list.set(94_567, True)
    assert status_list.get(94_567)
    assert not status_list.get(94_566)
    assert not status_list.get(94_568)


def test_clearing_a_status_restores_it():
    status_list = StatusList()
    status_list.set(12, True)
    status_list.set(13, True)
    status_list.set(12, False)
    assert not status_list.get(12)
    assert status_list.get(13)


@pytest.mark.parametrize("index", [-1, MIN_SIZE, MIN_SIZE + 100])
def test_index_outside_the_list_is_refused(index):
    with pytest.raises(IndexError):
        StatusList().get(index)
    with pytest.raises(IndexError):
        StatusList().set(index, True)


@pytest.mark.parametrize("index", ["3", 3.0, True])
def test_index_must_be_an_int(index):
    with pytest.raises(TypeError):
        StatusList().get(index)


def test_encoded_list_is_gzip_in_base64url_multibase():
    status_list = StatusList()
    status_list.set(3, True)
    encoded_list = status_list.encode()
    assert encoded_list.startswith("u")
    assert "=" not in encoded_list
    assert decode_base64url(encoded_list)[:2] == b"\x1f\x8b"  # GZIP magic


def test_encode_then_decode_gives_the_same_statuses():
    status_list = StatusList(MIN_SIZE * 2)
    for index in (0, 5, 131_071, 131_072, 262_143):
        status_list.set(index, True)
    decoded = StatusList.decode(status_list.encode())
    assert decoded == status_list
    assert decoded.size == MIN_SIZE * 2
    assert [decoded.get(i) for i in (0, 1, 5, 262_143)] == [True, False, True, True]


def test_equal_lists_encode_to_the_same_text():
    first, second = StatusList(), StatusList()
    first.set(42, True)
    second.set(42, True)
    assert first.encode() == second.encode()


def test_specification_example_decodes_to_an_all_clear_list():
    decoded = StatusList.decode(SPEC_EXAMPLE)
    assert decoded == StatusList()


def test_decoded_bits_follow_the_left_most_rule():
    decoded = StatusList.decode(encoded(b"\x80" + bytes(MIN_SIZE // 8 - 2) + b"\x01"))
    assert decoded.get(0)
    assert decoded.get(MIN_SIZE - 1)
    assert not decoded.get(7)


def test_decoding_a_list_below_the_minimum_is_refused():
    with pytest.raises(StatusListError, match="fewer than 131072"):
        StatusList.decode(encoded(bytes(1024)))


@pytest.mark.parametrize(
    "encoded_list",
    [
        "zH4sIAAAAAAAAA",  # base58btc, not base64url
        "u!!!",
        "u" + base64.urlsafe_b64encode(b"not gzip at all").decode().rstrip("="),
    ],
)
def test_malformed_encoded_list_is_refused(encoded_list):
    with pytest.raises(StatusListError):
        StatusList.decode(encoded_list)


def test_truncated_gzip_is_refused():
    data = gzip.compress(bytes(MIN_SIZE // 8))
    truncated = "u" + base64.urlsafe_b64encode(data[:-6]).rstrip(b"=").decode()
    with pytest.raises(StatusListError, match="truncated"):
        StatusList.decode(truncated)


def test_gzip_bomb_is_refused():
    bomb = encoded(bytes(MAX_SIZE // 8 + 1024))
    assert len(bomb) < 40_000
    with pytest.raises(StatusListError, match="beyond"):
        StatusList.decode(bomb)
