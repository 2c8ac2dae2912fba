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

/* ---- the parts of a trace ----------------------------------------------------- */

/* Up to 4 numbers before the first operation: 4 = standard, 2 = two-line variant. */
static int read_header(struct lexer *lx, struct trace *t)
{
    uint64_t num[4];
    int n = 0;
    bool more = next_token(lx);
    while (more && n < 4 && token_number(lx, &num[n])) {
        n++;
        more = next_token(lx);
    }
    if (n != 4 && n != 2)
        return fail(lx, lx->tok_line, "header must be 4 numbers (heap size, ids, operations, "
                                      "weight) or 2 (ids, operations); found %d%s%s",
                    n, more ? " before " : "", more ? shown(lx) : "");
    t->header_numbers = n;
    t->num_ids = num[n == 4 ? 1 : 0];
    t->num_ops = num[n == 4 ? 2 : 1];
    if (t->num_ids > MAX_IDS || t->num_ops > MAX_OPS)
        return fail(lx, lx->tok_line, "header asks for %zu ids and %zu operations (limits %d, %d)",
                    t->num_ids, t->num_ops, MAX_IDS, MAX_OPS);
    return more ? 1 : 0; /* 1: the current token starts the first operation */
}

static int read_op(struct lexer *lx, const struct trace *t, struct op *op, uint8_t *live)
{
    uint64_t id, size = 0;
    unsigned line = lx->tok_line;
    char type = lx->tok_len == 1 ? lx->tok[0] : 0;
    if (type != 'a' && type != 'r' && type != 'f')
        return fail(lx, line, "expected an operation (a, r or f), found %s", shown(lx));
    if (!next_token(lx) || !token_number(lx, &id))
        return fail(lx, line, "'%c' needs an id (a number)", type);
    if (id >= t->num_ids)
        return fail(lx, line, "id %lu out of range (the header says %zu ids)",
                    (unsigned long)id, t->num_ids);
    if (type != 'f' && (!next_token(lx) || !token_number(lx, &size) || size > MAX_SIZE))
        return fail(lx, line, "'%c %lu' needs a size (a number up to 2^40)", type,
                    (unsigned long)id);
    if (type == 'a' && live[id])
        return fail(lx, line, "id %lu allocated again without a free", (unsigned long)id);
    if (type != 'a' && !live[id])
        return fail(lx, line, "'%c' of id %lu, which is not allocated", type, (unsigned long)id);
    live[id] = type != 'f';
    *op = (struct op){.size = size, .id = (uint32_t)id, .line = line, .type = type};
    return 0;
}

static int read_ops(struct lexer *lx, struct trace *t, int have_token)
{
    uint8_t *live = drv_alloc(t->num_ids);
    size_t n = 0;
    int rc = 0;
    if (!live)
        return fail(lx, lx->tok_line, "out of memory for %zu ids", t->num_ids);
    for (; n < t->num_ops && rc == 0; n++) {
        if (!have_token && !next_token(lx))
            break;
        have_token = 0;
        rc = read_op(lx, t, &t->ops[n], live);
    }
    drv_free(live, t->num_ids);
    if (rc)
        return rc;
    if (n < t->num_ops)
        return fail(lx, lx->line, "the file ends after %zu of the %zu operations the header "
                                  "announces", n, t->num_ops);
    if (next_token(lx))
        return fail(lx, lx->tok_line, "unexpected %s after the last of %zu operations", shown(lx),
                    t->num_ops);
    return 0;
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
        rc = t->ops ? read_ops(&lx, t, rc) : fail(&lx, 1, "out of memory for the operations");
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
