from django.urls import path

from tuijin.indicators import views

app_name = "indicators"
urlpatterns = [
    path("", views.dispatch_view, name="dispatch"),
    path("filing/", views.filing_view, name="filing"),
    path("review/", views.review_view, name="review"),
    path("targets/", views.targets_view, name="targets"),
    path("units/<int:pk>/", views.unit_view, name="unit"),
    path("<slug:code>/", views.indicator_view, name="indicator"),
]
