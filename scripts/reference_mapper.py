#!/usr/bin/env python3
"""Independent reference implementation of docs/contract.md §1 plus a few extractors.

Written from the contract text (not from the Rust code) to produce the expected records of the
mapper tests and to diff `edxc-map` on generated logs:

    python3 scripts/reference_mapper.py EXTRACTOR [--interval A-B] [--ccx] < log > expected.tsv

Output: the same Hive text lines as `edxc-map --extractor EXTRACTOR` (columns, then event date).
Supported extractors: all of them (enrollment, user_activity, video, problem_check,
problem_response, location, module_engagement, student_engagement, tags, event_export).
"""
import json
import re
import sys

ID = r"[\w\-~.:]"
HEX24 = r"[a-f0-9]{24}"
SEP = r"(?:\+(?=.)|\Z)"
COURSE_RE = re.compile(
    r"^(?:(?P<org>{id}+)\+(?P<course>{id}+)(?:\+(?P<run>{id}+))?{sep})??"
    r"(?:branch@(?P<branch>{id}+){sep})?"
    r"(?:version@(?P<version>[a-f0-9]+){sep})?"
    r"(?:type@(?P<btype>{id}+){sep})?"
    r"(?:block@(?P<bid>[\w\-~.:%]+))?\Z".format(id=ID, sep=SEP),
    re.UNICODE,
)
CCX_RE = re.compile(
    r"^(?:(?P<org>{id}+)\+(?P<course>{id}+)(?:\+(?P<run>{id}+))?{sep})??"
    r"(?:branch@(?P<branch>{id}+){sep})?"
    r"(?:version@(?P<version>[A-Fa-f0-9]+){sep})?"
    r"(?:ccx@(?P<ccx>\d+){sep})"
    r"(?:type@(?P<btype>{id}+){sep})?"
    r"(?:block@(?P<bid>{id}+))?\Z".format(id=ID, sep=SEP),
    re.UNICODE,
)
DEPRECATED_PART = re.compile(r"^[\w.%-]*\Z", re.UNICODE)

COURSE_URL = re.compile(r"^(.*?/courses/)(?!v[0-9]+/[^/]+)(?P<cid>[^/+]+(/|\+)[^/+]+(/|\+)[^/?]+)")
BLOCK_URL = re.compile(r"^(.*?/xblock/)(?P<bid>[^/+]+(/|\+)[^/+]+(/|\+)[^/?#]+)")
PATTERN_JSON = re.compile(r"^.*?(\{.*\})\s*$")


def parse_key(s, ccx):
    """-> (kind, fields) or None. kind in course/library/ccx/deprecated."""
    if ":" in s:
        ns, rest = s.split(":", 1)
        kinds = {"course-v1": "course", "slashes": "course", "library-v1": "library"}
        if ccx:
            kinds["ccx-v1"] = "ccx"
        kind = kinds.get(ns)
        if kind:
            m = (CCX_RE if kind == "ccx" else COURSE_RE).match(rest)
            if m:
                g = m.groupdict()
                ver_ok = g["version"] is None or len(g["version"]) == 24
                if kind == "library":
                    ok = g["version"] or (g["org"] and g["course"])
                else:
                    ok = g["version"] or (g["org"] and g["course"] and g["run"])
                if ok and ver_ok:
                    return kind, g
    parts = s.split("/")
    if len(parts) == 3 and all(DEPRECATED_PART.match(p) for p in parts) and parts[0] and parts[1]:
        return "deprecated", {"org": parts[0], "course": parts[1], "run": parts[2]}
    return None


def valid_course_id(s, ccx):
    return bool(s) and not s.endswith("\n") and parse_key(s, ccx) is not None


def canonical(kind, g):
    if kind == "deprecated":
        return "/".join([g["org"], g["course"], g["run"]])
    parts = []
    main = (g["org"] and g["course"]) if kind == "library" else (g["course"] and g["run"])
    if main:
        parts += [g["org"], g["course"]] + ([] if kind == "library" else [g["run"]])
        if g.get("branch"):
            parts.append("branch@" + g["branch"])
    if g.get("version"):
        parts.append("version@" + g["version"])
    if g.get("ccx"):
        parts.append("ccx@" + g["ccx"])
    ns = {"course": "course-v1", "library": "library-v1", "ccx": "ccx-v1"}[kind]
    return ns + ":" + "+".join(parts)


