from django.urls import path

from minxin.publicinfo import assistant_views, guide_views, policy_views, views

app_name = "publicinfo"
urlpatterns = [
    path("cases/", views.case_list, name="cases"),
    path("cases/<int:case_id>/", views.case_detail, name="case"),
    path("guides/", guide_views.guide_index, name="guides"),
    path("guides/<int:guide_id>/", guide_views.guide_detail, name="guide"),
    path("guides/<int:guide_id>/vote/", guide_views.guide_vote, name="guide_vote"),
    path("notices/", guide_views.notice_list, name="notices"),
    path("notices/<int:notice_id>/", guide_views.notice_detail, name="notice"),
    path("policies/", policy_views.policy_list, name="policies"),
    path("policies/<int:policy_id>/", policy_views.policy_detail, name="policy"),
    path("policies/<int:policy_id>/ask/", policy_views.ask, name="policy_ask"),
    path(
        "policies/<int:policy_id>/files/<int:attachment_id>/",
        policy_views.attachment,
        name="policy_file",
    ),
    path("search/", guide_views.search_page, name="search"),
    path("assistant/", assistant_views.assistant_page, name="assistant"),
    path("faq/<int:faq_id>/", assistant_views.faq_detail, name="faq"),
]
