"""Every screen or endpoint that shows a person's data writes an audit event (CNIL: traceability of access).

Every URL pattern of the resolver must be classified below, or the suite fails naming it:
- `person(...)`: a GET shows one person's data, or a defined set of persons (a session, an EPL agenda): it must write
  at least one audit event naming each person it is about (`person_id`, or `data["persons"]` for a set);
- `listing(...)`: a work list or an export of the persons in the actor's reach: it must write one audit event naming
  the persons of the page shown (`about=`: the member of the shared world the page shows, who must be named; without
  it, as for the lines an import set aside, which are no person of the base, any event);
- `search(...)`: a person search: it must write a PERSON_SEARCHED event with the criteria and the number of results;
- `no_person_data("why")`: nothing about a beneficiary is shown.
An entry with `gap="…"` is a known hole, still open: the suite checks it is still silent, so that closing it forces
moving it to the rules above.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.contrib import admin
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from jalon.core.enums import AuditCode
from jalon.core.models import AuditEvent
from tests.audit_world import LINK_TOKEN, waiting_add, world_build


@dataclass(frozen=True)
class Shows:
    kind: str  # "person", "listing" or "search"
    who: str  # the member of the shared world who opens it
    args: dict = field(default_factory=dict)  # URL argument -> key of `World.pks` (or a literal for `token`)
    query: str | Callable = ""  # a literal, or a function of the world
    gap: str = ""
    about: str = ""  # for a listing: the person of the world (`person`, `waiting`) the page must name


@dataclass(frozen=True)
class NoPersonData:
    reason: str


def person(who, gap="", query="", about="", **args):
    """A screen of one person's data; `about` names the world's person it shows when it is not `person`."""
    return Shows("person", who, args, query, gap, about)


def listing(who, gap="", query="", about="", **args):
    return Shows("listing", who, args, query, gap, about)


def search(who, query):
    return Shows("search", who, {}, query)


def no_person_data(reason):
    return NoPersonData(reason)


FILE = {"person_pk": "person"}  # a screen of the person's file
API = {"pk": "person"}  # an endpoint under /api/v1/personnes/<pk>/
POST_ONLY = "action (POST) : une lecture en GET est refusée (405)"
PERSON_SPACE = (
    "espace de la personne elle-même : ses lectures sont tracées par PERSON_SPACE_VIEWED, pas un professionnel"
)
# The target (right since 2018, subject to rights and duties) is in the field of B1 on 31/12 of the current year.
OARSA_DRILL = "annee=2026&indicateur=B1&cote=denominateur"
BACK_OFFICE_GAP = "back-office réservé aux super-administrateurs de la plateforme : ses lectures ne sont pas tracées"


def _appointment_week(world) -> str:
    from jalon.notebook.models import Appointment

    year, week, _ = timezone.localtime(Appointment.objects.get(pk=world.pks["appointment"]).starts_at).isocalendar()
    return f"{year}-W{week:02d}"


def back_office_gap():
    """A back-office model holding persons' data, whose reads are not audited yet (not exercised here)."""
    return listing("superuser", gap=BACK_OFFICE_GAP)


