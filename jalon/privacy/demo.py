"""The demo Département's register of data-sharing conventions: one per partner organisation, of the basis and
categories its kind calls for; a few expired or expiring soon, so the register shows every state. Idempotent."""

from datetime import timedelta

from django.utils import timezone

from jalon.core.scoping import DEPARTEMENT_STAFF_KINDS
from jalon.organisations.enums import OrganisationKind
from jalon.privacy.enums import DataCategory, LegalBasis
from jalon.privacy.models import DataSharingConvention


PATH = [DataCategory.IDENTITY, DataCategory.CONTACT, DataCategory.ORIENTATION, DataCategory.CARNET]
# kind: (purpose, legal basis, categories)
BY_KIND = {
    OrganisationKind.FRANCE_TRAVAIL: (
        "Accompagnement des bénéficiaires orientés vers France Travail",
        LegalBasis.INSERTION_SHARING,
        [
            DataCategory.IDENTITY,
            DataCategory.NIR,
            DataCategory.IDENTIFIERS,
            *PATH[1:],
            DataCategory.SOCIO_PROFESSIONAL,
        ],
    ),
    OrganisationKind.CAF: (
        "Échanges sur le droit au RSA (flux et signalements)",
        LegalBasis.LEGAL_OBLIGATION,
        [
            DataCategory.IDENTITY,
            DataCategory.NIR,
            DataCategory.IDENTIFIERS,
            DataCategory.HOUSEHOLD,
            DataCategory.RSA_RIGHT,
        ],
    ),
    OrganisationKind.MSA: (
        "Échanges sur le droit au RSA des ressortissants agricoles",
        LegalBasis.LEGAL_OBLIGATION,
        [
            DataCategory.IDENTITY,
            DataCategory.NIR,
            DataCategory.IDENTIFIERS,
            DataCategory.HOUSEHOLD,
            DataCategory.RSA_RIGHT,
        ],
    ),
    OrganisationKind.OPERATOR: (
        "Marché d'accompagnement socio-professionnel des bénéficiaires du RSA",
        LegalBasis.PROCESSOR,
        [*PATH, DataCategory.FREINS, DataCategory.SOCIO_PROFESSIONAL],
    ),
    OrganisationKind.SIAE: (
        "Parcours d'insertion des salariés bénéficiaires du RSA",
        LegalBasis.INSERTION_SHARING,
        PATH,
    ),
}
DEFAULT = ("Accompagnement des bénéficiaires du RSA orientés vers la structure", LegalBasis.INSERTION_SHARING, PATH)


def build(ctx) -> None:
    partners = [org for org in ctx.organisations.values() if org.kind not in DEPARTEMENT_STAFF_KINDS]
    if DataSharingConvention.objects.filter(organisation__in=partners).exists():
        ctx.log("  conventions de partage déjà en place")
        return
    today = timezone.localdate()
    conventions = []
    for index, organisation in enumerate(sorted(partners, key=lambda org: org.name)):
        purpose, basis, categories = BY_KIND.get(organisation.kind, DEFAULT)
        signed_on = today - timedelta(days=200 + 97 * index)
        # Three years, the usual term; every fifth is open-ended, and the sixth has lapsed (to renew).
        expires_on = None if index % 5 == 4 else signed_on + timedelta(days=3 * 365)
        if index == 5:
            expires_on = today - timedelta(days=30)
        conventions.append(
            DataSharingConvention(
                organisation=organisation,
                purpose=purpose,
                legal_basis=basis,
                data_categories=[str(category) for category in categories],
                signed_on=signed_on,
                expires_on=expires_on,
            )
        )
    DataSharingConvention.objects.bulk_create(conventions)
    ctx.log(f"  {len(conventions)} convention(s) de partage de données")
