"""The person's own space: login by a one-time code (no password) and the few things the person writes.

The person is not a Django user: once the code is checked, the view keeps their id in the session under
`PERSON_SESSION_KEY`, apart from the professionals' authentication. Everything is audited with the person's id,
`actor` None and `actor_label` "la personne".
"""

import re
import secrets
from datetime import timedelta

from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Value
from django.db.models.functions import Replace
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from jalon.core import request_context
from jalon.core.enums import AuditCode, Role
from jalon.core.services import audit_event_record
from jalon.inbox.enums import NotificationKind
from jalon.inbox.services import notify, notify_organisation
from jalon.messaging.enums import MessageChannel, MessageKind
from jalon.messaging.recipients import mobile_phone_normalise
from jalon.messaging.services import SECRET_PLACEHOLDER, message_send
from jalon.notebook.enums import NoteVisibility
from jalon.notebook.models import Note, Notebook, PersonAccessCode
from jalon.orientation.models import Orientation, ReferentAssignment
from jalon.people.enums import ChangeKind
from jalon.people.models import ChangeEvent, Person


PERSON_SESSION_KEY = "person_space_person_id"
PERSON_LABEL = "la personne"
SENDER_LABEL = "espace personnel"
CODE_VALIDITY = timedelta(minutes=10)
MAX_ATTEMPTS = 5
MAX_CODES_PER_HOUR = 5
CODE_LENGTH = 6
TEXT_MAX_LENGTH = 2000

WRONG_CODE = (
    f"Ce code n'est pas le bon : vérifiez-le et réessayez. Après {MAX_ATTEMPTS} essais, il faudra demander un "
    "nouveau code."
)
TOO_MANY_ATTEMPTS = "Trop d'essais : ce code n'est plus valable. Demandez un nouveau code."
TOO_MANY_REQUESTS = (
    f"Vous avez demandé {MAX_CODES_PER_HOUR} codes en moins d'une heure : pour votre sécurité, attendez une heure "
    "avant d'en demander un autre, ou utilisez le dernier code reçu."
)


def _audit(code, person_id, *, subject=None, old=None, new=None, extra=None) -> None:
    audit_event_record(
        code=code, actor_label=PERSON_LABEL, person_id=person_id, subject=subject, old=old, new=new, extra=extra
    )


# --- finding the person -----------------------------------------------------------------------------------------


def persons_for_contact(contact: str) -> list[Person]:
    """The persons with a carnet whose e-mail or mobile phone is `contact` (several when a couple shares one)."""
    contact = (contact or "").strip()
    people = Person.objects.active().filter(notebook__isnull=False)
    if "@" in contact:
        return list(people.filter(email__iexact=contact))
    try:
        number = mobile_phone_normalise(contact)
    except ValidationError:
        return []
    # Phones are stored as typed: narrow on the last 9 digits in SQL, then compare the normalised numbers.
    stripped = Replace(
        Replace(Replace(Replace("phone", Value(" "), Value("")), Value("."), Value("")), Value("-"), Value("")),
        Value("/"),
        Value(""),
    )
    candidates = people.exclude(phone="").annotate(phone_digits=stripped).filter(phone_digits__endswith=number[-9:])
    matches = []
    for person in candidates:
        try:
            if mobile_phone_normalise(person.phone) == number:
                matches.append(person)
        except ValidationError:
            continue
    return matches


# --- the one-time code ------------------------------------------------------------------------------------------

CODE_SUBJECT = "Votre code pour accéder à votre carnet de bord"
# The hash is a keyed HMAC (the project's SECRET_KEY), not a password hash: a slow hash of a 6-digit code is
# still brute-forced in minutes from a stolen database, while without the key the hashes are worth nothing; and
# it costs microseconds, so checking a code takes no longer for a known person than for an unknown one.
CODE_HASH_ALGORITHM = "hmac-sha256"
CODE_HASH_KEY_SALT = "jalon.notebook.person_space.access_code"


