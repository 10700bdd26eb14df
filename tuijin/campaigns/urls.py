from django.urls import path

from tuijin.campaigns import views

app_name = "campaigns"
urlpatterns = [
    path("", views.index, name="index"),
    path("setup/", views.setup, name="setup"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:campaign_pk>/tasks/new/", views.task_form, name="task_new"),
    path("goals/<int:pk>/", views.goal_edit, name="goal"),
    path("tasks/<int:pk>/", views.task_detail, name="task"),
    path("tasks/<int:pk>/edit/", views.task_form, name="task_edit"),
]
