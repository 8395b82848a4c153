"""Page URLs for the park tree."""

from django.urls import path

from . import views

urlpatterns = [path("parks/", views.park_list, name="park-list")]