def _code_message(person) -> tuple[str, str]:
    """The text of the code message; the code itself stands as SECRET_PLACEHOLDER, for the sender only."""
    body = (
        f"Bonjour {person.first_name},\n\n"
        f"Votre code pour accéder à votre carnet de bord est : {SECRET_PLACEHOLDER}\n\n"
        "Il est valable 10 minutes et ne sert qu'une fois. Si vous n'avez rien demandé, ignorez ce message : "
        "personne ne peut entrer dans votre carnet sans ce code."
    )
    return CODE_SUBJECT, body


def _code_digest(salt: str, code: str) -> str:
    return salted_hmac(CODE_HASH_KEY_SALT, f"{salt}${code}", algorithm="sha256").hexdigest()


def code_hash(code: str) -> str:
    salt = secrets.token_hex(8)
    return f"{CODE_HASH_ALGORITHM}${salt}${_code_digest(salt, code)}"


def code_matches(code: str, stored: str) -> bool:
    algorithm, _, rest = stored.partition("$")
    if algorithm == CODE_HASH_ALGORITHM:
        salt, _, digest = rest.partition("$")
        return constant_time_compare(digest, _code_digest(salt, code))
    # Codes made before the HMAC (a password hash): they expire within 10 minutes of the upgrade.
    return check_password(code, stored)


def access_code_request(*, contact: str) -> list[int]:
    """Ask for a fresh code for each person with a carnet reachable at `contact`; the ids of those persons (the
    ones whose code the next step checks), empty for an unknown contact.

    Known or not, the request does the same work: one look-up and one background task, enqueued even with no
    one to write to, which makes, hashes and sends the codes (`access_codes_send`). So neither the text of the
    answer (the caller's neutral message) nor its time tells whether an address is known.
    """
    from jalon.notebook.person_space.tasks import access_codes_send_task

    channel = MessageChannel.EMAIL if "@" in (contact or "") else MessageChannel.SMS
    person_ids = [person.pk for person in persons_for_contact(contact)]
    access_codes_send_task.enqueue(
        person_ids=person_ids, channel=channel, ip_address=request_context.current().ip_address
    )
    return person_ids


@transaction.atomic
def access_codes_send(*, person_ids: list[int], channel: str) -> list[int]:
    """Send a fresh code to each person by `channel`; the ids of those who got one. A person who asked for
    `MAX_CODES_PER_HOUR` codes in the last hour gets no new one (the last one received still works). The code
    is only in the text handed to the sender: the message history keeps it redacted, the database its hash.
    """
    now = timezone.now()
    sent = []
    for person in Person.objects.active().filter(pk__in=person_ids, notebook__isnull=False).order_by("pk"):
        recent = PersonAccessCode.objects.filter(person=person, created_at__gt=now - timedelta(hours=1)).count()
        if recent >= MAX_CODES_PER_HOUR:
            continue
        code = f"{secrets.randbelow(10**CODE_LENGTH):0{CODE_LENGTH}d}"
        subject, body = _code_message(person)
        try:
            with transaction.atomic():
                message_send(
                    actor=None,
                    actor_label=SENDER_LABEL,
                    person=person,
                    channel=channel,
                    kind=MessageKind.ACCESS_CODE,
                    subject=subject,
                    body=body,
                    secret=code,
                )
        except ValidationError:
            # The stored address cannot receive it (invalid e-mail…): as for an unknown contact, say nothing.
            continue
        access_code = PersonAccessCode.objects.create(
            person=person,
            channel=channel,
            code_hash=code_hash(code),
            created_at=now,
            expires_at=now + CODE_VALIDITY,
        )
        _audit(AuditCode.PERSON_SPACE_CODE_SENT, person.pk, subject=access_code, new={"channel": channel})
        sent.append(person.pk)
    return sent


