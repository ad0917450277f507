from base64 import b32encode
from io import BytesIO

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from jalon.accounts import services
from jalon.accounts.forms import LoginForm, TokenForm
from jalon.core.enums import AuditCode
from jalon.core.services import audit_event_record
from jalon.organisations.selectors import membership_list_for_user


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    form_class = LoginForm
    redirect_authenticated_user = True


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset_form.html"
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form):
        email = form.cleaned_data["email"]
        audit_event_record(code=AuditCode.PASSWORD_RESET_REQUESTED, actor_label=email, extra={"login": email})
        return super().form_valid(form)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        audit_event_record(code=AuditCode.PASSWORD_CHANGED, actor=form.user, subject=form.user)
        return response


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:profile")

    def form_valid(self, form):
        response = super().form_valid(form)
        audit_event_record(code=AuditCode.PASSWORD_CHANGED, actor=form.user, subject=form.user)
        messages.success(self.request, "Votre mot de passe a été modifié.")
        return response


def _safe_next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return "/"


def _qr_svg(data: str) -> str:
    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = BytesIO()
    image.save(buffer)
    return buffer.getvalue().decode()


def two_factor(request):
    """Enrol a TOTP device on first use, then check a code at each sign-in."""
    user = request.user
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    enrolling = device is None
    if enrolling:
        device, _ = TOTPDevice.objects.get_or_create(user=user, confirmed=False, defaults={"name": "Application"})
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        allowed, _ = device.verify_is_allowed()
        if not allowed:
            form.add_error("token", "Trop de codes refusés : patientez quelques secondes avant de réessayer.")
        elif device.verify_token(form.cleaned_data["token"]):
            if enrolling:
                services.two_factor_device_confirm(user=user, device=device)
            otp_login(request, device)
            return redirect(_safe_next(request))
        else:
            services.two_factor_failure_record(user=user)
            form.add_error("token", "Code incorrect ou expiré. Vérifiez l'heure de votre téléphone et réessayez.")
    context = {"form": form, "enrolling": enrolling, "next": _safe_next(request)}
    if enrolling:
        # Authenticator apps take the key in base32, as in the QR code.
        context.update(qr_svg=_qr_svg(device.config_url), secret=b32encode(device.bin_key).decode())
    return render(request, "accounts/two_factor.html", context)


def profile(request):
    return render(
        request,
        "accounts/profile.html",
        {
            "memberships": membership_list_for_user(user=request.user),
            "has_two_factor": TOTPDevice.objects.filter(user=request.user, confirmed=True).exists(),
        },
    )
