/*
 * kern_param.c: the kernel command line and the table of its words.
 *
 * The boot loader's command line ("-append" in QEMU) is a list of
 * blank-separated words "key=value" or "key".  kenv_init splits a copy
 * once at boot and checks every word against kenv_words[], the one
 * table of the words the kernel knows, with each number's range.  A
 * word that is not in the table is reported with the nearest known
 * word; a number that does not parse, overflows or lies outside its
 * range is reported with the range.  Either way the word is dropped, so
 * its reader keeps its default.
 *
 * Invariants: kenv_get returns only words that passed the table, the
 * last of each key; kenv_getint stores only numbers inside the word's
 * range, so a reader needs no range check of its own.  A range that
 * depends on memory (kw_unit) is at most a quarter of the pages there
 * are, counted when the line is checked.
 */
#include <sys/types.h>
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/errno.h>
#include <sys/cpu.h>
#include <sys/malloc.h>
#include <sys/shell.h>

#define KENV_MAX	48
#define INT_MAX		0x7fffffff
#define KENV_LEN	512

enum kenv_type { KW_STR, KW_INT };

struct kenv_word {
	const char	*kw_name;
	enum kenv_type	 kw_type;
	long		 kw_min;
	long		 kw_max;
	size_t		 kw_unit;	/* bytes per unit: capped by memory */
};

/*
 * Every word the kernel, its self-tests and its benchmarks read, and
 * where each is documented (kenv(9) lists them all).  The minimums of
 * nmbclusters and nmbufs leave room for em(4)'s receive ring of 128
 * and its interrupt reserve besides what the stack needs (below them
 * em0 cannot fill its ring, or M_WAIT callers wait for ever); the
 * self-tests that size their work by the defaults may fail near them.
 */
static const struct kenv_word kenv_words[] = {
	{ "bench",		KW_STR,	0, 0, 0 },		/* kenv(9) */
	{ "em.cpu",		KW_INT,	0, MAXCPUS - 1, 0 },	/* em(4) */
	{ "gw",			KW_STR,	0, 0, 0 },		/* ip(9) */
	{ "halt",		KW_INT,	0, 1, 0 },		/* kenv(9) */
	{ "icmp6errpps",	KW_INT,	0, 1000000, 0 },	/* icmp6(9) */
	{ "ip",			KW_STR,	0, 0, 0 },		/* ip(9) */
	{ "ip6",		KW_STR,	0, 0, 0 },		/* ip6(9) */
	{ "ip6dad",		KW_INT,	0, 10, 0 },		/* nd6(9) */
	{ "ip6fragttl",		KW_INT,	1, 255, 0 },		/* ip6(9) */
	{ "ip6maxexthdrs",	KW_INT,	1, 64, 0 },		/* ip6(9) */
	{ "ip6maxextlen",	KW_INT,	8, 65535, 0 },		/* ip6(9) */
	{ "ipfragttl",		KW_INT,	1, 255, 0 },		/* ip(9) */
	{ "iters",		KW_INT,	1, 1000000000, 0 },	/* kenv(9) */
	{ "mbuf_prop_seed",	KW_INT,	0, 0x7fffffffL, 0 },	/* kenv(9) */
	{ "mbuf_prop_steps",	KW_INT,	1, 100000000, 0 },	/* kenv(9) */
	{ "mbuf_prop_trace",	KW_INT,	0, 100000000, 0 },	/* kenv(9) */
	{ "netintr.cpu",	KW_INT,	0, MAXCPUS - 1, 0 },	/* ifnet(9) */
	{ "nmbclusters",	KW_INT,	256, 1L << 24, MCLBYTES }, /* msys(9) */
	{ "nmbufs",		KW_INT,	512, 1L << 26, MSIZE },	/* msys(9) */
	{ "reflect",		KW_INT,	0, 2, 0 },		/* em(4) */
	{ "selftest",		KW_STR,	0, 0, 0 },		/* selftest(9) */
	{ "selftest_times",	KW_INT,	0, 1, 0 },		/* kenv(9) */
};

char kern_cmdline[KENV_LEN];
static char kenv_buf[KENV_LEN];
static char *kenv_key[KENV_MAX], *kenv_val[KENV_MAX];
static int kenv_n;
static char kenv_one[] = "1";		/* the value of a bare flag */

static const struct kenv_word *
kenv_lookup(const char *name)
{
	size_t i;

	for (i = 0; i < nitems(kenv_words); i++)
		if (strcmp(kenv_words[i].kw_name, name) == 0)
			return (&kenv_words[i]);
	return (NULL);
}

/* The largest value of kw: its own limit, or what memory holds. */
static long
kenv_max(const struct kenv_word *kw)
{
	long mem;

	if (kw->kw_unit == 0)
		return (kw->kw_max);
	mem = (long)(vm_page_total_count() * PAGE_SIZE / 4 / kw->kw_unit);
	return (MIN(kw->kw_max, mem));
}

/* Levenshtein distance of a and b, each at most 31 characters used. */
static int
kenv_distance(const char *a, const char *b)
{
	int row[32], la, lb, i, j, diag, up;

	la = MIN((int)strlen(a), 31);
	lb = MIN((int)strlen(b), 31);
	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		diag = row[0];
		row[0] = i;
		for (j = 1; j <= lb; j++) {
			up = row[j];
			row[j] = MIN(MIN(row[j] + 1, row[j - 1] + 1),
			    diag + (a[i - 1] != b[j - 1]));
			diag = up;
		}
	}
	return (row[lb]);
}

