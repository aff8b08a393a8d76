/*
 * arch/x86_64/boot.S: multiboot entry, switch to long mode, call C.
 *
 * QEMU (-kernel) or any multiboot 1 loader enters _start in 32-bit
 * protected mode, paging off, with %eax = 0x2badb002 and %ebx = the
 * physical address of the multiboot information.  QEMU refuses 64-bit
 * ELF for multiboot, so the header uses the a.out kludge (flag bit 16)
 * and names the load addresses itself; kernel.ld keeps the file laid
 * out as memory is.
 *
 * Invariants on the way out to md_boot(magic, mbi):
 *  - .bss is zero;
 *  - the first 4 GiB are identity mapped, 2 MiB pages, except that the
 *    first 2 MiB use 4 KiB pages with page 0 left unmapped, so that a
 *    NULL dereference faults; 3..4 GiB (PCI MMIO) is mapped uncached;
 *  - the 64-bit GDT below is loaded: 0x08 kernel code, 0x10 kernel data,
 *    from 0x18 one 16-byte TSS slot per CPU (MAXCPUS) that trap.c fills
 *    in; mpboot.S loads the same GDT and page tables on the others;
 *  - %edi/%esi hold the magic and the multiboot info address;
 *  - %rsp is the top of boot_stack (BOOT_STACK_SIZE bytes), %rbp = 0 and
 *    a zero return address sit above the first C frame, so frame-pointer
 *    backtraces end there;
 *  - interrupts are off; they stay off until kern/ enables them.
 */

#define MB_MAGIC		0x1badb002
#define MB_F_PAGE_ALIGN		0x00000001	/* modules page aligned */
#define MB_F_MEMINFO		0x00000002	/* give us mem_* and mmap */
#define MB_F_AOUT_KLUDGE	0x00010000	/* header has the addresses */
#define MB_FLAGS		(MB_F_PAGE_ALIGN | MB_F_MEMINFO | MB_F_AOUT_KLUDGE)

#define CR0_PE			0x00000001
#define CR0_WP			0x00010000
#define CR0_PG			0x80000000
#define CR4_PAE			0x00000020
#define CR4_PGE			0x00000080
#define MSR_EFER		0xc0000080
#define EFER_LME		0x00000100

#define PG_V			0x001
#define PG_RW			0x002
#define PG_WT			0x008
#define PG_N			0x010
#define PG_PS			0x080
#define PG_G			0x100

#define BOOT_STACK_SIZE		(32 * 1024)

#define COM1			0x3f8

	.section .multiboot, "a"
	.align	4
multiboot_header:
	.long	MB_MAGIC
	.long	MB_FLAGS
	.long	-(MB_MAGIC + MB_FLAGS)
	.long	multiboot_header	/* header_addr */
	.long	__kernel_start		/* load_addr */
	.long	_edata			/* load_end_addr */
	.long	end			/* bss_end_addr */
	.long	_start			/* entry_addr */

	.section .text.boot, "ax"
	.code32
	.globl	_start
	.type	_start, @function
_start:
	cli
	cld
	movl	%eax, %ebp		/* multiboot magic */
	movl	%ebx, %esi		/* multiboot info (cpuid eats %ebx) */

	/* Zero .bss (QEMU does, another loader might not). */
	movl	$__bss_start, %edi
	movl	$end, %ecx
	subl	%edi, %ecx
	xorl	%eax, %eax
	rep stosb

	movl	$(boot_stack + BOOT_STACK_SIZE), %esp

	/* Long mode needs CPUID 0x80000001 EDX bit 29. */
	movl	$0x80000000, %eax
	cpuid
	cmpl	$0x80000001, %eax
	jb	no_long_mode
	movl	$0x80000001, %eax
	cpuid
	testl	$(1 << 29), %edx
	jz	no_long_mode

	/* PML4[0] -> PDPT; PDPT[0..3] -> PD0..PD3. */
	movl	$(boot_pdpt + PG_V + PG_RW), boot_pml4
	movl	$boot_pd, %eax
	orl	$(PG_V | PG_RW), %eax
	xorl	%ecx, %ecx
