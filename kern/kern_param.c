/*
 * kern_param.c: the kernel command line.
 *
 * The boot loader's command line ("-append" in QEMU) is a list of
 * blank-separated words "key=value" or "key".  kenv_init splits a copy
 * once at boot; kenv_get returns the value ("" for a bare key) of the
 * last word with that key, or NULL.  Tunables such as nmbclusters and
 * selftest read it here.
 */
#include <sys/types.h>
#include <sys/systm.h>

#define KENV_MAX	48
#define KENV_LEN	512

char kern_cmdline[KENV_LEN];
static char kenv_buf[KENV_LEN];
static char *kenv_key[KENV_MAX], *kenv_val[KENV_MAX];
static int kenv_n;

void
kenv_init(const char *cmdline)
{
	char *p;

	strlcpy(kern_cmdline, cmdline != NULL ? cmdline : "",
	    sizeof(kern_cmdline));
	strlcpy(kenv_buf, kern_cmdline, sizeof(kenv_buf));
	kenv_n = 0;
	for (p = kenv_buf; *p != '\0' && kenv_n < KENV_MAX;) {
		char *eq;

		while (*p == ' ' || *p == '\t')
			*p++ = '\0';
		if (*p == '\0')
			break;
		kenv_key[kenv_n] = p;
		while (*p != '\0' && *p != ' ' && *p != '\t')
			p++;
		if (*p != '\0')
			*p++ = '\0';
		if ((eq = strchr(kenv_key[kenv_n], '=')) != NULL) {
			*eq = '\0';
			kenv_val[kenv_n] = eq + 1;
		} else
			kenv_val[kenv_n] = kenv_key[kenv_n] +
			    strlen(kenv_key[kenv_n]);
		kenv_n++;
	}
}

const char *
kenv_get(const char *name)
{
	int i;

	for (i = kenv_n - 1; i >= 0; i--)
		if (strcmp(kenv_key[i], name) == 0)
			return (kenv_val[i]);
	return (NULL);
}

bool
kenv_getint(const char *name, long *valp)
{
	const char *v = kenv_get(name);
	char *end;
	long val;

	if (v == NULL || *v == '\0')
		return (false);
	val = (long)strtoul(*v == '-' ? v + 1 : v, &end, 0);
	if (*end != '\0') {
		printf("kenv: %s=%s is not a number; ignored\n", name, v);
		return (false);
	}
	*valp = *v == '-' ? -val : val;
	return (true);
}
