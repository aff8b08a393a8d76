/*
 * arch/x86_64/mpboot.S: the real-mode trampoline of the other CPUs.
 *
 * A started CPU (INIT, then STARTUP with vector MPBOOT_ADDR >> 12)
 * begins here in real mode at MPBOOT_ADDR:0, CS = MPBOOT_ADDR >> 4.
 * mp.c copies [mpboot_start, mpboot_end) to MPBOOT_ADDR and fills in
 * mpboot_stack and mpboot_cpu before each start.  The code goes from
 * real mode straight to long mode (PAE, the boot CPU's page tables,
 * EFER.LME, then CR0.PE and CR0.PG together) and far-jumps through the
 * kernel's own GDT (boot.S) into 64-bit code, which loads the data
 * segments and the stack and calls mp_ap_main(cpu).
 *
 * Invariants: everything here is addressed relative to mpboot_start
 * (the copy does not run where it was linked); boot_pml4 and gdt lie
 * below 4 GiB, as 32-bit real-mode operands need; interrupts stay
 * disabled throughout; nothing here writes memory but the stack.
 */
#define MPBOOT_ADDR	0x8000		/* mp.c agrees */
#define CR0_PE		0x00000001
#define CR0_WP		0x00010000
#define CR0_PG		0x80000000
#define CR4_PAE		0x00000020
#define MSR_EFER	0xc0000080
#define EFER_LME	0x00000100
#define REL(x)		((x) - mpboot_start)

	.text
	.code16
	.globl	mpboot_start, mpboot_end, mpboot_stack, mpboot_cpu, mpboot_gdtdesc
mpboot_start:
	cli
	cld
	movw	%cs, %ax
	movw	%ax, %ds
	lgdtl	REL(mpboot_gdtdesc)
	movl	%cr4, %eax
	orl	$CR4_PAE, %eax
	movl	%eax, %cr4
	movl	REL(mpboot_cr3), %eax
	movl	%eax, %cr3
	movl	$MSR_EFER, %ecx
	rdmsr
	orl	$EFER_LME, %eax
	wrmsr
	movl	%cr0, %eax
	orl	$(CR0_PE | CR0_PG | CR0_WP), %eax
	movl	%eax, %cr0
	ljmpl	$0x08, $(MPBOOT_ADDR + REL(mpboot_64))

	.code64
mpboot_64:
	movw	$0x10, %ax
	movw	%ax, %ds
	movw	%ax, %es
	movw	%ax, %ss
	xorl	%eax, %eax
	movw	%ax, %fs
	movw	%ax, %gs
	movq	(MPBOOT_ADDR + REL(mpboot_stack)), %rsp
	movl	(MPBOOT_ADDR + REL(mpboot_cpu)), %edi
	pushq	$0			/* zero return address ends backtraces */
	xorl	%ebp, %ebp
	pushq	%rbp
	movq	%rsp, %rbp
	movabsq	$mp_ap_main, %rax
	call	*%rax
1:	cli
	hlt
	jmp	1b

	.align	8
mpboot_gdtdesc:
	.word	0			/* limit and base: mp.c */
	.long	0
	.align	8
mpboot_cr3:
	.long	boot_pml4
	.long	0
mpboot_stack:
	.quad	0
mpboot_cpu:
	.quad	0
mpboot_end:

	.section .note.GNU-stack, "", @progbits
