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

typedef unsigned char	u_char;
typedef unsigned short	u_short;
typedef unsigned int	u_int;
typedef unsigned long	u_long;
typedef uint8_t		u_int8_t;
typedef uint16_t	u_int16_t;
typedef uint32_t	u_int32_t;
typedef uint64_t	u_int64_t;
typedef long		ssize_t;
typedef long long	off_t;
typedef char		*caddr_t;
typedef uintptr_t	paddr_t;
typedef uintptr_t	vaddr_t;

#endif /* !_SYS_TYPES_H_ */