URLS = {
    # core and accounts
    "workspace:home": no_person_data("accueil : compteurs et raccourcis, sans nom de personne"),
    "core:audit_log": no_person_data("journal d'audit : identifiants et libellés, réservé à l'administrateur"),
    "core:legal_notice": no_person_data("page publique"),
    "core:accessibility": no_person_data("page publique"),
    "core:privacy": no_person_data("page publique"),
    "core:health": no_person_data("sonde technique"),
    "accounts:login": no_person_data("connexion"),
    "accounts:logout": no_person_data("déconnexion"),
    "accounts:password_reset": no_person_data("compte du professionnel"),
    "accounts:password_reset_done": no_person_data("compte du professionnel"),
    "accounts:password_reset_confirm": no_person_data("compte du professionnel"),
    "accounts:password_reset_complete": no_person_data("compte du professionnel"),
    "accounts:password_change": no_person_data("compte du professionnel"),
    "accounts:two_factor": no_person_data("compte du professionnel"),
    "accounts:profile": no_person_data("compte du professionnel"),
    "inbox:list": no_person_data("boîte de réception : titres sans nom de personne (par construction)"),
    "inbox:open": no_person_data("marque la notification lue et redirige vers la page du travail, qui trace"),
    "inbox:mark_read": no_person_data(POST_ONLY),
    "inbox:mark_all_read": no_person_data(POST_ONLY),
    "inbox:preferences": no_person_data("préférence de récapitulatif par e-mail"),
    # organisations and territories: professionals and places, never beneficiaries
    "organisations:list": no_person_data("structures"),
    "organisations:create": no_person_data("structures"),
    "organisations:detail": no_person_data("structure et ses membres professionnels"),
    "organisations:update": no_person_data("structures"),
    "organisations:invite": no_person_data("invitation d'un professionnel"),
    "organisations:invitation_revoke": no_person_data(POST_ONLY),
    "organisations:membership_update": no_person_data("membre professionnel d'une structure"),
    "organisations:membership_deactivate": no_person_data(POST_ONLY),
    "organisations:invitation_accept": no_person_data("invitation d'un professionnel"),
    "organisations:switch": no_person_data(POST_ONLY),
    "territories:list": no_person_data("territoires"),
    "territories:create": no_person_data("territoires"),
    "territories:detail": no_person_data("territoire et ses communes"),
    "territories:update": no_person_data("territoires"),
    "territories:delete": no_person_data("territoires"),
    # persons
    "people:search": search("officer", "name=zorglub"),
    "people:detail": person("officer", pk="person"),
    "people:file_pdf": person("officer", pk="person"),
    "people:household": person("officer", pk="household"),
    "people:duplicates": listing("admin", about="person"),
    "people:duplicate_review": person("admin", pk="duplicate"),
    "people:duplicate_resolve": no_person_data(POST_ONLY),
    "api:persons": search("officer", "name=zorglub"),
    "api:person": person("officer", pk="person"),
    "api:household": person("officer", pk="household"),
    # intake
    "intake:dsp_edit": person("referent", **FILE),
    "intake:imports": no_person_data("fichiers importés : noms de fichiers et compteurs"),
    "intake:import_detail": listing("admin", pk="run"),
    "intake:import_rejected_csv": listing("admin", pk="run"),
    "intake:spreadsheet_upload": no_person_data("dépôt d'un fichier"),
    "intake:spreadsheet_mapping": no_person_data("correspondance des colonnes : en-têtes du fichier"),
    "intake:spreadsheet_preview": no_person_data("aperçu des en-têtes et des erreurs d'un tableur en attente"),
    "api:flux_upload": no_person_data(POST_ONLY),
    "api:import_run": no_person_data("compteurs d'un import"),
    # orientation
    "orientation:queue": listing("officer", about="waiting"),
    "orientation:queue_csv": listing("officer", about="waiting"),
    "orientation:decide": person("officer", **FILE),
    "orientation:caseload": listing("referent", about="person"),
    "orientation:caseload_transfer": listing("manager", referent_pk="cd_referent"),
    "orientation:caseload_csv": listing("referent", about="person"),
    "orientation:change_referent": person("officer", **FILE),
    "api:orientation_queue": listing("officer", about="waiting"),
    "api:orientation_decide": no_person_data(POST_ONLY),
    "api:person_orientations": person("officer", **API),
    "api:caseload": listing("referent", about="person"),
    # orientation sessions
    "orientation:sessions": no_person_data("agenda des séances : dates, lieux et nombre d'inscrits"),
    "orientation:sessions_csv": no_person_data("export de l'agenda des séances : dates, lieux et nombre d'inscrits"),
    "orientation:session_create": no_person_data("formulaire d'une séance"),
    "orientation:session_invite": no_person_data(POST_ONLY),
    "orientation:session_detail": person("officer", pk="session"),
    "orientation:session_edit": no_person_data("formulaire d'une séance : dates, lieu, professionnels"),
    "orientation:session_attendance": person("officer", pk="session"),
    "orientation:session_advance": no_person_data(POST_ONLY),
    "orientation:session_cancel": no_person_data("annulation d'une séance : la séance seulement"),
    "orientation:session_remind": no_person_data(POST_ONLY),
    "orientation:participant_respond": person("officer", pk="participant"),
    "orientation:participant_follow_up": person("officer", pk="participant"),
    "api:sessions": no_person_data("séances : dates, lieux et places"),
    "api:session": person("officer", pk="session"),
    "api:session_invite": no_person_data(POST_ONLY),
    "api:session_attendance": no_person_data(POST_ONLY),
    # orientation interviews and criteria
    "orientation:criteria": no_person_data("critères d'orientation du département"),
    "orientation:criterion_create": no_person_data("critères d'orientation du département"),
    "orientation:criteria_defaults": no_person_data(POST_ONLY),
    "orientation:criteria_national": no_person_data(POST_ONLY),
    "orientation:criterion_edit": no_person_data("critères d'orientation du département"),
    "orientation:criterion_move": no_person_data(POST_ONLY),
    "orientation:criterion_toggle": no_person_data(POST_ONLY),
    "orientation:interview_new": person("officer", **FILE),
    "orientation:interview_proposal": no_person_data(POST_ONLY),
    "api:person_interviews": person("officer", **API),
    "api:orientation_criteria": no_person_data("critères d'orientation du département"),
    # reorientation and EPL
    "orientation:reorientation_request": person("referent", **FILE),
    "orientation:reorientation_withdraw": person("officer", pk="request"),
    "orientation:epl_list": no_person_data("réunions d'EPL : dates, lieux, nombre de demandes"),
    "orientation:epl_detail": person("officer", pk="meeting"),
    "orientation:epl_update": no_person_data("formulaire d'une réunion d'EPL"),
    "orientation:epl_agenda_add": no_person_data(POST_ONLY),
    "orientation:epl_decide": person("officer", pk="meeting", request_pk="request"),
    "orientation:epl_postpone": no_person_data(POST_ONLY),
    "orientation:epl_close": no_person_data(POST_ONLY),
    "orientation:long_term_list": listing("officer", about="person"),
    "orientation:long_term_review": person("officer", **FILE),
    "orientation:joint_diagnostic": person("officer", about="social", person_pk="social"),
    "orientation:joint_diagnostic_extend": no_person_data(POST_ONLY),
    "api:reorientation_requests": listing("officer", about="person"),
    "api:epl_meetings": no_person_data("réunions d'EPL : dates, lieux, nombre de demandes"),
    "api:epl_meeting": person("officer", pk="meeting"),
    # delays and alerts
    "orientation:delays": listing("officer", about="waiting"),
    "orientation:delays_csv": listing("officer", about="waiting"),
    "orientation:delay_thresholds": no_person_data("paramètres des délais"),
    "orientation:delay_thresholds_legal": no_person_data(POST_ONLY),
    "orientation:alerts": listing("officer", about="waiting"),
    "orientation:alert_close": person("officer", pk="alert"),
    "observatory:catalogue": no_person_data("catalogue des indicateurs"),
    "observatory:catalogue_csv": no_person_data("catalogue des indicateurs"),
    "observatory:indicator": no_person_data("valeurs agrégées d'un indicateur"),
    "observatory:opendata_list": no_person_data("liste des jeux de données ouvertes et journal des publications"),
    "observatory:opendata_settings": no_person_data("réglages des données ouvertes"),
    "observatory:opendata_dataset": no_person_data("effectifs agrégés sous secret statistique"),
    "observatory:opendata_download": no_person_data("effectifs agrégés sous secret statistique"),
    "observatory:orientation_figures": no_person_data("chiffres agrégés"),
    "observatory:orientation_figures_csv": no_person_data("chiffres agrégés"),
    "observatory:cohort": no_person_data("cohortes : effectifs et parts agrégés"),
    "observatory:cohort_trajectories": no_person_data("trajectoires : effectifs agrégés par état"),
    "observatory:quality": no_person_data("qualité des données : nombres de personnes à corriger"),
    "observatory:quality_list": listing("admin", about="person", check="dsp"),
    "observatory:quality_list_csv": listing("admin", about="person", check="dsp"),
    "observatory:summary": no_person_data("synthèse : indicateurs agrégés par territoire"),
    "observatory:targets": no_person_data("objectifs des indicateurs"),
    "participation:bodies": no_person_data("instances de participation et leurs comptes"),
    "participation:body_create": no_person_data("nouvelle instance de participation"),
    "participation:counts_report": no_person_data(POST_ONLY),
    "participation:proposals": no_person_data("propositions des comités d'usagers et suite donnée"),
    "participation:proposals_export": no_person_data("export des propositions des comités d'usagers"),
    "participation:body": person("admin", pk="committee"),
    "participation:member_add": no_person_data("formulaire d'ajout d'un membre : aucun nom affiché"),
    "participation:member_leave": person("admin", pk="committee", member_pk="committee_member"),
    "participation:meeting_create": no_person_data("nouvelle réunion d'un comité"),
    "participation:meeting": person("admin", pk="committee", meeting_pk="committee_meeting"),
    "participation:meeting_update": no_person_data("date, lieu, ordre du jour et compte rendu d'une réunion"),
    "participation:attendance": no_person_data(POST_ONLY),
    "participation:expense_add": person("admin", pk="committee", meeting_pk="committee_meeting"),
    "participation:minutes_file": no_person_data("compte rendu déposé par le comité (document de l'instance)"),
    "participation:proposal_create": no_person_data("nouvelle proposition d'un comité"),
    "participation:proposal_answer": no_person_data("réponse à une proposition d'un comité"),
    "participation:epl_attendance": person("admin", pk="epl_seats", meeting_pk="epl_meeting"),
    "programme:list": no_person_data("plans d'action du Département"),
    "programme:detail": no_person_data("un plan d'action : axes, actions, signataires"),
    "programme:actions_csv": no_person_data("export des actions d'un plan"),
    "programme:plan_pdf": no_person_data("le plan d'action imprimé"),
    "evaluation:index": no_person_data("plans et leur référentiel d'évaluation"),
    "evaluation:plan": no_person_data("référentiel d'évaluation d'un plan"),
    "evaluation:framework_open": no_person_data("ouverture d'un référentiel d'évaluation"),
    "evaluation:fiche": no_person_data("cadre d'évaluation d'une fiche"),
    "evaluation:fiche_set": no_person_data("saisie du cadre d'évaluation d'une fiche"),
    "evaluation:schedule_add": no_person_data("programmation d'une évaluation"),
    "evaluation:schedule_done": no_person_data("évaluation programmée marquée réalisée"),
    "evaluation:schedule_remove": no_person_data("retrait d'une évaluation programmée"),
    "evaluation:question_add": no_person_data("ajout d'une question évaluative"),
    "evaluation:question_update": no_person_data("critères et indicateurs d'une question"),
    "evaluation:source_add": no_person_data("ajout d'une source d'évaluation"),
    "evaluation:source_remove": no_person_data("retrait d'une source d'évaluation"),
    "evaluation:finding_add": no_person_data("constat qualitatif de l'instance"),
    "evaluation:finding_update": no_person_data("modification d'un constat de l'instance"),
    "evaluation:instance": no_person_data("instance évaluative et programme de travail"),
    "evaluation:member_add": no_person_data("ajout d'un membre de l'instance"),
    "evaluation:member_end": no_person_data("sortie d'un membre de l'instance"),
    "evaluation:work_add": no_person_data("ajout d'un travail de l'instance"),
    "evaluation:work_update": no_person_data("mise à jour d'un travail de l'instance"),
    "evaluation:calendar": no_person_data("calendrier de l'évaluation"),
    "evaluation:calendar_export": no_person_data("export du calendrier de l'évaluation"),
    "evaluation:report_generate": no_person_data("production d'un rapport d'évaluation"),
    "evaluation:report_download": no_person_data("rapport d'évaluation (agrégats, constats)"),
    "programme:timeline": no_person_data("calendrier des étapes d'un plan"),
    "programme:bilan": no_person_data("bilan annuel d'un plan, imprimé ou en classeur"),
    "programme:action": no_person_data("une fiche action"),
    "programme:action_update": no_person_data("modifier une fiche action"),
    "programme:action_review": no_person_data("bilan annuel d'une fiche action"),
    "programme:offer_link": no_person_data("services et plateaux liés à une fiche action"),
    "programme:step_update": no_person_data("étape d'une fiche action"),
    "programme:target_set": no_person_data("cible d'un indicateur de fiche action"),
    "programme:funding_budget": no_person_data("lignes budgétaires du plan"),
    "programme:funding_budget_csv": no_person_data("export des lignes budgétaires"),
    "programme:funding_execution": no_person_data("exécution agrégée du budget"),
    "programme:funding_line_create": no_person_data("nouvelle ligne budgétaire"),
    "programme:funding_line": no_person_data("une ligne budgétaire, ses engagements aux structures"),
    "programme:funding_line_update": no_person_data("modifier une ligne budgétaire"),
    "programme:funding_line_split": no_person_data("répartition d'une ligne entre territoires"),
    "programme:funding_line_close": no_person_data(POST_ONLY),
    "programme:funding_commitment_create": no_person_data("engagement envers une structure"),
    "programme:funding_payment_create": no_person_data("mandatement d'un engagement"),
    "programme:funding_contracts": no_person_data("marchés d'insertion"),
    "programme:funding_contract": no_person_data("un marché et ses lots"),
    "programme:funding_contract_create": no_person_data("enregistrer un marché d'insertion"),
    "programme:funding_lot_create": no_person_data("ajouter un lot à un marché"),
    "programme:governance_bodies": no_person_data("instances d'un plan, leur composition et leur retard"),
    "programme:governance_body": no_person_data("une instance et ses réunions"),
    "programme:governance_meeting_create": no_person_data("enregistrer une réunion d'instance"),
    "programme:governance_meeting": no_person_data("une réunion d'instance : ordre du jour, présences, décisions"),
    "programme:governance_meeting_update": no_person_data("modifier une réunion d'instance"),
    "programme:governance_document_add": no_person_data("déposer un document de réunion d'instance"),
    "programme:governance_document": no_person_data("document d'une réunion d'instance"),
    "programme:governance_decision_create": no_person_data("enregistrer une décision d'instance"),
    "programme:governance_decisions": no_person_data("suivi des décisions des instances"),
    "programme:governance_decisions_csv": no_person_data("export du suivi des décisions"),
    "programme:governance_decision_update": no_person_data("mettre à jour une décision d'instance"),
    "programme:governance_decision_done": no_person_data("marquer une décision d'instance réalisée"),
    "programme:commitments_by_signatory": no_person_data("matrice des engagements par signataire"),
    "programme:commitments_by_signatory_csv": no_person_data("export des engagements par signataire"),
    "programme:commitments_by_action": no_person_data("matrice des engagements par action"),
    "programme:commitments_by_action_csv": no_person_data("export des engagements par action"),
    "programme:commitment_create": no_person_data("saisie d'un engagement de signataire"),
    "programme:commitment_update": no_person_data("modification d'un engagement de signataire"),
    "programme:commitment_account": no_person_data("réalisé d'un engagement de signataire"),
    "programme:network_events": no_person_data("événements des professionnels du plan"),
    "programme:network_events_csv": no_person_data("export des événements des professionnels"),
    "programme:network_event_create": no_person_data("création d'un événement des professionnels"),
    "programme:network_event": no_person_data("un événement : inscrits (professionnels) et présences"),
    "programme:network_register": no_person_data("inscription à un événement"),
    "programme:network_unregister": no_person_data("désinscription d'un événement"),
    "programme:network_attendance": no_person_data("présences à un événement"),
    "programme:network_report": no_person_data("comptes d'une fiche reportés dans l'observatoire"),
    "programme:network_documents": no_person_data("banque documentaire du plan"),
    "programme:network_document_create": no_person_data("ajout d'un document à la banque documentaire"),
    "programme:network_document": no_person_data("un document et ses versions"),
    "programme:network_document_version": no_person_data("nouvelle version d'un document"),
    "programme:network_document_file": no_person_data("téléchargement d'une version d'un document"),
    # Surveys: anonymous answers, no person chosen or shown anywhere (decision 0037).
    "surveys:home": no_person_data("campagnes d'enquête et questionnaires"),
    "surveys:questionnaire_create": no_person_data("création d'un questionnaire"),
    "surveys:questionnaire": no_person_data("questions d'un questionnaire"),
    "surveys:question_create": no_person_data("ajout d'une question"),
    "surveys:question_update": no_person_data("modification d'une question"),
    "surveys:question_remove": no_person_data(POST_ONLY),
    "surveys:campaign_create": no_person_data("lancement d'une campagne : la population n'est montrée qu'en nombre"),
    "surveys:campaign": no_person_data("résultats agrégés, sous le seuil d'anonymat"),
    "surveys:campaign_export": no_person_data("export des résultats agrégés, jamais des réponses"),
    "surveys:campaign_close": no_person_data(POST_ONLY),
    "surveys:campaign_report": no_person_data(POST_ONLY),
    "surveys:texts": no_person_data("réponses libres anonymes, à relire"),
    "surveys:text_review": no_person_data(POST_ONLY),
    "surveys:paper_list": no_person_data("campagnes ouvertes"),
    "surveys:paper_entry": no_person_data("saisie d'un questionnaire papier, sans choisir de personne"),
    "surveys:answer": no_person_data("le questionnaire anonyme, ouvert par son lien à usage unique"),
    "surveys:space_start": no_person_data(POST_ONLY),
    "observatory:portraits": no_person_data("liste des territoires et EPCI"),
    "observatory:portrait_pdf": no_person_data("portrait de territoire agrégé, sous secret statistique"),
    "observatory:entered_list": no_person_data("valeurs agrégées à saisir"),
    "observatory:entered_list_csv": no_person_data("valeurs agrégées à saisir"),
    "observatory:entered_queue": no_person_data("valeurs agrégées à valider"),
    "observatory:entered_setups": no_person_data("réglage de la saisie des indicateurs"),
    "observatory:entered_setup": no_person_data("réglage de la saisie d'un indicateur"),
    "observatory:entered_form": no_person_data("saisie d'une valeur agrégée"),
    "observatory:entered_detail": no_person_data("valeur agrégée saisie"),
    "observatory:entered_validate": no_person_data(POST_ONLY),
    "observatory:entered_send_back": no_person_data(POST_ONLY),
    "observatory:entered_evidence": no_person_data("justificatif d'une valeur agrégée"),
    "observatory:entered_history": no_person_data("historique des valeurs agrégées saisies"),
    "observatory:oarsa_return": no_person_data("retour OARSA : effectifs agrégés"),
    "observatory:oarsa_xlsx": no_person_data("classeur OARSA : effectifs agrégés (son export est tracé)"),
    "observatory:oarsa_persons": listing("admin", query=OARSA_DRILL, about="person"),
    "observatory:oarsa_persons_csv": listing("admin", query=OARSA_DRILL, about="person"),
    "observatory:oarsa_history_csv": listing("analyst", query="annee=2026", about="person"),
    "observatory:committees_export": no_person_data("formulaire de période : aucune personne avant le téléchargement"),
    "observatory:committees_csv": listing("admin", query="debut=2026-01-01&fin=2026-12-31", about="person"),
    "api:orientation_figures": no_person_data("chiffres agrégés"),
    "api:orientation_alerts": listing("officer", about="waiting"),
    # the carnet de bord
    "notebook:detail": person("referent", **FILE),
    "notebook:freins": person("referent", **FILE),
    "notebook:project_create": person("referent", **FILE),
    "notebook:project_edit": person("referent", pk="project", **FILE),
    "notebook:rome_search": no_person_data("recherche dans le référentiel des métiers (fragment)"),
    "notebook:objectives": person("referent", **FILE),
    "notebook:objective_create": person("referent", **FILE),
    "notebook:objective_edit": person("referent", pk="objective", **FILE),
    "notebook:action_create": person("referent", objective_pk="objective", **FILE),
    "notebook:action_edit": person("referent", objective_pk="objective", pk="action", **FILE),
    "notebook:timeline": person("referent", **FILE),
    "notebook:caseload": listing("referent", about="person"),
    # The calendar names the persons of the appointments of the week shown (the world's is in three days).
    "workspace:calendar": listing("referent", about="person", query=lambda w: f"semaine={_appointment_week(w)}"),
    "notebook:contracts": person("referent", **FILE),
    "notebook:contract_sign": person("referent", pk="contract", **FILE),
    "notebook:contract_pdf": person("referent", pk="contract", **FILE),
    "notebook:contract_end": person("referent", pk="contract", **FILE),
    "notebook:contract_amend": person("referent", pk="contract", **FILE),
    "notebook:contract_renew": person("referent", pk="contract", **FILE),
    "notebook:appointments": person("referent", **FILE),
    "notebook:appointment_attendance": person("referent", pk="appointment", **FILE),
    "notebook:appointment_cancel": person("referent", pk="appointment", **FILE),
    "francetravail:situation": person("referent", **FILE),
    "francetravail:attendance_push": no_person_data(POST_ONLY),
    "notebook:contacts": person("referent", **FILE),
    "notebook:team": person("referent", **FILE),
    "notebook:consent_revoke": no_person_data(POST_ONLY),
    "notebook:team_member_end": no_person_data(POST_ONLY),
    "notebook:figures": no_person_data("chiffres agrégés"),
    "notebook:figures_csv": no_person_data("chiffres agrégés"),
    "api:notebook": person("referent", **API),
    "api:notebook_contacts": no_person_data(POST_ONLY),
    "api:notebook_appointments": no_person_data(POST_ONLY),
    "api:notebook_objectives": no_person_data(POST_ONLY),
    # exits of the path and follow-up in employment
    "exits:person": person("referent", **FILE),
    "exits:create": person("referent", **FILE),
    "exits:reopen": listing("referent", about="exited", pk="exit"),
    "exits:checkpoint": listing("referent", about="exited", pk="exit", months=1),
    "exits:employer_feedback": listing("referent", about="exited", pk="exit"),
    "exits:follow_up": listing("referent", about="exited"),
    "exits:follow_up_csv": listing("referent", about="exited"),
    "exits:proposal_dismiss": person("referent", pk="proposal"),
    # rights and duties (suspension-remobilisation)
    "duties:person": person("referent", **FILE),
    "duties:record": person("referent", **FILE),
    "duties:settings": no_person_data("bornes des décisions de suspension du Département"),
    "duties:detail": person("referent", pk="duty_failure"),
    "duties:invite": person("officer", pk="duty_failure"),
    "duties:answer": person("officer", pk="duty_failure"),
    "duties:decide": person("officer", pk="duty_failure"),
    "duties:reverse": person("officer", pk="duty_failure"),
    "duties:list": listing("officer", about="person", query="etat=suspendues"),
    "duties:exports": no_person_data("fichiers CAF/MSA produits : dates et nombres de lignes"),
    "duties:export_csv": listing("officer", about="person", pk="caf_export"),
    "api:person_exits": person("referent", **API),
    # job offers, positionings and entries into training
    "employment:offers": no_person_data("offres d'emploi des employeurs : aucune personne"),
    "employment:offers_csv": no_person_data("offres d'emploi des employeurs : aucune personne"),
    "employment:offer_create": no_person_data("formulaire d'une offre d'emploi"),
    "employment:offer_edit": no_person_data("formulaire d'une offre d'emploi"),
    "employment:offer": listing("referent", about="person", pk="job_offer"),
    "employment:positioning_create": no_person_data(POST_ONLY),
    "employment:positioning": person("referent", pk="positioning"),
    "employment:positioning_exit": person("referent", pk="hire"),
    "employment:person": person("referent", **FILE),
    "employment:training_create": person("referent", **FILE),
    "employment:training_outcome": person("referent", pk="training"),
    "employment:training_exit": person("referent", pk="training_done"),
    "employment:measure_exit": person("referent", pk="measure_ended"),
    "api:job_offers": no_person_data("offres d'emploi des employeurs : aucune personne"),
    "api:job_offer": listing("referent", about="person", pk="job_offer"),
    "api:person_positionings": person("referent", **API),
    "api:positioning": person("referent", pk="positioning"),
    "api:person_trainings": person("referent", **API),
    "api:training": person("referent", pk="training"),
    "api:exit_checkpoints": listing("referent", about="exited", pk="exit"),
    # employers and immersions (PMSMP): the directory holds no beneficiary; an employer's page names the people of
    # the actor's reach who had an immersion there or were hired there
    "employers:list": no_person_data("annuaire des employeurs"),
    "employers:list_csv": no_person_data("annuaire des employeurs"),
    "employers:create": no_person_data("annuaire des employeurs"),
    "employers:detail": listing("referent", about="person", pk="employer"),
    "employers:update": no_person_data("annuaire des employeurs"),
    "employers:contact_create": no_person_data("contacts professionnels d'un employeur"),
    "employers:interaction_create": no_person_data("échanges avec un employeur"),
    "employers:commitment_create": no_person_data("engagements d'un employeur"),
    "employers:groups": no_person_data("groupements d'employeurs"),
    "employers:group_create": no_person_data("groupements d'employeurs"),
    "employers:officers": no_person_data("chargé(e)s de relation entreprises, des professionnels"),
    "employers:person_immersions": person("referent", **FILE),
    "employers:immersion_create": person("referent", **FILE),
    "employers:immersion": person("referent", pk="immersion"),
    "employers:immersion_review": person("referent", pk="immersion"),
    "employers:immersion_transition": person("referent", pk="immersion", action="cancel"),
    "api:participation_bodies": no_person_data("instances de participation et leurs comptes, sans nom de membre"),
    "api:participation_meetings": no_person_data("réunions d'un comité avec leurs comptes de présence, sans nom"),
    "api:participation_proposals": no_person_data("propositions des comités d'usagers et suite donnée"),
    "api:programmes": no_person_data("plans d'action lisibles"),
    "api:survey_campaigns": no_person_data("campagnes d'enquête du Département"),
    "api:survey_results": no_person_data("résultats agrégés d'une campagne, sous le seuil d'anonymat"),
    "api:programme_actions": no_person_data("actions d'un plan"),
    "api:programme_action": no_person_data("une action d'un plan"),
    "api:programme_decisions": no_person_data("décisions des instances d'un plan"),
    "api:programme_execution": no_person_data("exécution du budget d'un plan"),
    "api:evaluation_framework": no_person_data("référentiel d'évaluation d'un plan"),
    "api:evaluation_calendar": no_person_data("calendrier de l'évaluation d'un plan"),
    "api:evaluation_reports": no_person_data("rapports d'évaluation d'un plan"),
    "api:employers": no_person_data("annuaire des employeurs"),
    "api:employer": no_person_data("employeur, ses engagements et ses échanges"),
    "api:person_immersions": person("referent", **API),
    "api:immersion_transition": no_person_data(POST_ONLY),
    "api:immersion_review": no_person_data(POST_ONLY),
    # the person's own space
    "person_space:login": no_person_data(PERSON_SPACE),
    "person_space:verify": no_person_data(PERSON_SPACE),
    "person_space:logout": no_person_data(PERSON_SPACE),
    "person_space:home": no_person_data(PERSON_SPACE),
    "person_space:contact": no_person_data(PERSON_SPACE),
    "person_space:project": no_person_data(PERSON_SPACE),
    "person_space:pdf": no_person_data(PERSON_SPACE),
    # the insertion offer
    "offer:search": no_person_data("annuaire des services"),
    "offer:service_detail": no_person_data("annuaire des services"),
    "offer:service_update": no_person_data("annuaire des services"),
    "offer:service_confirm": no_person_data(POST_ONLY),
    "offer:service_status": no_person_data(POST_ONLY),
    "offer:structure_detail": no_person_data("annuaire des structures"),
    "offer:service_create": no_person_data("annuaire des services"),
    "offer:my_services": no_person_data("annuaire des services"),
    "offer:coverage": no_person_data("couverture territoriale de l'offre"),
    "offer:coverage_csv": no_person_data("couverture territoriale de l'offre"),
    "offer:referrals_received": no_person_data("orientations reçues, sans le nom des personnes (par construction)"),
    "offer:referrals_received_csv": no_person_data("export des orientations reçues, sans le nom des personnes"),
    "offer:referrals_sent": no_person_data("orientations envoyées, sans le nom des personnes (par construction)"),
    "offer:referrals_sent_csv": no_person_data("export des orientations envoyées, sans le nom des personnes"),
    "offer:referral_detail": person("referent", pk="referral"),
    "offer:referral_action": no_person_data(POST_ONLY),
    "offer:referral_link": person("referent", token=LINK_TOKEN),
    "offer:notebook_referrals": person("referent", **FILE),
    "offer:referral_create": person("referent", **FILE),
    "offer:measures": person("referent", **FILE),
    "offer:figures": no_person_data("chiffres agrégés"),
    "offer:figures_csv": no_person_data("chiffres agrégés"),
    "offer:plateaux": no_person_data("plateaux techniques : actions collectives et effectifs"),
    "offer:plateau_detail": no_person_data("plateau technique : action collective et effectifs"),
    "api:notebook_referrals": person("referent", **API),
    "api:referrals_received": no_person_data("orientations reçues, sans le nom des personnes (par construction)"),
    "api:referral_status": no_person_data(POST_ONLY),
    "api:offer_structures": no_person_data("annuaire des structures"),
    "api:offer_services": no_person_data("annuaire des services"),
    # messages
    "messaging:person": person("officer", **FILE),
    "messaging:letter": person("officer", pk="letter"),
    # Personal data: the person's rights and the register of conventions
    "people:rectify": person("officer", pk="person"),
    "privacy:person_export": person("admin", pk="person", file_format="json"),
    "privacy:conventions": no_person_data("conventions de partage avec les partenaires"),
    "privacy:convention_create": no_person_data("conventions de partage avec les partenaires"),
    "privacy:convention_edit": no_person_data("conventions de partage avec les partenaires"),
    "privacy:convention_document": no_person_data("document signé d'une convention"),
    # API tokens of the professionals
    "api_tokens:list": no_person_data("jetons d'API des professionnels"),
    "api_tokens:issue_start": no_person_data("jetons d'API des professionnels"),
    "api_tokens:issue": no_person_data("jetons d'API des professionnels"),
    "api_tokens:revoke": no_person_data(POST_ONLY),
    "api:person_messages": person("officer", **API),
    # API plumbing
    "api:schema": no_person_data("schéma OpenAPI"),
    "api:docs": no_person_data("documentation de l'API"),
    "api:communes": no_person_data("référentiel des communes"),
}

