"""The DREES groups of organismes référents and the contracts the OARSA counts, shared by the indicators and by the
segment batch that precomputes them per person and day."""

from jalon.organisations.enums import OrganisationKind


FRANCE_TRAVAIL = [OrganisationKind.FRANCE_TRAVAIL]
# DREES convention: the SPE is France Travail, missions locales, Cap emploi, maisons de l'emploi, PLIE, structures
# de l'IAE and other placement or training bodies; everything else is « hors SPE ».
OTHER_SPE = [OrganisationKind.MISSION_LOCALE, OrganisationKind.CAP_EMPLOI, OrganisationKind.SIAE]
DEPARTEMENT = [OrganisationKind.CONSEIL_DEPARTEMENTAL, OrganisationKind.TERRITORIAL_SERVICE]
CER_CODES = ["cer"]
