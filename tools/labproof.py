"""The lab kit's proof: tests/run.py's `labs` suite (make test, quick) and
`make test-labs` (complete).

What it shows, for every lab: its handout has no trace of the solution,
builds and boots; the lab's tests marked `fail` in LAB.tests fail there,
those marked `pass` pass, and other labs' tests still pass (unless they
`needs` the lab); the full tree passes every test; every known-wrong variant
(tests/grade/variants/) is rejected (one of its lab's tests fails, all of
which the full tree passes).

Each tree runs its cases in one boot per boot configuration (grading proper
boots once per test), and a tree is built from a copy of the full tree's
build/, recompiling only the files whose code the cut changed.

make test (quick: two builds, four boots, 4-6 minutes on a busy machine; the
swap lab's cases boot apart, with 32 MiB of RAM and a swap disk):
every handout is cut and checked for traces; the full tree runs every case
but the malloc lab's in one boot; two trees are built, each with one group
of labs stubbed and the other group's known-wrong variants applied:
{lazy, mprotect, membugs} stubbed with cow-eager-copy, gc-no-transitive,
pgtbl-flags-in-frame and mmap-private-writes-through, {pgtbl, cow, mmap, gc,
swap} stubbed with mprotect-flags-only and membugs-aligned-canary. In
each, the stubbed labs' tests behave as their HANDOUT column says, the
variants are rejected, and the remaining labs' tests pass. The malloc lab's
cases take minutes under TCG and read only lib/mm.c, cow-never-reuse needs
cow whole, lazy-whole-area with a stubbed gc exhausts memory, and the swap
variants need lazy and cow whole (memory larger than RAM, forked): they are
left to make test-labs, which builds every handout on its own, runs the malloc lab
too, starts each handout with `make run` to the shell, tries every variant
alone, and grades two mklab handouts with tools/grade --student (untouched:
low; filled in with the solution: full marks).
"""
import os
import re
import shutil
import subprocess
import time

import labkit
import pagoda_qemu as pq

ROOT = labkit.ROOT
WORK = os.path.join(ROOT, "build", "labs")
SLOW_LAB = "malloc"
# (labs stubbed, variants applied) per tree of the quick proof
# (lazy-whole-area is not combined with a stubbed gc, whose heap only grows:
# together they exhaust memory; it runs alone in make test-labs.)
GROUPS = [(("lazy", "mprotect", "membugs"), ("cow-eager-copy", "gc-no-transitive", "pgtbl-flags-in-frame",
                                              "mmap-private-writes-through")),
          (("pgtbl", "cow", "mmap", "gc", "swap"), ("mprotect-flags-only", "membugs-aligned-canary"))]


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
    """All tests in one boot of tree's kernel and ramdisk per boot configuration (memory,
    swap, command line: the swap lab's cases boot apart from the rest):
    {test name: (passed, why)}."""
    image = pq.tree_image(tree)
    groups, seen = {}, {}
    for t in tests:
        groups.setdefault(grade.boot_key(t), []).append(t)
    for n, group in enumerate(groups.values()):
        tag = name if n == 0 else "%s-%d" % (name, n)
        b = pq.boot(image, grade.cmdline(group, "/test/grade"), timeout=120 + sum(min(t.timeout, 30) for t in group),
                    mem=group[0].mem, log_path=os.path.join(ROOT, "build", "test-logs", "labs-" + tag + ".log"),
                    disks=grade.fresh_disks(group, "labs-" + tag))
        seen.update({t.name: grade.judge(t, b.log, b) for t in group})
    return seen


def check_stubbed(record, name, tests, seen, stubbed, wrong=()):
    """Tests of stubbed labs behave as their HANDOUT column says; those of
    labs with a variant applied (`wrong`) are judged by check_rejected; the
    rest pass."""
    for t in tests:
        ok, why = seen[t.name]
        if t.lab in wrong:
            continue
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


def check_rejected(record, tests, seen, variants):
    """Each variant ({lab: path}) must fail at least one of its lab's tests
    (the full tree passes them all)."""
    for lab, path in variants.items():
        caught = [t.name for t in tests if t.lab == lab and not seen[t.name][0]]
        vname = os.path.basename(path)[:-len(".variant")]
        record(bool(caught), "labs/variant/%s/rejected" % vname,
               "expected a %s test to fail for this wrong mechanism, seen all pass" % lab)
        print("labs: variant %s rejected by %s" % (vname, ", ".join(caught) or "nothing"))


def make_run_reaches_shell(record, tree, name):
    """`make run` in the tree, as a student types it: the shell's prompt
    comes, and a command typed at it runs (demo_lazy prints its counts)."""
    con = pq.Console(["make", "-s", "run"], cwd=tree)
    try:
        ok = con.wait_for("pagoda$ ", timeout=300)
        if ok:
            con.seen = ""
            con.type_line("demo_lazy")
            ok = con.wait_for("first touches") and con.wait_for("pagoda$ ")
    finally:
        con.close()
    record(ok, "labs/%s/make_run_reaches_shell" % name,
           "expected the prompt and demo_lazy's counts, seen %r" % con.seen[-300:])


