"""The facilitator's timing record: phases run on a real server with an injected clock, then
read back from every export format with exact figures.

The scheduler is not running; the test moves the fake clock and fires deadlines itself.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime
from typing import Any

import httpx
from conftest import FakeClock, RunningServer, Workshop, create_workshop
from docx import Document


async def act(http: httpx.AsyncClient, workshop: Workshop, action: str,
              seconds: int | None = None) -> None:
    body: dict[str, Any] = {"action": action}
    if seconds is not None:
        body["seconds"] = seconds
    r = await http.post(f"/api/workshops/{workshop.code}/phase", json=body,
                        headers=workshop.auth)
    assert r.status_code == 200, r.text


async def export(http: httpx.AsyncClient, workshop: Workshop, fmt: str,
                 **params: str) -> httpx.Response:
    r = await http.get(f"/api/workshops/{workshop.code}/export",
                       params={"format": fmt, **params}, headers=workshop.auth)
    assert r.status_code == 200, r.text
    return r


async def timing(http: httpx.AsyncClient, workshop: Workshop) -> list[dict[str, Any]]:
    record: list[dict[str, Any]] = (await export(http, workshop, "json")).json()["timing"]
    return record


def iso(t0: float, offset: float) -> str:
    return datetime.fromtimestamp(t0 + offset, UTC).isoformat(timespec="seconds")


def figures(entry: dict[str, Any]) -> tuple[Any, ...]:
    return (entry["key"], entry["planned_minutes"], entry["actual_seconds"],
            entry["paused_seconds"], entry["extended_seconds"], entry["ended_by"])


async def test_start_pause_extend_next_timer_and_close_give_exact_figures_in_every_format(
    server: RunningServer, http: httpx.AsyncClient, clock: FakeClock,
) -> None:
    workshop = await create_workshop(http, "activity-2", groups=2)
    t0 = clock.now
    lobby = await timing(http, workshop)
    assert [e["state"] for e in lobby] == ["not_reached"] * 5
    assert [e["planned_minutes"] for e in lobby] == [10, 15, 15, 20, None]

    await act(http, workshop, "start")                     # 08:00 individual, 10 min
    clock.now = t0 + 180
    await act(http, workshop, "pause")                     # 08:03 pause…
    clock.now = t0 + 300
    await act(http, workshop, "resume")                    # …for 2 min
    clock.now = t0 + 360
    await act(http, workshop, "extend", 300)               # 08:06 +5 min
    clock.now = t0 + 600
    await act(http, workshop, "next")                      # 08:10 moved on early
    clock.now = t0 + 1500                                  # 15 min later: the timer
    assert await server.services.phases.fire_due() >= 1
    clock.now = t0 + 2430                                  # fired 30 s late: ends at 08:40
    assert await server.services.phases.fire_due() >= 1
    clock.now = t0 + 2460
    await act(http, workshop, "pause")                     # 08:41 pause…
    clock.now = t0 + 2490
    await act(http, workshop, "extend", 120)               # +2 min while paused
    clock.now = t0 + 2520
    await act(http, workshop, "resume")                    # …for 1 min
    clock.now = t0 + 3000
    await act(http, workshop, "next")                      # 08:50 plenary
    clock.now = t0 + 3600
    await act(http, workshop, "next")                      # 09:00 closed

    record = await timing(http, workshop)
    assert [figures(e) for e in record] == [
        ("individual", 10, 480, 120, 300, "early"),
        ("groups-procedures", 15, 900, 0, 0, "timer"),
        ("toolkit", 15, 900, 0, 0, "timer"),
        ("groups-action", 20, 540, 60, 120, "early"),
        ("plenary", None, 600, 0, 0, "closed"),
    ]
    assert [(e["started_at"], e["ended_at"]) for e in record] == [
        (iso(t0, 0), iso(t0, 600)), (iso(t0, 600), iso(t0, 1500)),
        (iso(t0, 1500), iso(t0, 2400)), (iso(t0, 2400), iso(t0, 3000)),
        (iso(t0, 3000), iso(t0, 3600))]
    assert record[0]["pauses"] == [{"at": iso(t0, 180), "seconds": 120, "reason": "pause"}]
    assert record[0]["extensions"] == [{"at": iso(t0, 360), "seconds": 300}]
    assert record[0]["actual_minutes"] == 8
    assert record[3]["extensions"] == [{"at": iso(t0, 2490), "seconds": 120}]
    assert all(e["state"] == "done" for e in record)

    md = (await export(http, workshop, "md")).text
    assert "## Timing" in md and md.index("## Timing") < md.index("## Group 1")
    assert ("| Individual work | 10 min | 8 min | 08:00:00 | 2 min from 08:03:00 "
            "| +5 min at 08:06:00 | 08:10:00, moved on early |") in md
    assert "| Guided consultation of Cedefop toolkit | 15 min | 15 min | 08:25:00 | — | — " \
           "| 08:40:00, time up (timer) |" in md
    assert "| Plenary | untimed | 10 min | 08:50:00 | — | — | 09:00:00, workshop closed |" in md

    timing_csv = await export(http, workshop, "csv", table="timing")
    assert 'filename="flipchart-' + workshop.code + '-timing.csv"' in \
        timing_csv.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(timing_csv.text)))
    assert [(r["key"], r["planned_minutes"], r["actual_minutes"], r["paused_minutes"],
             r["extended_minutes"], r["ended_by"]) for r in rows] == [
        ("individual", "10", "8", "2", "5", "early"),
        ("groups-procedures", "15", "15", "0", "0", "timer"),
        ("toolkit", "15", "15", "0", "0", "timer"),
        ("groups-action", "20", "9", "1", "2", "early"),
        ("plenary", "", "10", "0", "0", "closed"),
    ]
    assert rows[0]["started_utc"] == "2027-01-15 08:00:00"
    assert rows[0]["pauses"] == "2 min from 08:03:00"
    # The notes CSV stays one table: a spreadsheet filters and sorts it as it is.
    notes_csv = (await export(http, workshop, "csv")).text
    assert notes_csv.splitlines()[0] == "group,section,kind,author,step,text,answer,actors"

    doc = Document(io.BytesIO((await export(http, workshop, "docx")).content))
    assert "Timing" in [p.text for p in doc.paragraphs]
    table = doc.tables[0]
    assert [c.text for c in table.rows[0].cells] == ["Phase", "Planned", "Actual", "Started",
                                                      "Paused", "Extended", "Ended"]
    assert [c.text for c in table.rows[1].cells] == [
        "Individual work", "10 min", "8 min", "08:00:00", "2 min from 08:03:00",
        "+5 min at 08:06:00", "08:10:00, moved on early"]
    assert len(table.rows) == 6


async def test_time_up_reopened_going_back_and_a_phase_in_progress(
    server: RunningServer, http: httpx.AsyncClient, clock: FakeClock,
) -> None:
    workshop = await create_workshop(http, "activity-3", groups=1, auto_advance=False,
                                     minutes={"toolkit": 12})
    t0 = clock.now
    await act(http, workshop, "start")                     # toolkit, 12 min
    clock.now = t0 + 750
    assert await server.services.phases.fire_due() >= 1     # time up at 08:12, seen late
    clock.now = t0 + 780
    await act(http, workshop, "extend", 120)               # reopened after 1 min of time up
    clock.now = t0 + 840
    await act(http, workshop, "next")                      # before the new end: early
    clock.now = t0 + 900
    await act(http, workshop, "previous")                  # back to the toolkit
    clock.now = t0 + 940
    await act(http, workshop, "pause")                     # paused, export 20 s later
    clock.now = t0 + 960

    record = await timing(http, workshop)
    assert [figures(e) for e in record] == [
        ("toolkit", 12, 780, 60, 120, "early"),
        ("groups-monitoring", 15, 60, 0, 0, "back"),
        ("toolkit", 12, 40, 20, 0, None),
        ("groups-challenges", 15, None, 0, 0, None),
        ("plenary", None, None, 0, 0, None),
    ]
    assert record[0]["pauses"] == [{"at": iso(t0, 720), "seconds": 60, "reason": "time_up"}]
    assert record[0]["extensions"] == [{"at": iso(t0, 780), "seconds": 120}]
    assert [e["state"] for e in record] == ["done", "done", "in_progress", "not_reached",
                                            "not_reached"]
    md = (await export(http, workshop, "md")).text
    assert "1 min from 08:12:00 (after time up)" in md
    assert "| 08:15:00, went back |" in md and "| in progress |" in md
    assert md.count("| not reached |") == 2
    assert json.dumps(record)  # plain data all the way down
