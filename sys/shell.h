/*
 * sys/shell.h: commands of the serial console shell.
 *
 * SHELL_CMD(name, help) { ... } registers a command in the set_shellcmd
 * linker section; the function gets argc/argv split on blanks.
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
void	shell_loop(void) __attribute__((noreturn));

#endif /* !_SYS_SHELL_H_ */
