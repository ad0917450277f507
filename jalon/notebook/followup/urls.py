from django.urls import path

from jalon.notebook.followup import views


urlpatterns = [
    path("tableau-de-bord/", views.caseload, name="caseload"),
    path("<int:person_pk>/contrats/", views.contracts, name="contracts"),
    path("<int:person_pk>/contrats/<int:pk>/signature/", views.contract_sign, name="contract_sign"),
    path("<int:person_pk>/contrats/<int:pk>/pdf/", views.contract_download, name="contract_pdf"),
    path("<int:person_pk>/contrats/<int:pk>/fin/", views.contract_end, name="contract_end"),
    path("<int:person_pk>/contrats/<int:pk>/avenant/", views.contract_amend, name="contract_amend"),
    path("<int:person_pk>/contrats/<int:pk>/renouvellement/", views.contract_renew, name="contract_renew"),
    path("<int:person_pk>/rendez-vous/", views.appointments, name="appointments"),
    path(
        "<int:person_pk>/rendez-vous/<int:pk>/presence/",
        views.appointment_attendance,
        name="appointment_attendance",
    ),
    path("<int:person_pk>/rendez-vous/<int:pk>/annulation/", views.appointment_cancel, name="appointment_cancel"),
    path("<int:person_pk>/contacts/", views.contacts, name="contacts"),
]
