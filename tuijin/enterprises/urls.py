from django.urls import path

from tuijin.enterprises import views

app_name = "enterprises"
urlpatterns = [
    path("", views.enterprise_list, name="list"),
    path("new/", views.enterprise_form, name="new"),
    path("search/", views.search, name="search"),
    path("big/", views.big, name="big"),
    path("above-scale/", views.above_scale, name="above_scale"),
    path("candidates/", views.candidates, name="candidates"),
    path("kept/", views.kept, name="kept"),
    path("service/", views.service, name="service"),
    path("mujun/", views.mujun, name="mujun"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/liaison/", views.liaison, name="liaison"),
    path("<int:pk>/visits/new/", views.visit_new, name="visit_new"),
    path("<int:pk>/edit/", views.enterprise_form, name="edit"),
    path("<int:pk>/years/<int:year>/", views.year_form, name="year"),
]
