/* lisp: a small Lisp interpreter whose every value (numbers, pairs,
 * symbols, closures, environments) is allocated with the collector and
 * never freed: the programs below build and drop millions of cells.
 * Special forms: quote if define lambda begin let; built-ins + - * < =
 * cons car cdr null? list. Symbols are interned in a table that is itself
 * a collected object reached from a global. */
#include <gc.h>
#include <ctype.h>
#include <stdlib.h>
#include "bdwgc_test.h"

enum type { NUM, PAIR, SYM, FUNC, PRIM, NIL };

typedef struct value *V;
struct value {
	enum type t;
	union {
		long num;
		struct { V car, cdr; } pair;
		const char *name;
		struct { V params, body, env; } fn;
		V (*prim)(V args);
	};
};

static V nil, symbols, s_quote, s_if, s_define, s_lambda, s_begin, s_let, s_true;
V global_env;

static V mk(enum type t)
{
	V v = GC_NEW(struct value);
	v->t = t;
	return v;
}
static V num(long n) { V v = mk(NUM); v->num = n; return v; }
static V cons(V a, V d) { V v = mk(PAIR); v->pair.car = a; v->pair.cdr = d; return v; }
static V car(V v) { return v->pair.car; }
static V cdr(V v) { return v->pair.cdr; }

static V intern(const char *s, size_t n)
{
	for (V l = symbols; l != nil; l = cdr(l))
		if (strlen(car(l)->name) == n && !strncmp(car(l)->name, s, n))
			return car(l);
	V v = mk(SYM);
	char *name = GC_MALLOC_ATOMIC(n + 1);
	memcpy(name, s, n);
	name[n] = 0;
	v->name = name;
	symbols = cons(v, symbols);
	return v;
}

/* ---- reader ---- */
static const char *src;
static void skip(void) { while (isspace((unsigned char)*src)) src++; }
static V read_expr(void);
static V read_list(void)
{
	skip();
	if (*src == ')') {
		src++;
		return nil;
	}
	V head = read_expr();
	return cons(head, read_list());
}
static V read_expr(void)
{
	skip();
	if (*src == '(') {
		src++;
		return read_list();
	}
	if (*src == '\'') {
		src++;
		return cons(s_quote, cons(read_expr(), nil));
	}
	const char *start = src;
	while (*src && !isspace((unsigned char)*src) && *src != '(' && *src != ')')
		src++;
	if (isdigit((unsigned char)*start) || (*start == '-' && src - start > 1))
		return num(strtol(start, NULL, 10));
	return intern(start, (size_t)(src - start));
}

/* ---- environments: a list of frames, each an association list ---- */
static V lookup(V env, V sym)
{
	for (; env != nil; env = cdr(env))
		for (V b = car(env); b != nil; b = cdr(b))
			if (car(car(b)) == sym)
				return car(b);
	fprintf(stderr, "unbound %s\n", sym->name);
	exit(1);
}
static void define(V env, V sym, V val) { env->pair.car = cons(cons(sym, val), car(env)); }

static V eval(V x, V env);
static V eval_list(V l, V env) { return l == nil ? nil : cons(eval(car(l), env), eval_list(cdr(l), env)); }
static V bind(V params, V args)
{
	return params == nil ? nil : cons(cons(car(params), car(args)), bind(cdr(params), cdr(args)));
}

static V eval(V x, V env)
{
	for (;;) {
		if (x->t == SYM)
			return cdr(lookup(env, x));
		if (x->t != PAIR)
			return x;
		V op = car(x), args = cdr(x);
		if (op == s_quote)
			return car(args);
		if (op == s_if) {
			x = eval(car(args), env) != nil ? car(cdr(args)) : car(cdr(cdr(args)));
			continue;
		}
		if (op == s_define) {
			define(env, car(args), eval(car(cdr(args)), env));
			return car(args);
		}
		if (op == s_lambda) {
			V f = mk(FUNC);
			f->fn.params = car(args);
			f->fn.body = car(cdr(args));
			f->fn.env = env;
			return f;
		}
		if (op == s_begin) {
			for (; cdr(args) != nil; args = cdr(args))
				eval(car(args), env);
			x = car(args);
			continue;
		}
		if (op == s_let) {   /* (let ((a 1) (b 2)) body) */
			V frame = nil;
			for (V b = car(args); b != nil; b = cdr(b))
				frame = cons(cons(car(car(b)), eval(car(cdr(car(b))), env)), frame);
			env = cons(frame, env);
			x = car(cdr(args));
			continue;
		}
		V f = eval(op, env), a = eval_list(args, env);
		if (f->t == PRIM)
			return f->prim(a);
		env = cons(bind(f->fn.params, a), f->fn.env);
		x = f->fn.body;
	}
}

