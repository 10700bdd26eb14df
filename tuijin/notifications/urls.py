from django.urls import path

from tuijin.notifications import views

app_name = "notifications"
urlpatterns = [
    path("", views.todo, name="todo"),
    path("inbox/", views.inbox, name="inbox"),
    path("reminders/", views.reminders, name="reminders"),
    path("channels/", views.channels, name="channels"),
]
