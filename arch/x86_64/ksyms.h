/*
 * arch/x86_64/ksyms.h: the kernel's own symbol table, for backtraces.
 *
 * ksym_table holds every function of the kernel, sorted by address;
 * the build generates it from a first link (arch/x86_64/mksyms.sh).
 * ksym_lookup names the function holding an address, as ddb does.
 */
#ifndef _ARCH_X86_64_KSYMS_H_
#define _ARCH_X86_64_KSYMS_H_

struct ksym {
	uint64_t	 ks_addr;
	const char	*ks_name;
};

extern const struct ksym ksym_table[];
extern const size_t ksym_count;

const char	*ksym_lookup(uint64_t pc, uint64_t *offp);

#endif /* !_ARCH_X86_64_KSYMS_H_ */
