"""Checking a SCORM package (a zip with imsmanifest.xml) before anything is stored.

Pure code, no database: `package_inspect` reads the zip's directory and the manifest,
refuses what is unsafe or broken with a message an instructor can act on, and returns
what the Academy needs to play the package. The bytes are read again, with the same
limits enforced on what is actually decompressed, by `package_members`.

Refused: not a zip, encrypted members, absolute paths, `..` components, symbolic
links and other special files, duplicate names, too many files, a total or a member
too large once decompressed, a compression ratio typical of zip bombs, no manifest at
the root, a manifest that is not well-formed XML or uses entities (defusedxml), an
unknown SCORM version, no launchable resource, and a launch file missing from the zip
or pointing outside it (checked for every item of the organization).

A package with several SCOs or assets plays as a table of contents inside one lesson:
`PackageInfo.items` is the default organization's tree in order, and `choice`/`flow`
are the navigation its SCORM 2004 controlMode allows (SCORM 1.2 leaves navigation to
the LMS, which offers both).
"""

from __future__ import annotations

import posixpath
import re
import stat
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from typing import BinaryIO
from urllib.parse import unquote, urlsplit

from django.utils.translation import gettext as _

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from .sequencing import sequencing_read

MANIFEST = "imsmanifest.xml"
VERSION_12 = "1.2"
VERSION_2004 = "2004"


@dataclass(frozen=True)
class Limits:
    """Caps on a package; the settings ACADEMY_SCORM_* override them (see limits())."""

    max_upload_bytes: int = 200 * 1024 * 1024
    max_total_bytes: int = 500 * 1024 * 1024
    max_member_bytes: int = 200 * 1024 * 1024
    max_files: int = 5000
    max_ratio: int = 100
    max_manifest_bytes: int = 2 * 1024 * 1024


