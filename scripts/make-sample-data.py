#!/usr/bin/env python3
"""Regenerates sample-data/: two weeks of synthetic tracking logs (one gzipped file per day, named as the LMS rotates
them, and a second rotation of the last day holding tagged problem submissions), the LMS tables the shipped
pipelines import, as TSV exports, and a synthetic GeoIP country database (scripts/make-geoip-mmdb.py).
Deterministic: same bytes every run.

    python3 scripts/make-sample-data.py
"""
import argparse
import datetime
import gzip
import hashlib
import os
import random
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "sample-data")
START = datetime.date(2026, 10, 26)
DAYS = 14
USERS = 150
LINES_PER_DAY = 1500


def logs():
    d = os.path.join(OUT, "tracking", "lms-1")
    os.makedirs(d, exist_ok=True)
    for i in range(DAYS):
        day = START + datetime.timedelta(days=i)
        path = os.path.join(d, "tracking.log-%s.gz" % day.strftime("%Y%m%d"))
        subprocess.check_call([
            sys.executable, os.path.join(ROOT, "scripts", "gen_tracking_log.py"),
            "-n", str(LINES_PER_DAY), "--seed", str(100 + i), "--users", str(USERS), "--courses", "4",
            "--start", day.isoformat(), "--days", "1", "--gzip", "-o", path,
        ])


def tsv(name, columns, rows):
    d = os.path.join(OUT, "lms")
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name + ".tsv"), "w", newline="\n") as f:
        f.write("\t".join(columns) + "\n")
        for r in rows:
            f.write("\t".join("\\N" if v is None else str(v) for v in r) + "\n")


def lms():
    rnd = random.Random(7)
    genders = ["m", "f", "o", "", None]
    levels = ["el", "jhs", "hs", "a", "b", "m", "p", "none", "other", "", None]
    profiles = []
    for uid in range(1, USERS + 1):
        yob = rnd.choice([None] + list(range(1950, 2010)))
        profiles.append((uid, uid, rnd.choice(genders), yob, rnd.choice(levels)))
    tsv("auth_userprofile", ["id", "user_id", "gender", "year_of_birth", "level_of_education"], profiles)
    courses = ["MITx/DAT206x/2T2016", "course-v1:BerkeleyX+6.002x+2012_Fall",
               "course-v1:HarvardX+HIST1x+Demo_Course_2015", "course-v1:edX+PH207x+2013_Spring"]
    grades = []
    gid = 0
    for uid in range(1, USERS + 1):
        for c in courses:
            if rnd.random() < 0.3:
                gid += 1
                pct = round(rnd.random(), 2)
                passed = pct >= 0.5
                modified = "2026-11-%02d 12:00:00.000000" % rnd.randint(1, 8)
                grades.append((gid, uid, c, pct, ("Pass" if passed else ""),
                               (modified if passed else None), modified, modified))
    tsv("grades_persistentcoursegrade",
        ["id", "user_id", "course_id", "percent_grade", "letter_grade", "passed_timestamp", "created", "modified"],
        grades)


def enrollments():
    """student_courseenrollment: most learners in one to three of the sample's courses, some no longer active."""
    rnd = random.Random(17)
    courses = ["MITx/DAT206x/2T2016", "course-v1:BerkeleyX+6.002x+2012_Fall",
               "course-v1:HarvardX+HIST1x+Demo_Course_2015", "course-v1:edX+PH207x+2013_Spring"]
    rows = []
    for uid in range(1, USERS + 1):
        for c in sorted(rnd.sample(courses, rnd.randint(0, 3))):
            created = "2026-%02d-%02d %02d:%02d:%02d" % (
                rnd.randint(8, 10), rnd.randint(1, 28), rnd.randint(0, 23), rnd.randint(0, 59), rnd.randint(0, 59))
            rows.append((len(rows) + 1, uid, c, created, 1 if rnd.random() < 0.85 else 0,
                         rnd.choice(["audit", "honor", "verified"])))
    tsv("student_courseenrollment", ["id", "user_id", "course_id", "created", "is_active", "mode"], rows)


