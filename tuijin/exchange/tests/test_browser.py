"""In a real browser: the office uploads a file, reads the errors, fixes it, previews and confirms."""
import pytest

from tuijin.exchange.tests.helpers import xlsx
from tuijin.org.models import Unit

HEAD = ["单位名称", "类型", "上级单位", "考核分组", "排序"]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_upload_errors_then_preview_and_confirm(world, unit_importer, browser_page, live_server, login_in_browser,
                                                artifacts_dir, tmp_path):
    page = browser_page
    login_in_browser(page, live_server.url, "t_office", "tuijin2026")
    page.goto(live_server.url + "/exchange/test-units/import/")
    bad = tmp_path / "单位.xlsx"
    bad.write_bytes(xlsx([HEAD, ["新港园区", "片区", None, None, "约3"]]))
    page.set_input_files("input[name=file]", str(bad))
    page.click("#check-file")
    errors = page.inner_text("#import-errors")
    assert "第2行 类型: 「片区」不在可选值中" in errors and "第2行 排序: 不是有效的数字「约3」" in errors
    page.screenshot(path=str(artifacts_dir / "exchange-errors.png"), full_page=True)
    with page.expect_download() as download:
        page.click("#error-workbook")
    assert download.value.suggested_filename == "错误标注-单位.xlsx"

    good = tmp_path / "单位2.xlsx"
    good.write_bytes(xlsx([HEAD, ["新港园区", "园区", "党政办公室", None, 3]]))
    page.set_input_files("input[name=file]", str(good))
    page.click("#check-file")
    assert "新增 1 条,更新 0 条,未变 0 条" in page.inner_text("#import-preview")
    assert not Unit.objects.filter(name="新港园区").exists()
    page.screenshot(path=str(artifacts_dir / "exchange-preview.png"), full_page=True)
    page.click("#confirm-import")
    page.wait_for_load_state("networkidle")
    assert "新增 1 条" in page.inner_text("body")
    assert Unit.objects.get(name="新港园区").parent == world.office_unit