class PackageError(Exception):
    """Why a package was refused, in words the instructor can act on."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class PackageItem:
    """One item of the organization: a heading (an aggregation, no launch) or a SCO
    or asset the learner can open."""

    identifier: str
    title: str
    depth: int
    launch: str = ""  # path inside the package, with its query string
    kind: str = ""  # "sco", "asset", or "" for a heading
    mastery_score: Decimal | None = None
    scaled_passing_score: Decimal | None = None
    launch_data: str = ""
    # SCORM 2004: the ids of the item's objectives (imsss:primaryObjective and
    # imsss:objective), which the LMS gives the SCO as cmi.objectives.n.id.
    objectives: tuple[str, ...] = ()
    # SCORM 2004: what the Academy honours of the item's imsss:sequencing
    # (sequencing.sequencing_read); empty when it declares none.
    sequencing: dict = field(default_factory=dict)

    def as_json(self) -> dict:
        """The form kept in ScormPackage.items (numbers as text)."""

        def number(value):
            return None if value is None else str(value)

        return {
            "identifier": self.identifier,
            "title": self.title,
            "depth": self.depth,
            "launch": self.launch,
            "kind": self.kind,
            "mastery_score": number(self.mastery_score),
            "scaled_passing_score": number(self.scaled_passing_score),
            "launch_data": self.launch_data,
            "objectives": list(self.objectives),
            **({"sequencing": self.sequencing} if self.sequencing else {}),
        }


@dataclass(frozen=True)
class PackageInfo:
    version: str  # "1.2" or "2004"
    edition: str  # the manifest's schemaversion, as written
    identifier: str
    title: str
    launch: str  # path inside the package, with its query string
    files: dict[str, int] = field(default_factory=dict)  # name -> size
    mastery_score: Decimal | None = None  # SCORM 1.2, 0-100
    scaled_passing_score: Decimal | None = None  # SCORM 2004, -1..1
    launch_data: str = ""
    items: tuple[PackageItem, ...] = ()
    choice: bool = True
    flow: bool = True
    # The organization's sequencing as honoured (sequencing.sequencing_read), with
    # "unsupported": what the manifest declares that the Academy does not honour.
    sequencing: dict = field(default_factory=dict)

    @property
    def total_bytes(self) -> int:
        return sum(self.files.values())


_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_DRIVE = re.compile(r"^[A-Za-z]:")


def member_name_check(raw: str) -> str:
    """The member's safe relative name, or PackageError naming it.

    Backslashes (written by some Windows tools) count as separators, so that
    `..\\x` is caught like `../x`.
    """
    name = raw.replace("\\", "/")
    if _CONTROL.search(name):
        raise PackageError(
            _("The package holds a file whose name has control characters: %(name)r.")
            % {"name": raw}
        )
    if name.startswith("/") or _DRIVE.match(name):
        raise PackageError(
            _("The package holds a file with an absolute path: %(name)s.")
            % {"name": raw}
        )
    parts = [part for part in name.split("/") if part not in ("", ".")]
    if any(part == ".." for part in parts):
        raise PackageError(
            _(
                "The package holds a file outside its own folder (path traversal): %(name)s."
            )
            % {"name": raw}
        )
    return "/".join(parts)


def _member_kind_check(info: zipfile.ZipInfo, name: str) -> None:
    if info.flag_bits & 0x1:
        raise PackageError(
            _("The package holds an encrypted file: %(name)s.") % {"name": name}
        )
    mode = info.external_attr >> 16
    if info.create_system == 3 and mode:  # Unix permissions recorded
        kind = stat.S_IFMT(mode)
        if stat.S_ISLNK(mode):
            raise PackageError(
                _("The package holds a symbolic link, which is not allowed: %(name)s.")
                % {"name": name}
            )
        if kind and not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
            raise PackageError(
                _("The package holds a special file, which is not allowed: %(name)s.")
                % {"name": name}
            )


def _open_zip(stream: BinaryIO, size: int, limits: Limits) -> zipfile.ZipFile:
    if size > limits.max_upload_bytes:
        raise PackageError(
            _("The package is too large: %(size)s MB; the limit is %(limit)s MB.")
            % {
                "size": round(size / 1024 / 1024, 1),
                "limit": limits.max_upload_bytes // 1024 // 1024,
            }
        )
    try:
        return zipfile.ZipFile(stream)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError):
        raise PackageError(
            _("The file is not a zip archive (a SCORM package is a .zip).")
        ) from None


def _members(archive: zipfile.ZipFile, limits: Limits) -> dict[str, zipfile.ZipInfo]:
    """The regular files of the zip by safe name, with the zip-bomb caps applied to
    what the directory declares (package_members enforces them on the real bytes)."""
    infos = archive.infolist()
    if len(infos) > limits.max_files:
        raise PackageError(
            _("The package holds %(count)s files; the limit is %(limit)s.")
            % {"count": len(infos), "limit": limits.max_files}
        )
    members: dict[str, zipfile.ZipInfo] = {}
    folded: set[str] = set()
    total = 0
    for info in infos:
        name = member_name_check(info.filename)
        _member_kind_check(info, info.filename)
        if info.is_dir() or not name:
            continue
        if name.casefold() in folded:
            raise PackageError(
                _("The package holds the same file twice: %(name)s.") % {"name": name}
            )
        folded.add(name.casefold())
        if info.file_size > limits.max_member_bytes:
            raise PackageError(
                _("A file in the package is too large once unpacked: %(name)s.")
                % {"name": name}
            )
        if info.file_size > 1024 * 1024 and info.file_size > limits.max_ratio * max(
            info.compress_size, 1
        ):
            raise PackageError(
                _(
                    "The package looks like a zip bomb: %(name)s unpacks to more than "
                    "%(ratio)s times its packed size."
                )
                % {"name": name, "ratio": limits.max_ratio}
            )
        total += info.file_size
        if total > limits.max_total_bytes:
            raise PackageError(
                _("The package is too large once unpacked; the limit is %(limit)s MB.")
                % {"limit": limits.max_total_bytes // 1024 // 1024}
            )
        members[name] = info
    return members


def _read_limited(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, cap: int
) -> Iterator[bytes]:
    """The member's bytes in chunks, stopping at its declared size or the cap."""
    allowed = min(info.file_size, cap)
    seen = 0
    with archive.open(info) as handle:
        while True:
            try:
                chunk = handle.read(64 * 1024)
            except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError):
                raise PackageError(
                    _("The package is damaged: %(name)s cannot be unpacked.")
                    % {"name": info.filename}
                ) from None
            if not chunk:
                break
            seen += len(chunk)
            if seen > allowed:
                raise PackageError(
                    _(
                        "The package looks like a zip bomb: %(name)s unpacks to more "
                        "than it declares."
                    )
                    % {"name": info.filename}
                )
            yield chunk


