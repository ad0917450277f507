from django.contrib.auth.password_validation import validate_password
from django.db import transaction

from jalon.accounts.models import User
from jalon.core.enums import AuditCode
from jalon.core.services import audit_event_record


@transaction.atomic
def user_create(
    *, email: str, first_name: str, last_name: str, password: str | None, phone: str = "", created_by=None
) -> User:
    user = User(
        email=User.objects.normalize_email(email).lower(), first_name=first_name, last_name=last_name, phone=phone
    )
    if password:
        validate_password(password, user)
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean()
    user.save()
    audit_event_record(code=AuditCode.USER_CREATED, actor=created_by, subject=user, new={"email": user.email})
    return user


@transaction.atomic
def two_factor_device_confirm(*, user: User, device) -> None:
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    audit_event_record(code=AuditCode.TWO_FACTOR_ENROLLED, actor=user, subject=user)


def two_factor_failure_record(*, user: User) -> None:
    audit_event_record(code=AuditCode.TWO_FACTOR_FAILED, actor=user, subject=user)