/* ---- built-ins ---- */
static V p_add(V a) { long s = 0; for (; a != nil; a = cdr(a)) s += car(a)->num; return num(s); }
static V p_sub(V a) { return num(car(a)->num - car(cdr(a))->num); }
static V p_mul(V a) { long s = 1; for (; a != nil; a = cdr(a)) s *= car(a)->num; return num(s); }
static V p_lt(V a) { return car(a)->num < car(cdr(a))->num ? s_true : nil; }
static V p_eq(V a) { return car(a)->num == car(cdr(a))->num ? s_true : nil; }
static V p_cons(V a) { return cons(car(a), car(cdr(a))); }
static V p_car(V a) { return car(car(a)); }
static V p_cdr(V a) { return cdr(car(a)); }
static V p_null(V a) { return car(a) == nil ? s_true : nil; }
static V p_list(V a) { return a; }

static void prim(const char *name, V (*fn)(V))
{
	V p = mk(PRIM);
	p->prim = fn;
	define(global_env, intern(name, strlen(name)), p);
}

static void print(V v)
{
	if (v->t == NUM)
		printf("%ld", v->num);
	else if (v->t == SYM)
		printf("%s", v->name);
	else if (v == nil)
		printf("()");
	else if (v->t == PAIR) {
		printf("(");
		for (; v->t == PAIR; v = cdr(v)) {
			print(car(v));
			if (cdr(v)->t == PAIR)
				printf(" ");
		}
		printf(")");
	} else
		printf("#<procedure>");
}

static const char *const program[] = {
	"(define fib (lambda (n) (if (< n 2) n (+ (fib (- n 1)) (fib (- n 2))))))",
	"(fib 20)",
	"(define range (lambda (a b) (if (< a b) (cons a (range (+ a 1) b)) '())))",
	"(define map (lambda (f l) (if (null? l) '() (cons (f (car l)) (map f (cdr l))))))",
	"(define sum (lambda (l acc) (if (null? l) acc (sum (cdr l) (+ acc (car l))))))",
	"(sum (map (lambda (x) (* x x)) (range 0 2000)) 0)",
	"(define loop (lambda (i acc) (if (= i 0) acc (loop (- i 1) (sum (range 0 100) acc)))))",
	"(loop 3000 0)",
	"(let ((a 6) (b 7)) (* a b))",
	"(map (lambda (x) (list x (* x x))) (range 1 6))",
	"(define compose (lambda (f g) (lambda (x) (f (g x)))))",
	"((compose (lambda (x) (+ x 1)) (lambda (x) (* x 10))) 4)",
};

int main(void)
{
	test_start();
	GC_INIT();
	nil = mk(NIL);
	symbols = nil;
	s_quote = intern("quote", 5);
	s_if = intern("if", 2);
	s_define = intern("define", 6);
	s_lambda = intern("lambda", 6);
	s_begin = intern("begin", 5);
	s_let = intern("let", 3);
	s_true = intern("t", 1);
	global_env = cons(nil, nil);
	prim("+", p_add); prim("-", p_sub); prim("*", p_mul); prim("<", p_lt); prim("=", p_eq);
	prim("cons", p_cons); prim("car", p_car); prim("cdr", p_cdr); prim("null?", p_null); prim("list", p_list);
	for (size_t i = 0; i < sizeof program / sizeof program[0]; i++) {
		src = program[i];
		V result = eval(read_expr(), global_env);
		printf("> %s\n", program[i]);
		print(result);
		printf("\n");
	}
	printf("collections during the run: %s\n", GC_get_gc_no() >= 3 ? "several" : "few");
	return 0;
}
