/* SPDX-License-Identifier: MIT */
/*
 * What the repaint needs beyond the split: the generic page-table walker's interface
 * (include/linux/pagewalk.h, DUPLICATED), the address-range helpers of include/linux/pgtable.h and
 * asm-generic/pgtable-nopud.h (DUPLICATED), kernel TLB maintenance of asm/tlbflush.h (CUSTOMISED:
 * each TLBI a harness request), and the ID-map handshake of the stop_machine() repaint
 * (CUSTOMISED: proc.S is assembly, performed by the harness — see kernel/cSut.ts).
 * Semantics follow the kernel at v7.x as the bundled port (impl/pagewalk.ts,
 * impl/shims/custom.ts, impl/proc.ts) does, independently written.
 */
#ifndef BBM_WALK_H
#define BBM_WALK_H

/* ---- include/linux/pagewalk.h ------------------------------------------------------------ */

enum page_walk_action { ACTION_SUBTREE = 0, ACTION_CONTINUE = 1, ACTION_AGAIN = 2 };
enum page_walk_lock { PGWALK_RDLOCK = 0, PGWALK_WRLOCK = 1, PGWALK_WRLOCK_VERIFY = 2 };
struct mm_walk;
struct vm_area_struct;
/* The members of v7.x; a kernel-range walk uses the entry callbacks and pte_hole only. */
struct mm_walk_ops {
	int (*pgd_entry)(pgd_t *pgd, unsigned long addr, unsigned long next, struct mm_walk *walk);
	int (*p4d_entry)(p4d_t *p4d, unsigned long addr, unsigned long next, struct mm_walk *walk);
	int (*pud_entry)(pud_t *pud, unsigned long addr, unsigned long next, struct mm_walk *walk);
	int (*pmd_entry)(pmd_t *pmd, unsigned long addr, unsigned long next, struct mm_walk *walk);
	int (*pte_entry)(pte_t *pte, unsigned long addr, unsigned long next, struct mm_walk *walk);
	int (*pte_hole)(unsigned long addr, unsigned long next, int depth, struct mm_walk *walk);
	int (*hugetlb_entry)(pte_t *pte, unsigned long hmask, unsigned long addr, unsigned long next,
			     struct mm_walk *walk);
	int (*test_walk)(unsigned long addr, unsigned long next, struct mm_walk *walk);
	int (*pre_vma)(unsigned long start, unsigned long end, struct mm_walk *walk);
	void (*post_vma)(struct mm_walk *walk);
	int (*install_pte)(unsigned long addr, unsigned long next, pte_t *ptep, struct mm_walk *walk);
	enum page_walk_lock walk_lock;
};
struct mm_walk {
	const struct mm_walk_ops *ops;
	struct mm_struct *mm;
	pgd_t *pgd;
	struct vm_area_struct *vma;
	enum page_walk_action action;
	bool no_vma;
	void *private;
};
int walk_kernel_page_table_range_lockless(unsigned long start, unsigned long end,
					  const struct mm_walk_ops *ops, pgd_t *pgd, void *private);

/* ---- address ranges and entry predicates ------------------------------------------------- */

#define bbm_addr_end(addr, end, size)                                                              \
	({                                                                                          \
		unsigned long __boundary = ((addr) + (size)) & ~((size) - 1);                       \
		(__boundary - 1 < (end) - 1) ? __boundary : (end);                                  \
	})
#define pgd_addr_end(addr, end) bbm_addr_end(addr, end, PGDIR_SIZE)
#define p4d_addr_end(addr, end) (end)
#ifdef __PAGETABLE_PUD_FOLDED
#define pud_addr_end(addr, end) (end)
#else
#define pud_addr_end(addr, end) bbm_addr_end(addr, end, PUD_SIZE)
#endif
#define pmd_addr_end(addr, end) bbm_addr_end(addr, end, PMD_SIZE)
#define pmd_none(pmd) (!pmd_val(pmd))
#define pud_none(pud) (!pud_val(pud))
#if CONFIG_PGTABLE_LEVELS > 3
#define p4d_bad(p4d) (!(p4d_val(p4d) & 2))
#else
#define p4d_bad(p4d) 0
#endif
#define p4d_clear(p4dp) WRITE_ONCE(*(p4dp), __p4d(0))