def judged(t, stubbed, variants):
    """Does check_stubbed or check_rejected look at t's result in this tree?
    (A test of a whole lab that reads through a stubbed one is skipped: not
    booting it saves the swap lab its boot.)"""
    return t.lab in stubbed or t.lab in variants or not set(t.needs) & set(stubbed)


def one_tree(grade, record, tests, stubbed, variants, shell=False):
    """Build and boot a tree with `stubbed` labs cut and `variants` applied
    (with shell, also `make run` it to the shell)."""
    t0 = time.monotonic()
    name = "+".join(["-".join(("stub",) + tuple(stubbed))] + [os.path.basename(p)[:-len(".variant")]
                                                              for p in variants.values()])
    tree = os.path.join(WORK, name)
    paths = list(variants.values())
    labkit.write_handout(None, tree, stubbed=set(stubbed), variant=paths, reuse_build=True)
    if build(tree, name, record):
        mine = [t for t in tests if (t.lab != SLOW_LAB or SLOW_LAB in stubbed or SLOW_LAB in variants) and judged(t, stubbed, variants)]
        seen = boot_all(grade, tree, mine, name)
        check_stubbed(record, name, mine, seen, set(stubbed), set(variants))
        check_rejected(record, mine, seen, variants)
        if shell:
            make_run_reaches_shell(record, tree, name)
    shutil.rmtree(tree)
    print("timing: labs: %s built and booted: %.0f s" % (name, time.monotonic() - t0))


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

    by_name = {os.path.basename(p)[:-len(".variant")]: p for p in labkit.variants(ROOT)}
    lab_of = {n: labkit.read_variant(p)["__lab__"] for n, p in by_name.items()}
    if complete:
        plan = [((lab,), ()) for lab in labkit.LAB_NAMES] + [((), (n,)) for n in sorted(by_name)]
    else:
        plan = GROUPS
    for stubbed, wrong in plan:
        one_tree(grade, record, tests, stubbed, {lab_of[n]: by_name[n] for n in wrong}, shell=complete and not wrong)
    if complete:
        for lab in STUDENT_LABS:
            student_trees(record, tests, lab)


# ---- grading a student's tree (tools/grade --student) -------------------------
#
# As an instructor would: tools/mklab cuts the handout; graded untouched, it
# must score no more than its tests marked `pass`; with the lab's files put
# back as the solution has them (the student "did" the lab), full marks.

STUDENT_LABS = ("cow", "mmap")


def cut_with_build(lab, tree):
    """tools/mklab LAB TREE, then this tree's build/ with the time stamps of
    the files the cut left unchanged, so only the stubbed code recompiles."""
    subprocess.run([os.path.join(ROOT, "tools", "mklab"), lab, tree], check=True, stdout=subprocess.DEVNULL)
    for f in labkit.tracked_files(ROOT):
        mine, theirs = os.path.join(ROOT, f), os.path.join(tree, f)
        if os.path.isfile(theirs) and open(mine, "rb").read() == open(theirs, "rb").read():
            shutil.copystat(mine, theirs)
    copy_build(tree)


def fill_in(lab, tree):
    """Write the solution of `lab` into the handout's files, as a student's."""
    for f, pieces in labkit.marked_files(ROOT).items():
        if any(p[0] == "region" and lab in p[1] for p in pieces):
            with open(os.path.join(tree, f), "w") as fh:
                fh.write(labkit.cut_text(pieces, set()))


def grade_student(tree, lab, name):
    """(score, total) from tools/grade --student TREE --lab LAB --one-boot."""
    log = os.path.join(WORK, name + ".grade.log")
    with open(log, "w") as f:
        subprocess.run([os.path.join(ROOT, "tools", "grade"), "--student", tree, "--lab", lab, "--one-boot"],
                       cwd=ROOT, stdout=f, stderr=subprocess.STDOUT)
    m = re.search(r"^Score: (\d+)/(\d+)", open(log).read(), re.M)
    return (int(m.group(1)), int(m.group(2))) if m else (None, None)


def student_trees(record, tests, lab):
    t0 = time.monotonic()
    tree = os.path.join(WORK, "student-" + lab)
    cut_with_build(lab, tree)
    passing = sum(t.points for t in tests if t.lab == lab and t.handout == "pass")
    score, total = grade_student(tree, lab, "student-%s-untouched" % lab)
    record(score is not None and score <= passing, "labs/student/%s/untouched_handout_scores_low" % lab,
           "expected at most %d points (the tests that pass in the handout), seen %s of %s" % (passing, score, total))
    print("labs: --student: untouched %s handout: %s/%s" % (lab, score, total))
    fill_in(lab, tree)
    score, total = grade_student(tree, lab, "student-%s-solved" % lab)
    record(score is not None and score == total, "labs/student/%s/solved_handout_full_marks" % lab,
           "expected full marks, seen %s of %s; see %s" % (score, total, os.path.join(WORK, "student-%s-solved.grade.log" % lab)))
    print("labs: --student: solved %s handout: %s/%s" % (lab, score, total))
    shutil.rmtree(tree)
    print("timing: labs: --student %s, untouched and solved: %.0f s" % (lab, time.monotonic() - t0))