@transaction.atomic
def _verify(*, person_ids: list[int], code: str) -> tuple[Person | None, str]:
    """Check the code against the latest code of each pending person; counts the failed attempts (kept)."""
    latest = []
    for person_id in person_ids:
        access_code = (
            PersonAccessCode.objects.select_for_update()
            .filter(person_id=person_id)
            .order_by("-created_at", "-id")
            .first()
        )
        if access_code is not None:
            latest.append(access_code)
    if not latest:
        # Same answer as a wrong code: typing a code must not reveal whether the contact was known.
        return None, WRONG_CODE
    now = timezone.now()
    for access_code in latest:
        if not code_matches(code, access_code.code_hash):
            continue
        error = ""
        if access_code.used_at is not None:
            error = "Ce code a déjà été utilisé : demandez un nouveau code."
        elif access_code.attempts >= MAX_ATTEMPTS:
            error = TOO_MANY_ATTEMPTS
        elif access_code.expires_at <= now:
            error = "Ce code a expiré (il est valable 10 minutes) : demandez un nouveau code."
        if error:
            _audit(
                AuditCode.PERSON_SPACE_CODE_REFUSED, access_code.person_id, subject=access_code, extra={"why": error}
            )
            return None, error
        access_code.used_at = now
        access_code.save(update_fields=["used_at"])
        person = Person.objects.get(pk=access_code.person_id)
        _audit(AuditCode.PERSON_SPACE_LOGIN, person.pk, subject=access_code)
        return person, ""
    live = [c for c in latest if c.used_at is None and c.expires_at > now and c.attempts < MAX_ATTEMPTS]
    for access_code in live:
        access_code.attempts += 1
        access_code.save(update_fields=["attempts"])
        _audit(AuditCode.PERSON_SPACE_CODE_REFUSED, access_code.person_id, subject=access_code, extra={"why": "faux"})
    if live and all(c.attempts >= MAX_ATTEMPTS for c in live):
        return None, TOO_MANY_ATTEMPTS
    return None, WRONG_CODE


def access_code_verify(*, person_ids: list[int], code: str) -> Person:
    """The person whose pending code is `code`, the code then marked used; a French ValidationError otherwise.

    Failed attempts are counted even though the answer is a refusal, so this wrapper raises only after the
    counting transaction has committed.
    """
    code = re.sub(r"\s", "", code or "")
    if not re.fullmatch(rf"\d{{{CODE_LENGTH}}}", code):
        raise ValidationError({"code": f"Le code est fait de {CODE_LENGTH} chiffres, sans lettre."})
    person, error = _verify(person_ids=person_ids, code=code)
    if person is None:
        raise ValidationError({"code": error})
    return person


def person_logout_record(*, person_id: int) -> None:
    _audit(AuditCode.PERSON_SPACE_LOGOUT, person_id)


def person_view_record(*, person_id: int, screen: str) -> None:
    _audit(AuditCode.PERSON_SPACE_VIEWED, person_id, extra={"screen": screen})


# --- what the person writes -------------------------------------------------------------------------------------


def _referent_organisation_id(person) -> int | None:
    """Whom the person's words go to: their référent's organisation, else the one they are oriented to."""
    assignment = ReferentAssignment.objects.current().filter(person=person).values("organisation_id").first()
    if assignment:
        return assignment["organisation_id"]
    orientation = Orientation.objects.current().filter(person=person).values("organisation_id").first()
    return orientation["organisation_id"] if orientation else None


