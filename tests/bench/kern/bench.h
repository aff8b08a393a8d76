/*
 * bench.h: what the kernel-side benchmark files share.
 */
#ifndef _BENCH_H_
#define _BENCH_H_

struct bres {
	uint64_t	ns;
	uint64_t	cyc;
	long		ops;
};

extern long bench_iters;

long	bench_measure(long (*)(long), long, struct bres *);
long	bench_measure_vs(long (*)(long), long (*)(long), long, struct bres *,
	    struct bres *);
void	bench_pair(const char *, long (*)(long), long (*)(long), long);
void	bench_row(const char *, struct bres *, struct bres *);
void	bench_header(const char *, const char *);
const char *bench_fix2(uint64_t, char *, size_t);

long	bench_loop_entry(long (*)(long), long);
void	bench_msys(long, long (*)(long));
void	bench_chain(void);
void	bench_memory(void);
void	bench_memory_msys(const int *, int);
void	bench_scaling(void);

#endif /* !_BENCH_H_ */
