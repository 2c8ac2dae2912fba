/* The kernel's random numbers (kernel/random.c). */
#include "../../kernel/ktest.h"
#include "../../kernel/random.h"
#include "../../kernel/string.h"

KTEST(random_words_differ)
{
	uint64_t a = random_u64(), b = random_u64(), c = random_u64();
	KT_NE(a, b);
	KT_NE(b, c);
	KT_NE(a, c);
}

/* An odd length is filled exactly: the byte past the end is untouched. */
KTEST(random_bytes_fills_exactly)
{
	uint8_t buf[20];
	memset(buf, 0xa5, sizeof(buf));
	random_bytes(buf, 13);
	KT_EQ(buf[13], 0xa5);
	int same = 0;
	for (int i = 0; i < 13; i++)
		same += buf[i] == 0xa5;
	KT_ASSERT(same < 4);   /* four or more of 13 random bytes equal to 0xa5: about 2e-7 */
}