/*
 * ---- the rest of mm/pagewalk.c's world (linux/mm.h, linux/pgtable.h, linux/huge_mm.h) ---------
 * A kernel-range walk (walk_kernel_page_table_range_lockless(): init_mm, no VMA, no install_pte)
 * never takes the user-memory branches of the generic walker; what they call is declared so that
 * an upstream mm/pagewalk.c compiles unchanged, and BUGs if it is ever reached.
 */
#define PTRS_PER_P4D 1
#define TASK_SIZE (1UL << VA_BITS) /* the user half: below every kernel VA */
typedef struct { int bbm_unused; } spinlock_t;
#define bbm_user_walk_only(what) (bbm_bug(__func__, what " reached on a kernel-range walk"), 0)
#define pte_none(pte) (!pte_val(pte))
#define ptep_get(ptep) __ptep_get(ptep)
/* init_mm is the only mm here; its pgd is swapper_pg_dir. */
#define pgd_offset(mm, addr) ((void)(mm), pgd_offset_k(addr))
#define pte_offset_map(pmdp, addr) ((pte_t *)(long)bbm_user_walk_only("pte_offset_map()"))
#define pte_offset_map_lock(mm, pmdp, addr, ptlp) ((void)(ptlp), (pte_t *)(long)bbm_user_walk_only("pte_offset_map_lock()"))
#define pte_unmap(ptep) ((void)bbm_user_walk_only("pte_unmap()"))
#define pte_unmap_unlock(ptep, ptl) ((void)(ptl), (void)bbm_user_walk_only("pte_unmap_unlock()"))
#define set_pte_at(mm, addr, ptep, pte) ((void)bbm_user_walk_only("set_pte_at()"))
#define update_mmu_cache(vma, addr, ptep) ((void)bbm_user_walk_only("update_mmu_cache()"))
#define __pte_alloc(mm, pmdp) bbm_user_walk_only("__pte_alloc()")
#define __pmd_alloc(mm, pudp, addr) bbm_user_walk_only("__pmd_alloc()")
#define __pud_alloc(mm, p4dp, addr) bbm_user_walk_only("__pud_alloc()")
#define __p4d_alloc(mm, pgdp, addr) bbm_user_walk_only("__p4d_alloc()")
#define split_huge_pmd(vma, pmdp, addr) ((void)bbm_user_walk_only("split_huge_pmd()"))
#define split_huge_pud(vma, pudp, addr) ((void)bbm_user_walk_only("split_huge_pud()"))
#define pmd_trans_huge(pmd) ((bool)bbm_user_walk_only("pmd_trans_huge()"))
#define pud_trans_huge(pud) ((bool)bbm_user_walk_only("pud_trans_huge()"))
/*
 * pgd_none_or_clear_bad(), p4d_none_or_clear_bad() of linux/pgtable.h. The P4D is folded onto the
 * PGD (pgtable-nop4d.h: a PGD entry is never none); with more than 3 levels the P4D entry is the
 * PGD entry and is checked, with 3 the PUD is folded too and the PUD level checks it.
 */
#define pgd_none_or_clear_bad(pgdp) 0
#if CONFIG_PGTABLE_LEVELS <= 3
#define p4d_none_or_clear_bad(p4dp) 0
#else
static inline int p4d_none_or_clear_bad(p4d_t *p4d)
{
	p4d_t v = p4dp_get(p4d);

	if (!p4d_val(v))
		return 1;
	if (unlikely(p4d_bad(v))) {
		WARN_ON(1); /* p4d_clear_bad(): pgd_ERROR() and clear */
		p4d_clear(p4d);
		return 1;
	}
	return 0;
}
#endif

