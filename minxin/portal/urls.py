from django.urls import path

from minxin.portal.views import pages, submit, track

app_name = "portal"
urlpatterns = [
    path("", pages.home, name="home"),
    path("services/<slug:slug>/", pages.service, name="service"),
    path("accessibility/", pages.accessibility, name="accessibility"),
    path("view/", pages.set_view, name="set-view"),
    path("submit/", submit.submit, name="submit"),
    path("submit/done/", submit.submitted, name="submitted"),
    path("submit/suggest", submit.suggest, name="suggest"),
    path("submit/similar", submit.similar, name="similar"),
    path("sms/send/", submit.sms_send, name="sms-send"),
    path("track/", track.track, name="track"),
    path("track/phone/", track.track_phone, name="track-phone"),
    path("track/mine/", track.track_mine, name="track-mine"),
    path("track/signout/", track.track_signout, name="track-signout"),
    path("track/<str:code>/", track.track_detail, name="track-detail"),
    path("track/<str:code>/rate/", track.track_rate, name="track-rate"),
    path("track/<str:code>/supplement/", track.track_supplement, name="track-supplement"),
    path("demo/sms/", pages.demo_sms, name="demo-sms"),
]
