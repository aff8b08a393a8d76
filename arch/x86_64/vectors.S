/*
 * arch/x86_64/vectors.S: entry stubs for exceptions and interrupts.
 *
 * One stub per vector 0..71 (32 CPU exceptions, 16 8259 IRQs, 24 I/O
 * APIC GSIs: intr.h's NVEC), and the local APIC's two: the wakeup IPI (240) and its spurious vector (255).
 * Each pushes a zero error code when the CPU did not, then its vector
 * number, then jumps to alltraps, which saves every general register
 * into a struct trapframe (intr.h) and calls trap(frame).
 *
 * Invariants: the stack is 16-byte aligned at the call (the CPU aligns
 * it before pushing its frame; 2 + 15 words follow, plus the 2-word
 * fake frame below); the direction flag is clear in C; a fake frame
 * (interrupted %rip, interrupted %rbp) is pushed so that frame-pointer
 * backtraces taken inside a handler continue into the interrupted code.
 * Interrupts stay disabled from entry (interrupt gates) to iretq.
 * Everything runs on the current stack at ring 0.
 */

#define TF_RIP	(17 * 8)	/* offset of tf_rip in struct trapframe */

	.text

.macro	VEC_NOERR n
	.align	16
Xvec\n:
	pushq	$0
	pushq	$\n
	jmp	alltraps
.endm

.macro	VEC_ERR n
	.align	16
Xvec\n:
	pushq	$\n
	jmp	alltraps
.endm

	VEC_NOERR 0
	VEC_NOERR 1
	VEC_NOERR 2
	VEC_NOERR 3
	VEC_NOERR 4
	VEC_NOERR 5
	VEC_NOERR 6
	VEC_NOERR 7
	VEC_ERR   8
	VEC_NOERR 9
	VEC_ERR   10
	VEC_ERR   11
	VEC_ERR   12
	VEC_ERR   13
	VEC_ERR   14
	VEC_NOERR 15
	VEC_NOERR 16
	VEC_ERR   17
	VEC_NOERR 18
	VEC_NOERR 19
	VEC_NOERR 20
	VEC_ERR   21
	VEC_NOERR 22
	VEC_NOERR 23
	VEC_NOERR 24
	VEC_NOERR 25
	VEC_NOERR 26
	VEC_NOERR 27
	VEC_NOERR 28
	VEC_ERR   29
	VEC_ERR   30
	VEC_NOERR 31
	.irp	n, 32,33,34,35,36,37,38,39,40,41,42,43,44,45,46,47
	VEC_NOERR \n
	.endr
	.irp	n, 48,49,50,51,52,53,54,55,56,57,58,59,60,61,62,63
	VEC_NOERR \n
	.endr
	.irp	n, 64,65,66,67,68,69,70,71
	VEC_NOERR \n
	.endr
	VEC_NOERR 240
	VEC_NOERR 255

/*
 * CFI: until the fake frame below exists nothing is known of the caller
 * (a debugger's backtrace stops); from then on the caller is the
 * interrupted code: its %rip and %rbp are in the fake frame at %rbp.
 */
	.align	16
	.type	alltraps, @function
alltraps:
	.cfi_startproc
	.cfi_undefined rip
	pushq	%rax
	pushq	%rbx
	pushq	%rcx
	pushq	%rdx
	pushq	%rsi
	pushq	%rdi
	pushq	%rbp
	pushq	%r8
	pushq	%r9
	pushq	%r10
	pushq	%r11
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	cld
	movq	%rsp, %rdi
	pushq	TF_RIP(%rdi)		/* fake frame: return address */
	pushq	%rbp			/* and the interrupted %rbp */
	movq	%rsp, %rbp
	.cfi_def_cfa rbp, 16
	.cfi_offset rip, -8
	.cfi_offset rbp, -16
	call	trap
	addq	$16, %rsp
	.cfi_undefined rip
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%r11
	popq	%r10
	popq	%r9
	popq	%r8
	popq	%rbp
	popq	%rdi
	popq	%rsi
	popq	%rdx
	popq	%rcx
	popq	%rbx
	popq	%rax
	addq	$16, %rsp		/* vector number and error code */
	iretq
	.cfi_endproc
	.size	alltraps, . - alltraps

	.section .rodata
	.align	8
	.globl	idt_vectors
idt_vectors:
	.irp	n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
	.quad	Xvec\n
	.endr
	.irp	n, 16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	.quad	Xvec\n
	.endr
	.irp	n, 32,33,34,35,36,37,38,39,40,41,42,43,44,45,46,47
	.quad	Xvec\n
	.endr
	.irp	n, 48,49,50,51,52,53,54,55,56,57,58,59,60,61,62,63
	.quad	Xvec\n
	.endr
	.irp	n, 64,65,66,67,68,69,70,71
	.quad	Xvec\n
	.endr
	.globl	idt_vec_ipi, idt_vec_spurious
idt_vec_ipi:
	.quad	Xvec240
idt_vec_spurious:
	.quad	Xvec255

	.section .note.GNU-stack, "", @progbits