# The back-office (Django admin): its own pages, then each registered model's pages, classified by model.
ADMIN_SITE = {
    "admin:index",
    "admin:login",
    "admin:logout",
    "admin:password_change",
    "admin:password_change_done",
    "admin:autocomplete",
    "admin:jsi18n",
    "admin:view_on_site",
    "admin:app_list",
    "admin:(?P<url>.*)$",  # the catch-all: an unknown back-office address
    "admin:<path:object_id>/",  # redirects an object's short address to its change page, classified by model
    "admin:auth_user_password_change",  # a professional's password
}
ADMIN_MODELS = {
    "accounts.user": no_person_data("comptes des professionnels"),
    "auth.group": no_person_data("groupes de droits"),
    "api.apitoken": no_person_data("jetons d'API des professionnels"),
    "axes.accessattempt": no_person_data("tentatives de connexion des professionnels"),
    "axes.accessfailurelog": no_person_data("échecs de connexion des professionnels"),
    "axes.accesslog": no_person_data("connexions des professionnels"),
    "core.auditevent": back_office_gap(),
    "django_tasks_database.dbtaskresult": no_person_data("tâches de fond : identifiants techniques"),
    "dsfr.dsfrconfig": no_person_data("réglages du gabarit"),
    "intake.duplicatecandidate": back_office_gap(),
    "exits.exittype": no_person_data("typologie des sorties du département"),
    "duties.dutysettings": no_person_data("bornes de la suspension-remobilisation du département"),
    "exits.positiverule": no_person_data("règle des sorties positives"),
    "exits.followupschedule": no_person_data("calendrier du suivi en emploi"),
    "employers.employer": no_person_data("annuaire des employeurs"),
    "employers.employergroup": no_person_data("groupements d'employeurs"),
    "intake.importrun": no_person_data("fichiers importés : noms de fichiers et compteurs"),
    "intake.socioprofessionaldata": back_office_gap(),
    "messaging.message": back_office_gap(),
    "notebook.accompanimentrule": no_person_data("règles d'accompagnement"),
    "notebook.contracttype": no_person_data("types de contrat"),
    "notebook.freincategory": no_person_data("référentiel des freins"),
    "offer.fundinglabel": no_person_data("référentiel des financements"),
    "offer.measure": back_office_gap(),
    "offer.plateautechnique": no_person_data("actions collectives"),
    "offer.service": no_person_data("annuaire des services"),
    "offer.structure": no_person_data("annuaire des structures"),
    "organisations.invitation": no_person_data("invitations de professionnels"),
    "organisations.membership": no_person_data("membres professionnels"),
    "organisations.organisation": no_person_data("structures"),
    "orientation.dispositif": no_person_data("dispositifs d'accompagnement"),
    "orientation.orientation": back_office_gap(),
    "orientation.referentassignment": back_office_gap(),
    "otp_static.staticdevice": no_person_data("codes de secours des professionnels"),
    "otp_totp.totpdevice": no_person_data("applications d'authentification des professionnels"),
    "people.changeevent": back_office_gap(),
    "people.household": back_office_gap(),
    "people.householdmember": back_office_gap(),
    "people.person": back_office_gap(),
    "people.rsaright": back_office_gap(),
    "territories.commune": no_person_data("référentiel géographique"),
    "territories.departement": no_person_data("référentiel géographique"),
    "territories.epci": no_person_data("référentiel géographique"),
    "territories.region": no_person_data("référentiel géographique"),
    "territories.territory": no_person_data("territoires"),
}


