"""In a real browser under the site's Content-Security-Policy: the standing chart is drawn from the page's JSON block
by the static script (no inline script, no style attribute), rank 1 at the top."""
import pytest

from tuijin.core.scope import SYSTEM
from tuijin.standing import services


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_standing_chart_draws_under_the_policy(world, browser_page, live_server, client_for):
    services.lists_load(member=SYSTEM)
    services.listing_set(member=SYSTEM, zone=world.zone_a, list_name="嘉兴经济技术开发区")
    services.goal_set(member=SYSTEM, zone=world.zone_a, kind="rank", target_rank=10, label="第一方阵")
    page = browser_page
    problems = []
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    # script errors and policy violations (a missing favicon is neither)
    page.on("console", lambda msg: problems.append(msg.text)
            if msg.type == "error" and "Failed to load resource" not in msg.text else None)
    from django.conf import settings

    session = client_for(world.leader).cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}])
    page.goto(live_server.url + "/standing/")
    page.wait_for_selector("#standing-chart canvas")
    assert not problems, problems
    # ECharts keeps the option it drew: the rank axis is inverted and the goal is drawn
    option = page.evaluate("() => { const c = echarts.getInstanceByDom(document.getElementById('standing-chart'));"
                           " const o = c.getOption(); return {inverse: o.yAxis[0].inverse, x: o.xAxis[0].data,"
                           " line: o.series[0].data, goal: o.series[0].markLine.data[0].yAxis}; }")
    assert option == {"inverse": True, "x": ["2018", "2020", "2021", "2022"], "line": [13, None, 19, 18], "goal": 10}
