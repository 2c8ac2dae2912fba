/* trace.c - read a malloc-lab trace into an array of operations.
 * The format and the checks are listed in trace.h. Parsing is a small lexer
 * (whitespace-separated tokens, counting lines for error messages) and one
 * function per part of the file: header, one operation, the end. */
#include "trace.h"

#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

enum { MAX_IDS = 1 << 24, MAX_OPS = 1 << 26 };
static const uint64_t MAX_SIZE = 1ull << 40;

void *drv_alloc(size_t bytes)
{
    void *p = mmap(NULL, bytes ? bytes : 1, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    return p == MAP_FAILED ? NULL : p;
}

void drv_free(void *p, size_t bytes)
{
    if (p)
        munmap(p, bytes ? bytes : 1);
}

/* ---- lexer ------------------------------------------------------------------ */

struct lexer {
    const char *p, *end;
    unsigned line;
    const char *tok; /* the current token, tok_len bytes, on line tok_line */
    size_t tok_len;
    unsigned tok_line;
    char *err;
    size_t errlen;
    const char *path;
    bool pending; /* the current token was put back */
};

static int fail(struct lexer *lx, unsigned line, const char *fmt, ...)
{
    int n = snprintf(lx->err, lx->errlen, "%s:%u: ", lx->path, line);
    va_list ap;
    va_start(ap, fmt);
    if (n >= 0 && (size_t)n < lx->errlen)
        vsnprintf(lx->err + n, lx->errlen - (size_t)n, fmt, ap);
    va_end(ap);
    return -1;
}

static bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; }

/* Advance to the next token; false at the end of the file. */
static bool next_token(struct lexer *lx)
{
    while (lx->p < lx->end && is_space(*lx->p))
        lx->line += *lx->p++ == '\n';
    if (lx->p == lx->end) {
        lx->tok_line = lx->line;
        return false;
    }
    lx->tok = lx->p;
    lx->tok_line = lx->line;
    while (lx->p < lx->end && !is_space(*lx->p))
        lx->p++;
    lx->tok_len = (size_t)(lx->p - lx->tok);
    return true;
}

static bool token_number(const struct lexer *lx, uint64_t *out)
{
    uint64_t v = 0;
    if (lx->tok_len == 0 || lx->tok_len > 19)
        return false;
    for (size_t i = 0; i < lx->tok_len; i++) {
        if (lx->tok[i] < '0' || lx->tok[i] > '9')
            return false;
        v = v * 10 + (uint64_t)(lx->tok[i] - '0');
    }
    *out = v;
    return true;
}

/* The current token, quoted and cut short, for messages. */
static const char *shown(const struct lexer *lx)
{
    static char buf[24];
    size_t n = lx->tok_len < 16 ? lx->tok_len : 16;
    snprintf(buf, sizeof buf, "'%.*s%s'", (int)n, lx->tok, lx->tok_len > n ? "..." : "");
    return buf;
}

/* Put the current token back: the next take() returns it again. */
static void unread(struct lexer *lx) { lx->pending = true; }

static bool take(struct lexer *lx)
{
    if (lx->pending) {
        lx->pending = false;
        return true;
    }
    return next_token(lx);
}

/* ---- the header ------------------------------------------------------------------ */

const char *trace_format_name(enum trace_format f)
{
    static const char *const names[] = {
        [TRACE_CLASSIC] = "CS:APP classic (4-number header)",
        [TRACE_CLASSIC_SHORT] = "CS:APP classic (2-number header)",
        [TRACE_AUTOLAB] = "Autolab 64-bit (weight-first header)",
    };
    return names[f];
}

/* Which format a 4-number header announces (see trace.h). */
static void classify(struct trace *t, const uint64_t num[4])
{
    bool autolab = num[0] <= W_PERF && num[3] > 1;
    t->format = autolab ? TRACE_AUTOLAB : TRACE_CLASSIC;
    t->weight = autolab ? (enum trace_weight)num[0] : W_ALL;
    t->header_bytes = autolab ? num[3] : num[0];
}

/* Up to 4 numbers before the first operation: 4 = CLASSIC or AUTOLAB, 2 =
 * the two-number CLASSIC variant. */
