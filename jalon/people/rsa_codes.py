"""French labels of the RSA right's suspension and closure reasons, as coded by the CAF and the MSA.

The flux bénéficiaires RSA (vrsb0801) carries them as bare codes (`MOTISUSVERSRSA` / `MOTISUSDRORSA`,
`MOTICLORSA`); the schema has no enumeration. The lists are the CAF's public nomenclature as used by the
open-source tools the Départements run on these files: Carnet de bord (gip-inclusion/carnet-de-bord,
Apache-2.0: backend/cdb/caf_msa/parse_infos_foyer_rsa.py and app/src/lib/constants/keys.ts, 24 suspension
and 9 closure reasons) and WebRSA (app/models/option.php, `motisusversrsa` and `moticlorsa`). Labels are
written out in full French here (accents, no abbreviations).

Pure Python: importable without Django (the flux reader uses it).
"""

SUSPENSION_REASONS: dict[str, str] = {
    "01": "Ressources trop élevées",
    "02": "Moins de 25 ans sans enfant ni autre personne à charge",
    "03": "Activité non conforme",
    "04": "Titre de séjour non valide",
    "05": "RSA inférieur au seuil de versement",
    "06": "Déclaration trimestrielle de ressources non fournie",
    "09": "Résidence non conforme",
    "19": "Pas d'isolement",
    "31": "Prestation exclue (affiliation partielle)",
    "34": "Régime non conforme",
    "35": "Demande d'avantage vieillesse absente ou tardive",
    "36": "Titre de séjour absent",
    "44": "Hospitalisation",
    "70": "Action non engagée",
    "78": "Surface pondérée supérieure au plafond ou inconnue",
    "84": "Droit éteint ou autre cas",
    "85": "Pas d'allocataire (allocataire décédé, par exemple)",
    "97": "Bénéficiaire de l'AAH réduite",
    "AB": "Allocataire absent du foyer",
    "CV": "Attente de la décision du Président du Conseil départemental (droit théorique jusqu'à son retour)",
    "CZ": "Activité antérieure insuffisante",
    "DA": "Activité antérieure absente",
    "DB": "Étudiant : rémunération insuffisante",
    "DC": "Activité antérieure non conforme",
}

CLOSURE_REASONS: dict[str, str] = {
    "PCG": "Clôture sur décision du Président du Conseil départemental",
    "ECH": "Clôture à échéance (4 mois sans droit)",
    "EFF": "Clôture après annulation de la bascule RMI/API",
    "MUT": "Clôture après mutation du dossier dans un autre organisme",
    "RGD": "Clôture pour regroupement de dossiers",
    "RFD": "Radiation : fin de droit",
    "RAU": "Radiation : autre motif",
    "RST": "Radiation : option RSTA (outre-mer)",
    "RSO": "Radiation : option RSO (outre-mer)",
}


def _label(codes: dict[str, str], code: str | None) -> str:
    code = (code or "").strip().upper()
    if not code:
        return ""
    # A code the nomenclature does not list yet is shown as such, never guessed.
    return codes.get(code, f"code {code} (motif non répertorié)")


def suspension_reason_label(code: str | None) -> str:
    return _label(SUSPENSION_REASONS, code)


def closure_reason_label(code: str | None) -> str:
    return _label(CLOSURE_REASONS, code)
