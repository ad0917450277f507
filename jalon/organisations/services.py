from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from jalon.accounts.models import User
from jalon.accounts.services import user_create
from jalon.core.enums import AuditCode, Role
from jalon.core.services import audit_event_record, model_update
from jalon.organisations.models import Invitation, Membership, Organisation


ORGANISATION_FIELDS = [
    "name",
    "kind",
    "siret",
    "departement",
    "parent",
    "email",
    "phone",
    "address",
    "commune",
    "is_active",
]


@transaction.atomic
def organisation_create(*, actor_user, **data) -> Organisation:
    organisation = Organisation(**{field: data[field] for field in ORGANISATION_FIELDS if field in data})
    organisation.full_clean()
    organisation.save()
    audit_event_record(
        code=AuditCode.ORGANISATION_CREATED,
        actor=actor_user,
        organisation=organisation,
        subject=organisation,
        new={field: getattr(organisation, field) for field in ORGANISATION_FIELDS},
    )
    return organisation


@transaction.atomic
def organisation_update(*, organisation: Organisation, actor_user, data: dict) -> Organisation:
    old, new = model_update(instance=organisation, fields=ORGANISATION_FIELDS, data=data)
    if new:
        audit_event_record(
            code=AuditCode.ORGANISATION_UPDATED,
            actor=actor_user,
            organisation=organisation,
            subject=organisation,
            old=old,
            new=new,
        )
    return organisation


@transaction.atomic
def membership_create(
    *, user: User, organisation: Organisation, role: Role, actor_user=None, territories=()
) -> Membership:
    membership, created = Membership.objects.get_or_create(user=user, organisation=organisation, role=role)
    if not created and membership.is_active:
        raise ValidationError(f"{user} est déjà {membership.get_role_display()} dans {organisation}.")
    membership.is_active = True
    membership.save(update_fields=["is_active", "updated_at"])
    membership.territories.set(territories)
    audit_event_record(
        code=AuditCode.MEMBERSHIP_CREATED,
        actor=actor_user,
        organisation=organisation,
        subject=membership,
        new={"user": user.email, "role": role, "territories": [t.pk for t in territories]},
    )
    return membership


@transaction.atomic
def membership_update(*, membership: Membership, actor_user, role: str, territories) -> Membership:
    old_territories = sorted(membership.territories.values_list("pk", flat=True))
    new_territories = sorted(t.pk for t in territories)
    if (
        role != membership.role
        and Membership.objects.filter(user=membership.user, organisation=membership.organisation, role=role).exists()
    ):
        raise ValidationError("Ce membre a déjà ce rôle dans la structure.")
    old, new = model_update(instance=membership, fields=["role"], data={"role": role})
    if old_territories != new_territories:
        membership.territories.set(territories)
        old["territories"], new["territories"] = old_territories, new_territories
    if new:
        audit_event_record(
            code=AuditCode.MEMBERSHIP_UPDATED,
            actor=actor_user,
            organisation=membership.organisation,
            subject=membership,
            old=old,
            new=new,
        )
    return membership


@transaction.atomic
def membership_deactivate(*, membership: Membership, actor_user) -> Membership:
    if membership.role == Role.ADMINISTRATOR and not (
        Membership.objects.active()
        .filter(organisation=membership.organisation, role=Role.ADMINISTRATOR)
        .exclude(pk=membership.pk)
        .exists()
    ):
        raise ValidationError("Impossible de retirer le dernier administrateur de la structure.")
    membership.is_active = False
    membership.save(update_fields=["is_active", "updated_at"])
    audit_event_record(
        code=AuditCode.MEMBERSHIP_DEACTIVATED,
        actor=actor_user,
        organisation=membership.organisation,
        subject=membership,
        old={"is_active": True},
        new={"is_active": False},
    )
    return membership


@transaction.atomic
def invitation_send(
    *, organisation: Organisation, actor_user, email: str, first_name: str, last_name: str, role: str
) -> Invitation:
    email = email.strip().lower()
    if Membership.objects.active().filter(user__email=email, organisation=organisation, role=role).exists():
        raise ValidationError("Cette personne est déjà membre de la structure avec ce rôle.")
    if Invitation.objects.pending().filter(email=email, organisation=organisation, role=role).exists():
        raise ValidationError("Une invitation est déjà en attente pour cette adresse et ce rôle.")
    invitation = Invitation(
        email=email,
        first_name=first_name,
        last_name=last_name,
        organisation=organisation,
        role=role,
        invited_by=actor_user,
    )
    invitation.full_clean()
    invitation.save()
    link = settings.JALON_SITE_URL.rstrip("/") + reverse("organisations:invitation_accept", args=[invitation.token])
    context = {"invitation": invitation, "link": link}
    # Sent after commit: no e-mail for an invitation that was rolled back.
    transaction.on_commit(
        lambda: send_mail(
            subject=f"Invitation à rejoindre {organisation} sur Jalon",
            message=render_to_string("organisations/email/invitation.txt", context),
            from_email=None,
            recipient_list=[email],
        )
    )
    audit_event_record(
        code=AuditCode.INVITATION_SENT,
        actor=actor_user,
        organisation=organisation,
        subject=invitation,
        new={"email": email, "role": role},
    )
    return invitation


@transaction.atomic
def invitation_revoke(*, invitation: Invitation, actor_user) -> Invitation:
    if not invitation.is_pending:
        raise ValidationError("Cette invitation n'est plus en attente.")
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at", "updated_at"])
    audit_event_record(
        code=AuditCode.INVITATION_REVOKED, actor=actor_user, organisation=invitation.organisation, subject=invitation
    )
    return invitation


@transaction.atomic
def invitation_accept(
    *, invitation: Invitation, user: User | None = None, password: str | None = None, phone: str = ""
) -> Membership:
    """Accept as the signed-in user with the invited address, or create the account with the given password."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.is_pending:
        raise ValidationError("Cette invitation n'est plus valable.")
    if user is None:
        if User.objects.filter(email=invitation.email).exists():
            raise ValidationError(
                "Un compte existe déjà pour cette adresse : connectez-vous pour accepter l'invitation."
            )
        user = user_create(
            email=invitation.email,
            first_name=invitation.first_name,
            last_name=invitation.last_name,
            password=password,
            phone=phone,
        )
    elif user.email.lower() != invitation.email:
        raise ValidationError("Cette invitation a été envoyée à une autre adresse e-mail.")
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at", "updated_at"])
    audit_event_record(
        code=AuditCode.INVITATION_ACCEPTED, actor=user, organisation=invitation.organisation, subject=invitation
    )
    return membership_create(
        user=user, organisation=invitation.organisation, role=Role(invitation.role), actor_user=invitation.invited_by
    )


def current_membership_switch(*, request, membership: Membership) -> None:
    request.session["current_membership_id"] = membership.pk
    audit_event_record(
        code=AuditCode.ORGANISATION_SWITCHED,
        actor=request.user,
        organisation=membership.organisation,
        subject=membership,
    )