static int read_header(struct lexer *lx, struct trace *t)
{
    uint64_t num[4];
    int n = 0;
    bool more = take(lx);
    while (more && n < 4 && token_number(lx, &num[n])) {
        n++;
        more = take(lx);
    }
    if (n != 4 && n != 2)
        return fail(lx, lx->tok_line, "header must be 4 numbers (heap size, ids, operations, "
                                      "weight) or 2 (ids, operations); found %d%s%s",
                    n, more ? " before " : "", more ? shown(lx) : "");
    if (n == 4)
        classify(t, num);
    else
        *t = (struct trace){.path = t->path, .format = TRACE_CLASSIC_SHORT, .weight = W_ALL};
    t->num_ids = num[n == 4 ? 1 : 0];
    t->num_ops = num[n == 4 ? 2 : 1];
    if (t->num_ids > MAX_IDS || t->num_ops > MAX_OPS)
        return fail(lx, lx->tok_line, "header asks for %zu ids and %zu operations (limits %d, %d)",
                    t->num_ids, t->num_ops, MAX_IDS, MAX_OPS);
    if (more)
        unread(lx);
    return 0;
}

/* ---- one operation --------------------------------------------------------------- */

struct parse {
    const struct trace *t;
    uint8_t *live;      /* per id: allocated and not yet freed */
    uint64_t last_size; /* of the previous a/r/m line (AUTOLAB's missing size) */
};

static bool autolab(const struct parse *ps) { return ps->t->format == TRACE_AUTOLAB; }

static int read_id(struct lexer *lx, struct parse *ps, struct op *op)
{
    uint64_t id;
    bool null_free = op->type == 'f' && lx->tok_len == 2 && !memcmp(lx->tok, "-1", 2);
    if (null_free && !autolab(ps))
        return fail(lx, op->line, "'f -1' (free of NULL) belongs to the Autolab format, and "
                                  "this trace has a classic header");
    if (null_free) {
        op->id = ID_NULL;
        return 0;
    }
    if (!token_number(lx, &id))
        return fail(lx, op->line, "'%c' needs an id (a number), found %s", op->type, shown(lx));
    if (id >= ps->t->num_ids)
        return fail(lx, op->line, "id %lu out of range (the header says %zu ids)",
                    (unsigned long)id, ps->t->num_ids);
    op->id = (uint32_t)id;
    return 0;
}

/* A number for 'what' of op; AUTOLAB lets an 'a' line omit its size. */
static int read_size(struct lexer *lx, struct parse *ps, struct op *op, uint64_t *out,
                     const char *what)
{
    bool got = take(lx);
    if (got && token_number(lx, out) && *out <= MAX_SIZE)
        return 0;
    if (autolab(ps) && op->type == 'a' && (!got || !token_number(lx, out))) {
        if (got)
            unread(lx);
        *out = ps->last_size;
        return 0;
    }
    return fail(lx, op->line, "'%c %lu' needs %s (a number up to 2^40)", op->type,
                (unsigned long)op->id, what);
}

/* The operation's effect on which ids are live, checked. */
static int apply_liveness(struct lexer *lx, struct parse *ps, struct op *op)
{
    if (op->id == ID_NULL)
        return 0;
    bool live = ps->live[op->id];
    if ((op->type == 'a' || op->type == 'm') && live)
        return fail(lx, op->line, "id %u allocated again without a free", op->id);
    if (op->type == 'f' && !live)
        return fail(lx, op->line, "'f' of id %u, which is not allocated", op->id);
    if (op->type == 'r' && !live && !autolab(ps))
        return fail(lx, op->line, "'r' of id %u, which is not allocated", op->id);
    ps->live[op->id] = op->type != 'f' && !(op->type == 'r' && op->size == 0);
    return 0;
}

static int read_op(struct lexer *lx, struct parse *ps, struct op *op)
{
    char type = lx->tok_len == 1 ? lx->tok[0] : 0;
    *op = (struct op){.type = type, .line = lx->tok_line};
    if (type != 'a' && type != 'r' && type != 'f' && type != 'm')
        return fail(lx, op->line, "expected an operation (a, r, f or m), found %s", shown(lx));
    if (!take(lx))
        return fail(lx, op->line, "'%c' needs an id (a number)", type);
    if (read_id(lx, ps, op) < 0)
        return -1;
    uint64_t align = 0;
    if (type == 'm' && (read_size(lx, ps, op, &align, "an alignment") < 0 || !align ||
                        (align & (align - 1)) || align > (1u << 30)))
        return fail(lx, op->line, "'m %u' needs an alignment: a power of two up to 2^30",
                    op->id);
    if (type != 'f' && read_size(lx, ps, op, &op->size, "a size") < 0)
        return -1;
    op->align = (uint32_t)align;
    if (type != 'f')
        ps->last_size = op->size;
    return apply_liveness(lx, ps, op);
}

