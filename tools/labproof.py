"""The lab kit's proof: tests/run.py's `labs` suite (make test, quick) and
`make test-labs` (complete).

What it shows, for every lab: its handout has no trace of the solution,
builds and boots; the lab's tests marked `fail` in LAB.tests fail there,
those marked `pass` pass, and other labs' tests still pass (unless they
`needs` the lab); the full tree passes every test; every known-wrong variant
(tests/grade/variants/) is rejected (one of its lab's tests fails, all of
which the full tree passes).

Each tree runs its cases in ONE boot (grading proper boots once per test),
and a tree is built from a copy of the full tree's build/, recompiling only
the files whose code the cut changed.

make test (quick, about 4-6 minutes on a busy machine): every handout is cut
and checked for traces; the full tree runs every case but the malloc lab's
in one boot; the labs are stubbed in two groups, {lazy, mprotect, membugs}
and {pgtbl, cow, gc}, two trees built and booted, so each lab's tests are
seen failing with the lab stubbed and the other group's tests are seen
passing; the variants are applied in groups of distinct labs. The malloc
lab's cases take minutes under TCG and read only lib/mm.c: they run in
make test-labs, which builds every handout on its own, runs the malloc lab
too, and tries every variant alone.
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
GROUPS = [("lazy", "mprotect", "membugs"), ("pgtbl", "cow", "gc")]


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


def build(tree, name, record):
    log = os.path.join(WORK, name + ".build.log")
    copy_build(tree)
    with open(log, "w") as f:
        r = subprocess.run(["make", "-j2", "all"], cwd=tree, stdout=f, stderr=subprocess.STDOUT)
    record(r.returncode == 0, "labs/%s/builds" % name, "see " + log)
    return r.returncode == 0


def boot_all(grade, tree, tests, name):
    """All tests in one boot of tree's ISO: {test name: (passed, why)}."""
    iso = os.path.join(tree, "build", "pagoda.iso")
    cases = " ".join(t.name for t in tests)
    b = pq.boot(iso, "quiet init=/bin/grade " + cases, timeout=120 + sum(min(t.timeout, 120) for t in tests),
                log_path=os.path.join(ROOT, "build", "test-logs", "labs-" + name + ".log"))
    return {t.name: grade.judge(t, b.log, b) for t in tests}


def check_stubbed(record, name, tests, seen, stubbed):
    """Tests of stubbed labs behave as their HANDOUT column says; the rest pass."""
    for t in tests:
        ok, why = seen[t.name]
        if t.lab in stubbed:
            if set(t.needs) & stubbed:
                continue   # reads through another stubbed lab
            record(ok == (t.handout == "pass"), "labs/%s/%s_in_handout_%s" % (name, t.name, t.handout + "s"),
                   "expected it to %s with lab %s stubbed, seen it %s (%s)"
                   % (t.handout, t.lab, "pass" if ok else "fail", why))
        elif not set(t.needs) & stubbed:
            record(ok, "labs/%s/%s_still_passes" % (name, t.name), why)


def cut_and_check(record):
    for lab in labkit.LAB_NAMES:
        tree = os.path.join(WORK, "cut-" + lab)
        labkit.write_handout(lab, tree)
        idents, sentences = labkit.solution_traces(ROOT, {lab})
        traces = labkit.check_handout(tree, idents, sentences)
        record(not traces, "labs/%s/handout_has_no_solution" % lab, "; ".join(traces[:3]))
        shutil.rmtree(tree)


def variant_groups(paths):
    """Variants in groups whose labs differ (one tree each)."""
    groups = []
    for path in paths:
        lab = labkit.read_variant(path)["__lab__"]
        for g in groups:
            if lab not in g:
                g[lab] = path
                break
        else:
            groups.append({lab: path})
    return groups


def prove_variants(grade, record, tests, groups):
    for i, group in enumerate(groups):
        name = "variants%d" % (i + 1)
        tree = os.path.join(WORK, name)
        labkit.write_handout(None, tree, variant=list(group.values()), stubbed={"-"}, reuse_build=True)
        if not build(tree, name, record):
            continue
        mine = [t for t in tests if t.lab in group]
        seen = boot_all(grade, tree, mine, name)
        for lab, path in group.items():
            caught = [t.name for t in mine if t.lab == lab and not seen[t.name][0]]
            vname = os.path.basename(path)[:-len(".variant")]
            record(bool(caught), "labs/variant/%s/rejected" % vname,
                   "expected a %s test to fail for this wrong mechanism, seen all pass" % lab)
            print("labs: variant %s rejected by %s" % (vname, ", ".join(caught) or "nothing"))
        shutil.rmtree(tree)


def prove(record, complete=False):
    """record(ok, name, why) once per check."""
    grade = grade_module()
    problems = labkit.check_markers()
    record(not problems, "labs/markers", "; ".join(problems[:3]))
    tests = grade.read_specs([os.path.join(ROOT, "tests", "grade")])
    fast = [t for t in tests if t.lab != SLOW_LAB]
    shutil.rmtree(WORK, ignore_errors=True)
    os.makedirs(WORK)
    cut_and_check(record)

    t0 = time.monotonic()
    mine = tests if complete else fast
    seen = boot_all(grade, ROOT, mine, "full")
    for t in mine:
        record(seen[t.name][0], "labs/full/" + t.name, seen[t.name][1])
    print("timing: labs: full tree, %d tests in one boot: %.0f s" % (len(mine), time.monotonic() - t0))

    groups = [(lab,) for lab in labkit.LAB_NAMES] if complete else GROUPS
    for group in groups:
        t0 = time.monotonic()
        name = "stub-" + "-".join(group)
        tree = os.path.join(WORK, name)
        labkit.write_handout(group[0], tree, stubbed=set(group), reuse_build=True)
        if build(tree, name, record):
            mine = [t for t in tests if t.lab != SLOW_LAB or SLOW_LAB in group]
            check_stubbed(record, name, mine, boot_all(grade, tree, mine, name), set(group))
        shutil.rmtree(tree)
        print("timing: labs: %s built and booted: %.0f s" % (name, time.monotonic() - t0))

    t0 = time.monotonic()
    paths = labkit.variants(ROOT)
    prove_variants(grade, record, tests, [{labkit.read_variant(p)["__lab__"]: p} for p in paths]
                   if complete else variant_groups(paths))
    print("timing: labs: %d variants: %.0f s" % (len(paths), time.monotonic() - t0))
