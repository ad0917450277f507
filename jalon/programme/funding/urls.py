"""Under `programme/<code>/financement/`; the names stay in the `programme:` namespace, prefixed `funding_`."""

from django.urls import path

from jalon.programme.funding import views


urlpatterns = [
    path("", views.budget, name="funding_budget"),
    path("budget.csv", views.budget_export, name="funding_budget_csv"),
    path("execution/", views.execution, name="funding_execution"),
    path("lignes/nouvelle/", views.line_create, name="funding_line_create"),
    path("lignes/<int:pk>/", views.line_detail, name="funding_line"),
    path("lignes/<int:pk>/modifier/", views.line_update, name="funding_line_update"),
    path("lignes/<int:pk>/repartition/", views.line_split, name="funding_line_split"),
    path("lignes/<int:pk>/cloture/", views.line_close, name="funding_line_close"),
    path("lignes/<int:pk>/engagements/nouveau/", views.commitment_create, name="funding_commitment_create"),
    path("engagements/<int:pk>/mandatements/nouveau/", views.payment_create, name="funding_payment_create"),
    path("marches/", views.contracts, name="funding_contracts"),
    path("marches/nouveau/", views.contract_create, name="funding_contract_create"),
    path("marches/<int:pk>/", views.contract_detail, name="funding_contract"),
    path("marches/<int:pk>/lots/nouveau/", views.lot_create, name="funding_lot_create"),
]
