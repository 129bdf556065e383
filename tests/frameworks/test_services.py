from __future__ import annotations

import shutil

import pytest
import yaml

from tests.conftest import LKE_2021
from zona.frameworks import selectors, services
from zona.frameworks.models import Framework, Item, Node
from zona.lke.framework import FrameworkInvalid

pytestmark = pytest.mark.django_db


def test_loading_shipped_files_twice_changes_nothing():
    first = services.frameworks_load_shipped()
    assert all(result.created for result in first)
    counts = (Framework.objects.count(), Node.objects.count(), Item.objects.count())
    second = services.frameworks_load_shipped()
    assert not any(result.created for result in second)
    assert (Framework.objects.count(), Node.objects.count(), Item.objects.count()) == counts


def test_loaded_2021_framework_has_its_items_and_tree_as_rows():
    services.framework_load_file(path=LKE_2021)
    fw = selectors.framework_get(code="permenpanrb-90-2021")
    assert fw is not None and fw.version == 1
    assert fw.items.count() == 113
    item = fw.items.get(code="A.I.1.i.a")
    assert item.indicator.code == "A.I.1.i" and item.indicator.parent.code == "A.I.1"
    assert item.area == 1 and item.answer_type == "YT"
    assert fw.nodes.get(code="A.I.5").kind == Node.Kind.AREA
    assert fw.nodes.get(code="A.II").kind == Node.Kind.ASPECT
    assert fw.engine().code == "permenpanrb-90-2021"


def test_a_changed_file_becomes_a_new_version_and_the_old_one_is_untouched(tmp_path):
    v1 = services.framework_load_file(path=LKE_2021).framework
    v1_hash, v1_items = v1.content_hash, v1.items.count()
    data = yaml.safe_load(LKE_2021.read_text(encoding="utf-8"))
    data["name"] = data["name"] + " (revisi)"
    changed = tmp_path / LKE_2021.name
    changed.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    v2 = services.framework_load_file(path=changed)
    assert v2.created and v2.framework.version == 2
    v1.refresh_from_db()
    assert (v1.content_hash, v1.items.count(), v1.name.endswith("(revisi)")) == (v1_hash, v1_items, False)
    assert selectors.framework_list().get(code=v1.code).version == 2
    assert services.framework_load_file(path=changed).created is False


def test_an_invalid_file_writes_nothing(tmp_path):
    bad = tmp_path / "bad.yaml"
    shutil.copy(LKE_2021, bad)
    bad.write_text(
        bad.read_text(encoding="utf-8").replace("weight: 0.5\n", "weight: 0.75\n", 1), encoding="utf-8"
    )
    with pytest.raises(FrameworkInvalid):
        services.framework_load_file(path=bad)
    assert Framework.objects.count() == 0 and Node.objects.count() == 0


def test_loading_a_framework_version_is_audited_once():
    from zona.audit.models import AuditEvent

    services.framework_load_file(path=LKE_2021)
    services.framework_load_file(path=LKE_2021)
    event = AuditEvent.objects.get(event="framework.loaded")
    assert event.changes["code"] == "permenpanrb-90-2021" and event.changes["items"] == 113
