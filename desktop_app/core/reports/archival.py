"""PDF/A-2b archival copies of a letter, and an offline check of the PDF/A-2b requirements a letter could miss."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
from collections.abc import Iterator
from functools import cache

import pikepdf
from pikepdf import Array, Dictionary, Name, Stream
from pikepdf.models.metadata import PdfMetadata, decode_pdf_date
from PIL import ImageCms

from ..errors import UserError
from .pdf_finish import open_pdf, pdf_bytes, write_metadata

# The profile's creation date, pinned so that the same letter gives the same bytes (LittleCMS stamps the current
# time): the ICC header's dateTimeNumber, six big-endian 16-bit numbers.
_PROFILE_DATE = (2000, 1, 1, 0, 0, 0)
_SRGB = "sRGB IEC61966-2.1"

# Annotation flags (ISO 32000-1, 12.5.3).
_INVISIBLE, _HIDDEN, _PRINT, _NO_VIEW, _TOGGLE_NO_VIEW = 1, 2, 4, 32, 256
_MUST_BE_CLEAR = _INVISIBLE | _HIDDEN | _NO_VIEW | _TOGGLE_NO_VIEW

_ANNOTATION_TYPES = frozenset(
    {
        "/Text", "/Link", "/FreeText", "/Line", "/Square", "/Circle", "/Polygon", "/PolyLine", "/Highlight",
        "/Underline", "/Squiggly", "/StrikeOut", "/Stamp", "/Caret", "/Ink", "/Popup", "/FileAttachment", "/Widget",
        "/PrinterMark", "/TrapNet", "/Watermark", "/Redact",
    }
)  # fmt: skip
_ACTIONS = frozenset({"/GoTo", "/GoToR", "/GoToE", "/Thread", "/URI", "/Named", "/SubmitForm"})
_NAMED_ACTIONS = frozenset({"/NextPage", "/PrevPage", "/FirstPage", "/LastPage"})
_BLEND_MODES = frozenset(
    {
        "/Normal", "/Compatible", "/Multiply", "/Screen", "/Overlay", "/Darken", "/Lighten", "/ColorDodge",
        "/ColorBurn", "/HardLight", "/SoftLight", "/Difference", "/Exclusion", "/Hue", "/Saturation", "/Color",
        "/Luminosity",
    }
)  # fmt: skip
_FONT_FILES = ("/FontFile", "/FontFile2", "/FontFile3")
_OUTPUT_SPACES = {"RGB ": ("/DeviceRGB", 3), "CMYK": ("/DeviceCMYK", 4), "GRAY": ("/DeviceGray", 1)}
# Colour operators that set a device colour space of their own.
_COLOUR_OPERATORS = {
    "rg": "/DeviceRGB",
    "RG": "/DeviceRGB",
    "k": "/DeviceCMYK",
    "K": "/DeviceCMYK",
    "g": "/DeviceGray",
    "G": "/DeviceGray",
}
_TEXT_OPERATORS = frozenset({"Tj", "TJ", "'", '"'})
_INVISIBLE_TEXT = 3
_DEVICE_SPACES = frozenset({"/DeviceRGB", "/DeviceCMYK", "/DeviceGray"})
_HEADER = re.compile(rb"%PDF-1\.[0-7](\r\n|\r|\n)%[\x80-\xff]{4}")
_XPACKET_ATTRIBUTES = re.compile(rb"<\?xpacket\s[^>]*\b(bytes|encoding)\s*=")
_MAX_ICC_MAJOR = 4


@cache
def srgb_profile() -> bytes:
    """An sRGB ICC profile made offline by LittleCMS (through Pillow): a v4 monitor profile, as PDF/A-2 allows.

    Its creation date is pinned and its profile ID (an MD5 of the profile, ICC.1 7.2.18) computed to match.
    """
    profile = bytearray(ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes())
    profile[24:36] = b"".join(number.to_bytes(2, "big") for number in _PROFILE_DATE)
    unsigned = bytearray(profile)
    # The ID is the MD5 of the profile with its flags, rendering intent and ID fields zeroed.
    for start, end in ((44, 48), (64, 68), (84, 100)):
        unsigned[start:end] = bytes(end - start)
    profile[84:100] = hashlib.md5(unsigned, usedforsecurity=False).digest()
    return bytes(profile)


def archival_copy(pdf: bytes, *, title: str, author: str, subject: str, created: dt.datetime) -> bytes:
    """A PDF/A-2b copy of a letter ReportLab made: what it shows is unchanged, the same letter gives the same bytes.

    The copy gets the document information and matching XMP metadata (with the PDF/A identification), an sRGB
    output intent with its ICC profile embedded, annotations (the letter's links) marked to print and never hidden,
    and loses what says nothing: resources its pages never use and ReportLab's empty page transitions.
    The result is checked with ``pdfa_2b_problems``; a letter that still falls short, for instance one drawn with a
    font that is not embedded, is a ``UserError`` naming the first problem, as is a damaged or encrypted PDF.
    """
    with open_pdf(pdf) as document:
        write_metadata(document, title=title, author=author, subject=subject, created=created)
        for page in document.pages:
            page.remove_unreferenced_resources()
            # ReportLab gives every page an empty transition dictionary, which says nothing (a plain replace).
            if page.obj.get(Name.Trans) == Dictionary():
                del page.obj[Name.Trans]
            for annotation in page.obj.get(Name.Annots, Array()):
                if annotation.get(Name.Subtype) != Name.Popup:
                    flags = int(annotation.get(Name.F, 0))
                    annotation[Name.F] = (flags | _PRINT) & ~_MUST_BE_CLEAR
        profile = Stream(document, srgb_profile())
        profile[Name.N] = 3
        intent = Dictionary(
            Type=Name.OutputIntent,
            S=Name.GTS_PDFA1,
            OutputConditionIdentifier=_SRGB,
            RegistryName="http://www.color.org",
            Info=_SRGB,
            DestOutputProfile=document.make_indirect(profile),
        )
        document.Root[Name.OutputIntents] = Array([document.make_indirect(intent)])
        with document.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as meta:
            meta["pdfaid:part"] = "2"
            meta["pdfaid:conformance"] = "B"
        copy = pdf_bytes(document)
    problems = pdfa_2b_problems(copy)
    if problems:
        raise UserError(f"{problems[0]} No archival copy was made.")
    return copy


def pdfa_2b_problems(pdf: bytes) -> list[str]:
    """One plain sentence for each PDF/A-2b requirement the PDF misses; an empty list when it meets them all.

    This checks the requirements of ISO 19005-2 level B that a letter could plausibly miss, not every rule of the
    standard: it is not a full conformance validator (veraPDF is one). Checked: the file header; no encryption;
    a document ID in the trailer; nothing after the end-of-file marker; XMP metadata (well formed, no ``bytes`` or
    ``encoding`` in its packet header) identifying PDF/A part 2, conformance B (or U or A, which include B); the
    document information agreeing with XMP on title, author, subject, keywords, creator, producer and dates; a
    PDF/A output intent with an embedded ICC profile of a kind PDF/A-2 accepts, and device colours (in content, on
    images) that match it; every font that shows visible text on a page, in a form it draws or in an annotation's
    appearance embedded (FontFile, FontFile2 or FontFile3 in its descriptor, or in its descendant font's descriptor
    for Type 0 fonts); no JavaScript, no
    actions other than GoTo, GoToR, GoToE, Thread, URI, SubmitForm and the four page-turning named actions, no
    additional actions on the catalog or pages; annotations of permitted types, each with the Print flag and none
    of Hidden, Invisible, NoView or ToggleNoView, and with an appearance where one is needed; embedded files only
    if they are PDF/A-1 or PDF/A-2 themselves; no LZW compression; no transfer functions (TR, TR2 other than
    Default), halftone overrides (HTP) or non-standard blend modes in graphics states.
    """
    try:
        document = pikepdf.Pdf.open(io.BytesIO(pdf), attempt_recovery=False)
    except pikepdf.PasswordError:
        return ["The PDF is encrypted with a password; a PDF/A file must not be encrypted."]
    except (pikepdf.PdfError, ValueError, RuntimeError):
        return ["The file is not a PDF that can be read; it may be damaged."]
    with document:
        problems = _file_structure(pdf, document)
        problems += _metadata_problems(document)
        output_space, intent_problems = _output_intent(document)
        problems += intent_problems
        problems += _content_problems(document, output_space)
        problems += _annotation_problems(document)
        problems += _object_problems(document)
    return list(dict.fromkeys(problems))


def _file_structure(pdf: bytes, document: pikepdf.Pdf) -> list[str]:
    problems = []
    if not _HEADER.match(pdf):
        problems.append(
            "The file does not begin with a PDF 1.0 to 1.7 header followed by a comment of four binary bytes."
        )
    if document.is_encrypted or Name.Encrypt in document.trailer:
        problems.append("The PDF is encrypted; a PDF/A file must not be encrypted.")
    identifier = document.trailer.get(Name.ID)
    if not isinstance(identifier, Array) or len(identifier) != 2 or not all(bytes(part) for part in identifier):
        problems.append("The file's trailer has no document ID.")
    end = pdf.rfind(b"%%EOF")
    if end < 0 or pdf[end + 5 :] not in (b"", b"\n", b"\r", b"\r\n"):
        problems.append("There is data after the file's last end-of-file marker.")
    return problems


def _metadata_problems(document: pikepdf.Pdf) -> list[str]:
    stream = document.Root.get(Name.Metadata)
    if not isinstance(stream, Stream):
        return ["The PDF has no XMP metadata."]
    problems = []
    if _XPACKET_ATTRIBUTES.search(stream.read_bytes()[:200]):
        problems.append("The XMP packet header has a bytes or encoding attribute, which PDF/A forbids.")
    try:
        meta = document.open_metadata(strict=True)
        part, conformance = str(meta.get("pdfaid:part", "")), str(meta.get("pdfaid:conformance", ""))
    except Exception:  # lxml and pikepdf raise several kinds of error for metadata that is not XMP
        return [*problems, "The XMP metadata is not well-formed XMP."]
    if not part:
        problems.append("The XMP metadata does not identify the file as PDF/A (pdfaid:part is missing).")
    elif part != "2":
        problems.append(f"The XMP metadata identifies the file as PDF/A part {part}, not part 2.")
    if part and conformance not in ("A", "B", "U"):
        problems.append("The XMP metadata does not give the PDF/A conformance level B.")
    problems += _info_against_xmp(document, meta)
    return problems


_INFO_TO_XMP = (
    ("/Title", "dc:title", "title"),
    ("/Author", "dc:creator", "author"),
    ("/Subject", "dc:description", "subject"),
    ("/Keywords", "pdf:Keywords", "keywords"),
    ("/Creator", "xmp:CreatorTool", "creator"),
    ("/Producer", "pdf:Producer", "producer"),
    ("/CreationDate", "xmp:CreateDate", "creation date"),
    ("/ModDate", "xmp:ModifyDate", "modification date"),
)


def _info_against_xmp(document: pikepdf.Pdf, meta: PdfMetadata) -> list[str]:
    """PDF/A-1 asks the document information and XMP to agree; a PDF/A-2 file should not contradict itself either."""
    problems = []
    info = document.trailer.get(Name.Info)
    if not isinstance(info, Dictionary):
        return []
    for key, xmp_key, what in _INFO_TO_XMP:
        if key not in info:
            continue
        stated = str(info[key])
        if xmp_key not in meta:
            problems.append(f"The document information gives a {what} that the XMP metadata lacks.")
        elif not _agrees(key, stated, meta[xmp_key]):
            problems.append(f"The {what} in the document information differs from the one in the XMP metadata.")
    return problems


def _agrees(key: str, stated: str, xmp_value: object) -> bool:
    if key == "/Author" and isinstance(xmp_value, list):
        return stated == "; ".join(str(author) for author in xmp_value)
    if key in ("/CreationDate", "/ModDate"):
        try:
            return decode_pdf_date(stated) == dt.datetime.fromisoformat(str(xmp_value))
        except ValueError:
            return False
    return stated == str(xmp_value)


def _output_intent(document: pikepdf.Pdf) -> tuple[str | None, list[str]]:
    """The device colour space of the PDF/A output intent's profile, and what is wrong with the intent."""
    intents = document.Root.get(Name.OutputIntents, Array())
    if not isinstance(intents, Array):
        intents = Array()
    pdfa = [intent for intent in intents if intent.get(Name.S) == Name.GTS_PDFA1]
    if not pdfa:
        return None, ["The PDF has no PDF/A output intent (an embedded ICC colour profile for its colours)."]
    profiles = {intent[Name.DestOutputProfile].objgen for intent in intents if Name.DestOutputProfile in intent}
    problems = []
    if len(profiles) > 1:
        problems.append("The PDF's output intents do not all use the same ICC profile.")
    profile = pdfa[0].get(Name.DestOutputProfile)
    if not isinstance(profile, Stream):
        return None, [*problems, "The PDF/A output intent has no embedded ICC profile (DestOutputProfile)."]
    data = profile.read_bytes()
    if len(data) < 128:
        return None, [*problems, "The output intent's ICC profile is too short to be one."]
    device_class, colour_space = data[12:16].decode("latin-1"), data[16:20].decode("latin-1")
    if device_class not in ("mntr", "prtr"):
        problems.append("The output intent's ICC profile is neither a monitor nor a printer profile.")
    if colour_space not in _OUTPUT_SPACES:
        problems.append("The output intent's ICC profile is not for RGB, CMYK or grey colours.")
        return None, problems
    if data[8] > _MAX_ICC_MAJOR:
        problems.append(f"The output intent's ICC profile is version {data[8]}, newer than PDF/A-2 allows.")
    device, components = _OUTPUT_SPACES[colour_space]
    if int(profile.get(Name.N, 0)) != components:
        problems.append("The output intent's ICC profile stream gives the wrong number of colour components (/N).")
    return device, problems


def _content_problems(document: pikepdf.Pdf, output_space: str | None) -> list[str]:
    """Fonts and device colours used by every page, the forms it draws and its annotations' appearances."""
    problems: list[str] = []
    seen: set[tuple[int, int]] = set()
    for number, page in enumerate(document.pages, start=1):
        resources = page.obj.get(Name.Resources, Dictionary())
        drawings: list[tuple[pikepdf.Object, pikepdf.Object]] = [(page.obj, resources)]
        for annotation in page.obj.get(Name.Annots, Array()):
            appearance = annotation.get(Name.AP, Dictionary()).get(Name.N)
            if isinstance(appearance, Stream):
                drawings.append((appearance, appearance.get(Name.Resources, Dictionary())))
        for owner, owner_resources in drawings:
            for used in _walk_content(owner, owner_resources, seen, problems):
                if used in _DEVICE_SPACES:
                    problem = _device_colour_problem(used, output_space)
                    if problem:
                        problems.append(f"Page {number} {problem}")
    return problems


def _device_colour_problem(space: str, output_space: str | None) -> str | None:
    if output_space is None or space == "/DeviceGray" or space == output_space:
        return None
    return f"uses {space[7:]} colours, which the output intent's {output_space[7:]} profile does not describe."


def _walk_content(
    owner: pikepdf.Object, resources: pikepdf.Object, seen: set[tuple[int, int]], problems: list[str]
) -> Iterator[str]:
    """Walks one content stream and the forms it draws: yields the device colour spaces used, notes font problems.

    A font counts as used when text is shown with it in a visible rendering mode (PDF/A exempts mode 3, invisible
    text); selecting one and showing nothing, as ReportLab's canvas does with Helvetica on every page, is not use.
    """
    if owner.is_indirect:
        if owner.objgen in seen:
            return
        seen.add(owner.objgen)
    try:
        instructions = pikepdf.parse_content_stream(owner)
    except pikepdf.PdfError:
        problems.append("A page's content cannot be read.")
        return
    _graphics_states(resources, problems)
    fonts = resources.get(Name.Font, Dictionary())
    font: str | None = None
    mode = 0
    saved: list[tuple[str | None, int]] = []
    for instruction in instructions:
        if isinstance(instruction, pikepdf.ContentStreamInlineImage):
            image = instruction.iimage.obj
            yield from _image_colour_space(image.get(Name.ColorSpace), resources)
            if _uses_lzw(image):
                problems.append("An inline image is compressed with LZW, which PDF/A forbids.")
            continue
        operator, operands = str(instruction.operator), instruction.operands
        if operator == "q":
            saved.append((font, mode))
        elif operator == "Q" and saved:
            font, mode = saved.pop()
        elif operator == "Tf" and operands:
            font = str(operands[0])
        elif operator == "Tr" and operands:
            mode = int(operands[0])
        elif operator in _TEXT_OPERATORS and font is not None and mode != _INVISIBLE_TEXT:
            problem = _font_problem(fonts.get(font), font)
            if problem:
                problems.append(problem)
        elif operator in _COLOUR_OPERATORS:
            yield _COLOUR_OPERATORS[operator]
        elif operator in ("cs", "CS") and operands:
            yield from _image_colour_space(operands[0], resources)
        elif operator == "Do" and operands:
            xobject = resources.get(Name.XObject, Dictionary()).get(str(operands[0]))
            if not isinstance(xobject, Stream):
                continue
            if xobject.get(Name.Subtype) == Name.Image:
                yield from _image_colour_space(xobject.get(Name.ColorSpace), resources)
            elif xobject.get(Name.Subtype) == Name.Form:
                yield from _walk_content(xobject, xobject.get(Name.Resources, resources), seen, problems)


def _image_colour_space(space: pikepdf.Object | None, resources: pikepdf.Object) -> Iterator[str]:
    """The device colour spaces behind a colour space name or array (Indexed bases included)."""
    if space is None:
        return
    if isinstance(space, Name):
        name = str(space)
        if name in _DEVICE_SPACES:
            yield name
            return
        named = resources.get(Name.ColorSpace, Dictionary()).get(space)
        if named is not None and not isinstance(named, Name):
            yield from _image_colour_space(named, resources)
        elif isinstance(named, Name) and str(named) in _DEVICE_SPACES:
            yield str(named)
    elif isinstance(space, Array) and len(space) >= 2 and space[0] == Name.Indexed:
        yield from _image_colour_space(space[1], resources)


def _font_problem(font: pikepdf.Object | None, resource_name: str) -> str | None:
    if not isinstance(font, Dictionary):
        return f"The font {resource_name} used on a page is missing from the page's resources."
    if font.get(Name.Subtype) == Name.Type3:
        return None
    name = str(font.get(Name.BaseFont, resource_name)).lstrip("/")
    described: pikepdf.Object = font
    if font.get(Name.Subtype) == Name.Type0:
        descendants = font.get(Name.DescendantFonts)
        if not isinstance(descendants, Array) or len(descendants) != 1:
            return f"The composite font {name} has no descendant font."
        described = descendants[0]
    descriptor = described.get(Name.FontDescriptor)
    if not isinstance(descriptor, Dictionary) or not any(key in descriptor for key in _FONT_FILES):
        return f"The font {name} is not embedded in the PDF."
    return None


def _graphics_states(resources: pikepdf.Object, problems: list[str]) -> None:
    states = resources.get(Name.ExtGState, Dictionary())
    if not isinstance(states, Dictionary):
        return
    for _, state in states.items():
        if not isinstance(state, Dictionary):
            continue
        if Name.TR in state or state.get(Name.TR2, Name.Default) != Name.Default:
            problems.append("A graphics state sets a transfer function, which PDF/A forbids.")
        if Name.HTP in state:
            problems.append("A graphics state sets a halftone phase (HTP), which PDF/A forbids.")
        modes = state.get(Name.BM, Name.Normal)
        for mode in modes if isinstance(modes, Array) else [modes]:
            if str(mode) not in _BLEND_MODES:
                problems.append(f"A graphics state uses the blend mode {str(mode).lstrip('/')}, not a standard one.")


def _annotation_problems(document: pikepdf.Pdf) -> list[str]:
    problems = []
    if Name.AA in document.Root:
        problems.append("The document catalog has additional actions (AA), which PDF/A forbids.")
    for number, page in enumerate(document.pages, start=1):
        if Name.AA in page.obj:
            problems.append(f"Page {number} has additional actions (AA), which PDF/A forbids.")
        for annotation in page.obj.get(Name.Annots, Array()):
            subtype = str(annotation.get(Name.Subtype, "/(none)"))
            kind = subtype.lstrip("/")
            if subtype not in _ANNOTATION_TYPES:
                problems.append(f"Page {number} has a {kind} annotation, a kind PDF/A forbids.")
                continue
            if subtype == "/Popup":
                continue
            flags = annotation.get(Name.F)
            if flags is None:
                problems.append(f"A {kind} annotation on page {number} has no flags; it must be flagged to print.")
            elif not int(flags) & _PRINT:
                problems.append(f"A {kind} annotation on page {number} is not flagged to print.")
            elif int(flags) & _MUST_BE_CLEAR:
                problems.append(f"A {kind} annotation on page {number} is flagged hidden or not to be viewed.")
            if subtype == "/Widget" and (Name.A in annotation or Name.AA in annotation):
                problems.append(f"A form field on page {number} has actions, which PDF/A forbids.")
            if subtype != "/Link" and _has_area(annotation):
                appearance = annotation.get(Name.AP)
                if not isinstance(appearance, Dictionary) or set(appearance.keys()) != {"/N"}:
                    problems.append(f"A {kind} annotation on page {number} lacks a normal appearance of its own.")
    return problems


def _has_area(annotation: pikepdf.Object) -> bool:
    rect = annotation.get(Name.Rect)
    if not isinstance(rect, Array) or len(rect) != 4:
        return False
    left, bottom, right, top = (float(value) for value in rect)
    return right != left or top != bottom


def _object_problems(document: pikepdf.Pdf) -> list[str]:
    """Everything reachable from the trailer: actions, JavaScript, embedded files, LZW streams."""
    problems = []
    names = document.Root.get(Name.Names, Dictionary())
    if Name.JavaScript in names:
        problems.append("The PDF carries document-level JavaScript, which PDF/A forbids.")
    for obj, in_action in _reachable(document.trailer):
        if isinstance(obj, Array):
            continue
        if Name.JS in obj:
            problems.append("The PDF contains JavaScript, which PDF/A forbids.")
        if isinstance(obj, Stream) and _uses_lzw(obj):
            problems.append("A stream in the PDF is compressed with LZW, which PDF/A forbids.")
        is_action = in_action or obj.get(Name.Type) == Name.Action
        if is_action and isinstance(obj, Dictionary) and Name.S in obj:
            action = str(obj[Name.S])
            if action not in _ACTIONS:
                problems.append(f"The PDF contains a {action.lstrip('/')} action, which PDF/A forbids.")
            elif action == "/Named" and str(obj.get(Name.N, "")) not in _NAMED_ACTIONS:
                problems.append("The PDF contains a named action other than turning pages, which PDF/A forbids.")
        if Name.EF in obj and not _embedded_files_are_pdfa(obj[Name.EF]):
            problems.append("The PDF embeds a file that is not itself a PDF/A-1 or PDF/A-2 file.")
    return problems


def _reachable(root: pikepdf.Object) -> Iterator[tuple[pikepdf.Object, bool]]:
    """Every dictionary, array and stream reachable from ``root``, with whether it stands where an action goes."""
    seen: set[tuple[tuple[int, int], bool]] = set()
    stack: list[tuple[pikepdf.Object, bool]] = [(root, False)]
    while stack:
        obj, in_action = stack.pop()
        if obj.is_indirect:
            if (obj.objgen, in_action) in seen:
                continue
            seen.add((obj.objgen, in_action))
        yield obj, in_action
        if isinstance(obj, Array):
            children = [(item, in_action) for item in obj]
        elif isinstance(obj, Dictionary | Stream):
            children = []
            for key, child in obj.items():
                if key == "/AA" and isinstance(child, Dictionary):
                    children += [(action, True) for _, action in child.items()]
                else:
                    children.append((child, key in ("/A", "/OpenAction", "/Next")))
        else:
            continue
        stack.extend((child, flag) for child, flag in children if isinstance(child, Array | Dictionary | Stream))


def _uses_lzw(obj: pikepdf.Object) -> bool:
    filters = obj.get(Name.Filter)
    return any(str(name) in ("/LZWDecode", "/LZW") for name in (filters if isinstance(filters, Array) else [filters]))


def _embedded_files_are_pdfa(files: pikepdf.Object) -> bool:
    if not isinstance(files, Dictionary):
        return False
    for _, stream in files.items():
        if not isinstance(stream, Stream):
            return False
        try:
            with pikepdf.Pdf.open(io.BytesIO(stream.read_bytes()), attempt_recovery=False) as embedded:
                part = str(embedded.open_metadata().get("pdfaid:part", ""))
        except Exception:  # not a PDF, or not one pikepdf can read: either way not PDF/A
            return False
        if part not in ("1", "2"):
            return False
    return True
