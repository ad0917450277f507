from django.urls import path

from jalon.core import views


app_name = "core"

urlpatterns = [
    path("journal/", views.audit_log, name="audit_log"),
    path("mentions-legales/", views.legal_page, {"page": "mentions_legales"}, name="legal_notice"),
    path("accessibilite/", views.legal_page, {"page": "accessibilite"}, name="accessibility"),
    path("donnees-personnelles/", views.legal_page, {"page": "donnees_personnelles"}, name="privacy"),
    path("sante/", views.health, name="health"),
]
