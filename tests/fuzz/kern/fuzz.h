/*
 * fuzz.h: the kernel-side fuzz targets, called by tests/fuzz/fuzz_main.c.
 */
#ifndef _FUZZ_H_
#define _FUZZ_H_

void	fuzz_frame_setup(void);
int	fuzz_frame_one(const uint8_t *, size_t);
void	fuzz_mbuf_setup(void);
int	fuzz_mbuf_one(const uint8_t *, size_t);
void	fuzz_abort(void) __attribute__((noreturn));

#endif /* !_FUZZ_H_ */
