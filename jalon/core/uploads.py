"""The check of an uploaded file, shared by every room that takes one (evidence of an entered value, a failure's
piece, a meeting's documents, the document bank): its size, an accepted extension, and a content that starts as
its extension says — a renamed program is refused."""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile


MAX_UPLOAD_BYTES = 10 * 1024 * 1024
# Extension -> how the file starts (None: a text file, checked for binary content instead).
SIGNATURES: dict[str, tuple[bytes, ...] | None] = {
    ".pdf": (b"%PDF-",),
    ".png": (b"\x89PNG",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".xlsx": (b"PK\x03\x04",),
    ".docx": (b"PK\x03\x04",),
    ".ods": (b"PK\x03\x04",),
    ".odt": (b"PK\x03\x04",),
    ".csv": None,
    ".txt": None,
}
OFFICE_FORMATS = (".pdf", ".png", ".jpg", ".jpeg", ".xlsx", ".docx", ".ods", ".odt", ".csv")
OFFICE_FORMATS_LABEL = "PDF, image (PNG, JPEG), tableur (XLSX, ODS, CSV) ou texte (DOCX, ODT)"


def check_upload(
    file: UploadedFile,
    *,
    field: str,
    name: str = "Le fichier",
    accepted: tuple[str, ...] = OFFICE_FORMATS,
    accepted_label: str = OFFICE_FORMATS_LABEL,
    accepted_as: str = "",
) -> None:
    """Refuses, in French on `field`, a file too large, of another type, or whose content is not its type's.
    `name` opens the size message (« Le justificatif dépasse 10 Mo »), `accepted_as` ends the type one
    (« n'est pas accepté comme justificatif »)."""
    if (file.size or 0) > MAX_UPLOAD_BYTES:
        raise ValidationError({field: f"{name} dépasse 10 Mo : déposez une version plus légère."})
    extension = Path(file.name or "").suffix.lower()
    if extension not in accepted:
        raise ValidationError({field: f"Ce type de fichier n'est pas accepté{accepted_as} : {accepted_label}."})
    head = file.read(2048)
    file.seek(0)
    signatures = SIGNATURES[extension]
    if not (b"\x00" not in head if signatures is None else head.startswith(signatures)):
        raise ValidationError({field: f"Le contenu du fichier ne correspond pas à son extension ({extension})."})
