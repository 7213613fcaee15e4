"""Checking SCORM packages: each unsafe or broken case is refused with its reason,
and the real Golf Examples (tests/data/outside/scorm) are accepted."""

import io
import stat
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest

from courses.scorm.package import (
    VERSION_12,
    VERSION_2004,
    Limits,
    PackageError,
    package_inspect,
    package_members,
)

OUTSIDE = Path(__file__).resolve().parents[1] / "data" / "outside" / "scorm"
GOLF_12 = OUTSIDE / "RuntimeBasicCalls_SCORM12.zip"
GOLF_2004 = OUTSIDE / "RuntimeBasicCalls_SCORM20043rdEdition.zip"
LIMITS = Limits()


@pytest.fixture(autouse=True)
def _english():
    """The checks read the English messages; Thai is tested once, at the end."""
    from django.utils import translation

    with translation.override("en"):
        yield


MANIFEST_12 = """<?xml version="1.0"?>
<manifest identifier="m" version="1"
  xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2"
  xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2">
  <metadata><schema>ADL SCORM</schema><schemaversion>1.2</schemaversion></metadata>
  <organizations default="org"><organization identifier="org"><title>T</title>
    {items}
  </organization></organizations>
  <resources>{resources}</resources>
</manifest>"""
ONE_ITEM = '<item identifier="i1" identifierref="r1"><title>One</title></item>'
ONE_RESOURCE = (
    '<resource identifier="r1" type="webcontent" adlcp:scormtype="sco" '
    'href="index.html"><file href="index.html"/></resource>'
)


def manifest(items=ONE_ITEM, resources=ONE_RESOURCE) -> str:
    return MANIFEST_12.format(items=items, resources=resources)


def make_zip(members: dict, *, infos: list | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
        for info, content in infos or []:
            archive.writestr(info, content)
    return buffer.getvalue()


def inspect(data: bytes, limits: Limits = LIMITS):
    return package_inspect(io.BytesIO(data), size=len(data), limits=limits)


def refused(data: bytes, limits: Limits = LIMITS) -> str:
    with pytest.raises(PackageError) as caught:
        inspect(data, limits)
    return caught.value.message


def valid_members(**extra) -> dict:
    return {"imsmanifest.xml": manifest(), "index.html": "<p>hi</p>", **extra}


def test_the_real_scorm_12_golf_package_is_accepted():
    info = inspect(GOLF_12.read_bytes())
    assert info.version == VERSION_12
    assert info.title == "Golf Explained - Run-time Basic Calls"
    assert info.launch == "shared/launchpage.html"
    assert info.identifier == "com.scorm.golfsamples.runtime.basicruntime.12"
    assert "Playing/Playing.html" in info.files
    assert len(info.files) == 44


def test_the_real_scorm_2004_golf_package_is_accepted():
    info = inspect(GOLF_2004.read_bytes())
    assert info.version == VERSION_2004
    assert info.edition == "2004 3rd Edition"
    assert info.launch == "shared/launchpage.html"
    assert info.title == "Golf Explained - Run-time Basic Calls"


def test_a_file_that_is_not_a_zip_is_refused():
    assert "not a zip" in refused(b"%PDF-1.7 not a zip at all")


def test_a_package_over_the_upload_limit_is_refused():
    data = make_zip(valid_members())
    message = refused(data, Limits(max_upload_bytes=len(data) - 1))
    assert "too large" in message


def test_path_traversal_is_refused():
    message = refused(make_zip(valid_members(**{"../../etc/cron.d/evil": "x"})))
    assert "path traversal" in message
    assert "../../etc/cron.d/evil" in message


def test_path_traversal_with_backslashes_is_refused():
    message = refused(make_zip(valid_members(**{"..\\..\\evil.html": "x"})))
    assert "path traversal" in message


def test_an_absolute_path_is_refused():
    assert "absolute path" in refused(make_zip(valid_members(**{"/etc/passwd": "x"})))


def test_a_windows_drive_path_is_refused():
    assert "absolute path" in refused(make_zip(valid_members(**{"C:/boot.ini": "x"})))


def test_a_symbolic_link_is_refused():
    link = zipfile.ZipInfo("shared/link.html")
    link.create_system = 3
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    message = refused(make_zip(valid_members(), infos=[(link, "/etc/passwd")]))
    assert "symbolic link" in message


def test_an_encrypted_member_is_refused():
    data = bytearray(make_zip(valid_members(**{"secret.html": "x"})))
    # Set the "encrypted" bit of secret.html's flags in the central directory.
    header = data.rfind(b"PK\x01\x02", 0, data.rfind(b"secret.html"))
    data[header + 8] |= 0x1
    assert "encrypted" in refused(bytes(data))


def test_a_zip_bomb_member_is_refused_by_its_ratio():
    bomb = b"\0" * (4 * 1024 * 1024)  # deflates to a few kilobytes
    message = refused(make_zip(valid_members(**{"bomb.bin": bomb})))
    assert "zip bomb" in message


def test_a_package_too_large_unpacked_is_refused():
    data = make_zip(valid_members(**{"big.txt": "x" * 5000}))
    message = refused(data, Limits(max_total_bytes=4000))
    assert "too large once unpacked" in message


def test_too_many_files_are_refused():
    many = {f"page{i}.html": "x" for i in range(20)}
    message = refused(make_zip(valid_members(**many)), Limits(max_files=10))
    assert "files; the limit is 10" in message


def test_a_member_unpacking_to_more_than_it_declares_is_stopped():
    """The directory can lie about sizes; extraction enforces what it declared."""
    data = bytearray(make_zip(valid_members(**{"page.html": "y" * 1000})))
    # Shrink page.html's declared size in the central directory to 10 bytes.
    archive = zipfile.ZipFile(io.BytesIO(bytes(data)))
    header = data.rfind(b"PK\x01\x02", 0, data.rfind(b"page.html"))
    assert archive.getinfo("page.html").file_size == 1000
    data[header + 24 : header + 28] = (10).to_bytes(4, "little")
    members = package_members(io.BytesIO(bytes(data)), limits=LIMITS)
    with pytest.raises(PackageError):
        for _name, chunks in members:
            b"".join(chunks)


def test_duplicate_names_are_refused():
    twice = zipfile.ZipInfo("INDEX.html")
    message = refused(make_zip(valid_members(), infos=[(twice, "x")]))
    assert "same file twice" in message


def test_a_zip_without_a_manifest_is_refused():
    assert "no imsmanifest.xml" in refused(make_zip({"index.html": "x"}))


def test_a_manifest_inside_a_folder_gets_a_specific_message():
    data = make_zip({"course/imsmanifest.xml": manifest(), "course/index.html": "x"})
    assert "course/" in refused(data)


def test_a_malformed_manifest_is_refused():
    data = make_zip({"imsmanifest.xml": "<manifest><unclosed></manifest>"})
    assert "not well-formed" in refused(data)


def test_a_manifest_with_entities_is_refused():
    laughs = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        '<!ENTITY lol2 "&lol;&lol;&lol;&lol;">]><manifest>&lol2;</manifest>'
    )
    data = make_zip({"imsmanifest.xml": laughs, "index.html": "x"})
    assert "entities" in refused(data)


