#!/usr/bin/env python3
"""Writes a small tracking log of edge cases for the equality check of scripts/bench-e2e.sh.

    e2e_edge_cases.py OUT_FILE

Dates within 2026-10-26..2026-11-08 (the benchmark's interval). Covers the course-id rules of user_activity (context
course id stripped / invalid / blank / not a string, URL fallback from a server event_type or a browser page,
xblock usage keys, the /courses/v1/ API look-ahead, slashes: and library keys, Unicode ids), its labels, falsy user
ids, times ending in Z or a negative offset, a syslog-prefixed line, glued and non-object lines, and enrollment
sequences (same-day events, a deactivation first, a mode change while unenrolled, a JSON-string payload, missing
fields, non-string user ids and modes).
"""
import json
import sys

L = []


def ev(et, src, ctx, page=None, t="2026-10-27T10:00:00.123456+00:00", event=None, prefix=""):
    d = {"event_type": et, "event_source": src, "context": ctx, "time": t, "page": page,
         "event": event if event is not None else {}}
    L.append(prefix + json.dumps(d))


def u(i, **kw):
    return dict({"user_id": i}, **kw)


def enr(et, uid, cid, mode, t):
    ev("edx.course.enrollment." + et, "server", {}, t=t, event={"course_id": cid, "user_id": uid, "mode": mode})


ev("/courses/course-v1:edX+A1+T1/courseware/x/", "server", u(1, course_id=""))
ev("/courses/edX/A1/T1/info", "server", u(2))
ev("/api/courses/v1/blocks/x/y/z", "server", u(3, course_id=""))
ev("/courses/v1/edX/A1/x", "server", u(4, course_id=""))
ev("/courses/v1/edX+A1+T1/x", "server", u(4, course_id=""))
ev("/xblock/block-v1:MITx+B2+R2+type@vertical+block@abc?x=1", "server", u(5, course_id=""))
ev("/xblock/block-v1:MITx+B2+type@vertical+block@abc", "server", u(6, course_id=""))
ev("/courses/slashes:edX+C3+R3/x", "server", u(7, course_id="  "))
ev("play_video", "browser", u(8, course_id=""), page="https://h/courses/course-v1:edX+P+Q/courseware")
ev("play_video", "mobile", u(9, course_id="course-v1:edX+M+M"))
ev("problem_check", "server", u(10, course_id=" course-v1:edX+S+S\n"))
ev("problem_check", "server", u(11, course_id="course-v1:edX+S"))
ev("edx.forum.thread.created", "server", u(12, course_id="edX/F/F"))
ev("edx.forum.thread.voted", "server", u(12, course_id="edX/F/F"))
ev("x", "server", u(13, course_id=5))
ev("x", "server", u(14, course_id=0))
ev("x", "task", u(15, course_id="edX/F/F"))
ev("x", "server", u("", course_id="edX/F/F"))
ev("x", "server", u(0, course_id="edX/F/F"))
ev("x", "server", u("16", course_id="edX/F/"))
ev("x", "server", u(17, course_id="library-v1:org+lib"))
ev("x", "server", u(18, course_id="course-v1:org+c+r+branch@b+version@0123456789abcdef01234567"))
ev("x", "server", u(19, course_id="course-v1:\u00dcn\u00ef+\u00e7\u00f8+r"))
ev("x", "server", u(20, course_id="edX/F/F"), t="2026-10-27T10:00:00Z")
ev("x", "server", u(21, course_id="edX/F/F"), t="2026-10-28T10:00:00-05:00")
ev("x", "server", u(22, course_id="edX/F/F"), prefix="Oct 27 10:00:00 host tracking: ")
L.append('{"event_type": "x", "time": "2026-10-27T10:00:00+00:00", '
         '"context": {"user_id": 23, "course_id": "edX/F/F"}}{"a": 1}')
L.append("null")
ev("x", "server", "notadict")
ev("x", "browser", u(24, course_id=""), page="https://h/xblock/i4x:;_;_x/handler/a/b")
enr("activated", 1, "edX/E/E", "honor", "2026-10-27T01:00:00+00:00")
enr("activated", 1, "edX/E/E", "verified", "2026-10-27T01:00:00+00:00")
enr("deactivated", 1, "edX/E/E", "audit", "2026-10-29T05:00:00.5+00:00")
enr("mode_changed", 1, "edX/E/E", "credit", "2026-10-29T05:00:00+00:00")
enr("activated", 1, "edX/E/E", "honor", "2026-11-02T05:00:00+00:00")
enr("deactivated", 2, "edX/E/E", "honor", "2026-10-28T05:00:00+00:00")
enr("activated", 3, " edX/E/E ", "honor", "2026-10-28T05:00:00+00:00")
enr("activated", 4, "edX/E", "honor", "2026-10-28T05:00:00+00:00")
enr("activated", None, "edX/E/E", "honor", "2026-10-28T05:00:00+00:00")
enr("activated", 5, "edX/E/E", None, "2026-10-28T05:00:00+00:00")
enr("activated", "6", "edX/E/E", 7, "2026-10-28T05:00:00+00:00")
ev("edx.course.enrollment.activated", "browser", {}, t="2026-10-28T06:00:00+00:00",
   event=json.dumps({"course_id": "edX/E/E", "user_id": 8, "mode": "honor"}))
ev("edx.course.enrollment.activated", "server", {}, t="2026-10-30T06:00:00Z",
   event={"course_id": "edX/E/E", "user_id": 9, "mode": "honor"})
ev("edx.course.enrollment.activated", "server", {}, t="2026-10-30T06:00:00",
   event={"course_id": "edX/E/E", "user_id": 10, "mode": "honor"})

with open(sys.argv[1], "w", encoding="utf-8") as f:
    f.write("\n".join(L) + "\n")
