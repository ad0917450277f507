"""The plain-French reminder of an RSA beneficiary's rights and duties, shown on the page and in the PDF."""

RIGHTS_AND_DUTIES_TITLE = "Vos droits et vos devoirs"

RIGHTS = (
    "Recevoir le RSA tant que vous remplissez les conditions.",
    "Être accompagné par un référent unique, qui vous aide dans vos démarches pour trouver un emploi ou régler "
    "ce qui vous en empêche (logement, santé, mobilité, garde d'enfants…).",
    "Construire avec votre référent un contrat d'engagement qui fixe vos objectifs, et donner votre avis.",
    "Voir votre carnet de bord, le télécharger, et décider avec quelles structures il est partagé.",
    "Être entendu par l'équipe pluridisciplinaire avant toute décision de réduire ou suspendre votre RSA.",
)

DUTIES = (
    "Venir aux rendez-vous proposés, ou prévenir au plus tôt si vous ne pouvez pas venir, en donnant le motif.",
    "Faire les démarches prévues dans votre contrat d'engagement.",
    "Déclarer chaque trimestre vos ressources à la CAF ou à la MSA, et signaler tout changement de situation.",
)

SANCTION_NOTICE = (
    "Si vous ne respectez pas ces engagements sans motif légitime, votre RSA peut être réduit ou suspendu "
    "(article L262-37 du code de l'action sociale et des familles)."
)
