/*
 * ctx.S: context switch and non-local jump for x86_64 (System V ABI).
 *
 * Shared by the QEMU kernel and the host program: both follow the same
 * calling convention, so the same few instructions switch kernel
 * threads in either.  Only the callee-saved registers are kept; the
 * caller of md_ctx_switch has saved the rest by the ABI.
 */
	.text

/* void md_ctx_switch(struct md_ctx *from, struct md_ctx *to) */
	.globl	md_ctx_switch
	.type	md_ctx_switch, @function
md_ctx_switch:
	pushq	%rbp
	pushq	%rbx
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	movq	%rsp, (%rdi)
	movq	(%rsi), %rsp
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbx
	popq	%rbp
	ret
	.size	md_ctx_switch, . - md_ctx_switch

/*
 * void md_ctx_init(struct md_ctx *ctx, void *stack, size_t size,
 *     void (*entry)(void))
 * Builds a frame that md_ctx_switch pops: six zero registers, then
 * entry as the return address, then a zero return address for entry
 * so that a backtrace stops there.
 */
	.globl	md_ctx_init
	.type	md_ctx_init, @function
md_ctx_init:
	leaq	(%rsi,%rdx), %rax
	andq	$-16, %rax
	movq	$0, -8(%rax)
	movq	%rcx, -16(%rax)
	movq	$0, -24(%rax)
	movq	$0, -32(%rax)
	movq	$0, -40(%rax)
	movq	$0, -48(%rax)
	movq	$0, -56(%rax)
	movq	$0, -64(%rax)
	subq	$64, %rax
	movq	%rax, (%rdi)
	ret
	.size	md_ctx_init, . - md_ctx_init

/* int md_setjmp(struct md_jmpbuf *) */
	.globl	md_setjmp
	.type	md_setjmp, @function
md_setjmp:
	movq	%rbx, 0(%rdi)
	movq	%rbp, 8(%rdi)
	movq	%r12, 16(%rdi)
	movq	%r13, 24(%rdi)
	movq	%r14, 32(%rdi)
	movq	%r15, 40(%rdi)
	leaq	8(%rsp), %rdx
	movq	%rdx, 48(%rdi)
	movq	(%rsp), %rdx
	movq	%rdx, 56(%rdi)
	xorl	%eax, %eax
	ret
	.size	md_setjmp, . - md_setjmp

/* void md_longjmp(struct md_jmpbuf *, int) */
	.globl	md_longjmp
	.type	md_longjmp, @function
md_longjmp:
	movl	%esi, %eax
	testl	%eax, %eax
	jnz	1f
	incl	%eax
1:	movq	0(%rdi), %rbx
	movq	8(%rdi), %rbp
	movq	16(%rdi), %r12
	movq	24(%rdi), %r13
	movq	32(%rdi), %r14
	movq	40(%rdi), %r15
	movq	48(%rdi), %rsp
	jmpq	*56(%rdi)
	.size	md_longjmp, . - md_longjmp

	.section .note.GNU-stack,"",@progbits
