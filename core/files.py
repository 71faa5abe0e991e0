"""Private files: uploads kept where no URL serves them, checked by their content, and downloaded
only through a view that has checked the reader's scope (deal documents; later contracts and
expenses reuse it).

- `PrivateStorage` writes under settings.PRIVATE_FILES_ROOT, outside MEDIA_ROOT and the static
  files, and has no URL: the only way out is `attachment_response()` from a view.
- `check_upload()` decides by the first bytes of the content (the `filetype` library, plus the
  few signatures it does not name), never by the name or the Content-Type the browser sent: an
  .exe renamed .pdf is refused. The name only says which content is expected.
- Stored names are random (`private_name()`); the uploader's name is kept, cleaned, in the
  database for the download, so a name like "../../etc/passwd" reaches no path.
"""

import os
import unicodedata
import uuid
import zipfile

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.http import FileResponse
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

HEAD_BYTES = 8192  # what the signatures need (filetype reads at most this many)

# The compound-file container of the old Office formats (.doc, .xls, .ppt). filetype names only
# some of them, so the signature is checked here as well.
OLE_SIGNATURE = bytes.fromhex("D0CF11E0A1B11AE1")
OLE = ("application/msword", "application/vnd.ms-excel", "application/vnd.ms-powerpoint", "application/x-ole")
ZIP = ("application/zip",)
TEXT = ("text/plain",)
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"

# Extension → (content types the content may be detected as, the type the download is served as,
# for Office Open XML: a part the zip must contain).
DOCUMENT_TYPES = {
    "pdf": (("application/pdf",), "application/pdf", None),
    "doc": (OLE, "application/msword", None),
    "xls": (OLE, "application/vnd.ms-excel", None),
    "ppt": (OLE, "application/vnd.ms-powerpoint", None),
    "docx": ((*ZIP, DOCX), DOCX, "word/document.xml"),
    "xlsx": ((*ZIP, XLSX), XLSX, "xl/workbook.xml"),
    "pptx": ((*ZIP, PPTX), PPTX, "ppt/presentation.xml"),
    "zip": ((*ZIP, DOCX, XLSX, PPTX), "application/zip", None),
    "png": (("image/png",), "image/png", None),
    "jpg": (("image/jpeg",), "image/jpeg", None),
    "jpeg": (("image/jpeg",), "image/jpeg", None),
    "gif": (("image/gif",), "image/gif", None),
    "webp": (("image/webp",), "image/webp", None),
    "dwg": (("image/vnd.dwg",), "image/vnd.dwg", None),
    "txt": (TEXT, "text/plain; charset=utf-8", None),
    "csv": (TEXT, "text/csv; charset=utf-8", None),
}


def allowed_extensions():
    return sorted(DOCUMENT_TYPES)


def max_document_bytes():
    return settings.KEDAO["DOCUMENT_MAX_BYTES"]


def human_size(size):
    """"850 KB", "20 MB", "1.5 MB": how a size reads in a message or a list."""
    if size < 1 << 20:
        return f"{max(1, round(size / 1024))} KB"
    return f"{size / (1 << 20):.1f}".removesuffix(".0") + " MB"


@deconstructible
class PrivateStorage(FileSystemStorage):
    """Files under settings.PRIVATE_FILES_ROOT, read on every use (tests point it elsewhere)."""

    def __init__(self):
        super().__init__()

    @property
    def base_location(self):
        return os.fspath(settings.PRIVATE_FILES_ROOT)

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    def url(self, name):
        raise ValueError("Private files have no URL; a view serves them after a permission check.")


private_storage = PrivateStorage()


def get_private_storage():
    """The storage of private FileFields (a callable, so migrations do not record a path)."""
    return private_storage


def private_name(folder, extension):
    """A random stored name: nothing of the uploader's file name reaches the file system."""
    return f"{folder}/{uuid.uuid4().hex}.{extension}"


def safe_filename(name, default="document"):
    """The uploader's file name as a download may carry it: the last path part only, no control,
    format (bidi) or reserved characters, at most 150 characters with the extension kept.
    Chinese names stay as they are."""
    name = str(name or "").replace("\\", "/").rsplit("/", 1)[-1]
    kept = []
    for char in unicodedata.normalize("NFC", name):
        if unicodedata.category(char) in ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"):
            continue
        kept.append("_" if char in '<>:"|?*;' else char)
    name = " ".join("".join(kept).split()).strip(". ")
    if not name:
        return default
    stem, dot, extension = name.rpartition(".")
    if dot and len(extension) <= 10:
        return f"{stem[:150 - len(extension) - 1].rstrip('. ') or default}.{extension}"
    return name[:150]


def extension_of(name):
    stem, dot, extension = str(name or "").rpartition(".")
    return extension.lower() if dot and stem else ""


def _looks_like_text(head):
    """Plain text in UTF-8 or GB18030 (what Chinese Windows saves): no NUL bytes, no control
    characters beyond tab and line breaks. The last bytes may be a character cut by HEAD_BYTES."""
    if b"\x00" in head:
        return False
    for encoding in ("utf-8", "gb18030"):
        try:
            text = head.decode(encoding)
        except UnicodeDecodeError as error:
            if error.start < len(head) - 4:
                continue
            text = head[:error.start].decode(encoding)
        return not any(ord(c) < 32 and c not in "\t\n\r\f" for c in text)
    return False


def detect(head):
    """The content type of a file from its first bytes, or None when it is none we know."""
    found = filetype.guess_mime(head)
    if found:
        return found
    if head.startswith(OLE_SIGNATURE):
        return "application/x-ole"
    if head and _looks_like_text(head):
        return "text/plain"
    return None


def check_upload(upload, *, max_bytes=None):
    """(extension, content type to serve) of an uploaded file, or ValidationError with the reason.

    `upload` is a Django File (an UploadedFile or a FieldFile's file); it is read from the start
    and left at the start."""
    max_bytes = max_document_bytes() if max_bytes is None else max_bytes
    size = upload.size
    if not size:
        raise ValidationError(_("The file is empty."), code="empty")
    if size > max_bytes:
        raise ValidationError(
            _("The file is %(size)s; at most %(max)s may be uploaded."),
            params={"size": human_size(size), "max": human_size(max_bytes)}, code="too_large")
    extension = extension_of(upload.name)
    if extension not in DOCUMENT_TYPES:
        raise ValidationError(
            _("Files of this type cannot be uploaded. Allowed: %(types)s."),
            params={"types": ", ".join(allowed_extensions())}, code="type")
    allowed, served_as, ooxml_part = DOCUMENT_TYPES[extension]
    upload.seek(0)
    head = upload.read(HEAD_BYTES)
    upload.seek(0)
    found = detect(head)
    if found not in allowed or (ooxml_part and not _zip_has(upload, ooxml_part)):
        raise ValidationError(
            _("The content of the file is not a .%(extension)s file; it was not uploaded."),
            params={"extension": extension}, code="content")
    return extension, served_as


def _zip_has(upload, member):
    try:
        with zipfile.ZipFile(upload) as archive:
            return member in archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
    finally:
        upload.seek(0)


def attachment_response(file, *, filename, content_type):
    """A download that the browser saves and never renders: attachment, the checked content type,
    no sniffing, no caching by shared caches. Django writes a non-ASCII name as RFC 5987
    `filename*=utf-8''…`."""
    response = FileResponse(file, as_attachment=True, filename=safe_filename(filename),
                            content_type=content_type or "application/octet-stream")
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
