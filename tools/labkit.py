"""The lab kit's one reading of the source: LAB markers, the lab table, handouts.

A solution region is marked with C comments only, around whole functions or
clear blocks:

    /* LAB cow: BEGIN */              (or "LAB lazy,cow: BEGIN" for several labs)
    ... the solution ...
    /* LAB cow: END */
    /* LAB cow: STUB
    ... what the handout has instead ...
    */

A STUB comment may also stand alone (a fallback that exists only in the
handout: it is a comment in the full tree). Cutting a handout for lab L
deletes every region of L (and of the labs L stubs, see LABS) and turns every
stub of those labs into code. What is always true, and checked by
`check_markers` (make test): every BEGIN has its END with the same labs,
regions do not nest, every lab named is in LABS, and no marker sits inside
another comment or mid-line.

The lab table (LABS, in teaching order) is the one place that says which
labs exist, their handout text (docs/labs/NAME.md) and their graded tests
(tests/grade/NAME.tests). tests/grade/hidden/ and tests/grade/variants/ are
never copied into a handout.
"""
import os
import re
import shutil
import subprocess

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# name, title, CS:APP section; the order is the teaching order.
LABS = [
    ("pgtbl", "Page tables: walk, translate, A/D bits", "9.6"),
    ("lazy", "Demand-zero paging", "9.3, 9.8"),
    ("cow", "Copy-on-write fork", "9.8.2"),
    ("mprotect", "Protection changes, area split and merge", "9.5, 9.8.4"),
    ("mmap", "File mappings on the page cache, shared and private", "9.8"),
    ("swap", "Swap-out and the clock policy", "9.3.4"),
    ("malloc", "The malloc lab inside Pagoda", "9.9"),
    ("gc", "Mark and sweep", "9.10"),
    ("membugs", "The debug allocator's detectors", "9.11"),
]
LAB_NAMES = [n for n, _, _ in LABS]

# Never in a handout: the instructor's tests and the known-wrong variants.
NEVER_COPIED = ("tests/grade/hidden/", "tests/grade/variants/")
SOURCE_EXT = (".c", ".h", ".S", ".asm")

MARK = re.compile(r"/\* LAB ([a-z0-9_,]+): (BEGIN|END|STUB)(.*?)(\*/|$)")


class MarkerError(Exception):
    pass


def tracked_files(root=ROOT):
    """The tree's files: git's list when it is a repository, else a walk."""
    if os.path.isdir(os.path.join(root, ".git")) or os.path.isfile(os.path.join(root, ".git")):
        out = subprocess.run(["git", "ls-files", "-z"], cwd=root, capture_output=True, text=True, check=True)
        files = [f for f in out.stdout.split("\0") if f and os.path.isfile(os.path.join(root, f))]
    else:
        files = []
        for d, dirs, names in os.walk(root):
            dirs[:] = [x for x in dirs if x not in ("build", ".git")]
            files += [os.path.relpath(os.path.join(d, n), root) for n in names]
    return sorted(files)


def parse(text, path="?"):
    """Pieces of a source file: ("text", s) | ("region", labs, body) | ("stub", labs, code)."""
    pieces, pos, open_region = [], 0, None
    lines = text.split("\n")
    out_text, body = [], []
    i = 0
    while i < len(lines):
        line = lines[i]
        m = MARK.search(line)
        if not m:
            (body if open_region else out_text).append(line)
            i += 1
            continue
        if line[:m.start()].strip():
            raise MarkerError("%s:%d: a LAB marker must start its line" % (path, i + 1))
        labs, kind = tuple(m.group(1).split(",")), m.group(2)
        for lab in labs:
            if lab not in LAB_NAMES:
                raise MarkerError("%s:%d: unknown lab %r" % (path, i + 1, lab))
        if kind == "BEGIN":
            if open_region:
                raise MarkerError("%s:%d: BEGIN inside the region opened at line %d" % (path, i + 1, open_region[1]))
            pieces.append(("text", out_text))
            out_text, body, open_region = [], [], (labs, i + 1)
        elif kind == "END":
            if not open_region or open_region[0] != labs:
                raise MarkerError("%s:%d: END without a matching BEGIN" % (path, i + 1))
            pieces.append(("region", labs, body))
            open_region = None
        else:   # STUB: the rest of the comment, up to its */
            if open_region:
                raise MarkerError("%s:%d: STUB inside a region" % (path, i + 1))
            indent = line[:m.start()]
            if m.group(4) == "*/":
                code = [indent + m.group(3).strip()]
            else:
                code, i = [], i + 1
                while i < len(lines) and lines[i].strip() != "*/":
                    if "*/" in lines[i]:
                        raise MarkerError("%s:%d: a STUB ends with */ on its own line" % (path, i + 1))
                    code.append(lines[i])
                    i += 1
                if i == len(lines):
                    raise MarkerError("%s: STUB at line %d never ends" % (path, i))
            pieces.append(("text", out_text))
            out_text = []
            pieces.append(("stub", labs, code))
        i += 1
    if open_region:
        raise MarkerError("%s:%d: BEGIN without END" % (path, open_region[1]))
    pieces.append(("text", out_text))
    return pieces


