/*
 * toyk_asm.S: the machine part of toyk, the foreign kernel of
 * tests/port: process entry, the three Linux system calls it uses, its
 * thread switch, and the non-local jump that the mbuf self-tests' panic
 * capture (sys/selftest.h) expects.  x86_64, System V ABI.
 */
	.text

/* Entry: the stack holds argc, argv...; call tk_main(argc, argv). */
	.globl	_start
_start:
	xorl	%ebp, %ebp
	movq	(%rsp), %rdi
	leaq	8(%rsp), %rsi
	andq	$-16, %rsp
	call	tk_main
	movl	%eax, %edi
	call	tk_exit
	hlt

/* long tk_syscall3(long nr, long a, long b, long c) */
	.globl	tk_syscall3
tk_syscall3:
	movq	%rdi, %rax
	movq	%rsi, %rdi
	movq	%rdx, %rsi
	movq	%rcx, %rdx
	syscall
	ret

/* void tk_swtch(void **from_sp, void *to_sp): callee-saved registers. */
	.globl	tk_swtch
tk_swtch:
	pushq	%rbp
	pushq	%rbx
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	movq	%rsp, (%rdi)
	movq	%rsi, %rsp
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbx
	popq	%rbp
	ret

/* int md_setjmp(struct md_jmpbuf *): rbx rbp r12-r15 rsp rip. */
	.globl	md_setjmp
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

/* void md_longjmp(struct md_jmpbuf *, int) */
	.globl	md_longjmp
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

	.section .note.GNU-stack,"",@progbits
