"""The wording of each event's message until an administrator edits it (MessageTemplate)."""

DEFAULT_TEMPLATES: dict[str, str] = {
    "accepted": "【民心】您的诉求（查询码{code}）已受理，将在{due}前办结。",
    "rejected": "【民心】您的诉求（查询码{code}）不予受理：{note}",
    "pending_info": "【民心】您的诉求（查询码{code}）需要补充材料：{note}",
    "dispatched": "诉求{code}「{title}」已派遣至{unit}，请于{due}前签收。",
    "sign_overdue": "诉求{code}「{title}」签收已超时（期限{due}），请立即签收。",
    "warning": "诉求{code}「{title}」即将超期，办理期限{due}。",
    "overdue": "诉求{code}「{title}」已超期（期限{due}），已生成督办单。",
    "published": "【民心】您的诉求（查询码{code}）已答复，请查看并评价：{link}",
    "supervision": "督办：诉求{code}「{title}」，{note}，请于{due}前书面回复。",
    "merged": "【民心】您的诉求（查询码{code}）与同一事项的诉求{note}合并办理，进展和答复可凭原查询码查看。",
    "callback": "诉求{code}「{title}」逾期未评价，请回访诉求人。",
    "accept_overdue": "诉求{code}「{title}」受理已超时（期限{due}），已生成督办单，请立即受理。",
    "dispatch_overdue": "诉求{code}「{title}」派遣已超时（期限{due}），已生成督办单，请立即派遣。",
    "supervision_decide": "诉求{code}「{title}」：{note}。",
    "emergency": "【民心】紧急诉求{code}「{title}」：{reason}。请立即受理派遣（{due}前）。",
}