def cut_text(pieces, stubbed, path=None, replacements=None):
    """The file with the regions of the labs in `stubbed` replaced by their
    stubs; other regions keep their code (or, when `replacements` names them,
    a known-wrong variant's: {lab: {(path, n): text}}, n counting that lab's
    regions in the file from 1); other stubs vanish, and so do the marker
    lines themselves."""
    lines, seen = [], {}
    for p in pieces:
        if p[0] == "text":
            lines += p[1]
        elif p[0] == "region":
            text = None
            for lab in p[1]:
                seen[lab] = seen.get(lab, 0) + 1
                text = (replacements or {}).get(lab, {}).get((path, seen[lab]), text)
            if set(p[1]) & stubbed:
                continue
            lines += text.split("\n") if text is not None else p[2]
        elif set(p[1]) & stubbed:
            lines += p[2]
    return "\n".join(lines)


def marked_files(root=ROOT):
    """{path: pieces} for every source file with a marker."""
    found = {}
    for f in tracked_files(root):
        if not f.endswith(SOURCE_EXT) or f.startswith(NEVER_COPIED):
            continue
        with open(os.path.join(root, f), errors="replace") as fh:
            text = fh.read()
        if "LAB " in text and MARK.search(text):
            found[f] = parse(text, f)
    return found


def check_markers(root=ROOT):
    """Problems with the markers (empty when all is well)."""
    problems, seen = [], set()
    try:
        files = marked_files(root)
    except MarkerError as e:
        return [str(e)]
    for f, pieces in files.items():
        for p in pieces:
            if p[0] == "region":
                seen.update(p[1])
    for lab in LAB_NAMES:
        if lab not in seen:
            problems.append("lab %s has no solution region" % lab)
        for need in ("docs/labs/%s.md" % lab, "tests/grade/%s.tests" % lab):
            if not os.path.exists(os.path.join(root, need)):
                problems.append("lab %s: %s is missing" % (lab, need))
    return problems


def regions_of(files, labs):
    """All region bodies belonging to any of `labs`."""
    return ["\n".join(p[2]) for pieces in files.values() for p in pieces if p[0] == "region" and set(p[1]) & labs]


IDENT = re.compile(r"\b[A-Za-z_][A-Za-z0-9_]{5,}\b")
COMMENT = re.compile(r"/\*(.*?)\*/|//(.*)$", re.S | re.M)


def solution_traces(root, stubbed):
    """What must not appear in the handout: identifiers used only inside the
    stubbed regions, and the regions' comment sentences."""
    files = marked_files(root)
    inside = " ".join(regions_of(files, stubbed))
    outside = []
    for f in tracked_files(root):
        if f.startswith(NEVER_COPIED) or not f.endswith(SOURCE_EXT + (".md", ".py", ".mk")) and f != "Makefile":
            continue
        if f in files:
            outside.append(cut_text(files[f], set(stubbed)))
            outside += ["\n".join(p[2]) for p in files[f] if p[0] == "stub"]
        else:
            with open(os.path.join(root, f), errors="replace") as fh:
                outside.append(fh.read())
    outside_ids = set(IDENT.findall(" ".join(outside)))
    idents = sorted(set(IDENT.findall(inside)) - outside_ids)
    sentences = []
    for m in COMMENT.finditer(inside):
        words = " ".join((m.group(1) or m.group(2) or "").replace("*", " ").split())
        if len(words) >= 24:
            sentences.append(words[:60])
    return idents, sentences


