"""The import/export framework alone (no database): read + check a 10,000-row, 22-column ledger-like .xlsx,
the same as GBK .csv, and write a 10,000-row export, an error workbook and a template."""
import csv
import datetime as dt
import io
import statistics
import time

N = 10_000
UNITS = [f"第{i}街道" for i in range(40)]


def columns():
    from tuijin.sheets.tabular import Column

    money = dict(kind="decimal", min_value=0)
    dates = ["签约日期", "计划开工日期", "实际开工日期", "计划竣工日期", "实际竣工日期", "计划投产日期", "实际投产日期"]
    return [
        Column("项目编号", "code", required=True, max_length=40),
        Column("项目名称", "name", required=True, max_length=200),
        Column("项目类别", "category", "choice", required=True,
               choices={"产业项目": "industry", "基础设施项目": "infrastructure", "社会民生项目": "livelihood"}),
        Column("是否外资", "is_foreign", "boolean"),
        Column("所属行业", "industry", max_length=60),
        Column("投资主体", "investor", max_length=200),
        Column("计划总投资(万元)", "planned_investment", required=True, **money),
        Column("年度计划投资(万元)", "year_planned_investment", **money),
        Column("责任单位", "unit", "lookup", required=True, lookup={u: i for i, u in enumerate(UNITS)}),
        Column("包挂领导", "sponsor", max_length=50),
        Column("责任人", "owner", max_length=50),
        Column("当前阶段", "stage", "choice", required=True, choices={"签约": "signed", "开工": "started"}),
        *(Column(h, f"date{i}", "date") for i, h in enumerate(dates)),
        Column("经度", "longitude", "decimal", min_value=-180, max_value=180),
        Column("纬度", "latitude", "decimal", min_value=-90, max_value=90),
        Column("备注", "note"),
    ]


def rows():
    out = []
    for i in range(N):
        signed = dt.date(2023, 1 + i % 12, 1 + i % 28)
        started = signed + dt.timedelta(days=90) if i % 3 else None
        out.append([f"P{i:06d}", f"测试项目{i}", "产业项目", "是" if i % 7 == 0 else "否", "新材料", "某某科技有限公司",
                    10000 + i * 0.5, "3,000", UNITS[i % len(UNITS)], "刘主任", "王磊", "开工" if started else "签约",
                    signed, f"{signed:%Y/%-m/%-d}", started, signed + dt.timedelta(days=500), None,
                    f"{signed.year + 1}年6月30日", None, 119.123456, 33.5, "备注" if i % 5 == 0 else None])
    return out


def workbook(header, data_rows) -> bytes:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("项目台账")
    ws.append(header)
    for r in data_rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def timed(fn, repeat=3):
    times, result = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), result


def run():
    from tuijin.sheets.tabular import (error_workbook, export_workbook, parse_table, read_table,
                                         template_workbook)

    cols = columns()
    data_rows = rows()
    xlsx = workbook([c.header for c in cols], data_rows)
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow([c.header for c in cols])
    writer.writerows(data_rows)
    gbk = text.getvalue().encode("gb18030")

    read_s, table = timed(lambda: read_table(xlsx, "ledger.xlsx"))
    parse_s, result = timed(lambda: parse_table(table, cols, key="code"))
    assert result.ok and len(result.rows) == N, result.errors[:3]
    total_s, _ = timed(lambda: parse_table(read_table(xlsx, "ledger.xlsx"), cols, key="code"))
    csv_s, csv_result = timed(lambda: parse_table(read_table(gbk, "ledger.csv"), cols, key="code"))
    assert csv_result.ok and len(csv_result.rows) == N

    export_rows = [dict(r.values, unit=UNITS[r.values["unit"]]) for r in result.rows]
    export_s, exported = timed(lambda: export_workbook(cols, export_rows, title="项目台账"))
    back = parse_table(read_table(exported, "export.xlsx"), cols, key="code")
    assert back.ok and [r.values for r in back.rows] == [r.values for r in result.rows], "export must re-import"

    bad = [list(r) for r in data_rows]
    for i in range(0, N, 10):
        bad[i][6] = "约100"  # 1,000 bad cells
    bad_table = read_table(workbook([c.header for c in cols], bad), "bad.xlsx")
    bad_result = parse_table(bad_table, cols, key="code")
    assert len(bad_result.errors) == N // 10
    errors_s, _ = timed(lambda: error_workbook(bad_table, bad_result.errors))
    template_s, _ = timed(lambda: template_workbook(cols, title="项目台账", lists={"unit": UNITS}))

    size = f"{N:,} rows × {len(cols)} columns"
    return [
        {"benchmark": f"exchange: read .xlsx ({size}, {len(xlsx) / 1e6:.1f} MB) with calamine", "figure": read_s,
         "unit": "s", "limit": ""},
        {"benchmark": f"exchange: check every cell ({size})", "figure": parse_s, "unit": "s", "limit": ""},
        {"benchmark": f"exchange: read + check .xlsx ({size})", "figure": total_s, "unit": "s",
         "limit": "part of ≤ 5 s import"},
        {"benchmark": f"exchange: read + check GBK .csv ({size})", "figure": csv_s, "unit": "s", "limit": ""},
        {"benchmark": f"exchange: write export ({size})", "figure": export_s, "unit": "s", "limit": ""},
        {"benchmark": f"exchange: write error workbook ({size}, 1,000 bad cells)", "figure": errors_s, "unit": "s",
         "limit": ""},
        {"benchmark": "exchange: write template (22 columns, drop-downs)", "figure": template_s, "unit": "s",
         "limit": ""},
    ]


if __name__ == "__main__":
    for row in run():
        print(f"{row['benchmark']:<75} {row['figure']:8.3f} {row['unit']}  {row['limit']}")
