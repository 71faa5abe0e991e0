"""Administrative divisions (GB/T 2260): the shipped table, address parsing, the dependent selects
and their validation on pages and API, the regions API."""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from core.models import ObjectChange
from customers import regions
from customers.models import Customer
from customers.regions import parse_address
from customers.tests.factories import CustomerFactory

# --- the table ---------------------------------------------------------------------------------


def test_the_table_has_every_province_and_about_3200_rows():
    assert len(regions.provinces()) == 34  # 23 provinces, 5 autonomous regions, 4 municipalities, HK, Macao
    assert 3100 < len(regions.all_regions()) < 3400
    assert regions.get("440305").name == "南山区"
    assert [r.name for r in regions.path("440305")] == ["广东省", "深圳市", "南山区"]
    assert [r.name for r in regions.path("110105")] == ["北京市", "北京市", "朝阳区"]
    assert regions.get("150000").name == "内蒙古自治区"
    assert regions.get("429004").level == regions.CITY  # 仙桃市, governed by the province directly
    assert regions.children("441900") == []  # 东莞市 has no districts
    assert {r.name for r in regions.children("330100")} >= {"西湖区", "余杭区", "临平区", "钱塘区"}  # 2021 changes
    for region in regions.all_regions():
        assert len(region.code) == 6 and region.code.isdigit()
        if region.parent:
            assert regions.get(region.parent) is not None


# --- parse_address: real-world addresses --------------------------------------------------------

PARSED = [
    ("北京市朝阳区建国路88号SOHO现代城", ("北京市", "北京市", "朝阳区"), "110105"),
    ("北京市海淀区中关村大街1号", ("北京市", "北京市", "海淀区"), "110108"),
    ("北京海淀中关村软件园", ("北京市", "北京市", "海淀区"), "110108"),
    ("中国北京市东城区王府井大街", ("北京市", "北京市", "东城区"), "110101"),
    ("北京市北京市西城区金融大街", ("北京市", "北京市", "西城区"), "110102"),
    ("上海市浦东新区世纪大道100号", ("上海市", "上海市", "浦东新区"), "310115"),
    ("上海浦东新区张江高科技园区", ("上海市", "上海市", "浦东新区"), "310115"),
    ("上海市徐汇区漕溪北路", ("上海市", "上海市", "徐汇区"), "310104"),
    ("天津市滨海新区经济技术开发区", ("天津市", "天津市", "滨海新区"), "120116"),
    ("天津河北区中山路", ("天津市", "天津市", "河北区"), "120105"),
    ("重庆市渝中区解放碑", ("重庆市", "重庆市", "渝中区"), "500103"),
    ("重庆市城口县葛城街道", ("重庆市", "重庆市", "城口县"), "500229"),
    ("广东省深圳市南山区科技园", ("广东省", "深圳市", "南山区"), "440305"),
    ("深圳南山区粤海街道", ("广东省", "深圳市", "南山区"), "440305"),
    ("深圳南山科技园", ("广东省", "深圳市", "南山区"), "440305"),
    ("广东深圳福田区深南大道", ("广东省", "深圳市", "福田区"), "440304"),
    ("广州天河区天河路", ("广东省", "广州市", "天河区"), "440106"),
    ("广东省东莞市东城街道", ("广东省", "东莞市", ""), "441900"),
    ("内蒙古自治区呼和浩特市新城区", ("内蒙古自治区", "呼和浩特市", "新城区"), "150102"),
    ("内蒙古包头市昆都仑区钢铁大街", ("内蒙古自治区", "包头市", "昆都仑区"), "150203"),
    ("新疆乌鲁木齐市天山区", ("新疆维吾尔自治区", "乌鲁木齐市", "天山区"), "650102"),
    ("广西南宁市青秀区民族大道", ("广西壮族自治区", "南宁市", "青秀区"), "450103"),
    ("宁夏回族自治区银川市金凤区", ("宁夏回族自治区", "银川市", "金凤区"), "640106"),
    ("西藏拉萨市城关区", ("西藏自治区", "拉萨市", "城关区"), "540102"),
    ("吉林省长春市朝阳区", ("吉林省", "长春市", "朝阳区"), "220104"),
    ("吉林市船营区", ("吉林省", "吉林市", "船营区"), "220204"),
    ("延边朝鲜族自治州延吉市", ("吉林省", "延边朝鲜族自治州", "延吉市"), "222401"),
    ("湖北省仙桃市", ("湖北省", "仙桃市", ""), "429004"),
    ("浙江杭州西湖区文三路", ("浙江省", "杭州市", "西湖区"), "330106"),
    ("江苏省苏州市工业园区星湖街", ("江苏省", "苏州市", ""), "320500"),
    ("四川省成都市高新区天府大道", ("四川省", "成都市", ""), "510100"),
    ("石家庄长安区", ("河北省", "石家庄市", "长安区"), "130102"),
    ("山东青岛黄岛区", ("山东省", "青岛市", "黄岛区"), "370211"),
    ("浦东新区张江路", ("上海市", "上海市", "浦东新区"), "310115"),
    ("广 东 省 深 圳 市 南 山 区", ("广东省", "深圳市", "南山区"), "440305"),
    ("广东省", ("广东省", "", ""), "440000"),
    ("香港特别行政区", ("香港特别行政区", "", ""), "810000"),
]

