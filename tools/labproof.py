"""The lab kit's proof, run by tests/run.py's `labs` suite (make test).

For every lab: its handout is cut (tools/mklab: no trace of the solution),
builds and boots; in it the lab's tests marked `fail` in LAB.tests fail,
those marked `pass` pass, and every other lab's test still passes (unless it
`needs` the lab). The full tree passes every test. Every known-wrong variant
(tests/grade/variants/) is rejected: at least one of its lab's `fail` tests
fails.

To stay within make test's budget, each tree runs all its cases in ONE boot
(tools/grade --one-boot's way; grading proper boots once per test), and a
handout is built from a copy of the full tree's build/ so that only the
files the cut changed are recompiled. The malloc lab's cases (minutes under
TCG) run only in the full tree and the malloc handout: they exercise only
lib/mm.c, which no other lab's cut changes.
"""
import os
import shutil
import subprocess
import time

import labkit
import pagoda_qemu as pq

ROOT = labkit.ROOT
WORK = os.path.join(ROOT, "build", "labs")
SLOW_LAB = "malloc"


def grade_module():
    import importlib.machinery
    import importlib.util
    loader = importlib.machinery.SourceFileLoader("grade_tool", os.path.join(ROOT, "tools", "grade"))
    spec = importlib.util.spec_from_loader("grade_tool", loader)
    mod = importlib.util.module_from_spec(spec)
    loader.exec_module(mod)
    return mod


def copy_build(tree):
    dst = os.path.join(tree, "build")
    os.makedirs(dst, exist_ok=True)
    for name in os.listdir(os.path.join(ROOT, "build")):
        if name in ("labs", "test-logs", "grade"):
            continue
        src = os.path.join(ROOT, "build", name)
        if os.path.isdir(src):
            shutil.copytree(src, os.path.join(dst, name), symlinks=True)
        else:
            shutil.copy2(src, os.path.join(dst, name))


def build(tree, log):
    with open(log, "w") as f:
        r = subprocess.run(["make", "-j2", "all"], cwd=tree, stdout=f, stderr=subprocess.STDOUT)
    return r.returncode == 0


def boot_all(grade, tree, tests, name):
    """All tests in one boot of tree's ISO: {test name: (passed, why)}."""
    iso = os.path.join(tree, "build", "pagoda.iso")
    cases = " ".join(t.name for t in tests)
    b = pq.boot(iso, "quiet init=/bin/grade " + cases, timeout=120 + sum(min(t.timeout, 120) for t in tests),
                log_path=os.path.join(ROOT, "build", "test-logs", "labs-" + name + ".log"))
    return {t.name: grade.judge(t, b.log, b) for t in tests}


def prove(record):
    """record(ok, name, why) once per check."""
    grade = grade_module()
    problems = labkit.check_markers()
    record(not problems, "labs/markers", "; ".join(problems[:3]))
    tests = grade.read_specs([os.path.join(ROOT, "tests", "grade")])
    fast = [t for t in tests if t.lab != SLOW_LAB]
    shutil.rmtree(WORK, ignore_errors=True)
    os.makedirs(WORK)

    t0 = time.monotonic()
    full = boot_all(grade, ROOT, tests, "full")
    for t in tests:
        record(full[t.name][0], "labs/full/" + t.name, full[t.name][1])
    print("timing: labs full tree, %d tests in one boot: %.0f s" % (len(tests), time.monotonic() - t0))

    for lab in labkit.LAB_NAMES:
        t0 = time.monotonic()
        tree = os.path.join(WORK, lab)
        labkit.write_handout(lab, tree)
        idents, sentences = labkit.solution_traces(ROOT, {lab})
        traces = labkit.check_handout(tree, idents, sentences)
        record(not traces, "labs/%s/handout_has_no_solution" % lab, "; ".join(traces[:3]))
        copy_build(tree)
        built = build(tree, os.path.join(WORK, lab + ".build.log"))
        record(built, "labs/%s/handout_builds" % lab, "see " + os.path.join(WORK, lab + ".build.log"))
        if not built:
            continue
        mine = [t for t in tests if t.lab == lab] if lab == SLOW_LAB else fast
        seen = boot_all(grade, tree, mine, lab)
        for t in mine:
            ok, why = seen[t.name]
            if t.lab == lab:
                want = t.handout == "pass"
                record(ok == want, "labs/%s/handout_%s_%s" % (lab, t.handout + "s", t.name.split("/")[1]),
                       "expected the test to %s in the handout, seen it %s (%s)" % (t.handout, "pass" if ok else "fail", why))
            elif lab not in t.needs:
                record(ok, "labs/%s/other_lab_still_passes/%s" % (lab, t.name), why)
        print("timing: labs handout %s cut, built, %d tests in one boot: %.0f s" % (lab, len(mine), time.monotonic() - t0))

    for path in labkit.variants(ROOT):
        name = os.path.basename(path)[:-len(".variant")]
        lab = labkit.read_variant(path)["__lab__"]
        tree = os.path.join(WORK, "variant-" + name)
        labkit.write_handout(lab, tree, variant=path)
        copy_build(tree)
        built = build(tree, os.path.join(WORK, name + ".build.log"))
        record(built, "labs/variant/%s/builds" % name, "see " + os.path.join(WORK, name + ".build.log"))
        if not built:
            continue
        mine = [t for t in tests if t.lab == lab]
        seen = boot_all(grade, tree, mine, "variant-" + name)
        caught = [t.name for t in mine if t.handout == "fail" and not seen[t.name][0]]
        record(bool(caught), "labs/variant/%s/rejected" % name,
               "expected a %s test to fail for this wrong mechanism, seen all pass" % lab)
        print("labs: variant %s rejected by %s" % (name, ", ".join(caught) or "nothing"))
