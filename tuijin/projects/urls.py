from django.urls import path

from tuijin.projects import views

app_name = "projects"
urlpatterns = [
    path("", views.ledger, name="list"),
    path("new/", views.project_form, name="new"),
    path("search/", views.search, name="search"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.project_form, name="edit"),
    path("battle-map/", views.battle_map, name="battle_map"),
    path("performance/", views.performance_view, name="performance"),
    path("lagging/", views.lagging, name="lagging"),
    path("sponsored/", views.sponsored, name="sponsored"),
]
