/*
 * sys/errno.h: error numbers returned by kernel calls (BSD values).
 */
#ifndef _SYS_ERRNO_H_
#define _SYS_ERRNO_H_

#define EPERM		1
#define ENOENT		2
#define EINTR		4
#define EIO		5
#define ENXIO		6
#define E2BIG		7
#define ENOMEM		12
#define EFAULT		14
#define EBUSY		16
#define EEXIST		17
#define EINVAL		22
#define ENOSPC		28
#define ERANGE		34
#define EAGAIN		35
#define EWOULDBLOCK	EAGAIN
#define EMSGSIZE	40
#define EOPNOTSUPP	45
#define EADDRINUSE	48
#define EADDRNOTAVAIL	49
#define ENETDOWN	50
#define ENETUNREACH	51
#define ENOBUFS		55
#define ETIMEDOUT	60
#define EHOSTUNREACH	65

#endif /* !_SYS_ERRNO_H_ */
