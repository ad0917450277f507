from django.urls import path
from drf_spectacular.views import SpectacularAPIView

from jalon.api.views import ApiDocsView
from jalon.employers.api import (
    EmployerDetailApi,
    EmployerListApi,
    ImmersionReviewApi,
    ImmersionTransitionApi,
    PersonImmersionsApi,
)
from jalon.employment.api import (
    JobOfferDetailApi,
    JobOfferListApi,
    PersonPositioningsApi,
    PersonTrainingsApi,
    PositioningDetailApi,
    TrainingDetailApi,
)
from jalon.evaluation.api import EvaluationCalendarApi, EvaluationFrameworkApi, EvaluationReportsApi
from jalon.exits.api import ExitCheckpointsApi, PersonExitsApi
from jalon.intake.api import FluxUploadApi, ImportRunDetailApi
from jalon.messaging.api import PersonMessagesApi
from jalon.notebook.api import NotebookApi, NotebookAppointmentsApi, NotebookContactsApi, NotebookObjectivesApi
from jalon.observatory.api import FiguresApi
from jalon.offer.api import ServiceListApi, StructureListApi
from jalon.offer.referrals.api import NotebookReferralsApi, ReceivedReferralsApi, ReferralStatusApi
from jalon.orientation.api import CaseloadApi, DecideApi, PersonOrientationsApi, QueueApi
from jalon.orientation.delays.api import AlertsApi
from jalon.orientation.interviews.api import CriteriaApi, InterviewListCreateApi
from jalon.orientation.reorientation.api import EplMeetingDetailApi, EplMeetingsApi, ReorientationRequestsApi
from jalon.orientation.sessions.api import (
    SessionAttendanceApi,
    SessionDetailApi,
    SessionInviteApi,
    SessionListCreateApi,
)
from jalon.participation.api import BodyListApi, MeetingListApi, ProposalListApi
from jalon.people.api import HouseholdDetailApi, PersonDetailApi, PersonListApi
from jalon.programme.api import (
    ActionSheetApi,
    ProgrammeActionsApi,
    ProgrammeDecisionsApi,
    ProgrammeExecutionApi,
    ProgrammeListApi,
)
from jalon.surveys.api import CampaignListApi, CampaignResultsApi
from jalon.territories.api import CommuneListApi


