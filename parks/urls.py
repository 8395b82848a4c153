"""Page URLs for the park tree."""

from django.urls import path

from . import views

app_name = "parks"

urlpatterns = [path("parks/", views.park_list, name="tree")]
