from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "jalon.accounts"
    verbose_name = "comptes"

    def ready(self):
        # Authentication events come from Django's and django-axes' signals: the only place they surface.
        from jalon.accounts import auth_audit  # noqa: F401