app_name = "api"

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", ApiDocsView.as_view(url_name="api:schema"), name="docs"),
    path("v1/communes/", CommuneListApi.as_view(), name="communes"),
    path("v1/personnes/", PersonListApi.as_view(), name="persons"),
    path("v1/personnes/<id:pk>/", PersonDetailApi.as_view(), name="person"),
    path("v1/foyers/<id:pk>/", HouseholdDetailApi.as_view(), name="household"),
    path("v1/imports/flux-caf/", FluxUploadApi.as_view(), name="flux_upload"),
    path("v1/imports/<id:pk>/", ImportRunDetailApi.as_view(), name="import_run"),
    path("v1/orientation/a-orienter/", QueueApi.as_view(), name="orientation_queue"),
    path("v1/orientation/decisions/", DecideApi.as_view(), name="orientation_decide"),
    path("v1/personnes/<id:pk>/orientations/", PersonOrientationsApi.as_view(), name="person_orientations"),
    path("v1/referents/portefeuille/", CaseloadApi.as_view(), name="caseload"),
    path("v1/personnes/<id:pk>/messages/", PersonMessagesApi.as_view(), name="person_messages"),
    path("v1/personnes/<id:pk>/entretiens/", InterviewListCreateApi.as_view(), name="person_interviews"),
    path("v1/orientation/criteres/", CriteriaApi.as_view(), name="orientation_criteria"),
    path("v1/orientation/reorientations/", ReorientationRequestsApi.as_view(), name="reorientation_requests"),
    path("v1/orientation/epl/", EplMeetingsApi.as_view(), name="epl_meetings"),
    path("v1/orientation/epl/<id:pk>/", EplMeetingDetailApi.as_view(), name="epl_meeting"),
    path("v1/personnes/<id:pk>/carnet/", NotebookApi.as_view(), name="notebook"),
    path("v1/personnes/<id:pk>/carnet/contacts/", NotebookContactsApi.as_view(), name="notebook_contacts"),
    path("v1/personnes/<id:pk>/carnet/rendez-vous/", NotebookAppointmentsApi.as_view(), name="notebook_appointments"),
    path("v1/personnes/<id:pk>/carnet/objectifs/", NotebookObjectivesApi.as_view(), name="notebook_objectives"),
    path("v1/orientation/chiffres/", FiguresApi.as_view(), name="orientation_figures"),
    path("v1/orientation/alertes/", AlertsApi.as_view(), name="orientation_alerts"),
    path("v1/orientation/seances/", SessionListCreateApi.as_view(), name="sessions"),
    path("v1/orientation/seances/<id:pk>/", SessionDetailApi.as_view(), name="session"),
    path("v1/orientation/seances/<id:pk>/invitations/", SessionInviteApi.as_view(), name="session_invite"),
    path("v1/orientation/seances/<id:pk>/presences/", SessionAttendanceApi.as_view(), name="session_attendance"),
    path(
        "v1/personnes/<id:pk>/carnet/orientations-offre/",
        NotebookReferralsApi.as_view(),
        name="notebook_referrals",
    ),
    path("v1/personnes/<id:pk>/sorties/", PersonExitsApi.as_view(), name="person_exits"),
    path("v1/entreprises/", EmployerListApi.as_view(), name="employers"),
    path("v1/entreprises/<id:pk>/", EmployerDetailApi.as_view(), name="employer"),
    path("v1/personnes/<id:pk>/immersions/", PersonImmersionsApi.as_view(), name="person_immersions"),
    path("v1/immersions/<id:pk>/statut/", ImmersionTransitionApi.as_view(), name="immersion_transition"),
    path("v1/immersions/<id:pk>/bilan/", ImmersionReviewApi.as_view(), name="immersion_review"),
    path("v1/sorties/<id:pk>/points/", ExitCheckpointsApi.as_view(), name="exit_checkpoints"),
    path("v1/offres-emploi/", JobOfferListApi.as_view(), name="job_offers"),
    path("v1/offres-emploi/<id:pk>/", JobOfferDetailApi.as_view(), name="job_offer"),
    path("v1/personnes/<id:pk>/positionnements/", PersonPositioningsApi.as_view(), name="person_positionings"),
    path("v1/positionnements/<id:pk>/", PositioningDetailApi.as_view(), name="positioning"),
    path("v1/personnes/<id:pk>/formations/", PersonTrainingsApi.as_view(), name="person_trainings"),
    path("v1/formations/<id:pk>/", TrainingDetailApi.as_view(), name="training"),
    path("v1/offre/orientations/recues/", ReceivedReferralsApi.as_view(), name="referrals_received"),
    path("v1/offre/orientations/<id:pk>/statut/", ReferralStatusApi.as_view(), name="referral_status"),
    path("v1/offre/structures/", StructureListApi.as_view(), name="offer_structures"),
    path("v1/offre/services/", ServiceListApi.as_view(), name="offer_services"),
    path("v1/programmes/", ProgrammeListApi.as_view(), name="programmes"),
    path("v1/programmes/<slug:code>/actions/", ProgrammeActionsApi.as_view(), name="programme_actions"),
    path("v1/programmes/<slug:code>/actions/<id:pk>/", ActionSheetApi.as_view(), name="programme_action"),
    path("v1/programmes/<slug:code>/decisions/", ProgrammeDecisionsApi.as_view(), name="programme_decisions"),
    path("v1/programmes/<slug:code>/execution/", ProgrammeExecutionApi.as_view(), name="programme_execution"),
    path("v1/participation/comites/", BodyListApi.as_view(), name="participation_bodies"),
    path("v1/participation/comites/<id:pk>/reunions/", MeetingListApi.as_view(), name="participation_meetings"),
    path("v1/participation/propositions/", ProposalListApi.as_view(), name="participation_proposals"),
    path("v1/programmes/<slug:code>/evaluation/", EvaluationFrameworkApi.as_view(), name="evaluation_framework"),
    path(
        "v1/programmes/<slug:code>/evaluation/calendrier/", EvaluationCalendarApi.as_view(), name="evaluation_calendar"
    ),
    path("v1/programmes/<slug:code>/evaluation/rapports/", EvaluationReportsApi.as_view(), name="evaluation_reports"),
    path("v1/enquetes/campagnes/", CampaignListApi.as_view(), name="survey_campaigns"),
    path("v1/enquetes/campagnes/<id:pk>/resultats/", CampaignResultsApi.as_view(), name="survey_results"),
]