/* ---- the linear map's bounds and the kernel image (memory.h, sections.h) ------------------- */

#define _PAGE_OFFSET(va) PAGE_OFFSET
#define vabits_actual VA_BITS
#define PAGE_END 0xffff800000000000UL
/* STUBBED: a kernel image symbol's linear alias, from the run's memblock layout. */
#define lm_alias(sym) ((void *)__phys_to_virt(bbm_request(BBM_REQ_SYMBOL, 0, 0, 0, #sym)))
int bbm_current_cpu(void); /* the task's CPU (a task never migrates) */
#define smp_processor_id() bbm_current_cpu()
#define cpu_relax() bbm_request(BBM_REQ_RELAX, 0, 0, 0, 0)
#define panic(msg) bbm_request_noreturn(BBM_REQ_PANIC, (msg))

/* ---- CUSTOMISED: kernel TLB maintenance (asm/tlbflush.h, no FEAT_TLBIRANGE) ----------------- */

#define __bbm_tlbi_arg2(zero, a, ...) (a)
#define __bbm_tlbi_arg(zero, ...) __bbm_tlbi_arg2(zero, ##__VA_ARGS__, zero)
#define __tlbi(op, ...) bbm_request(BBM_REQ_TLBI, BBM_TLBI_##op, (u64)__bbm_tlbi_arg(0, ##__VA_ARGS__), 0, 0)
#define MAX_DVM_OPS PTRS_PER_PTE
#define MAX_TLBI_RANGE_PAGES (32UL << 16)

static inline void flush_tlb_all(void)
{
	dsb(ishst);
	__tlbi(vmalle1is);
	dsb(ish);
	isb();
}

static inline bool __flush_tlb_range_limit_excess(unsigned long start, unsigned long end, unsigned long pages,
						  unsigned long stride)
{
	return end - start >= MAX_DVM_OPS * stride || pages > MAX_TLBI_RANGE_PAGES;
}

/* DEVIATION: the TLBI operand is the VA itself (the kernel encodes VA >> 12), as in the trace. */
static inline void flush_tlb_kernel_range(unsigned long start, unsigned long end)
{
	const unsigned long stride = PAGE_SIZE;
	unsigned long addr, pages;

	start = ALIGN_DOWN(start, stride);
	end = ALIGN_DOWN(end + stride - 1, stride);
	pages = (end - start) >> PAGE_SHIFT;
	if (__flush_tlb_range_limit_excess(start, end, pages, stride)) {
		flush_tlb_all();
		return;
	}
	dsb(ishst);
	for (addr = start; addr < end; addr += stride)
		__tlbi(vaale1is, addr);
	dsb(ish);
	isb();
}

/* ---- CUSTOMISED: the ID-map handshake of the repaint (proc.S, mmu_context.h) --------------- */

/* smp_cond_load_acquire() of idmap_kpti_bbml2_flag: spin (a blocked scheduling point) until true. */
#define smp_cond_load_acquire(ptr, cond_expr)                                                       \
	({                                                                                          \
		u64 VAL;                                                                            \
		for (;;) {                                                                          \
			VAL = READ_ONCE(*(ptr));                                                    \
			if (cond_expr)                                                              \
				break;                                                              \
			cpu_relax();                                                                \
		}                                                                                   \
		VAL;                                                                                \
	})
#define cpu_install_idmap() bbm_request(BBM_REQ_IDMAP_INSTALL, 0, 0, 0, 0)
#define cpu_uninstall_idmap() bbm_request(BBM_REQ_IDMAP_UNINSTALL, 0, 0, 0, 0)
/* DEVIATION: the ID map's PA of a symbol is the symbol itself (the host runs no ID map). */
#define __pa_symbol(sym) ((unsigned long)(sym))
void wait_linear_map_split_to_ptes(void);

#endif /* BBM_WALK_H */
