"""Audit login, logout, failed login and lock-outs from the signals Django and django-axes send."""

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from jalon.core.enums import AuditCode
from jalon.core.services import audit_event_record


@receiver(user_logged_in, dispatch_uid="jalon_audit_login")
def _on_login(sender, request, user, **kwargs):
    audit_event_record(code=AuditCode.LOGIN, actor=user, subject=user)


@receiver(user_logged_out, dispatch_uid="jalon_audit_logout")
def _on_logout(sender, request, user, **kwargs):
    if user is not None:
        audit_event_record(code=AuditCode.LOGOUT, actor=user, subject=user)


@receiver(user_login_failed, dispatch_uid="jalon_audit_login_failed")
def _on_login_failed(sender, credentials, request=None, **kwargs):
    # Django masks the password in `credentials`; keep only the login that was tried.
    attempted = str(credentials.get("username") or credentials.get("email") or "")[:254]
    audit_event_record(code=AuditCode.LOGIN_FAILED, actor_label=attempted, extra={"login": attempted})


@receiver(user_locked_out, dispatch_uid="jalon_audit_locked_out")
def _on_locked_out(sender, request, username, ip_address, **kwargs):
    audit_event_record(code=AuditCode.LOCKED_OUT, actor_label=username or "", extra={"login": username or ""})