def test_a_missing_launch_file_is_refused():
    data = make_zip({"imsmanifest.xml": manifest()})
    message = refused(data)
    assert "launch file" in message
    assert "index.html" in message


def test_a_launch_address_outside_the_package_is_refused():
    outside = ONE_RESOURCE.replace(
        'href="index.html"', 'href="https://evil.example/x"', 1
    )
    data = make_zip(valid_members(**{"imsmanifest.xml": manifest(resources=outside)}))
    assert "outside the package" in refused(data)


def test_a_launch_file_reached_by_traversal_is_refused():
    outside = ONE_RESOURCE.replace('href="index.html"', 'href="../index.html"', 1)
    data = make_zip(valid_members(**{"imsmanifest.xml": manifest(resources=outside)}))
    assert "path traversal" in refused(data)


def test_a_package_with_several_scos_keeps_its_items_in_order():
    items = (
        '<item identifier="part"><title>Part</title>'
        + ONE_ITEM
        + '<item identifier="i2" identifierref="r2" parameters="?q=2"><title>2</title>'
        "</item></item>"
    )
    resources = ONE_RESOURCE + ONE_RESOURCE.replace('"r1"', '"r2"')
    info = inspect(
        make_zip(valid_members(**{"imsmanifest.xml": manifest(items, resources)}))
    )
    assert [(i.identifier, i.depth, i.launch) for i in info.items] == [
        ("part", 0, ""),
        ("i1", 1, "index.html"),
        ("i2", 1, "index.html?q=2"),
    ]
    assert info.launch == "index.html"
    assert (info.choice, info.flow) == (True, True)  # SCORM 1.2: the LMS offers both


def test_every_items_launch_file_is_checked():
    items = (
        ONE_ITEM + '<item identifier="i2" identifierref="r2"><title>2</title></item>'
    )
    resources = ONE_RESOURCE + ONE_RESOURCE.replace('"r1"', '"r2"').replace(
        'href="index.html"', 'href="missing.html"', 1
    )
    data = make_zip(valid_members(**{"imsmanifest.xml": manifest(items, resources)}))
    assert "missing.html" in refused(data)


def test_a_real_multi_sco_package_is_read_with_its_navigation():
    info = inspect(
        (OUTSIDE / "SequencingForcedSequential_SCORM20043rdEdition.zip").read_bytes()
    )
    assert [item.identifier for item in info.items] == [
        "playing_item",
        "etuqiette_item",
        "handicapping_item",
        "havingfun_item",
        "assessment_item",
    ]
    assert {item.kind for item in info.items} == {"sco"}
    assert info.items[4].launch == "shared/launchpage.html?content=assessment"
    assert (info.choice, info.flow) == (True, True)


def test_an_unknown_scorm_version_is_refused():
    text = manifest().replace(
        "<schemaversion>1.2</schemaversion>", "<schemaversion>9</schemaversion>"
    )
    data = make_zip(valid_members(**{"imsmanifest.xml": text}))
    assert "version" in refused(data)


def test_mastery_score_and_launch_parameters_are_read():
    items = (
        '<item identifier="i1" identifierref="r1" parameters="?page=2"><title>One</title>'
        "<adlcp:masteryscore>80</adlcp:masteryscore>"
        "<adlcp:datafromlms>mode=exam</adlcp:datafromlms></item>"
    )
    info = inspect(
        make_zip(valid_members(**{"imsmanifest.xml": manifest(items=items)}))
    )
    assert info.launch == "index.html?page=2"
    assert info.mastery_score == Decimal("80")
    assert info.launch_data == "mode=exam"


def test_refusals_are_in_thai_for_thai_instructors():
    from django.utils import translation

    with translation.override("th"):
        message = refused(make_zip({"index.html": "x"}))
    assert "imsmanifest.xml" in message
    assert "SCORM" in message
    assert any("\u0e00" <= char <= "\u0e7f" for char in message)
