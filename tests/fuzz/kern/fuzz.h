/*
 * fuzz.h: the kernel-side fuzz targets, called by tests/fuzz/fuzz_main.c,
 * and what fuzz_frame.c shares with fuzz_frame6.c.
 */
#ifndef _FUZZ_H_
#define _FUZZ_H_

struct fuzz_mark {
	unsigned long	mbufs, clusters, ext, classmbufs;
};

void	fuzz_frame_setup(void);
int	fuzz_frame_one(const uint8_t *, size_t);
void	fuzz_frame_input(uint8_t ctl, const uint8_t *, size_t);
void	fuzz_leak_mark(struct fuzz_mark *);
void	fuzz_leak_check(const struct fuzz_mark *, const char *);
int	fuzz_frame6_one(const uint8_t *, size_t);
void	fuzz_mbuf_setup(void);
int	fuzz_mbuf_one(const uint8_t *, size_t);
void	fuzz_abort(void) __attribute__((noreturn));

#endif /* !_FUZZ_H_ */