/* After num_ops operations: CLASSIC wants the end of the file; AUTOLAB, like
 * the lab's driver, ignores whatever follows (trace->ignored_from says where). */
static int read_end(struct lexer *lx, struct trace *t)
{
    if (!take(lx))
        return 0;
    if (t->format == TRACE_AUTOLAB) {
        t->ignored_from = lx->tok_line;
        return 0;
    }
    return fail(lx, lx->tok_line, "unexpected %s after the last of %zu operations", shown(lx),
                t->num_ops);
}

static int read_ops(struct lexer *lx, struct trace *t)
{
    struct parse ps = {.t = t, .live = drv_alloc(t->num_ids)};
    size_t n = 0;
    int rc = 0;
    if (!ps.live)
        return fail(lx, lx->tok_line, "out of memory for %zu ids", t->num_ids);
    for (; n < t->num_ops && rc == 0 && take(lx); n++)
        rc = read_op(lx, &ps, &t->ops[n]);
    drv_free(ps.live, t->num_ids);
    if (rc)
        return rc;
    if (n < t->num_ops)
        return fail(lx, lx->line, "the file ends after %zu of the %zu operations the header "
                                  "announces", n, t->num_ops);
    return read_end(lx, t);
}

/* ---- the bound --------------------------------------------------------------------- */

static uint64_t min_block(uint64_t size) { return size <= 16 ? 16 : (size + 15) & ~15ull; }

struct trace_bound trace_bound(const struct trace *t)
{
    struct trace_bound b = {0};
    uint64_t *size = drv_alloc(t->num_ids * sizeof *size);
    uint8_t *live = drv_alloc(t->num_ids);
    uint64_t payload = 0, footprint = 0;
    for (size_t i = 0; size && live && i < t->num_ops; i++) {
        const struct op *op = &t->ops[i];
        if (op->id == ID_NULL)
            continue;
        if (live[op->id]) {
            payload -= size[op->id];
            footprint -= min_block(size[op->id]);
        }
        live[op->id] = op->type != 'f' && !(op->type == 'r' && op->size == 0);
        size[op->id] = op->size;
        if (live[op->id]) {
            payload += op->size;
            footprint += min_block(op->size);
        }
        b.peak_payload = payload > b.peak_payload ? payload : b.peak_payload;
        b.peak_min_footprint = footprint > b.peak_min_footprint ? footprint : b.peak_min_footprint;
    }
    drv_free(size, t->num_ids * sizeof *size);
    drv_free(live, t->num_ids);
    return b;
}

/* ---- the file -------------------------------------------------------------------- */

static char *read_file(const char *path, size_t *len, char *err, size_t errlen)
{
    int fd = open(path, O_RDONLY);
    struct stat st;
    char *buf = NULL;
    if (fd < 0 || fstat(fd, &st) < 0) {
        snprintf(err, errlen, "%s: cannot open", path);
        goto out;
    }
    *len = (size_t)st.st_size;
    buf = drv_alloc(*len);
    size_t got = 0;
    while (buf && got < *len) {
        ssize_t r = read(fd, buf + got, *len - got);
        if (r <= 0)
            break;
        got += (size_t)r;
    }
    if (!buf || got != *len) {
        snprintf(err, errlen, "%s: cannot read", path);
        drv_free(buf, *len);
        buf = NULL;
    }
out:
    if (fd >= 0)
        close(fd);
    return buf;
}

int trace_read(const char *path, struct trace *t, char *err, size_t errlen)
{
    size_t len = 0;
    *t = (struct trace){.path = path};
    char *text = read_file(path, &len, err, errlen);
    if (!text)
        return -1;
    struct lexer lx = {.p = text, .end = text + len, .line = 1, .err = err, .errlen = errlen,
                       .path = path};
    int rc = read_header(&lx, t);
    if (rc >= 0) {
        t->ops = drv_alloc(t->num_ops * sizeof(struct op));
        rc = t->ops ? read_ops(&lx, t) : fail(&lx, 1, "out of memory for the operations");
    }
    drv_free(text, len);
    if (rc < 0)
        trace_free(t);
    return rc < 0 ? -1 : 0;
}

void trace_free(struct trace *t)
{
    drv_free(t->ops, t->num_ops * sizeof(struct op));
    t->ops = NULL;
}