# ------------------------------------------------------------------------------
# The manifest
# ------------------------------------------------------------------------------


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _children(element, name: str) -> list:
    return [child for child in element if _local(child.tag) == name]


def _child(element, name: str):
    found = _children(element, name)
    return found[0] if found else None


def _attribute(element, name: str) -> str:
    """An attribute by local name, whatever its namespace (adlcp:scormtype and
    adlcp:scormType both exist in the wild)."""
    for key, value in element.attrib.items():
        if _local(key).lower() == name.lower():
            return value
    return ""


def _text(element) -> str:
    return (element.text or "").strip() if element is not None else ""


def _version(root) -> tuple[str, str]:
    metadata = _child(root, "metadata")
    edition = _text(_child(metadata, "schemaversion")) if metadata is not None else ""
    namespaces = " ".join(
        [
            root.tag,
            *(str(key) for key in root.attrib),
            *(str(v) for v in root.attrib.values()),
        ]
    ).lower()
    if edition == "1.2" or (not edition and "adlcp_rootv1p2" in namespaces):
        return VERSION_12, edition or "1.2"
    if (
        edition.startswith("2004")
        or edition == "CAM 1.3"
        or (not edition and "adlcp_v1p3" in namespaces)
    ):
        return VERSION_2004, edition or "2004"
    raise PackageError(
        _("The manifest names a SCORM version the Academy does not play: %(version)s.")
        % {"version": edition or "?"}
    )


def _items(element, depth: int = 0) -> Iterator:
    for item in _children(element, "item"):
        yield item, depth
        yield from _items(item, depth + 1)


def _sequencing(element, collection: dict):
    """The item's or organization's <sequencing>, its IDRef resolved against the
    manifest's sequencingCollection (local values win, as the specification says)."""
    local = _child(element, "sequencing")
    if local is None:
        return None, None
    shared = (
        collection.get(_attribute(local, "IDRef"))
        if _attribute(local, "IDRef")
        else None
    )
    return local, shared


def _sequencing_child(local, shared, name: str):
    for sequencing in (local, shared):
        if sequencing is not None and _child(sequencing, name) is not None:
            return _child(sequencing, name)
    return None


def _control_mode(organization, collection: dict, version: str) -> tuple[bool, bool]:
    """(choice, flow) between the organization's items. SCORM 2004 defaults are
    choice on and flow off (IMS SS controlMode); SCORM 1.2 has no sequencing, so
    the LMS offers both."""
    if version == VERSION_12 or organization is None:
        return True, True
    local, shared = _sequencing(organization, collection)
    mode = _sequencing_child(local, shared, "controlMode")
    if mode is None:
        return True, False
    choice = _attribute(mode, "choice").strip().lower() != "false"
    flow = _attribute(mode, "flow").strip().lower() == "true"
    return choice, flow


def _decimal(value: str) -> Decimal | None:
    try:
        return Decimal(value.strip()) if value and value.strip() else None
    except InvalidOperation:
        return None


def _join(base: str, href: str) -> str:
    return posixpath.join(base, href) if base else href