def users():
    """auth_user (username, email) and course cohorts: what the student engagement reports join."""
    rnd = random.Random(27)
    tsv("auth_user", ["id", "username", "email", "is_staff", "is_active"],
        [(uid, "learner%d" % uid, "learner%d@example.com" % uid, 0, 1) for uid in range(1, USERS + 1)])
    groups = [(1, "cohort-a", "MITx/DAT206x/2T2016", "cohort"), (2, "cohort-b", "MITx/DAT206x/2T2016", "cohort"),
              (3, "cohort-a", "course-v1:edX+PH207x+2013_Spring", "cohort")]
    tsv("course_groups_courseusergroup", ["id", "name", "course_id", "group_type"], groups)
    members = []
    for uid in range(1, USERS + 1):
        for g in (rnd.choice([1, 2, None]), rnd.choice([3, None])):
            if g is not None:
                members.append((len(members) + 1, g, uid))
    tsv("course_groups_courseusergroup_users", ["id", "courseusergroup_id", "user_id"], members)


def geoip():
    subprocess.check_call([sys.executable, os.path.join(ROOT, "scripts", "make-geoip-mmdb.py"), "--sample"])
def tagged_log():
    """A second rotation of the last day's log (the LMS names it with the rotation's epoch seconds): server
    problem_check events of the sample's users and courses whose problems carry tags of the tagging XBlock aside
    (context.asides.tagging_aside.saved_tags), which tags_distribution reads. A problem's tags follow from its id."""
    sys.path.insert(0, os.path.join(ROOT, "scripts"))
    import gen_tracking_log as gen_log

    day = START + datetime.timedelta(days=DAYS - 1)
    args = argparse.Namespace(seed=500, users=USERS, courses=4, start=day.isoformat(), days=1.0,
                              new_style_fraction=0.7, malformed_rate=0.0, prefixed_rate=0.0, missing_time_rate=0.0,
                              bad_course_rate=0.0, utf8=False)
    gen = gen_log.Generator(args)
    for c in gen.courses:
        c.problems = c.problems[:6]  # a few tagged problems per course, each with several submissions
    difficulty = ["Easy", "Medium", "Hard"]
    outcome = ["Learned nothing", "Learned a few things", "Learned everything"]
    rotated = int(datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time(),
                                            tzinfo=datetime.timezone.utc).timestamp())
    path = os.path.join(OUT, "tracking", "lms-1", "tracking.log-%s-%d.gz" % (day.strftime("%Y%m%d"), rotated))
    n = 300
    with open(path, "wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, compresslevel=6,
                                                 mtime=0) as out:
        for i in range(n):
            t = gen.timestamp(i / float(n))
            u = gen._pick(gen.user_cum, gen.users)
            c = gen._pick(gen.course_cum, gen.courses)
            event = gen.ev_problem_check_server(u, c, t, None)
            h = int(hashlib.sha1(event["event"]["problem_id"].encode()).hexdigest(), 16)
            tags = {"difficulty": difficulty[h % 3], "learning_outcome": outcome[(h // 3) % 3]}
            event["context"]["asides"] = {"tagging_aside": {"saved_tags": tags}}
            out.write((gen.dumps(event) + "\n").encode("utf-8"))


def studentmodule():
    """courseware_studentmodule, the columns the distributions read: per sample learner and course, a row for each
    sequential they opened and each problem they loaded (graded, or NULL when never submitted)."""
    rnd = random.Random(13)
    courses = ["MITx/DAT206x/2T2016", "course-v1:BerkeleyX+6.002x+2012_Fall",
               "course-v1:HarvardX+HIST1x+Demo_Course_2015", "course-v1:edX+PH207x+2013_Spring"]

    def block(course, kind, n):
        h = hashlib.sha1(("%s/%s/%d" % (course, kind, n)).encode()).hexdigest()[:32]
        if course.startswith("course-v1:"):
            return "block-v1:%s+type@%s+block@%s" % (course[len("course-v1:"):], kind, h)
        org, number, _ = course.split("/")
        return "i4x://%s/%s/%s/%s" % (org, number, kind, h)

    rows = []
    for uid in range(1, USERS + 1):
        for c in courses:
            if rnd.random() >= 0.2:
                continue
            for n in sorted(rnd.sample(range(4), rnd.randint(1, 4))):
                rows.append(["sequential", block(c, "sequential", n), uid, None, None, c])
            for n in sorted(rnd.sample(range(5), rnd.randint(0, 5))):
                max_grade = (n % 3) + 1
                grade = rnd.randint(0, max_grade) if rnd.random() < 0.8 else None
                rows.append(["problem", block(c, "problem", n), uid, grade, max_grade, c])
    tsv("courseware_studentmodule", ["id", "module_type", "module_id", "student_id", "grade", "max_grade", "course_id"],
        [[i + 1] + r for i, r in enumerate(rows)])


if __name__ == "__main__":
    logs()
    tagged_log()
    lms()
    enrollments()
    users()
    geoip()
    studentmodule()