def _url_names(patterns, namespace=None):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace or None
            nested = f"{namespace}:{inner}" if namespace and inner else (inner or namespace)
            yield from _url_names(pattern.url_patterns, nested)
        elif isinstance(pattern, URLPattern):
            name = pattern.name or str(pattern.pattern)
            yield f"{namespace}:{name}" if namespace else name


def _admin_model(name: str) -> str | None:
    """`admin:people_person_change` -> `people.person`, for the models registered in the back-office."""
    for model in admin.site._registry:
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}_"
        if name.startswith(prefix):
            return model._meta.label_lower
    return None


def classification(name: str):
    if name in URLS:
        return URLS[name]
    if name in ADMIN_SITE:
        return no_person_data("back-office : pages du site d'administration, sans donnée de personne")
    model = _admin_model(name) if name.startswith("admin:") else None
    return ADMIN_MODELS.get(model) if model else None


def test_every_url_pattern_is_classified():
    names = sorted(set(_url_names(get_resolver().url_patterns)))
    missing = [name for name in names if classification(name) is None]
    assert not missing, (
        "These URL patterns are not classified for the audit log: add each to URLS in tests/test_audit_coverage.py, "
        f"as showing a person's data (person/listing/search) or as no_person_data(reason): {', '.join(missing)}"
    )
    unknown = sorted(set(URLS) - set(names)) + sorted(
        set(ADMIN_MODELS) - {m._meta.label_lower for m in admin.site._registry}
    )
    assert not unknown, f"Entries for URL patterns or back-office models that no longer exist: {', '.join(unknown)}"


