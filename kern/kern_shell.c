/*
 * kern_shell.c: the serial console shell.
 *
 * Reads a line from the console with a small line editor (echo,
 * backspace, Ctrl-U, Ctrl-C, history on Up/Down; other escape sequences
 * are swallowed), splits it on blanks and runs the command of that name
 * from the set_shellcmd linker section.  Subsystems add commands with
 * SHELL_CMD in their own files; the built-in ones here are help, mem,
 * threads, uptime, selftest and reboot.
 *
 * Invariants: a command only ever sees a whole line as typed: a line
 * too long or with too many words is refused with a message, never
 * cut; a line always ends at its Enter, however long it was.
 */
#include <sys/types.h>
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/malloc.h>
#include <sys/proc.h>
#include <sys/shell.h>
#include <sys/selftest.h>
#include <sys/machdep.h>

extern const struct shell_cmd __start_set_shellcmd[] __attribute__((weak));
extern const struct shell_cmd __stop_set_shellcmd[] __attribute__((weak));

#define MAXARGS		16
#define SHELL_LINEMAX	128		/* a line's characters and its NUL */
#define SHELL_NHIST	16		/* lines of history kept */

#define CTRL(c)		((c) & 0x1f)
#define ESC		0x1b

static const struct shell_cmd *
shell_lookup(const char *name)
{
	const struct shell_cmd *sc;

	for (sc = __start_set_shellcmd; sc < __stop_set_shellcmd; sc++)
		if (strcmp(sc->sc_name, name) == 0)
			return (sc);
	return (NULL);
}

int
shell_exec(char *line)
{
	const struct shell_cmd *sc;
	char *argv[MAXARGS + 1];
	int argc = 0;
	char *p = line;

	for (;;) {
		while (*p == ' ' || *p == '\t')
			*p++ = '\0';
		if (*p == '\0')
			break;
		if (argc == MAXARGS) {
			printf("%s: more than %d words; not run\n", argv[0],
			    MAXARGS);
			return (-1);
		}
		argv[argc++] = p;
		while (*p != '\0' && *p != ' ' && *p != '\t')
			p++;
	}
	argv[argc] = NULL;
	if (argc == 0)
		return (0);
	if ((sc = shell_lookup(argv[0])) != NULL)
		return (sc->sc_func(argc, argv));
	printf("%s: unknown command (try help)\n", argv[0]);
	return (-1);
}

/*
 * The usage line of a command is its help text up to ": " (or just its
 * name when the help has none), so that help and usage cannot differ.
 */
int
shell_usage(const char *name)
{
	const struct shell_cmd *sc = shell_lookup(name);
	const char *colon;

	if (sc == NULL)
		return (-1);
	if ((colon = strstr(sc->sc_help, ": ")) != NULL)
		printf("usage: %.*s\n", (int)(colon - sc->sc_help),
		    sc->sc_help);
	else
		printf("usage: %s\n", sc->sc_name);
	return (-1);
}

int
shell_argnum(const char *name, const char *what, const char *arg, long min,
    long max, long *valp)
{
	long v;

	if (kstrtol(arg, &v) != 0 || v < min || v > max) {
		printf("%s: %s %s: not a number in %ld..%ld\n", name, what,
		    arg, min, max);
		return (-1);
	}
	*valp = v;
	return (0);
}

/*
 * The line editor.  Printable characters are echoed; backspace and
 * delete take one back, Ctrl-U the whole line, Ctrl-C drops it; Up and
 * Down (ESC [ A / B or ESC O A / B) walk the history.  Every other
 * escape sequence is read to its final byte and dropped, so none of it
 * reaches a command.  A line longer than SHELL_LINEMAX - 1 characters
 * is read to its end and refused.
 */
static char shell_hist[SHELL_NHIST][SHELL_LINEMAX];
static u_int shell_nhist;			/* lines ever kept */
static char shell_line[SHELL_LINEMAX];		/* the line being edited */
static size_t shell_len;
static bool shell_reading;			/* the prompt is showing */

static int
shell_getc(void)
{
	int c;

	while ((c = cngetc()) == -1)
		tsleep(&shell_getc, 0, "ttyin", 1);
	return (c);
}

static void
shell_erase(size_t n)
{
	while (n-- > 0)
		printf("\b \b");
}

/* Replace the line being edited, on the screen too, with text. */
static void
shell_show(const char *text)
{
	shell_erase(shell_len);
	strlcpy(shell_line, text, SHELL_LINEMAX);
	shell_len = strlen(shell_line);
	printf("%s", shell_line);
}

