"""The registrant's own pages, where the links in the emails land (Danish, no JavaScript)."""

from django.urls import path

from events.registrations import member_views, views

app_name = "registration"

urlpatterns = [
    path("deltager/<str:token>/", member_views.member, name="member"),
    path("<str:token>/deltagere/", member_views.members, name="members"),
    path("<str:token>/", views.manage, name="manage"),
    path("<str:token>/afmeld/", views.cancel, name="cancel"),
    path("<str:token>/tilbud/", views.offer, name="offer"),
    path("<str:token>/ret/", views.change, name="change"),
    path("<str:token>/kollega/", views.transfer, name="transfer"),
    path("<str:token>/mine/", views.mine, name="mine"),
    path("<str:token>/data/", views.data, name="data"),
    path("ledelse/<str:token>/", views.manager_confirm, name="manager_confirm"),
]