/* The known word nearest to name, or NULL when none is near. */
static const char *
kenv_nearest(const char *name)
{
	const char *best = NULL;
	int d, bestd = INT_MAX;
	size_t i;

	for (i = 0; i < nitems(kenv_words); i++) {
		d = kenv_distance(name, kenv_words[i].kw_name);
		if (d < bestd) {
			bestd = d;
			best = kenv_words[i].kw_name;
		}
	}
	/* Near: at most a third of the word's letters differ. */
	if (best == NULL || bestd > MAX(1, (int)strlen(best) / 3))
		return (NULL);
	return (best);
}

/*
 * Check one word against the table; print why it is refused and
 * return -1, or return 0.
 */
static int
kenv_check(const char *key, const char *val, bool bare)
{
	const struct kenv_word *kw;
	const char *near;
	long v, max;
	int err;

	if ((kw = kenv_lookup(key)) == NULL) {
		if ((near = kenv_nearest(key)) != NULL)
			printf("kenv: unknown word \"%s\" (did you mean "
			    "%s?); ignored\n", key, near);
		else
			printf("kenv: unknown word \"%s\"; ignored (kenv(9) "
			    "lists the words)\n", key);
		return (-1);
	}
	if (kw->kw_type == KW_STR)
		return (0);
	max = kenv_max(kw);
	if (bare && kw->kw_min == 0 && kw->kw_max == 1)
		return (0);		/* a bare flag means 1 */
	if (bare) {
		printf("kenv: %s needs a value (%s=%ld..%ld); ignored\n",
		    key, key, kw->kw_min, max);
		return (-1);
	}
	if ((err = kstrtol(val, &v)) != 0) {
		printf("kenv: %s=%s %s %ld..%ld; the default stays\n", key, val,
		    err == ERANGE ? "overflows: the range is" : "is not a number in",
		    kw->kw_min, max);
		return (-1);
	}
	if (v < kw->kw_min || v > max) {
		printf("kenv: %s=%s is outside %ld..%ld", key, val,
		    kw->kw_min, max);
		if (max < kw->kw_max)
			printf(" (%zu-byte units in a quarter of the %zu "
			    "KiB of memory)", kw->kw_unit,
			    vm_page_total_count() * PAGE_SIZE / 1024);
		printf("; the default stays\n");
		return (-1);
	}
	return (0);
}

/*
 * Split line into words and keep those the table accepts.  Returns the
 * number of words refused (the self-tests load lines of their own).
 */
int
kenv_init(const char *line)
{
	char *p, *key, *val, *eq;
	int refused = 0, words = 0;
	bool bare;

	strlcpy(kern_cmdline, line != NULL ? line : "", sizeof(kern_cmdline));
	strlcpy(kenv_buf, kern_cmdline, sizeof(kenv_buf));
	kenv_n = 0;
	for (p = kenv_buf; *p != '\0';) {
		while (*p == ' ' || *p == '\t')
			*p++ = '\0';
		if (*p == '\0')
			break;
		key = p;
		while (*p != '\0' && *p != ' ' && *p != '\t')
			p++;
		if (*p != '\0')
			*p++ = '\0';
		if (++words > KENV_MAX) {
			if (words == KENV_MAX + 1)
				printf("kenv: more than %d words; \"%s\" and "
				    "the rest ignored\n", KENV_MAX, key);
			refused++;
			continue;
		}
		bare = (eq = strchr(key, '=')) == NULL;
		if (!bare) {
			*eq = '\0';
			val = eq + 1;
		} else
			val = key + strlen(key);
		if (kenv_check(key, val, bare) != 0) {
			refused++;
			continue;
		}
		if (bare && kenv_lookup(key)->kw_type == KW_INT)
			val = kenv_one;
		kenv_key[kenv_n] = key;
		kenv_val[kenv_n] = val;
		kenv_n++;
	}
	if (strlen(line != NULL ? line : "") >= sizeof(kern_cmdline))
		printf("kenv: the command line is longer than %zu "
		    "characters; the rest ignored\n", sizeof(kern_cmdline) - 1);
	return (refused);
}

const char *
kenv_get(const char *name)
{
	int i;

	KASSERTMSG(kenv_lookup(name) != NULL, "kenv_get: \"%s\" is not in "
	    "the table of words (kern/kern_param.c)", name);
	for (i = kenv_n - 1; i >= 0; i--)
		if (strcmp(kenv_key[i], name) == 0)
			return (kenv_val[i]);
	return (NULL);
}

bool
kenv_getint(const char *name, long *valp)
{
	const struct kenv_word *kw = kenv_lookup(name);
	const char *v = kenv_get(name);

	KASSERTMSG(kw != NULL && kw->kw_type == KW_INT, "kenv_getint: \"%s\" "
	    "is not a number word of the table (kern/kern_param.c)", name);
	if (v == NULL || kstrtol(v, valp) != 0)
		return (false);
	return (true);
}

SHELL_CMD(kenv, "kenv [-v]: the command line's words (-v: every known "
    "word and its range)")
{
	const struct kenv_word *kw;
	size_t i;
	int j;

	if (argc > 2 || (argc == 2 && strcmp(argv[1], "-v") != 0)) {
		printf("usage: kenv [-v]\n");
		return (1);
	}
	for (j = 0; j < kenv_n; j++)
		printf("%s%s%s\n", kenv_key[j],
		    kenv_val[j] != kenv_key[j] + strlen(kenv_key[j]) ? "=" : "",
		    kenv_val[j]);
	if (argc == 1)
		return (0);
	printf("known words:\n");
	for (i = 0; i < nitems(kenv_words); i++) {
		kw = &kenv_words[i];
		if (kw->kw_type == KW_STR)
			printf("  %-16s text\n", kw->kw_name);
		else
			printf("  %-16s %ld..%ld\n", kw->kw_name, kw->kw_min,
			    kenv_max(kw));
	}
	return (0);
}
