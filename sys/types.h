/*
 * sys/types.h: the basic kernel types.
 *
 * The kernel is freestanding: it takes only the headers a freestanding
 * C implementation must provide (stddef, stdint, stdbool, stdarg) and
 * builds the traditional BSD names on top of them.
 */
#ifndef _SYS_TYPES_H_
#define _SYS_TYPES_H_

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include <stdarg.h>

#include <sys/_types.h>

typedef long		ssize_t;
typedef long long	off_t;
typedef uintptr_t	paddr_t;
typedef uintptr_t	vaddr_t;

#endif /* !_SYS_TYPES_H_ */