def test_no_person_data_entries_say_why():
    blank = [name for name, entry in URLS.items() if isinstance(entry, NoPersonData) and len(entry.reason) < 5]
    assert not blank


# --- A GET as an allowed user writes the audit event ----------------------------------------------------------------


def _names(event: AuditEvent, person_id: int) -> bool:
    return event.person_id == person_id or person_id in (event.data or {}).get("persons", [])


def _open(world, login_as, name: str, entry: Shows):
    literal = ("token", "file_format", "months", "check", "action")
    kwargs = {arg: (value if arg in literal else world.pks[value]) for arg, value in entry.args.items()}
    query = entry.query(world) if callable(entry.query) else entry.query
    url = reverse(name, kwargs=kwargs) + (f"?{query}" if query else "")
    client = login_as(world.members[entry.who])
    before = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    response = client.get(url)
    return response, list(AuditEvent.objects.filter(pk__gt=before).exclude(code=AuditCode.LOGIN))


def _problem(world, name: str, entry: Shows, response, events) -> str:
    """What is wrong with the audit trail of one GET, or an empty string."""
    if response.status_code != 200:
        return f"{name}: GET answered {response.status_code} to {entry.who}, expected 200"
    if entry.kind == "person":
        about = world.pks[entry.about] if entry.about else world.person.pk
        if name == "orientation:alert_close":
            about = world.waiting.pk
        if not any(_names(event, about) for event in events):
            return f"{name}: no audit event names person {about} (events written: {[e.code for e in events]})"
    elif entry.kind == "search":
        found = [e for e in events if e.code == AuditCode.PERSON_SEARCHED]
        if not found or "results" not in found[0].data or not found[0].data.get("criteria"):
            return f"{name}: no PERSON_SEARCHED event with the criteria and the number of results"
    elif not events:
        return f"{name}: the list is read without any audit event"
    elif entry.about and not any(_names(event, getattr(world, entry.about).pk) for event in events):
        return f"{name}: no audit event names the {entry.about} person the list shows"
    return ""


