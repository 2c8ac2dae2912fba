/*
 * The kernel's random numbers: one 64-bit state, stirred with the time-stamp
 * counter on every call (a Weyl step plus the TSC), then scrambled by the
 * splitmix64 output function (Steele, Lea and Flood, "Fast splittable
 * pseudorandom number generators", 2014), so two calls a cycle apart still
 * give unrelated words.
 *
 * Invariant: random_state only ever changes in random_u64. Pagoda has no
 * hardware entropy pool; the TSC's low bits (boot time, interrupt timing)
 * are the only entropy, which is why this is not a CSPRNG (getrandom's
 * GRND_RANDOM gets the same numbers).
 */
#include "random.h"
#include "string.h"
#include "x86.h"

static uint64_t random_state;

uint64_t random_u64(void)
{
	random_state += 0x9e3779b97f4a7c15ull + rdtsc();   /* golden-ratio Weyl step, stirred */
	uint64_t z = random_state;
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

void random_bytes(void *buf, size_t n)
{
	for (size_t done = 0; done < n; done += sizeof(uint64_t)) {
		uint64_t w = random_u64();
		memcpy((char *)buf + done, &w, n - done < sizeof(w) ? n - done : sizeof(w));
	}
}
