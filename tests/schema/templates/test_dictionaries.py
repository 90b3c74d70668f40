"""Dictionaries: bulk loaded trees, read lazily one level at a time."""

from typing import Any

from tests.support import OrgBuilder
from workorder.ids import pk_of
from workorder.models import Dictionary, DictionaryItem

CREATE = """mutation($input: CreateDictionaryInput!) { createDictionary(input: $input) {
  dictionary { id name items { id value label } } errors { code message field } } }"""
LOAD = """mutation($input: LoadDictionaryItemsInput!) { loadDictionaryItems(input: $input) {
  dictionary { items(includeInactive: true) { value label active children { value } } }
  errors { code message field } } }"""


async def _regions(org: OrgBuilder) -> dict[str, Any]:
    made = await org.as_admin(
        CREATE,
        {
            "input": {
                "name": "Regions",
                "items": [
                    {
                        "value": "zj",
                        "label": "Zhejiang",
                        "children": [
                            {"value": "hz", "label": "Hangzhou"},
                            {"value": "nb", "label": "Ningbo"},
                        ],
                    },
                    {"value": "js", "label": "Jiangsu"},
                ],
            }
        },
    )
    assert made["createDictionary"]["errors"] == []
    dictionary: dict[str, Any] = made["createDictionary"]["dictionary"]
    return dictionary


async def test_bulk_load_merges_by_value_and_keeps_ids(org):
    regions = await _regions(org)
    zj_id = regions["items"][0]["id"]
    merged = await org.as_admin(
        LOAD,
        {
            "input": {
                "dictionaryId": regions["id"],
                "items": [
                    {
                        "value": "zj",
                        "label": "Zhejiang Province",
                        "children": [{"value": "wz", "label": "Wenzhou"}],
                    },
                    {"value": "gd", "label": "Guangdong", "active": False},
                ],
            }
        },
    )
    assert merged["loadDictionaryItems"]["errors"] == []
    items = merged["loadDictionaryItems"]["dictionary"]["items"]
    assert [(i["value"], i["label"], i["active"]) for i in items] == [
        ("zj", "Zhejiang Province", True),
        ("js", "Jiangsu", True),
        ("gd", "Guangdong", False),
    ]
    assert [c["value"] for c in items[0]["children"]] == ["hz", "nb", "wz"]
    kept = await DictionaryItem.get(value="zj")
    assert kept.id == pk_of(zj_id, "DictionaryItem")
    active_only = await org.as_admin(
        "query($id: ID!) { dictionary(id: $id) { items { value } } }", {"id": regions["id"]}
    )
    assert [i["value"] for i in active_only["dictionary"]["items"]] == ["zj", "js"]


async def test_replace_loads_one_level_from_scratch(org):
    regions = await _regions(org)
    zj = regions["items"][0]["id"]
    replaced = await org.as_admin(
        LOAD,
        {
            "input": {
                "dictionaryId": regions["id"],
                "parentId": zj,
                "replace": True,
                "items": [{"value": "sx", "label": "Shaoxing"}],
            }
        },
    )
    assert replaced["loadDictionaryItems"]["errors"] == []
    level = await org.as_admin(
        """query($id: ID!, $parent: ID!) { dictionary(id: $id) {
           items(parentId: $parent) { value parent { value } } } }""",
        {"id": regions["id"], "parent": zj},
    )
    assert level["dictionary"]["items"] == [{"value": "sx", "parent": {"value": "zj"}}]


async def test_items_are_edited_and_removed_with_their_subtree(org):
    regions = await _regions(org)
    zj = regions["items"][0]["id"]
    updated = await org.as_admin(
        """mutation($id: ID!) { updateDictionaryItem(input: {id: $id, label: "ZJ",
           active: false, position: 5}) { item { value label active position } errors { code } } }""",
        {"id": zj},
    )
    assert updated["updateDictionaryItem"]["item"] == {
        "value": "zj",
        "label": "ZJ",
        "active": False,
        "position": 5,
    }
    removed = await org.as_admin(
        """mutation($id: ID!) { removeDictionaryItem(input: {id: $id}) {
           dictionary { items(includeInactive: true) { value } } errors { code } } }""",
        {"id": zj},
    )
    assert removed["removeDictionaryItem"]["dictionary"]["items"] == [{"value": "js"}]
    assert await DictionaryItem.all().count() == 1


async def test_bad_dictionary_input_changes_nothing(org):
    regions = await _regions(org)
    before = await DictionaryItem.all().count()
    cases = [
        ([{"value": "a"}, {"value": "a"}], ["items", "1", "value"]),
        ([{"value": "  "}], ["items", "0", "value"]),
        (
            [{"value": "ok", "children": [{"value": "x"}, {"value": "x"}]}],
            ["items", "0", "children", "1", "value"],
        ),
    ]
    for items, field in cases:
        result = await org.as_admin(
            LOAD, {"input": {"dictionaryId": regions["id"], "items": items}}
        )
        assert result["loadDictionaryItems"]["errors"][0]["field"] == field
    deep: dict[str, Any] = {"value": "v0"}
    node = deep
    for level in range(1, 10):
        node["children"] = [{"value": f"v{level}"}]
        node = node["children"][0]
    too_deep = await org.as_admin(LOAD, {"input": {"dictionaryId": regions["id"], "items": [deep]}})
    assert too_deep["loadDictionaryItems"]["errors"][0]["code"] == "INVALID"
    assert await DictionaryItem.all().count() == before
    duplicate = await org.as_admin(CREATE, {"input": {"name": "Regions"}})
    assert duplicate["createDictionary"]["errors"][0]["code"] == "CONFLICT"
    assert await Dictionary.all().count() == 1


async def test_dictionaries_of_another_tenant_are_invisible(org, api):
    regions = await _regions(org)
    other = await OrgBuilder.create(api, "globex")
    token = await other.token()
    seen = await api.ok(
        """query($id: ID!, $item: ID!) { dictionary(id: $id) { name } node(id: $item) { id }
           dictionaries { totalCount } }""",
        {"id": regions["id"], "item": regions["items"][0]["id"]},
        token=token,
    )
    assert seen == {"dictionary": None, "node": None, "dictionaries": {"totalCount": 0}}
    sneaky = await api.ok(
        LOAD, {"input": {"dictionaryId": regions["id"], "items": [{"value": "x"}]}}, token=token
    )
    assert sneaky["loadDictionaryItems"]["errors"][0]["code"] == "NOT_FOUND"