def _launch_check(launch: str, members: dict[str, zipfile.ZipInfo]) -> str:
    parts = urlsplit(launch)
    if parts.scheme or parts.netloc or launch.startswith("//"):
        raise PackageError(
            _("The launch address points outside the package: %(href)s.")
            % {"href": launch}
        )
    path = member_name_check(unquote(parts.path))
    if path not in members:
        raise PackageError(
            _("The launch file named in the manifest is not in the package: %(href)s.")
            % {"href": parts.path}
        )
    return path + (f"?{parts.query}" if parts.query else "")


def manifest_parse(content: bytes, members: dict[str, zipfile.ZipInfo]) -> PackageInfo:
    try:
        root = fromstring(content)
    except DefusedXmlException:
        raise PackageError(
            _(
                "The manifest uses XML entities or external references, which are not allowed."
            )
        ) from None
    except Exception as error:  # ParseError and its kin: the position helps authors
        raise PackageError(
            _("The manifest is not well-formed XML: %(error)s.") % {"error": error}
        ) from None
    if _local(root.tag) != "manifest":
        raise PackageError(_("imsmanifest.xml does not hold a <manifest> element."))
    version, edition = _version(root)
    organizations = _child(root, "organizations")
    resources = _child(root, "resources")
    if organizations is None or resources is None:
        raise PackageError(_("The manifest has no organizations or no resources."))
    orgs = _children(organizations, "organization")
    default_id = _attribute(organizations, "default")
    organization = next(
        (org for org in orgs if _attribute(org, "identifier") == default_id),
        orgs[0] if orgs else None,
    )
    by_id = {
        _attribute(res, "identifier"): res for res in _children(resources, "resource")
    }
    collection = {
        _attribute(sequencing, "ID"): sequencing
        for holder in _children(root, "sequencingCollection")
        for sequencing in _children(holder, "sequencing")
    }
    resources_base = _attribute(resources, "base")
    items: list[PackageItem] = []
    unsupported: list[str] = []
    if organization is not None:
        for element, depth in _items(organization):
            item = _item_read(
                element, depth, by_id, members, resources_base, collection
            )
            if version == VERSION_2004:
                rules, missed = sequencing_read(
                    *_sequencing(element, collection), where=item.identifier
                )
                unsupported += missed
                item = replace(item, sequencing=rules)
            items.append(item)
    elif by_id:  # no organization: a single resource package
        resource = next((r for r in by_id.values() if _attribute(r, "href")), None)
        if resource is not None:
            items.append(
                _item_read(None, 0, {"": resource}, members, resources_base, collection)
            )
    launchable = [item for item in items if item.launch]
    if not launchable:
        raise PackageError(_("The manifest names no file to launch."))
    if len(launchable) == 1:
        # One thing to play: the lesson shows no table of contents.
        items = launchable
    first = launchable[0]
    title = _text(_child(organization, "title")) if organization is not None else ""
    title = title or first.title
    choice, flow = _control_mode(organization, collection, version)
    organization_rules: dict = {}
    if version == VERSION_2004 and organization is not None:
        organization_rules, missed = sequencing_read(
            *_sequencing(organization, collection), where="organization"
        )
        unsupported = missed + unsupported
        mapped = any(
            objective.get("read") or objective.get("write")
            for item in items
            for objective in item.sequencing.get("objectives", {}).values()
        )
        if mapped and _attribute(organization, "objectivesGlobalToSystem") != "false":
            unsupported.append(
                "organization: objectivesGlobalToSystem (global objectives are "
                "shared within this lesson only)"
            )
    if unsupported:
        organization_rules["unsupported"] = list(dict.fromkeys(unsupported))[:100]
    return PackageInfo(
        version=version,
        edition=edition,
        identifier=_attribute(root, "identifier")[:255],
        title=title[:255],
        launch=first.launch,
        files={name: info.file_size for name, info in members.items()},
        mastery_score=first.mastery_score,
        scaled_passing_score=first.scaled_passing_score,
        launch_data=first.launch_data,
        items=tuple(items),
        choice=choice,
        flow=flow,
        sequencing=organization_rules,
    )