REFUSED = [
    "",
    "  ",
    "hello world",
    "1600 Amphitheatre Parkway, Mountain View",
    "朝阳区建国路88号",  # 北京 and 长春 both have a 朝阳区
    "南京路100号",  # a street, not the city
    "中山路8号",
    "中山大道西",
    "长安街1号",
    "北京饭店",
    "某某科技有限公司",
    "鼓楼区",  # in 福州, 南京, 徐州, 开封…
]


@pytest.mark.parametrize("text, names, code", PARSED)
def test_parse_address(text, names, code):
    parsed = parse_address(text)
    assert (parsed.province, parsed.city, parsed.district) == names
    assert parsed.code == code
    province, city, district, codes = parsed  # unpacks as (province, city, district, codes)
    assert codes[0] == code[:2] + "0000"


@pytest.mark.parametrize("text", REFUSED)
def test_parse_address_refuses_when_unsure(text):
    parsed = parse_address(text)
    assert not parsed and tuple(parsed) == ("", "", "", ("", "", ""))


def test_at_least_30_real_world_cases():
    assert len(PARSED) + len(REFUSED) >= 45 and len(REFUSED) >= 10


def test_parse_address_takes_hostile_input():
    for text in ("\x00北京", "北" * 100_000, "🙂深圳南山", "\u202e广东省", None, 12345):
        parse_address(text)  # no exception


# --- resolve: the dependent selects' rule ------------------------------------------------------


def test_resolve_fills_upper_levels_and_writes_names_the_standard_way():
    assert regions.resolve("北京", "", "朝阳区") == ("北京市", "北京市", "朝阳区", "110105")
    assert regions.resolve("", "深圳", "南山") == ("广东省", "深圳市", "南山区", "440305")
    assert regions.resolve("", "", "") == ("", "", "", "")
    assert regions.resolve("内蒙古", "", "") == ("内蒙古自治区", "", "", "150000")


@pytest.mark.parametrize("values, field", [
    (("广东省", "上海市", ""), "city"),
    (("广东省", "深圳市", "朝阳区"), "district"),
    (("火星", "", ""), "province"),
    (("", "", "朝阳区"), "district"),
    (("", "不存在市", ""), "city"),
])
def test_resolve_refuses_what_does_not_belong(values, field):
    with pytest.raises(ValidationError) as error:
        regions.resolve(*values)
    assert list(error.value.message_dict) == [field]


# --- pages and API ------------------------------------------------------------------------------


@pytest.fixture
def seller_client(world):
    client = Client()
    client.force_login(world.seller1)
    return client


