"""The shared page flow: upload → preview → confirm; errors with the marked workbook; template; export."""
import io
import json
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from tuijin.core.models import ChangeLog
from tuijin.exchange.tests.helpers import xlsx
from tuijin.org.models import Unit

HEAD = ["单位名称", "类型", "上级单位", "考核分组", "排序"]
URL = "/exchange/test-units/import/"


def upload(client, rows=None, *, data=None, name="units.xlsx", **extra):
    f = SimpleUploadedFile(name, data if data is not None else xlsx(rows))
    return client.post(URL, {"file": f, **extra})


@pytest.mark.django_db
class TestImportPage:
    def test_page_lists_columns_with_their_rules(self, world, unit_importer, client_for):
        r = client_for(world.office).get(URL)
        html = r.content.decode()
        assert r.status_code == 200 and "单位名称" in html and "从下拉列表选择:办公室、部门" in html
        assert 'href="/exchange/test-units/template/"' in html

    def test_preview_writes_nothing_then_confirm_applies(self, world, unit_importer, client_for):
        c = client_for(world.office)
        before = Unit.objects.count()
        r = upload(c, [HEAD, ["新港园区", "园区", "党政办公室", None, 3], ["钵池街道", "街道", "党政办公室", "B", 0]])
        html = r.content.decode()
        assert 'id="import-preview"' in html and "新增 1 条,更新 1 条,未变 0 条" in html
        assert "新港园区" in html and Unit.objects.count() == before
        assert Unit.objects.get(pk=world.street1.pk).group == "街道"
        token = r.context["token"]
        r = c.post(URL, {"token": token, "confirmed": "1", "next": "/org/units/"})
        assert r.status_code == 302 and r["Location"] == "/org/units/"
        assert Unit.objects.count() == before + 1 and Unit.objects.get(pk=world.street1.pk).group == "B"
        park = Unit.objects.get(name="新港园区")
        assert ChangeLog.objects.filter(object_id=park.pk, username="t_office", action="create").exists()
        assert c.post(URL, {"token": token, "confirmed": "1"}).status_code == 404  # used once

    def test_errors_listed_and_marked_workbook_offered_to_its_owner_only(self, world, unit_importer, client_for):
        c = client_for(world.office)
        r = upload(c, [HEAD, ["东区", "片区", None, None, None], ["西区", "街道", "无名单位", None, None]])
        html = r.content.decode()
        assert 'id="import-errors"' in html and "发现 2 处错误,未导入任何数据" in html
        assert "第2行 类型: 「片区」不在可选值中" in html and "第3行 上级单位: 未知的上级单位「无名单位」" in html
        assert "token" not in r.context and not Unit.objects.filter(name__in=["东区", "西区"]).exists()
        url = f"/exchange/errors/{r.context['error_token']}/"
        got = c.get(url)
        assert got.status_code == 200 and got["Content-Type"].startswith("application/vnd.openxmlformats")
        assert "filename*=UTF-8''" in got["Content-Disposition"]
        ws = load_workbook(io.BytesIO(got.content)).active
        assert ws["B2"].comment.text.startswith("「片区」不在可选值中") and ws["F3"].value.startswith("第3行 上级单位")
        assert client_for(world.admin).get(url).status_code == 403

    def test_header_errors_also_get_the_marked_workbook(self, world, unit_importer, client_for):
        r = upload(client_for(world.office), [["单位名称", "类别"], ["甲", "街道"]])
        html = r.content.decode()
        assert "表头与模板不符" in html and "第1行 类别: 不认识的表头(第2列)" in html and r.context["error_token"]

    @pytest.mark.parametrize("data, words", [
        (b"\x89PNG\r\n\x1a\n\x00\x00", "文件不是有效的 Excel 或 CSV 表格"),
        ("<html><table><tr><td>单位名称</td></tr></table></html>".encode(), "网页(HTML/XML)格式"),
    ])
    def test_not_a_spreadsheet(self, world, unit_importer, client_for, data, words):
        r = upload(client_for(world.office), data=data, name="units.xls")
        assert words in r.content.decode() and "error_token" not in r.context

    def test_csv_in_gbk_through_the_page(self, world, unit_importer, client_for):
        data = "单位名称,类型,上级单位,考核分组,排序\n新港园区,园区,,,1\n".encode("gbk")
        r = upload(client_for(world.office), data=data, name="units.csv")
        assert "新增 1 条" in r.content.decode()

    def test_no_file_and_too_big(self, world, unit_importer, client_for, monkeypatch):
        c = client_for(world.office)
        assert "请选择要上传的文件" in c.post(URL, {}).content.decode()
        from tuijin.exchange import views

        monkeypatch.setattr(views, "MAX_BYTES", 10)
        assert "文件过大" in upload(c, [HEAD]).content.decode()

    def test_refused_by_the_service_says_so(self, world, unit_importer, client_for):
        r = upload(client_for(world.staff1), [HEAD, ["新港园区", "园区", None, None, None]])
        assert "导入被拒绝" in r.content.decode() and not Unit.objects.filter(name="新港园区").exists()

    def test_leader_may_not_import(self, world, unit_importer, client_for):
        assert client_for(world.leader).get(URL).status_code == 403
        assert upload(client_for(world.leader), [HEAD]).status_code == 403

    def test_anonymous_is_sent_to_sign_in(self, world, unit_importer, client):
        r = client.get(URL)
        assert r.status_code == 302 and "/accounts/login/" in r["Location"]

    def test_unknown_importer(self, world, client_for):
        assert client_for(world.office).get("/exchange/nope/import/").status_code == 404

    def test_tokens_are_checked(self, world, unit_importer, client_for, settings):
        c = client_for(world.office)
        r = upload(c, [HEAD, ["新港园区", "园区", None, None, None]])
        token = r.context["token"]
        assert client_for(world.office_b).post(URL, {"token": token}).status_code == 403  # another member
        assert c.post(URL, {"token": "../../etc/passwd"}).status_code == 404
        assert c.post(URL, {"token": "A" * 32}).status_code == 404
        from django.core.files.base import ContentFile
        from django.core.files.storage import default_storage

        meta = f"imports/{token}.json"  # kept through the storage API (every server reads it)
        info = json.loads(default_storage.open(meta).read())
        info["time"] = time.time() - 7200  # left unconfirmed for two hours
        default_storage.delete(meta)
        default_storage.save(meta, ContentFile(json.dumps(info).encode()))
        assert c.post(URL, {"token": token, "confirmed": "1"}).status_code == 404
        assert not Unit.objects.filter(name="新港园区").exists()

    def test_old_uploads_are_purged(self, world, unit_importer, client_for, settings):
        from tuijin.exchange.uploads import purge_uploads

        from django.core.files.storage import default_storage

        purge_uploads(now=time.time() + 3 * 3600)  # what earlier tests left
        token = upload(client_for(world.office), [HEAD, ["新港园区", "园区", None, None, None]]).context["token"]
        assert sorted(default_storage.listdir("imports")[1]) == [f"{token}.bin", f"{token}.json"]
        assert purge_uploads() == 0  # not old yet
        assert purge_uploads(now=time.time() + 3 * 3600) == 1 and not default_storage.listdir("imports")[1]