def _clean_text(text: str, *, what: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": f"{what} est vide."})
    if len(text) > TEXT_MAX_LENGTH:
        raise ValidationError({"text": f"{what} dépasse {TEXT_MAX_LENGTH} caractères : raccourcissez-le."})
    return text


def _shared_note(*, person, text: str) -> Note:
    notebook = Notebook.objects.select_for_update().filter(person=person).first()
    if notebook is None:
        raise ValidationError("Vous n'avez pas encore de carnet de bord.")
    organisation_id = _referent_organisation_id(person)
    if organisation_id is None:
        raise ValidationError(
            "Aucun référent ne vous suit encore : votre message ne peut pas encore être transmis. "
            "Vous pourrez l'écrire dès qu'un référent vous aura été désigné."
        )
    note = Note.objects.create(
        notebook=notebook,
        author=None,
        organisation_id=organisation_id,
        visibility=NoteVisibility.SHARED,
        text=text,
        written_by_person=True,
    )
    # The person adds, never overwrites: the professionals' version stays, only the activity date moves.
    Notebook.objects.filter(pk=notebook.pk).update(last_activity_at=timezone.now())
    _person_words_notify(person=person, organisation_id=organisation_id)
    return note


def _person_words_notify(*, person, organisation_id: int) -> None:
    """Tell the person's référent; while none is named, the référents of the organisation the words go to."""
    title = "Nouveau message d'une personne dans son carnet de bord"
    url = reverse("notebook:detail", args=[person.pk])
    referent_id = (
        ReferentAssignment.objects.current()
        .filter(person=person, organisation_id=organisation_id)
        .values_list("referent_id", flat=True)
        .first()
    )
    if referent_id is not None:
        notify(
            recipient_ids=[referent_id],
            organisation_id=organisation_id,
            kind=NotificationKind.PERSON_MESSAGE,
            title=title,
            url=url,
        )
    else:
        notify_organisation(
            organisation_id=organisation_id,
            kind=NotificationKind.PERSON_MESSAGE,
            title=title,
            url=url,
            roles=(Role.REFERENT,),
        )


@transaction.atomic
def person_comment_add(*, person, text: str) -> Note:
    """A comment of the person on their carnet: a shared note, marked as written by them."""
    text = _clean_text(text, what="Votre commentaire")
    note = _shared_note(person=person, text=text)
    _audit(AuditCode.PERSON_SPACE_COMMENTED, person.pk, subject=note, new={"length": len(text)})
    return note


@transaction.atomic
def person_project_wishes_add(*, person, text: str) -> Note:
    """What the person wishes for their professional project, added as a shared note for the référent."""
    text = _clean_text(text, what="Votre projet")
    note = _shared_note(person=person, text=f"Mon projet, en mes mots : {text}")
    _audit(AuditCode.PERSON_SPACE_PROJECT_WISHES, person.pk, subject=note, new={"length": len(text)})
    return note


@transaction.atomic
def person_contact_update(*, person, phone: str, email: str) -> Person:
    """The person's own phone and e-mail. A mobile phone is stored in international format; at least one of the
    two must stay, or the person could no longer receive a code."""
    phone, email = (phone or "").strip(), (email or "").strip().lower()
    errors = {}
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors["email"] = f"« {email} » n'est pas une adresse e-mail valide (exemple : prenom.nom@exemple.fr)."
    if phone:
        try:
            phone = mobile_phone_normalise(phone)
        except ValidationError as error:
            errors["phone"] = " ".join(error.messages) + " Indiquez un numéro de mobile (06 ou 07)."
    if not phone and not email and not errors:
        errors["__all__"] = (
            "Gardez au moins un téléphone mobile ou une adresse e-mail : c'est par là que vous recevez votre code."
        )
    if errors:
        raise ValidationError(errors)
    person = Person.objects.select_for_update().get(pk=person.pk)
    old = {"phone": person.phone, "email": person.email}
    new = {"phone": phone, "email": email}
    if old != new:
        person.phone, person.email = phone, email
        person.save(update_fields=["phone", "email", "updated_at"])
        # In the file's rectification log too, next to corrections by professionals and imports.
        ChangeEvent.objects.create(
            kind=ChangeKind.IDENTITY_UPDATED,
            person=person,
            data={"old": old, "new": new, "reason": "mise à jour par la personne dans son espace"},
        )
        _audit(AuditCode.PERSON_SPACE_CONTACT_UPDATED, person.pk, subject=person, old=old, new=new)
    return person


def person_pdf_record(*, person_id: int) -> None:
    _audit(AuditCode.PERSON_SPACE_PDF_DOWNLOADED, person_id)
