from django.urls import path

from tuijin.promotion import views

app_name = "promotion"
urlpatterns = [
    path("", views.funnel, name="funnel"),
    path("leads/", views.lead_list, name="leads"),
    path("leads/new/", views.lead_form, name="new"),
    path("leads/overdue/", views.overdue, name="overdue"),
    path("leads/<int:pk>/", views.lead_detail, name="lead"),
    path("leads/<int:pk>/edit/", views.lead_form, name="edit"),
]
