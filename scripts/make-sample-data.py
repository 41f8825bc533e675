#!/usr/bin/env python3
"""Regenerates sample-data/: two weeks of synthetic tracking logs (one gzipped file per day, named as the LMS rotates
them) and the LMS tables the shipped pipelines import, as TSV exports. Deterministic: same bytes every run.

    python3 scripts/make-sample-data.py
"""
import datetime
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
    """The LMS enrollment table enrollment validation snapshots: some learners enrolled in some courses, a few of
    them unenrolled since (is_active 0), created before or during the two weeks of logs."""
    rnd = random.Random(17)
    courses = ["MITx/DAT206x/2T2016", "course-v1:BerkeleyX+6.002x+2012_Fall",
               "course-v1:HarvardX+HIST1x+Demo_Course_2015", "course-v1:edX+PH207x+2013_Spring"]
    rows = []
    for uid in range(1, USERS + 1):
        for c in courses:
            if rnd.random() < 0.4:
                created = START + datetime.timedelta(days=rnd.randint(-30, DAYS - 1))
                rows.append((len(rows) + 1, uid, c, "%s %02d:%02d:%02d" % (created.isoformat(), rnd.randint(0, 23),
                             rnd.randint(0, 59), rnd.randint(0, 59)), 1 if rnd.random() < 0.85 else 0,
                             rnd.choice(["audit", "honor", "verified"])))
    tsv("student_courseenrollment", ["id", "user_id", "course_id", "created", "is_active", "mode"], rows)


if __name__ == "__main__":
    logs()
    lms()
    enrollments()
