/*
 * sys/shell.h: commands of the serial console shell.
 *
 * SHELL_CMD(name, help) { ... } registers a command in the set_shellcmd
 * linker section; the function gets argc/argv split on blanks.  The
 * help text is "SYNOPSIS: what it does" (or only what it does, for a
 * command without arguments); shell_usage prints the synopsis.
 */
#ifndef _SYS_SHELL_H_
#define _SYS_SHELL_H_

struct shell_cmd {
	const char	*sc_name;
	const char	*sc_help;
	int		(*sc_func)(int, char **);
};

#define SHELL_CMD(name, help)						\
	static int shellcmd_fn_##name(int, char **);			\
	static const struct shell_cmd shellcmd_##name			\
	    __attribute__((section("set_shellcmd"), used,		\
	    aligned(sizeof(void *)))) = {				\
		#name, help, shellcmd_fn_##name };			\
	static int shellcmd_fn_##name(int argc, char **argv)

int	shell_exec(char *line);
int	shell_usage(const char *name);
void	shell_redraw(void);
int	shell_argnum(const char *name, const char *what, const char *arg,
	    long min, long max, long *valp);
void	shell_loop(void) __attribute__((noreturn));

#endif /* !_SYS_SHELL_H_ */
