/*
 * ctx-i386.S: context switch and non-local jump for the 32-bit host
 * build (i386 System V ABI, arguments on the stack).
 *
 * The i386 twin of arch/x86_64/ctx.S, with the same frames: only the
 * callee-saved registers (%ebx, %esi, %edi, %ebp) are kept, and a new
 * thread starts with its stack aligned as a call would leave it
 * (16 bytes at the return address plus 4).  struct md_ctx's 64-bit
 * mc_sp holds the stack pointer in its low half; md_jmpbuf uses its
 * first six 32-bit words.
 */
	.text

/* void md_ctx_switch(struct md_ctx *from, struct md_ctx *to) */
	.globl	md_ctx_switch
	.type	md_ctx_switch, @function
md_ctx_switch:
	movl	4(%esp), %eax
	movl	8(%esp), %edx
	pushl	%ebp
	pushl	%ebx
	pushl	%esi
	pushl	%edi
	movl	%esp, (%eax)
	movl	$0, 4(%eax)
	movl	(%edx), %esp
	popl	%edi
	popl	%esi
	popl	%ebx
	popl	%ebp
	ret
	.size	md_ctx_switch, . - md_ctx_switch

/*
 * void md_ctx_init(struct md_ctx *ctx, void *stack, size_t size,
 *     void (*entry)(void))
 * Builds a frame that md_ctx_switch pops: four zero registers, entry as
 * the return address, then a zero return address for entry so that a
 * backtrace stops there.
 */
	.globl	md_ctx_init
	.type	md_ctx_init, @function
md_ctx_init:
	movl	8(%esp), %eax
	addl	12(%esp), %eax
	andl	$-16, %eax
	movl	16(%esp), %ecx
	movl	$0, -4(%eax)
	movl	%ecx, -8(%eax)
	movl	$0, -12(%eax)
	movl	$0, -16(%eax)
	movl	$0, -20(%eax)
	movl	$0, -24(%eax)
	subl	$24, %eax
	movl	4(%esp), %edx
	movl	%eax, (%edx)
	movl	$0, 4(%edx)
	ret
	.size	md_ctx_init, . - md_ctx_init

/* int md_setjmp(struct md_jmpbuf *) */
	.globl	md_setjmp
	.type	md_setjmp, @function
md_setjmp:
	movl	4(%esp), %eax
	movl	%ebx, 0(%eax)
	movl	%esi, 4(%eax)
	movl	%edi, 8(%eax)
	movl	%ebp, 12(%eax)
	leal	4(%esp), %ecx
	movl	%ecx, 16(%eax)
	movl	(%esp), %ecx
	movl	%ecx, 20(%eax)
	xorl	%eax, %eax
	ret
	.size	md_setjmp, . - md_setjmp

/* void md_longjmp(struct md_jmpbuf *, int) */
	.globl	md_longjmp
	.type	md_longjmp, @function
md_longjmp:
	movl	4(%esp), %edx
	movl	8(%esp), %eax
	testl	%eax, %eax
	jnz	1f
	incl	%eax
1:	movl	0(%edx), %ebx
	movl	4(%edx), %esi
	movl	8(%edx), %edi
	movl	12(%edx), %ebp
	movl	16(%edx), %esp
	jmpl	*20(%edx)
	.size	md_longjmp, . - md_longjmp

	.section .note.GNU-stack,"",@progbits
