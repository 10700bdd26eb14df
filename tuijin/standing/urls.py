from django.urls import path

from tuijin.standing import views

app_name = "standing"
urlpatterns = [
    path("", views.index, name="index"),
    path("lists/", views.lists, name="lists"),
    path("record/", views.record, name="record"),
    path("results/delete/", views.result_delete, name="result_delete"),
    path("goal/", views.goal, name="goal"),
    path("leads/", views.leads, name="leads"),
    path("assign/", views.assign, name="assign"),
    path("export/", views.export, name="export"),
]
