from django.urls import path

from tuijin.assessment import views

app_name = "assessment"
urlpatterns = [
    path("", views.index, name="index"),
    path("schemes/new/", views.scheme_edit, name="scheme_new"),
    path("schemes/<int:pk>/", views.scheme_edit, name="scheme"),
    path("runs/<int:pk>/", views.run_detail, name="run"),
    path("runs/compare/", views.run_compare, name="compare"),
    path("commendations/<int:pk>/", views.commendation, name="commendation"),
    path("schemes/build/", views.scheme_builder, name="builder"),
    path("schemes/<int:pk>/build/", views.scheme_builder, name="builder_edit"),
    path("schemes/preview/", views.scheme_preview, name="preview"),
    path("claims/", views.claims, name="claims"),
    path("claims/<int:pk>/evidence/", views.claim_evidence, name="claim_evidence"),
    path("incidents/", views.incidents, name="incidents"),
]
