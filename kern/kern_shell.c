/*
 * kern_shell.c: the serial console shell.
 *
 * Reads a line from the console (echoing it, with backspace), splits it
 * on blanks and runs the command of that name from the set_shellcmd
 * linker section.  Subsystems add commands with SHELL_CMD in their own
 * files; the built-in ones here are help, mem, threads, uptime,
 * selftest and reboot.
 */
#include <sys/types.h>
#include <sys/systm.h>
#include <sys/malloc.h>
#include <sys/proc.h>
#include <sys/shell.h>
#include <sys/selftest.h>
#include <sys/machdep.h>

extern const struct shell_cmd __start_set_shellcmd[] __attribute__((weak));
extern const struct shell_cmd __stop_set_shellcmd[] __attribute__((weak));

#define MAXARGS	16

int
shell_exec(char *line)
{
	const struct shell_cmd *sc;
	char *argv[MAXARGS + 1];
	int argc = 0;
	char *p = line;

	while (*p != '\0' && argc < MAXARGS) {
		while (*p == ' ' || *p == '\t')
			*p++ = '\0';
		if (*p == '\0')
			break;
		argv[argc++] = p;
		while (*p != '\0' && *p != ' ' && *p != '\t')
			p++;
	}
	argv[argc] = NULL;
	if (argc == 0)
		return (0);
	for (sc = __start_set_shellcmd; sc < __stop_set_shellcmd; sc++)
		if (strcmp(sc->sc_name, argv[0]) == 0)
			return (sc->sc_func(argc, argv));
	printf("%s: unknown command (try help)\n", argv[0]);
	return (-1);
}

static int
shell_getc(void)
{
	int c;

	while ((c = cngetc()) == -1)
		tsleep(&shell_getc, 0, "ttyin", 1);
	return (c);
}

void
shell_loop(void)
{
	char line[128];
	size_t n;

	for (;;) {
		printf("mbufk> ");
		n = 0;
		for (;;) {
			int c = shell_getc();

			if (c == '\r' || c == '\n') {
				printf("\n");
				break;
			}
			if ((c == '\b' || c == 0x7f) && n > 0) {
				n--;
				printf("\b \b");
				continue;
			}
			if (c >= ' ' && c < 0x7f && n < sizeof(line) - 1) {
				line[n++] = c;
				cnputc(c);
			}
		}
		line[n] = '\0';
		shell_exec(line);
	}
}

SHELL_CMD(help, "list the commands")
{
	const struct shell_cmd *sc;

	for (sc = __start_set_shellcmd; sc < __stop_set_shellcmd; sc++)
		printf("  %-10s %s\n", sc->sc_name, sc->sc_help);
	return (0);
}

SHELL_CMD(mem, "malloc(9) types, buckets and free pages")
{
	malloc_print_stats();
	return (0);
}

SHELL_CMD(threads, "list kernel threads")
{
	thread_print_all();
	return (0);
}

SHELL_CMD(uptime, "ticks and nanoseconds since boot")
{
	printf("%llu ticks (hz %d), %llu ms\n", (unsigned long long)ticks, hz,
	    (unsigned long long)(nanouptime() / 1000000));
	return (0);
}

SHELL_CMD(selftest, "selftest PATTERN: run the matching self-tests")
{
	return (selftest_run(argc > 1 ? argv[1] : "*"));
}

SHELL_CMD(reboot, "restart the machine")
{
	printf("rebooting\n");
	md_reboot();
}
