#include "cmdline.h"
#include "fwcfg.h"
#include "string.h"

static char line[4096];

void cmdline_init(const char *grub_cmdline)
{
	strlcpy(line, grub_cmdline, sizeof(line));
	size_t n = strlen(line);
	if (n + 2 < sizeof(line) && fwcfg_read_file("opt/pagoda/cmdline", line + n + 1, sizeof(line) - n - 2) > 0)
		line[n] = ' ';
}

const char *cmdline_full(void)
{
	return line;
}

/* init= swallows the rest of the line, so stop scanning there. */
const char *cmdline_get(const char *key)
{
	static char value[4096];
	const char *found = NULL;
	size_t klen = strlen(key);
	for (const char *p = line; *p;) {
		while (*p == ' ')
			p++;
		const char *word = p;
		bool is_init = !strncmp(word, "init=", 5);
		while (*p && (*p != ' ' || is_init))
			p++;
		if (!strncmp(word, key, klen) && (word[klen] == '=' || word + klen == p)) {
			size_t vlen = word[klen] == '=' ? (size_t)(p - word - klen - 1) : 0;
			if (vlen >= sizeof(value))
				vlen = sizeof(value) - 1;
			memcpy(value, word + klen + 1, vlen);
			value[vlen] = 0;
			found = value;
		}
	}
	return found;
}

bool cmdline_has(const char *key)
{
	return cmdline_get(key) != NULL;
}
