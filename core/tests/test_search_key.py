from core.search import normalize, search_key_for


def test_key_holds_the_text_its_pinyin_and_initials():
    assert search_key_for([("杨", "建华")], person=True) == "杨建华 yangjianhua yjh"


def test_family_names_read_as_names_and_polyphones_by_phrase():
    assert "shanxiongxin" in search_key_for([("单", "雄信")], person=True).split()
    assert "chongqingyinhang" in search_key_for(["重庆银行"]).split()


def test_western_names_match_in_both_orders_and_queries_ignore_spaces_and_case():
    key = search_key_for([("Smith", "John")], person=True)
    assert normalize("John Smith") in key and normalize("SMITH john") in key