def course_from_url(url, ccx):
    m = BLOCK_URL.match(url)
    if m:
        bid = m.group("bid")
        if ":" not in bid:
            return None
        ns, rest = bid.split(":", 1)
        kind = {"block-v1": "course", "lib-block-v1": "library"}.get(ns)
        if ccx and ns == "ccx-block-v1":
            kind = "ccx"
        if not kind:
            return None
        m2 = (CCX_RE if kind == "ccx" else COURSE_RE).match(rest)
        if not m2 or not m2.group("btype") or not m2.group("bid"):
            return None
        g = m2.groupdict()
        if g["version"] is not None and len(g["version"]) != 24:
            return None
        ok = g["version"] or (g["org"] and g["course"] and (g["run"] or kind == "library"))
        return canonical(kind, g) if ok else None
    m = COURSE_URL.match(url)
    if m:
        k = parse_key(m.group("cid"), ccx)
        return canonical(*k) if k else None
    return None


def parse_line(line):
    try:
        ev = json.loads(line)
    except Exception:
        m = PATTERN_JSON.match(line)
        if not m:
            return None
        try:
            ev = json.loads(m.group(1))
        except Exception:
            return None
    return ev if isinstance(ev, dict) else None


def payload(ev):
    v = ev.get("event")
    if v is None:
        return None
    if v == "":
        return {}
    if isinstance(v, str):
        if len(v) == 512 and "POST" in v:
            return None
        if "{" not in v and "=" in v:
            return None
        try:
            v = json.loads(v)
        except Exception:
            return None
    return v if isinstance(v, dict) else None


def get_course_id(ev, from_url, ccx):
    ctx = ev.get("context")
    if not isinstance(ctx, dict):
        return None
    cid = ctx.get("course_id", "")
    if cid and not isinstance(cid, str):
        return None
    if cid:
        cid = cid.strip()
    if cid:
        return cid if valid_course_id(cid, ccx) else None
    if from_url:
        src = ev.get("event_source")
        url = ev.get("event_type") if src == "server" else ev.get("page") if src == "browser" else ""
        if isinstance(url, str) and url:
            return course_from_url(url, ccx)
    return None


def pystr(v):
    if v is True:
        return "True"
    if v is False:
        return "False"
    if isinstance(v, float):
        r = "%.12g" % v
        return r if ("." in r or "e" in r or "n" in r) else r + ".0"
    return str(v)


def esc(s):
    if s is None:
        return "\\N"
    return s.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def enrollment(ev, date, ccx):
    et = ev.get("event_type")
    if et not in ("edx.course.enrollment.activated", "edx.course.enrollment.deactivated",
                  "edx.course.enrollment.mode_changed"):
        return
    ts = ev["time"].split("+")[0]
    if "." not in ts:
        ts += ".000000"
    p = payload(ev)
    if p is None:
        return
    cid = p.get("course_id")
    if not isinstance(cid, str) or not valid_course_id(cid.strip(), ccx):
        return
    if p.get("user_id") is None or p.get("mode") is None:
        return
    yield [cid.strip(), pystr(p["user_id"]), ts, et, pystr(p["mode"])]


def user_activity(ev, date, ccx):
    ctx = ev.get("context")
    uid = ctx.get("user_id") if isinstance(ctx, dict) else None
    if not uid:
        return
    cid = get_course_id(ev, True, ccx)
    if not cid:
        return
    src, et = ev.get("event_source"), ev.get("event_type")
    if src == "task" or not isinstance(et, str) or et.startswith("edx.course.enrollment."):
        return
    labels = ["ACTIVE"]
    if src == "server" and et == "problem_check":
        labels.append("ATTEMPTED_PROBLEM")
    if src == "server" and et.startswith("edx.forum.") and et.endswith(".created"):
        labels.append("POSTED_FORUM")
    if src in ("browser", "mobile") and et == "play_video":
        labels.append("PLAYED_VIDEO")
    for lab in labels:
        yield [pystr(uid), cid, date, lab]


def offset(v):
    if v is None or isinstance(v, (dict, list)):
        return None
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    if f != f or f in (float("inf"), float("-inf")) or f > 36000 or f < 0:
        return None
    return f


def fnum(f):
    if f is None:
        return None
    return repr(float(f)).rstrip("0").rstrip(".") if "." in repr(float(f)) and "e" not in repr(float(f)) else repr(float(f))