@pytest.mark.django_db
def test_template_and_export_downloads(world, unit_importer, client_for):
    c = client_for(world.office)
    r = c.get("/exchange/test-units/template/")
    wb = load_workbook(io.BytesIO(r.content))
    assert r.status_code == 200 and [x.value for x in wb.active[1]] == HEAD and "填写说明" in wb.sheetnames
    r = c.get("/exchange/test-units/export/?kind=street")
    rows = [[x.value for x in row] for row in load_workbook(io.BytesIO(r.content)).active.iter_rows(min_row=2)]
    assert [row[0] for row in rows] == ["钵池街道", "枚乘街道"]
    # Exports go through the data scope: unit staff see their own unit only.
    r = client_for(world.staff1).get("/exchange/test-units/export/")
    rows = [[x.value for x in row] for row in load_workbook(io.BytesIO(r.content)).active.iter_rows(min_row=2)]
    assert [row[0] for row in rows] == ["钵池街道"]


@pytest.mark.django_db
def test_action_buttons_snippet(world, unit_importer, rf):
    from django.template.loader import render_to_string

    request = rf.get("/org/units/?kind=street")
    html = render_to_string("exchange/_actions.html", {"name": "test-units", "member": world.office,
                                                      "request": request, "query": "kind=street"})
    assert 'href="/exchange/test-units/import/?next=/org/units/%3Fkind%3Dstreet"' in html
    assert 'href="/exchange/test-units/export/?kind=street"' in html
    html = render_to_string("exchange/_actions.html", {"name": "test-units", "member": world.leader,
                                                      "request": request})
    assert "/import/" not in html and 'href="/exchange/test-units/template/"' in html


@pytest.mark.django_db
class TestLargeImportInTheBackground:
    """At TUIJIN_IMPORT_BACKGROUND_ROWS data rows or more, the confirmed import is a background job (the immediate
    backend runs it at once under tests); the page follows the job and shows its summary or its reason."""

    def test_confirmed_import_runs_as_a_job_and_the_page_shows_its_summary(self, world, unit_importer, client_for,
                                                                          settings):
        from tuijin.core.models import Job

        settings.TUIJIN_IMPORT_BACKGROUND_ROWS = 2
        c = client_for(world.office)
        token = upload(c, [HEAD, ["新港园区", "园区", "党政办公室", None, 3], ["东港园区", "园区", None, None, 4]]
                       ).context["token"]
        r = c.post(URL, {"token": token, "confirmed": "1"})
        job = Job.objects.get(kind="import")
        assert r.status_code == 302 and r["Location"] == f"{URL}?job={job.pk}"
        assert job.state == "done" and job.user_id == world.office.user_id
        assert Unit.objects.filter(name__in=["新港园区", "东港园区"]).count() == 2
        assert ChangeLog.objects.filter(username="t_office", action="create", object_id__in=Unit.objects.filter(
            name="新港园区").values("pk")).exists()
        html = c.get(r["Location"]).content.decode()
        assert 'id="import-job"' in html and "新增 2 条" in html
        assert client_for(world.staff1).get(r["Location"]).status_code == 404  # another member's job
        assert c.get(f"{URL}?job=abc").status_code == 404 and c.get(f"{URL}?job=99999999").status_code == 404

    def test_a_refusal_fails_the_job_with_the_reason_and_writes_nothing(self, world, unit_importer, client_for,
                                                                       settings):
        from tuijin.core.models import Job

        settings.TUIJIN_IMPORT_BACKGROUND_ROWS = 1
        c = client_for(world.office)
        token = upload(c, [HEAD, ["新港园区", "园区", "党政办公室", None, 3]]).context["token"]
        Unit.objects.create(zone=world.zone_a, name="新港园区", kind="park", path="/")  # taken meanwhile
        before = Unit.objects.count()
        r = c.post(URL, {"token": token, "confirmed": "1"})
        job = Job.objects.get(kind="import")
        assert job.state == "failed" and "未导入任何数据" in job.error
        assert Unit.objects.count() == before
        assert "未导入任何数据" in c.get(r["Location"]).content.decode()