@pytest.mark.django_db
def test_api_stores_the_names_and_code(seller_client):
    response = seller_client.post("/api/customers/customers/", {"name": "地区甲有限公司", "province": "广东",
                                                                "city": "深圳", "district": "南山"},
                                  content_type="application/json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["province"], body["city"], body["district"], body["region_code"]) == \
        ("广东省", "深圳市", "南山区", "440305")


@pytest.mark.django_db
@pytest.mark.parametrize("values, field", [
    ({"province": "广东省", "city": "杭州市"}, "city"),
    ({"province": "广东省", "city": "深圳市", "district": "西湖区"}, "district"),
    ({"province": "Atlantis"}, "province"),
    ({"city": "朝阳区"}, "city"),  # a district (of 北京 and of 长春), not a city
])
def test_api_refuses_a_city_outside_its_province_with_a_400(seller_client, values, field):
    before = (Customer.objects.count(), ObjectChange.objects.count())
    response = seller_client.post("/api/customers/customers/", {"name": "地区乙有限公司", **values},
                                  content_type="application/json")
    assert response.status_code == 400
    assert field in response.json() and response.json()[field]
    assert (Customer.objects.count(), ObjectChange.objects.count()) == before


@pytest.mark.django_db
def test_api_patch_of_the_city_keeps_province_and_code_consistent(seller_client, world):
    customer = CustomerFactory(owner=world.seller1, province="广东省", city="深圳市", district="南山区",
                               region_code="440305")
    url = f"/api/customers/customers/{customer.pk}/"
    etag = seller_client.get(url)["ETag"]
    response = seller_client.patch(url, {"city": "广州市", "district": ""}, content_type="application/json",
                                   HTTP_IF_MATCH=etag)
    assert response.status_code == 200, response.content
    customer.refresh_from_db()
    assert (customer.province, customer.city, customer.district, customer.region_code) == \
        ("广东省", "广州市", "", "440100")
    etag = response["ETag"]
    response = seller_client.patch(url, {"city": "杭州市"}, content_type="application/json", HTTP_IF_MATCH=etag)
    assert response.status_code == 400 and "city" in response.json()
    customer.refresh_from_db()
    assert customer.city == "广州市"


@pytest.mark.django_db
def test_page_refuses_a_district_of_another_city_beside_the_field(seller_client):
    response = seller_client.post("/customers/add/", {"name": "地区丙有限公司", "kind": "company",
                                                      "level": "potential", "province": "北京市",
                                                      "city": "北京市", "district": "南山区"})
    assert response.status_code == 400
    assert 'data-field-error="district"' in response.content.decode()
    assert not Customer.objects.filter(name="地区丙有限公司").exists()
    response = seller_client.post("/customers/add/", {"name": "地区丙有限公司", "kind": "company",
                                                      "level": "potential", "province": "北京市",
                                                      "city": "北京市", "district": "朝阳区"})
    assert response.status_code == 302
    assert Customer.objects.get(name="地区丙有限公司").region_code == "110105"


@pytest.mark.django_db
def test_form_offers_the_cities_of_the_chosen_province(seller_client, world):
    customer = CustomerFactory(owner=world.seller1, province="广东省", city="深圳市", district="南山区",
                               region_code="440305")
    page = seller_client.get(f"/customers/{customer.pk}/edit/").content.decode()
    city_select = page[page.index('name="city"'):page.index("</select>", page.index('name="city"'))]
    assert "广州市" in city_select and "杭州市" not in city_select
    assert 'value="深圳市" selected' in city_select
    assert 'hx-get="/customers/regions/options/?level=city"' in page


@pytest.mark.django_db
def test_region_options_htmx(seller_client):
    cities = seller_client.get("/customers/regions/options/", {"level": "city", "province": "浙江省"})
    html = cities.content.decode()
    assert cities.status_code == 200 and "杭州市" in html and "深圳市" not in html
    assert 'id="id_district" hx-swap-oob="innerHTML"' in html  # the districts empty out
    districts = seller_client.get("/customers/regions/options/",
                                  {"level": "district", "province": "浙江省", "city": "杭州市"}).content.decode()
    assert "西湖区" in districts and "南山区" not in districts
    nonsense = seller_client.get("/customers/regions/options/", {"level": "city", "province": "<script>"})
    assert nonsense.status_code == 200 and "<script>" not in nonsense.content.decode()


@pytest.mark.django_db
def test_fill_from_address_htmx(seller_client):
    response = seller_client.get("/customers/regions/fill/", {"address": "深圳市南山区科技园"})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="region-fill-result"' in html and "广东省 深圳市 南山区" in html
    assert html.count('hx-swap-oob="true"') == 3
    assert 'value="南山区" selected' in html
    unsure = seller_client.get("/customers/regions/fill/", {"address": "朝阳区建国路"}).content.decode()
    assert "hx-swap-oob" not in unsure


@pytest.mark.django_db
def test_regions_api(seller_client):
    provinces = seller_client.get("/api/customers/regions/").json()
    assert len(provinces) == 34 and provinces[0] == {"code": "110000", "name": "北京市", "level": "province",
                                                    "parent": ""}
    cities = seller_client.get("/api/customers/regions/", {"parent": "440000"}).json()
    assert {"code": "440300", "name": "深圳市", "level": "city", "parent": "440000"} in cities
    assert seller_client.get("/api/customers/regions/", {"parent": "999999"}).status_code == 400
    assert seller_client.get("/api/customers/regions/", {"parent": "'; drop"}).status_code == 400
    parsed = seller_client.get("/api/customers/regions/", {"address": "广东省深圳市南山区"}).json()
    assert parsed["code"] == "440305" and parsed["codes"] == ["440000", "440300", "440305"]
    assert seller_client.get("/api/customers/regions/", {"address": "x" * 501}).status_code == 400
    assert Client().get("/api/customers/regions/").status_code in (401, 403)


@pytest.mark.django_db
def test_filter_by_region_code(seller_client, world):
    shenzhen = CustomerFactory(owner=world.seller1, province="广东省", city="深圳市", region_code="440300")
    nanshan = CustomerFactory(owner=world.seller1, province="广东省", city="深圳市", district="南山区",
                              region_code="440305")
    CustomerFactory(owner=world.seller1, province="浙江省", region_code="330000")
    ids = lambda params: {row["id"] for row in seller_client.get("/api/customers/customers/", params)  # noqa: E731
                          .json()["results"]}
    assert ids({"region": "440000"}) == {shenzhen.pk, nanshan.pk}
    assert ids({"region": "440305"}) == {nanshan.pk}