@pytest.mark.django_db
def test_every_screen_showing_a_person_writes_an_audit_event(login_as):
    world = world_build()
    checked = [(name, entry) for name, entry in URLS.items() if isinstance(entry, Shows) and not entry.gap]
    problems = [
        problem
        for name, entry in checked
        if (problem := _problem(world, name, entry, *_open(world, login_as, name, entry)))
    ]
    assert not problems, "Reads of a person's data without their audit event:\n" + "\n".join(problems)


@pytest.mark.django_db
def test_known_gaps_are_still_open(login_as):
    """Each known gap is still silent: when one gets its audit event, move it out of the gaps (remove `gap=`)."""
    world = world_build()
    closed = []
    for name, entry in URLS.items():
        if isinstance(entry, Shows) and entry.gap:
            response, events = _open(world, login_as, name, entry)
            if not _problem(world, name, entry, response, events):
                closed.append(name)
    assert not closed, f"These reads are audited now, remove their `gap=`: {', '.join(closed)}"


# --- What a search records --------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["people:search", "api:persons"])
def test_a_search_records_its_criteria_without_the_nir(login_as, name):
    world = world_build()
    nir = "2840140192123"
    response = login_as(world.members["officer"]).get(reverse(name), {"nir": nir, "name": "ursule"})

    assert response.status_code == 200
    [event] = AuditEvent.objects.filter(code=AuditCode.PERSON_SEARCHED)
    assert event.actor_id == world.members["officer"].user_id
    assert event.data["criteria"] == {"name": "ursule", "nir": True}
    assert event.data["results"] == 1
    assert nir not in str(event.data) and nir[:7] not in str(event.data)