def _with_parameters(href: str, parameters: str) -> str:
    """The item's parameters added to its resource's href, as SCORM CAM 3.4.1.9
    says: a leading "?" or "&" joins the href's own query string."""
    if not parameters:
        return href
    if parameters[0] == "#":
        return href + parameters
    parameters = parameters.lstrip("?&")
    if not parameters:
        return href
    return href + ("&" if "?" in href else "?") + parameters


def _item_read(
    element, depth, by_id, members, resources_base, collection
) -> PackageItem:
    """An organization item (or, with element None, the only resource) checked: its
    resource exists, and its launch file is in the package."""
    ref = _attribute(element, "identifierref") if element is not None else ""
    identifier = (_attribute(element, "identifier") if element is not None else "")[
        :255
    ]
    title = _text(_child(element, "title"))[:255] if element is not None else ""
    resource = by_id.get(ref) if element is not None else by_id[""]
    if element is not None and not ref:
        return PackageItem(identifier=identifier, title=title, depth=depth)
    if resource is None:
        raise PackageError(
            _("An item of the manifest names a resource that does not exist: %(id)s.")
            % {"id": ref}
        )
    if not _attribute(resource, "href"):
        return PackageItem(identifier=identifier, title=title, depth=depth)
    href = _join(
        resources_base,
        _join(_attribute(resource, "base"), _attribute(resource, "href")),
    )
    parameters = _attribute(element, "parameters") if element is not None else ""
    href = _with_parameters(href, parameters)
    launch = _launch_check(href, members)
    mastery = scaled = None
    launch_data = ""
    objective_ids: tuple[str, ...] = ()
    if element is not None:
        mastery = _decimal(_text(_child(element, "masteryscore")))
        launch_data = _text(_child(element, "datafromlms"))
        local, shared = _sequencing(element, collection)
        objectives = _sequencing_child(local, shared, "objectives")
        primary = (
            _child(objectives, "primaryObjective") if objectives is not None else None
        )
        if primary is not None and _attribute(primary, "satisfiedByMeasure") == "true":
            scaled = _decimal(_text(_child(primary, "minNormalizedMeasure")))
        if objectives is not None:
            objective_ids = tuple(
                dict.fromkeys(
                    _attribute(objective, "objectiveID")[:4000]
                    for objective in objectives
                    if _local(objective.tag) in ("primaryObjective", "objective")
                    and _attribute(objective, "objectiveID")
                )
            )[:100]
    if mastery is not None and not (0 <= mastery <= 100):
        mastery = None
    if scaled is not None and not (-1 <= scaled <= 1):
        scaled = None
    kind = _attribute(resource, "scormtype").lower()
    return PackageItem(
        identifier=identifier,
        title=title,
        depth=depth,
        launch=launch[:1024],
        kind="asset" if kind == "asset" else "sco",
        mastery_score=mastery,
        scaled_passing_score=scaled,
        launch_data=launch_data[:4096],
        objectives=objective_ids,
    )


def package_inspect(stream: BinaryIO, *, size: int, limits: Limits) -> PackageInfo:
    """Validate a package from its zip; PackageError says what is wrong."""
    archive = _open_zip(stream, size, limits)
    with archive:
        members = _members(archive, limits)
        info = members.get(MANIFEST)
        if info is None:
            nested = next(
                (name for name in members if name.endswith("/" + MANIFEST)), None
            )
            if nested:
                raise PackageError(
                    _(
                        "imsmanifest.xml must be at the top of the zip, not in %(folder)s. "
                        "Zip the package's contents, not its folder."
                    )
                    % {"folder": posixpath.dirname(nested) + "/"}
                )
            raise PackageError(
                _("The zip has no imsmanifest.xml: it is not a SCORM package.")
            )
        content = b"".join(_read_limited(archive, info, limits.max_manifest_bytes))
        return manifest_parse(content, members)