1:	movl	%eax, boot_pdpt(,%ecx,8)
	addl	$4096, %eax
	incl	%ecx
	cmpl	$4, %ecx
	jb	1b

	/* 2048 PD entries of 2 MiB each: 0..4 GiB; uncached from 3 GiB. */
	xorl	%ecx, %ecx
2:	movl	%ecx, %eax
	shll	$21, %eax
	orl	$(PG_V | PG_RW | PG_PS), %eax
	cmpl	$1536, %ecx
	jb	3f
	orl	$(PG_WT | PG_N), %eax
3:	movl	%eax, boot_pd(,%ecx,8)
	incl	%ecx
	cmpl	$2048, %ecx
	jb	2b

	/* The first 2 MiB again, with 4 KiB pages and page 0 absent. */
	movl	$1, %ecx
4:	movl	%ecx, %eax
	shll	$12, %eax
	orl	$(PG_V | PG_RW), %eax
	movl	%eax, boot_pt0(,%ecx,8)
	incl	%ecx
	cmpl	$512, %ecx
	jb	4b
	movl	$(boot_pt0 + PG_V + PG_RW), boot_pd

	/* PAE, EFER.LME, then paging: we are in compatibility mode. */
	movl	%cr4, %eax
	orl	$CR4_PAE, %eax
	movl	%eax, %cr4
	movl	$boot_pml4, %eax
	movl	%eax, %cr3
	movl	$MSR_EFER, %ecx
	rdmsr
	orl	$EFER_LME, %eax
	wrmsr
	movl	%cr0, %eax
	orl	$(CR0_PE | CR0_PG | CR0_WP), %eax
	movl	%eax, %cr0

	lgdt	gdt_desc
	ljmp	$0x08, $start64

	/* Say so on COM1 (raw, no init: QEMU does not need one) and stop. */
no_long_mode:
	movl	$no_lm_msg, %esi
5:	lodsb
	testb	%al, %al
	jz	6f
	movw	$COM1, %dx
	outb	%al, %dx
	jmp	5b
6:	cli
	hlt
	jmp	6b

	.code64
/*
 * The outermost frame: its CFI says there is no return address, so a
 * debugger's backtrace ends here instead of reading boot_stack's
 * neighbours as frames.
 */
start64:
	.cfi_startproc
	.cfi_undefined rip
	movw	$0x10, %ax
	movw	%ax, %ds
	movw	%ax, %es
	movw	%ax, %ss
	xorl	%eax, %eax
	movw	%ax, %fs
	movw	%ax, %gs
	lgdt	gdt_desc		/* again, now with a 64-bit base */

	movq	$(boot_stack + BOOT_STACK_SIZE), %rsp
	pushq	$0			/* zero return address ends backtraces */
	movl	%ebp, %edi		/* magic (zero extended) */
	movl	%esi, %esi		/* multiboot info (zero extended) */
	xorl	%ebp, %ebp
	pushq	%rbp			/* saved %rbp = 0 of the outermost frame */
	movq	%rsp, %rbp
	call	md_boot
7:	cli
	hlt
	jmp	7b
	.cfi_endproc
	.size	_start, . - _start

	.section .rodata
no_lm_msg:
	.asciz	"boot: this CPU has no long mode\r\n"

	.data
	.align	16
	.globl	gdt
gdt:
	.quad	0x0000000000000000	/* 0x00 null */
	.quad	0x00af9a000000ffff	/* 0x08 kernel code, 64-bit */
	.quad	0x00cf92000000ffff	/* 0x10 kernel data */
	.fill	2 * 8, 8, 0		/* 0x18 + 16 * cpu: TSS (trap.c) */
gdt_end:
	.align	16
	.globl	gdt_desc
gdt_desc:
	.word	gdt_end - gdt - 1
	.quad	gdt

	.bss
	.align	4096
	.globl	boot_pml4
boot_pml4:
	.space	4096
boot_pdpt:
	.space	4096
boot_pd:
	.space	4 * 4096
boot_pt0:
	.space	4096
	.globl	boot_stack
boot_stack:
	.space	BOOT_STACK_SIZE

	.section .note.GNU-stack, "", @progbits