@pytest.mark.django_db
def test_a_nir_typed_in_the_name_field_is_not_kept(login_as):
    world = world_build()
    response = login_as(world.members["officer"]).get(reverse("people:search"), {"name": "Zorglub 2 84 01 40 192 123"})

    assert response.status_code == 200
    [event] = AuditEvent.objects.filter(code=AuditCode.PERSON_SEARCHED)
    assert event.data["criteria"] == {"name": "Zorglub [NIR]"}
    assert event.data["results"] == 0


@pytest.mark.django_db
def test_a_session_read_names_the_session_and_every_participant(login_as):
    world = world_build()
    response = login_as(world.members["officer"]).get(reverse("api:session", kwargs={"pk": world.pks["session"]}))

    assert response.status_code == 200
    [event] = AuditEvent.objects.filter(code=AuditCode.PERSON_VIEWED)
    assert (event.subject_type, event.subject_id) == ("orientation.orientationsession", str(world.pks["session"]))
    assert event.data["persons"] == [world.person.pk]
    assert event.actor_id == world.members["officer"].user_id


# --- What a work list records ---------------------------------------------------------------------------------------


def _viewed(since: int) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(pk__gt=since, code=AuditCode.PERSON_VIEWED))


def _last_event_pk() -> int:
    return AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