def video(ev, date, ccx, line=""):
    if "_video" not in line:
        return
    et = ev.get("event_type")
    if et not in ("play_video", "pause_video", "seek_video", "stop_video"):
        return
    ts = ev["time"].split("+")[0]
    if "." not in ts:
        ts += ".000000"
    ctx = ev.get("context")
    uid = ctx.get("user_id") if isinstance(ctx, dict) else None
    if not uid:
        return
    if not isinstance(uid, int):
        try:
            if isinstance(uid, str) and not uid.strip().lstrip("+-").isdigit():
                return
            uid = int(uid)
        except (TypeError, ValueError):
            return
    cid = get_course_id(ev, True, ccx)
    if cid is None:
        return
    p = payload(ev)
    if p is None:
        return
    mid = p.get("id", "")
    if not isinstance(mid, str) or not mid.strip():
        return
    mid = mid.strip()
    dur = p.get("duration", -1)
    if not dur:
        dur = -1
    cur = old = yt = None
    if et == "play_video":
        code = p.get("code")
        if code not in ("html5", "mobile", "hls"):
            yt = code
        cur = offset(p.get("currentTime"))
        if cur is None:
            return
    elif et == "pause_video":
        cur = offset(p.get("currentTime", 0))
        if cur is None:
            return
    elif et == "seek_video":
        cur, old = offset(p.get("new_time")), offset(p.get("old_time"))
        if cur is None or old is None:
            return
    else:
        cur = offset(p.get("currentTime"))
        if cur is None:
            return
    yield [str(uid), cid, mid, ts, et, fnum(cur), fnum(old),
           None if yt is None else pystr(yt), fnum(dur) if isinstance(dur, (int, float)) and not isinstance(dur, bool) else pystr(dur)]


def isoformat_time(t):
    """get_event_time + isoformat, or None."""
    import datetime
    ts = t.split("+")[0]
    if "." not in ts:
        ts += ".000000"
    try:
        d = datetime.datetime.strptime(ts, "%Y-%m-%dT%H:%M:%S.%f")
    except ValueError:
        return None
    return d.isoformat()


def answer_ids_ok(d):
    if not isinstance(d, dict):
        return False
    for k in d:
        if "\n" in k or "\t" in k:
            return False
        try:
            k.encode("ascii")
        except UnicodeEncodeError:
            return False
    return True


def problem_check_common(ev, ccx):
    p = payload(ev)
    if p is None:
        return
    ts = isoformat_time(ev["time"])
    if ts is None:
        return
    if ev.get("context") is None or ev.get("username") is None:
        return
    cid = get_course_id(ev, False, ccx)
    if cid is None:
        return
    if p.get("problem_id") is None:
        return
    raw = ev.get("event", {})
    if not isinstance(raw, dict):
        return
    answers = raw.get("answers", {})
    if not isinstance(answers, dict) or len(answers) == 0 or not answer_ids_ok(answers):
        return
    if not answer_ids_ok(raw.get("submission", {})):
        return
    data = dict(p)
    data["timestamp"] = ts
    data["context"] = ev["context"]
    data["username"] = ev["username"]
    u = ev["username"]
    yield [cid, pystr(p["problem_id"]), u if isinstance(u, str) else json.dumps(u), ts, json.dumps(data, sort_keys=True)]


def problem_check(ev, date, ccx, line=""):
    if "problem_check" not in line:
        return
    if ev.get("event_source") != "server" or ev.get("event_type") != "problem_check":
        return
    yield from problem_check_common(ev, ccx)


def problem_response(ev, date, ccx):
    u = ev.get("username", "")
    if not isinstance(u, str) or not u.strip():
        return
    if ev.get("event_source") != "server" or ev.get("event_type") != "problem_check":
        return
    yield from problem_check_common(ev, ccx)


def location(ev, date, ccx):
    ctx = ev.get("context")
    uid = ctx.get("user_id") if isinstance(ctx, dict) else None
    if not uid:
        return
    try:
        if isinstance(uid, (dict, list)):
            return
        uid = int(uid)
    except ValueError:
        return
    ts = ev["time"].split("+")[0]
    if "." not in ts:
        ts += ".000000"
    ip = ev.get("ip")
    if not ip:
        return
    cid = get_course_id(ev, False, ccx)
    yield [ts, pystr(ip), str(uid), cid]


def module_engagement(ev, date, ccx):
    u = ev.get("username", "")
    if not isinstance(u, str):
        return
    u = u.strip()
    if len(u) > 30:
        return
    et = ev.get("event_type")
    if not isinstance(et, str):
        return
    cid = get_course_id(ev, True, ccx)
    if not cid:
        return
    p = payload(ev)
    if p is None:
        return
    src = ev.get("event_source")
    actions = []
    if et == "problem_check":
        if src != "server":
            return
        kind = "problem"
        succ = p.get("success", "incorrect")
        if not isinstance(succ, str):
            return
        if succ.lower() == "correct":
            actions.append("completed")
        actions.append("attempted")
        eid = p.get("problem_id")
    elif et == "play_video":
        kind = "video"
        actions.append("viewed")
        eid = p.get("id", "")
        if not isinstance(eid, str):
            return
        eid = eid.strip()
    elif et.startswith("edx.forum."):
        kind = "discussion"
        if et.endswith(".created"):
            actions.append("contributed")
        eid = p.get("commentable_id")
    else:
        return
    if not eid:
        return
    import datetime
    try:
        d = datetime.datetime.strptime(date, "%Y-%m-%d").date().isoformat()
    except ValueError:
        return
    eid = pystr(eid)[:255]
    for a in actions:
        yield [cid, u, d, kind, eid, a]


