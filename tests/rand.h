/*
 * The one pseudo-random generator for user test programs (the kernel has its
 * own, kernel/random.c): Marsaglia's xorshift64 (shifts 13, 7, 17), "Xorshift
 * RNGs", J. Stat. Software 8(14), 2003. Deterministic for a given seed, so a
 * failing run can be repeated; the state is the caller's, never zero.
 */
#ifndef PAGODA_TESTS_RAND_H
#define PAGODA_TESTS_RAND_H
#include <stdint.h>

/* A state to start from: any seed (0 included) gives a valid nonzero one. */
static inline uint64_t test_rand_seed(uint64_t seed)
{
	return seed | 1;
}

/* The next number of the sequence; advances *state. */
static inline uint64_t test_rand(uint64_t *state)
{
	uint64_t x = *state;
	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return *state = x;
}

#endif
