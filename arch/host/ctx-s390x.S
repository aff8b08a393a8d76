/*
 * ctx-s390x.S: context switch and non-local jump for the big-endian
 * host build (s390x ELF ABI, arguments in %r2-%r6).
 *
 * The callee-saved state is %r6-%r15 (%r14 the return address, %r15
 * the stack pointer) and %f8-%f15.  md_ctx_switch stores the general
 * registers in the 160-byte save area its caller provides (at 48..127
 * off %r15, where the ABI puts them) and the floating-point ones in 64
 * bytes below it; the saved stack pointer points at those 64 bytes.
 * A new thread's frame is the same shape with entry as %r14, a zero
 * back chain (a backtrace stops there) and a 160-byte save area for
 * entry above it.  md_jmpbuf holds %r6-%r15 then %f8-%f15 (18 words).
 */
	.text

/* void md_ctx_switch(struct md_ctx *from, struct md_ctx *to) */
	.globl	md_ctx_switch
	.type	md_ctx_switch, @function
md_ctx_switch:
	stmg	%r6, %r15, 48(%r15)
	aghi	%r15, -64
	std	%f8, 0(%r15)
	std	%f9, 8(%r15)
	std	%f10, 16(%r15)
	std	%f11, 24(%r15)
	std	%f12, 32(%r15)
	std	%f13, 40(%r15)
	std	%f14, 48(%r15)
	std	%f15, 56(%r15)
	stg	%r15, 0(%r2)
	lg	%r15, 0(%r3)
	ld	%f8, 0(%r15)
	ld	%f9, 8(%r15)
	ld	%f10, 16(%r15)
	ld	%f11, 24(%r15)
	ld	%f12, 32(%r15)
	ld	%f13, 40(%r15)
	ld	%f14, 48(%r15)
	ld	%f15, 56(%r15)
	lmg	%r6, %r15, 112(%r15)
	br	%r14
	.size	md_ctx_switch, . - md_ctx_switch

/*
 * void md_ctx_init(struct md_ctx *ctx, void *stack, size_t size,
 *     void (*entry)(void))
 * 224 zero bytes at the 16-aligned top of the stack: 64 of %f8-%f15,
 * then the 160-byte save area whose %r14 slot (48 + 8 * 8) is entry and
 * whose %r15 slot is the save area itself.
 */
	.globl	md_ctx_init
	.type	md_ctx_init, @function
md_ctx_init:
	agr	%r3, %r4
	nill	%r3, 0xfff0
	aghi	%r3, -224
	xc	0(224, %r3), 0(%r3)
	stg	%r5, 176(%r3)
	la	%r1, 64(%r3)
	stg	%r1, 184(%r3)
	stg	%r3, 0(%r2)
	br	%r14
	.size	md_ctx_init, . - md_ctx_init

/* int md_setjmp(struct md_jmpbuf *) */
	.globl	md_setjmp
	.type	md_setjmp, @function
md_setjmp:
	stmg	%r6, %r15, 0(%r2)
	std	%f8, 80(%r2)
	std	%f9, 88(%r2)
	std	%f10, 96(%r2)
	std	%f11, 104(%r2)
	std	%f12, 112(%r2)
	std	%f13, 120(%r2)
	std	%f14, 128(%r2)
	std	%f15, 136(%r2)
	lghi	%r2, 0
	br	%r14
	.size	md_setjmp, . - md_setjmp

/* void md_longjmp(struct md_jmpbuf *, int) */
	.globl	md_longjmp
	.type	md_longjmp, @function
md_longjmp:
	ld	%f8, 80(%r2)
	ld	%f9, 88(%r2)
	ld	%f10, 96(%r2)
	ld	%f11, 104(%r2)
	ld	%f12, 112(%r2)
	ld	%f13, 120(%r2)
	ld	%f14, 128(%r2)
	ld	%f15, 136(%r2)
	lmg	%r6, %r15, 0(%r2)
	ltr	%r3, %r3
	jnz	1f
	lhi	%r3, 1
1:	lgfr	%r2, %r3
	br	%r14
	.size	md_longjmp, . - md_longjmp

	.section .note.GNU-stack,"",@progbits