SUBSECTION = re.compile(r"/courses/[^/+]+(/|\+)[^/+]+(/|\+)[^/]+/courseware/[^/]+/[^/]+/.*$")


def student_engagement(ev, date, ccx):
    u = ev.get("username", "")
    if not isinstance(u, str) or not u.strip():
        return
    u = u.strip()
    et = ev.get("event_type")
    if not isinstance(et, str):
        return
    cid = get_course_id(ev, False, ccx)
    if not cid:
        return
    p = payload(ev)
    if p is None:
        return
    eid, correct, path, ts, vote, undo, kind = "", None, None, None, None, None, None
    out_type = et
    if et == "problem_check":
        if ev.get("event_source") != "server":
            return
        pid = p.get("problem_id")
        if not pid:
            return
        eid = pystr(pid)
        succ = p.get("success", "incorrect")
        if not isinstance(succ, str):
            return
        correct = "true" if succ.lower() == "correct" else "false"
    elif et == "play_video":
        mid = p.get("id")
        if not mid:
            return
        eid = pystr(mid)
    elif et[:9] == "/courses/" and SUBSECTION.match(et):
        ts = et_ts = ev["time"].split("+")[0]
        if "." not in ts:
            ts += ".000000"
        path = et
        out_type = "marker:last_subsection_viewed"
    elif et.startswith("edx.forum"):
        m = re.match(r"edx\.forum\.(?P<post_type>\w+)\.voted", et)
        if m:
            vote = p.get("vote_value")
            if vote not in ("up", "down"):
                return
            undo = "true" if p.get("undo_vote", False) else "false"
            kind = m.group("post_type")
    yield [cid, u, eid, out_type, correct, path, ts, vote, undo]
    if kind:
        t = p.get("target_username")
        if t:
            yield [cid, pystr(t), eid, "edx.forum.%s.vote_received" % kind, correct, path, ts, vote, undo]


def tags(ev, date, ccx):
    if ev.get("event_type") != "problem_check" or ev.get("event_source") != "server":
        return
    ts = ev["time"].split("+")[0]
    if "." not in ts:
        ts += ".000000"
    cid = get_course_id(ev, False, ccx)
    if not cid:
        return
    k = parse_key(cid, ccx)
    org = k[1]["org"] if k else None
    p = payload(ev)
    if p is None:
        return
    pid = p.get("problem_id")
    if not pid:
        return
    correct = "true" if p.get("success") == "correct" else "false"
    try:
        st = ev["context"].get("asides", {}).get("tagging_aside", {}).get("saved_tags", {})
    except AttributeError:
        return
    yield [cid, org, pystr(pid), ts, json.dumps(st, sort_keys=True), correct]


def event_export(ev, date, ccx, line=""):
    cid = get_course_id(ev, True, ccx)
    if cid is None:
        return
    yield [cid, line.strip(" \t\n\r\x0b\x0c")]


def export_date(ev):
    """-> date string, or None (dropped)."""
    try:
        t = ev["context"]["received_at"]
    except KeyError:
        t = ev.get("time")
    except TypeError:
        return None
    if not t or not isinstance(t, str):
        return None
    return t.split("T")[0]


def main():
    args = sys.argv[1:]
    name = args[0]
    interval = None
    ccx = "--ccx" in args
    if "--interval" in args:
        iv = args[args.index("--interval") + 1]
        interval = (iv[:10], iv[11:])
    fn = {"enrollment": enrollment, "user_activity": user_activity, "video": video,
          "problem_check": problem_check, "problem_response": problem_response,
          "location": location, "module_engagement": module_engagement,
          "student_engagement": student_engagement, "tags": tags,
          "event_export": event_export}[name]
    wants_line = name in ("video", "problem_check", "event_export")
    out = sys.stdout
    for raw in sys.stdin.buffer:
        raw = raw.rstrip(b"\n")
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError:
            m = PATTERN_JSON.match(raw.decode("latin-1"))
            if not m:
                continue
            try:
                line = m.group(1).encode("latin-1").decode("utf-8")
            except UnicodeDecodeError:
                continue
        if name == "video" and "_video" not in line:
            continue
        if name == "problem_check" and "problem_check" not in line:
            continue
        ev = parse_line(line)
        if ev is None:
            continue
        if name == "event_export":
            date = export_date(ev)
            if date is None:
                continue
        else:
            t = ev.get("time")
            if not t or not isinstance(t, str):
                continue
            date = t.split("T")[0]
        if interval and not (interval[0] <= date < interval[1]):
            continue
        kw = {"line": line} if wants_line else {}
        for rec in fn(ev, date, ccx, **kw):
            out.write("\t".join(esc(x) for x in rec + [date]) + "\n")


if __name__ == "__main__":
    main()