def check_handout(out_dir, idents, sentences):
    """Traces of the solution found in the handout (empty when clean)."""
    found = []
    for d, dirs, names in os.walk(out_dir):
        dirs[:] = [x for x in dirs if x != "build"]
        for n in names:
            path = os.path.join(d, n)
            try:
                with open(path, errors="strict") as fh:
                    text = fh.read()
            except (UnicodeDecodeError, OSError):
                continue
            flat = " ".join(text.replace("*", " ").split())
            for ident in idents:
                if re.search(r"\b%s\b" % re.escape(ident), text):
                    found.append("%s: identifier %s" % (os.path.relpath(path, out_dir), ident))
            for s in sentences:
                if s in flat:
                    found.append("%s: comment %r" % (os.path.relpath(path, out_dir), s))
            if n.endswith(SOURCE_EXT) and MARK.search(text):
                found.append("%s: a LAB marker" % os.path.relpath(path, out_dir))
    return found


def stubbed_labs(lab, later="keep"):
    """The labs whose regions a handout for `lab` stubs: the lab itself, and
    with later="stub" every lab after it in LABS (earlier labs are solved)."""
    if lab not in LAB_NAMES:
        raise MarkerError("no lab %r (tools/mklab --list)" % lab)
    if later == "stub":
        return set(LAB_NAMES[LAB_NAMES.index(lab):])
    return {lab}


def write_handout(lab, out_dir, root=ROOT, later="keep", variant=None, stubbed=None, reuse_build=False):
    """Copy the tree to out_dir with the lab's regions stubbed (or those of
    every lab in `stubbed`), and the regions that the variant files name
    replaced by their known-wrong text. Unchanged files keep their modification time, so a
    copied build/ rebuilds only what changed; with reuse_build, so do files
    that lost only marker comments (their objects differ at most in line
    numbers: the proof in make test uses it to rebuild only real changes)."""
    stubbed = stubbed if stubbed is not None else stubbed_labs(lab, later)
    files = marked_files(root)
    replacements = {}
    for path in ([variant] if isinstance(variant, str) else variant or []):
        r = read_variant(path)
        replacements.setdefault(r.pop("__lab__"), {}).update(r)
    os.makedirs(out_dir, exist_ok=True)
    for f in tracked_files(root):
        if f.startswith(NEVER_COPIED):
            continue
        src, dst = os.path.join(root, f), os.path.join(out_dir, f)
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        if f in files:
            text = cut_text(files[f], stubbed, f, replacements)
            with open(dst, "w") as fh:
                fh.write(text)
            if reuse_build and text == cut_text(files[f], set()):
                shutil.copystat(src, dst)
            else:
                shutil.copymode(src, dst)
        else:
            shutil.copy2(src, dst)
    if lab:
        with open(os.path.join(out_dir, ".lab"), "w") as fh:
            fh.write(lab + "\n")
    return stubbed


# ---- known-wrong variants (tests/grade/variants/NAME.variant) -----------------
#
#   # what: eager copy at fork
#   --- lab cow
#   --- region mm/mm.c 1
#   ...text that replaces the lab's first region in mm/mm.c...
#   --- region mm/fault.c 1
#   ...
# Regions the variant does not name keep the solution; no stub is used.

def read_variant(path):
    out, key, buf, lab = {}, None, [], None
    with open(path) as fh:
        for line in fh.read().split("\n"):
            m = re.match(r"^--- (lab|region) (\S+)(?: (\d+))?$", line)
            if m and m.group(1) == "lab":
                lab = m.group(2)
                continue
            if m:
                if key:
                    out[key] = "\n".join(buf).rstrip("\n")
                key, buf = (m.group(2), int(m.group(3))), []
            elif key:
                buf.append(line)
    if key:
        out[key] = "\n".join(buf)
    out["__lab__"] = lab
    return out


def variants(root=ROOT):
    d = os.path.join(root, "tests", "grade", "variants")
    if not os.path.isdir(d):
        return []
    return sorted(os.path.join(d, f) for f in os.listdir(d) if f.endswith(".variant"))