@pytest.mark.django_db
def test_a_work_list_names_the_persons_of_the_page_shown_only(login_as):
    world = world_build()
    waiting_add(world, 30)  # 31 waiting: 25 on the first page, 6 on the second
    client = login_as(world.members["officer"])

    before = _last_event_pk()
    response = client.get(reverse("orientation:queue"), {"page": 2})
    [event] = _viewed(before)
    shown = [person.pk for person in response.context["page_obj"]]
    assert len(shown) == 6 and world.waiting.pk not in shown
    assert event.data == {"screen": "file des personnes à orienter", "persons": shown}
    assert event.actor_id == world.members["officer"].user_id

    before = _last_event_pk()
    response = client.get(reverse("api:orientation_queue"), {"limit": 10, "offset": 5})
    [event] = _viewed(before)
    assert event.data["persons"] == [row["id"] for row in response.json()["results"]]
    assert len(event.data["persons"]) == 10


@pytest.mark.django_db
def test_an_empty_work_list_writes_nothing(login_as):
    world = world_build()
    client = login_as(world.members["referent"])  # no delay alert is addressed to the référent
    before = _last_event_pk()

    assert client.get(reverse("orientation:alerts")).status_code == 200
    assert client.get(reverse("api:orientation_alerts")).status_code == 200
    assert not _viewed(before)


@pytest.mark.django_db
def test_the_duplicates_list_names_both_files_of_each_pair(login_as):
    world = world_build()
    before = _last_event_pk()
    login_as(world.members["admin"]).get(reverse("people:duplicates"))
    [event] = _viewed(before)
    assert event.data["persons"] == [world.person.pk, world.other.pk]
