"""Which files a case may hold: an allow-list, the type read from the content, never anything runnable.

A file is accepted when its extension is on the allow-list AND the type that
`filetype` reads from its first bytes is the type of that extension (a PDF
named `compte-rendu.bat` is refused: its name would make Windows run it).
Executables, scripts, shortcuts and macro-bearing documents are refused
whatever their content, with a French message naming the file. A copy opened
or saved later always gets the canonical extension of the detected type.

Photos lose their GPS position (EXIF GPS directory, XMP GPS fields) unless the
agent asks to keep it; the edit is made in place, byte for byte, so the image
itself is not re-encoded, whatever the container (JPEG, PNG, WebP, HEIC).
"""
from __future__ import annotations

import io
import re
import struct
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import PurePath

import filetype

from core.errors import ValidationError


@dataclass(frozen=True)
class FileType:
    mime: str
    extensions: tuple[str, ...]  # the first one is canonical
    label: str


ACCEPTED = [
    FileType("application/pdf", (".pdf",), "PDF"),
    FileType("image/jpeg", (".jpg", ".jpeg"), "photo JPEG"),
    FileType("image/png", (".png",), "image PNG"),
    FileType("image/heic", (".heic", ".heif"), "photo HEIC"),
    FileType("image/webp", (".webp",), "image WebP"),
    FileType("application/vnd.oasis.opendocument.text", (".odt",), "texte ODT"),
    FileType("application/vnd.oasis.opendocument.spreadsheet", (".ods",), "tableur ODS"),
    FileType("application/vnd.openxmlformats-officedocument.wordprocessingml.document", (".docx",), "document Word"),
    FileType("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (".xlsx",), "classeur Excel"),
    FileType("text/plain", (".txt",), "texte brut"),
]
BY_EXTENSION = {extension: kind for kind in ACCEPTED for extension in kind.extensions}
BY_MIME = {kind.mime: kind for kind in ACCEPTED}
ALLOWED_LABEL = "PDF, photos JPEG, PNG, HEIC ou WebP, documents ODT, ODS, DOCX, XLSX, texte brut TXT"
DIALOG_FILTER = ("Photos et documents (" + " ".join(f"*{e}" for e in BY_EXTENSION) + ");;Tous les fichiers (*)")

# Whatever their content: opened by name, the system would run them (or follow them, or run their macros).
RUNNABLE = set("""
.exe .com .bat .cmd .scr .pif .msi .msp .mst .cpl .dll .sys .drv .ocx .hta .htm .html .xhtml .mht .mhtml .svg
.lnk .url .scf .website .appref-ms .application .gadget .msc .jnlp .inf .reg .ps1 .ps1xml .ps2 .psc1 .psm1 .psd1
.vb .vbs .vbe .js .jse .mjs .ws .wsf .wsc .wsh .jar .class .py .pyw .pyc .pl .rb .php .sh .bash .zsh .csh .ksh
.command .tool .desktop .app .action .workflow .apk .deb .rpm .dmg .pkg .iso .img .vhd .vhdx .chm .hlp .lib
.docm .dotm .xlsm .xltm .xlam .pptm .potm .ppam .sldm .doc .dot .xls .xlt .ppt .pot .rtf .odb .elf .bin .run
.out .so .dylib .ko .ade .adp .mde .accde .settingcontent-ms .library-ms .search-ms .diagcab .theme .themepack
""".split())
_RUNNABLE_MAGIC = (b"MZ", b"\x7fELF", b"#!", b"\xcf\xfa\xed\xfe", b"\xce\xfa\xed\xfe", b"\xca\xfe\xba\xbe", b"L\x00\x00\x00")
_MACRO_PARTS = re.compile(r"(^|/)(vbaProject\.bin|vbaData\.xml)$|^Basic/|^Scripts/", re.IGNORECASE)
# Bidirectional overrides and other invisible format characters: « rapport\u202efdp.exe » shows as « rapportexe.pdf ».
_FORBIDDEN_NAME = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]')


def _name_problem(name: str) -> str | None:
    if _FORBIDDEN_NAME.search(name) or any(unicodedata.category(c) == "Cf" for c in name):
        return "son nom contient des caractères invisibles ou interdits"
    return None


def _refuse(filename: str, reason: str) -> ValidationError:
    return ValidationError(f"Le fichier « {filename} » est refusé : {reason}.", field="content")


def _text_is_plain(content: bytes) -> bool:
    if b"\x00" in content:
        return False
    for encoding in ("utf-8", "cp1252"):
        try:
            content.decode(encoding)
            return True
        except UnicodeDecodeError:
            continue
    return False


