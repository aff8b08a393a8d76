/*
 * sys/_types.h: the traditional BSD type names over the freestanding
 * <stdint.h>; shared by sys/types.h (the kernel's) and sys/mbuf_port.h
 * (the mbuf module's seam, which includes nothing else of the kernel).
 */
#ifndef _SYS__TYPES_H_
#define _SYS__TYPES_H_

#include <stdint.h>

typedef unsigned char	u_char;
typedef unsigned short	u_short;
typedef unsigned int	u_int;
typedef unsigned long	u_long;
typedef uint8_t		u_int8_t;
typedef uint16_t	u_int16_t;
typedef uint32_t	u_int32_t;
typedef uint64_t	u_int64_t;
typedef char		*caddr_t;

#endif /* !_SYS__TYPES_H_ */
