import factory

from jalon.accounts.models import User


DEFAULT_PASSWORD = "Mot-de-passe-solide-2026"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["email"]

    email = factory.Sequence(lambda n: f"pro{n}@exemple.test")
    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    password = factory.django.Password(DEFAULT_PASSWORD)