def _has_macros(content: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            return any(_MACRO_PARTS.search(name) for name in archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return True  # announced as an office document but not a readable one


def detect(filename: str, content: bytes) -> FileType:
    """The accepted type of this file, or ValidationError (French, naming the file) saying why not."""
    name = filename.rstrip(" .")  # Windows drops trailing dots and spaces: « x.bat. » is « x.bat »
    problem = _name_problem(filename)
    if problem:
        raise _refuse(filename, problem)
    extension = PurePath(name).suffix.lower()
    if extension in RUNNABLE:
        raise _refuse(filename, "un programme, un script, un raccourci ou un document à macros n'est pas un type "
                                f"accepté ({ALLOWED_LABEL} seulement)")
    if content.startswith(_RUNNABLE_MAGIC):
        raise _refuse(filename, "son contenu est un programme ou un script")
    expected = BY_EXTENSION.get(extension)
    if expected is None:
        raise ValidationError(f"Le fichier « {filename} » n'est pas d'un type accepté ({ALLOWED_LABEL}).",
                              field="content")
    detected = filetype.guess_mime(content)
    if expected.mime == "text/plain":
        if detected is None and _text_is_plain(content):
            return expected
        raise _refuse(filename, "son nom annonce un texte brut mais son contenu n'en est pas un")
    if detected != expected.mime:
        found = BY_MIME[detected].label if detected in BY_MIME else (detected or "un type inconnu")
        raise _refuse(filename, f"son nom annonce un fichier {expected.label} mais son contenu est {found}")
    if content.startswith(b"PK") and _has_macros(content):
        raise _refuse(filename, "ce document contient des macros")
    return expected


def canonical_name(filename: str, mime: str) -> str:
    """The file name with the canonical extension of its detected type (for « Ouvrir » and copies)."""
    kind = BY_MIME.get(mime)
    stem = PurePath(filename.rstrip(" .")).stem or "piece-jointe"
    if kind is None:
        return stem + ".bin"  # an unknown stored type is never handed to a program by a guessed extension
    current = PurePath(filename).suffix.lower()
    return stem + (current if current in kind.extensions else kind.extensions[0])


# -- GPS ------------------------------------------------------------------------------------------------
_GPS_IFD_TAG = 0x8825
_TYPE_SIZES = {1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 1, 7: 1, 8: 2, 9: 4, 10: 8, 11: 4, 12: 8}
_XMP_GPS = re.compile(rb'(exif:GPS[A-Za-z]+=")([^"]*)(")|(<exif:GPS[A-Za-z]+>)([^<]*)(</exif:GPS)')


def _tiff_starts(data: bytes) -> list[int]:
    starts = [m.end() for m in re.finditer(rb"Exif\x00\x00", data)]
    starts += [m.end() for m in re.finditer(rb"eXIf", data)]  # PNG chunk: TIFF data right after the type
    starts += [m.end() + 4 for m in re.finditer(rb"EXIF", data)]  # WebP chunk: after its 4-byte size
    return [s for s in starts if data[s:s + 4] in (b"II*\x00", b"MM\x00*")]


def _erase_gps_directory(data: bytearray, tiff: int) -> bool:
    endian = "<" if data[tiff:tiff + 2] == b"II" else ">"

    def read(fmt: str, offset: int):
        return struct.unpack_from(endian + fmt, data, tiff + offset)[0]

    try:
        ifd0 = read("I", 4)
        for index in range(read("H", ifd0)):
            entry = ifd0 + 2 + 12 * index
            if read("H", entry) != _GPS_IFD_TAG:
                continue
            gps = read("I", entry + 8)
            count = read("H", gps)
            for gps_index in range(count):
                gps_entry = gps + 2 + 12 * gps_index
                size = _TYPE_SIZES.get(read("H", gps_entry + 2), 1) * read("I", gps_entry + 4)
                if size > 4:
                    start = tiff + read("I", gps_entry + 8)
                    data[start:start + size] = bytes(size)
                data[tiff + gps_entry:tiff + gps_entry + 12] = bytes(12)
            struct.pack_into(endian + "H", data, tiff + gps, 0)  # an empty GPS directory
            return count > 0
    except struct.error:
        return False
    return False


def _fix_png_crcs(data: bytearray) -> None:
    """PNG chunks carry a CRC of their type and data: recompute the eXIf one after editing it."""
    for match in re.finditer(rb"eXIf", bytes(data)):
        start = match.start() - 4
        if start < 8:
            continue
        length = struct.unpack_from(">I", data, start)[0]
        end = match.start() + 4 + length
        if end + 4 <= len(data):
            struct.pack_into(">I", data, end, zlib.crc32(bytes(data[match.start():end])) & 0xFFFFFFFF)


def without_gps(content: bytes) -> tuple[bytes, bool]:
    """(content without its GPS position, whether there was one); same length, image data untouched."""
    data = bytearray(content)
    found = False
    for tiff in _tiff_starts(content):
        found |= _erase_gps_directory(data, tiff)
    if found and content.startswith(b"\x89PNG"):
        _fix_png_crcs(data)

    def blank(match: re.Match) -> bytes:
        groups = match.groups()
        if groups[0] is not None:
            return groups[0] + b" " * len(groups[1]) + groups[2]
        return groups[3] + b" " * len(groups[4]) + groups[5]

    cleaned, xmp_count = _XMP_GPS.subn(blank, bytes(data))
    return cleaned, found or xmp_count > 0