void
shell_redraw(void)
{
	if (shell_reading)
		printf("mbufk> %s", shell_line);
}

static void
shell_hist_add(const char *line)
{
	if (*line == '\0' || (shell_nhist > 0 && strcmp(line,
	    shell_hist[(shell_nhist - 1) % SHELL_NHIST]) == 0))
		return;
	strlcpy(shell_hist[shell_nhist % SHELL_NHIST], line, SHELL_LINEMAX);
	shell_nhist++;
}

/* Read an escape sequence after its ESC; returns 'A', 'B' or 0. */
static int
shell_escape(void)
{
	int c = shell_getc();

	if (c == 'O')		/* SS3: one final byte */
		c = shell_getc();
	else if (c == '[') {	/* CSI: parameters, then a final byte */
		while ((c = shell_getc()) >= 0x20 && c < 0x40)
			continue;
	} else
		return (0);
	return (c == 'A' || c == 'B' ? c : 0);
}

/*
 * Read one line into shell_line.  Returns 0 for a line to run, -1 for
 * one dropped (Ctrl-C, or too long: said so).
 */
static int
shell_readline(void)
{
	static int lastc;
	u_int back = 0;		/* history entry shown: 0 is the new line */
	bool toolong = false;
	int c, prev;

	shell_line[0] = '\0';
	shell_len = 0;
	printf("mbufk> ");
	shell_reading = true;
	for (;;) {
		prev = lastc;
		lastc = c = shell_getc();
		if (c == '\n' && prev == '\r')
			continue;	/* the second half of a CR LF */
		if (c == '\r' || c == '\n')
			break;
		switch (c) {
		case '\b':
		case 0x7f:
			if (shell_len > 0 && !toolong) {
				shell_line[--shell_len] = '\0';
				shell_erase(1);
			}
			continue;
		case CTRL('U'):
			shell_show("");
			toolong = false;
			continue;
		case CTRL('C'):
			shell_reading = false;
			printf("^C\n");
			return (-1);
		case ESC:
			c = shell_escape();
			if (c == 'A' && back < MIN(shell_nhist, SHELL_NHIST))
				back++;
			else if (c == 'B' && back > 0)
				back--;
			else
				continue;
			toolong = false;
			shell_show(back == 0 ? "" :
			    shell_hist[(shell_nhist - back) % SHELL_NHIST]);
			continue;
		}
		if (c < ' ' || c >= 0x7f)
			continue;	/* other control characters */
		if (shell_len == SHELL_LINEMAX - 1) {
			toolong = true;
			continue;
		}
		shell_line[shell_len++] = c;
		shell_line[shell_len] = '\0';
		cnputc(c);
	}
	shell_reading = false;
	printf("\n");
	if (toolong) {
		printf("shell: line longer than %d characters; not run\n",
		    SHELL_LINEMAX - 1);
		return (-1);
	}
	return (0);
}

void
shell_loop(void)
{
	for (;;) {
		if (shell_readline() != 0)
			continue;
		shell_hist_add(shell_line);
		shell_exec(shell_line);
	}
}

SHELL_CMD(help, "list the commands")
{
	const struct shell_cmd *sc;

	if (argc != 1)
		return (shell_usage(argv[0]));
	for (sc = __start_set_shellcmd; sc < __stop_set_shellcmd; sc++)
		printf("  %-10s %s\n", sc->sc_name, sc->sc_help);
	return (0);
}

SHELL_CMD(mem, "malloc(9) types, buckets and free pages")
{
	if (argc != 1)
		return (shell_usage(argv[0]));
	malloc_print_stats();
	return (0);
}

SHELL_CMD(threads, "list kernel threads")
{
	if (argc != 1)
		return (shell_usage(argv[0]));
	thread_print_all();
	return (0);
}

SHELL_CMD(uptime, "ticks and nanoseconds since boot")
{
	if (argc != 1)
		return (shell_usage(argv[0]));
	printf("%llu ticks (hz %d), %llu ms\n", (unsigned long long)ticks, hz,
	    (unsigned long long)(nanouptime() / 1000000));
	return (0);
}

SHELL_CMD(selftest, "selftest [PATTERN]: run the matching self-tests")
{
	if (argc > 2)
		return (shell_usage(argv[0]));
	return (selftest_run(argc > 1 ? argv[1] : "*"));
}

SHELL_CMD(reboot, "restart the machine")
{
	if (argc != 1)
		return (shell_usage(argv[0]));
	printf("rebooting\n");
	md_reboot();
}
