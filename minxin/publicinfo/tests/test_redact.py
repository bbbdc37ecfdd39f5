from minxin.publicinfo.redact import find, redact


def kinds(text: str) -> list[tuple[str, str]]:
    return [(span.kind, span.text) for span in find(text)]


def test_it_masks_names_before_titles_and_after_contact_words():
    text = "金星村书记罗军建、主任谷斌海到场，联系人：邹军建。"
    assert redact(text) == "金星村书记罗某、主任谷某到场，联系人：邹某。"


def test_it_masks_mobile_and_landline_numbers_but_keeps_hotlines():
    text = "请拨打0731-88886666或手机13812345678，也可拨打12345或0731-12315。"
    assert kinds(text) == [("phone", "0731-88886666"), ("phone", "13812345678")]


def test_it_keeps_amounts_dates_ranges_and_document_numbers():
    text = "共计0000-00000000.04元，于2018-11-26，规模3000-4000羽，长价商【2014】92号文件。"
    assert find(text) == []


def test_it_masks_the_address_below_street_level_only():
    assert redact("住在湘江中路128号3栋2单元501室") == "住在湘江中路【详细地址】"
    assert redact("A2区桂花坪街道景蓉华苑小区") == "A2区桂花坪街道景蓉华苑小区"


def test_it_keeps_metro_lines_and_bus_routes():
    assert find("乘坐地铁2号线或902路公交") == []


def test_it_masks_id_numbers_and_plates():
    text = "身份证430102199001011234，车牌湘A12345"
    assert kinds(text) == [("id_number", "430102199001011234"), ("plate", "湘A12345")]


def test_it_masks_half_masked_names_and_a_contact_after_a_number():
    assert redact("王*林与刘*星于2002年结婚") == "王某与刘某于2002年结婚"
    assert redact("联系电话：0000-00000000（易强利）") == "联系电话：【电话】（易某）"


def test_it_leaves_already_masked_names_and_ordinary_words():
    assert find("负责人周某来到中队，谢谢！严格把关，杜绝违建。") == []