def package_members(
    stream: BinaryIO, *, limits: Limits
) -> Iterator[tuple[str, Iterator[bytes]]]:
    """Each regular file as (safe name, chunks), caps enforced on the real bytes."""
    with zipfile.ZipFile(stream) as archive:
        members = _members(archive, limits)
        total = 0
        for name, info in members.items():
            total += info.file_size
            if total > limits.max_total_bytes:
                raise PackageError(
                    _(
                        "The package is too large once unpacked; the limit is %(limit)s MB."
                    )
                    % {"limit": limits.max_total_bytes // 1024 // 1024}
                )
            yield name, _read_limited(archive, info, limits.max_member_bytes)


# ------------------------------------------------------------------------------
# The manifest's metadata, for a course made from the package
# ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ManifestMetadata:
    """What a course made from the package starts from: the default organization's
    title, and the language and description its metadata (LOM) gives, if any."""

    title: str = ""
    language: str = ""  # as the metadata writes it, lower case ("th", "en-us")
    description: str = ""
    # LOM educational.typicalLearningTime as written: an ISO 8601 duration
    # (SCORM 2004, "PT1H30M") or a time of day (IMS MD 1.2.1, "01:30:00").
    typical_learning_time: str = ""


_SPACES = re.compile(r"\s+")


def _strings(element) -> list[tuple[str, str]]:
    """(language, text) of a LOM text element: SCORM 2004's <string language=..>
    or SCORM 1.2 (IMS MD 1.2.1)'s <langstring xml:lang=..>."""
    found = []
    for child in element if element is not None else ():
        if _local(child.tag) in ("string", "langstring"):
            text = _SPACES.sub(" ", "".join(child.itertext())).strip()
            language = (
                _attribute(child, "language") or _attribute(child, "lang")
            ).strip()
            if text:
                found.append((language.lower(), text))
    return found


def _lom(metadata, read) -> object | None:
    """The manifest's LOM element: inline, or in the file <adlcp:location> names."""
    if metadata is None:
        return None
    for child in metadata:
        if _local(child.tag) == "lom":
            return child
    location = _text(_child(metadata, "location"))
    if not location:
        return None
    try:
        content = read(member_name_check(unquote(location)))
        root = fromstring(content) if content else None
    except Exception:  # metadata is optional: a broken file gives none
        return None
    return root if root is not None and _local(root.tag) == "lom" else None


def manifest_metadata(content: bytes, read=lambda name: None) -> ManifestMetadata:
    """The title, language and description of a manifest already accepted by
    `manifest_parse`; `read(name)` gives a file of the package (or None), for
    metadata kept in a file of its own."""
    root = fromstring(content)
    organizations = _child(root, "organizations")
    orgs = _children(organizations, "organization") if organizations is not None else []
    default_id = (
        _attribute(organizations, "default") if organizations is not None else ""
    )
    organization = next(
        (org for org in orgs if _attribute(org, "identifier") == default_id),
        orgs[0] if orgs else None,
    )
    title = _text(_child(organization, "title")) if organization is not None else ""
    if not title and organization is not None:
        title = next(
            (_text(_child(item, "title")) for item, _depth in _items(organization)), ""
        )
    lom = _lom(_child(root, "metadata"), read)
    general = _child(lom, "general") if lom is not None else None
    language = description = ""
    if general is not None:
        language = _text(_child(general, "language")).lower()
        strings = _strings(_child(general, "description"))
        if not language:
            language = next((lang for lang, _text_ in strings if lang), "")
        # The description in the metadata's own language, else the first one given.
        description = next(
            (text for lang, text in strings if lang and lang == language),
            strings[0][1] if strings else "",
        )
        if not title:
            title = next(
                (text for _lang, text in _strings(_child(general, "title"))), ""
            )
    typical = ""
    educational = _child(lom, "educational") if lom is not None else None
    for child in educational if educational is not None else ():
        if _local(child.tag).lower() == "typicallearningtime":
            typical = next(
                (
                    _text(part)
                    for part in child
                    if _local(part.tag) in ("duration", "datetime")
                ),
                "",
            )
    return ManifestMetadata(
        title=title[:255],
        language=language[:35],
        description=description[:4000],
        typical_learning_time=typical[:64],
    )
