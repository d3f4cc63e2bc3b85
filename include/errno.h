/* Negative errno-style return codes used through Understudy's call chains.
 * The values are Linux's, so pure code built on the host (where <errno.h> is
 * the C library's) sees the same numbers. */
#ifndef UNDERSTUDY_ERRNO_H
#define UNDERSTUDY_ERRNO_H

#define EPERM 1
#define ENOENT 2
#define EIO 5
#define E2BIG 7
#define ENOEXEC 8
#define EAGAIN 11
#define ENOMEM 12
#define EFAULT 14
#define EBUSY 16
#define EEXIST 17
#define ENODEV 19
#define EINVAL 22
#define ENOSPC 28
#define ERANGE 34
#define ENOSYS 38
#define ENODATA 61
#define EPROTO 71
#define EBADMSG 74
#define EOVERFLOW 75
#define EILSEQ 84
#define ENOTSUP 95
#define ETIMEDOUT 110

#endif
