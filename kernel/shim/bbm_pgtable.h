/* SPDX-License-Identifier: MIT */
/*
 * Page-table types, accessors and the instrumented store family for the extracted arm64 code.
 * DUPLICATED from arch/arm64/include/asm/pgtable.h, pgtable-types.h, memory.h and
 * include/asm-generic/pgtable-nop4d.h / pgtable-nopud.h; CUSTOMISED where an entry is read or
 * written (READ_ONCE, __set_pte, set_pmd, set_pud, set_swapper_pgd) or a barrier is issued, so
 * that each becomes a harness request (bbm_primitives.h). Semantics follow the kernel at v7.x,
 * including the batched barriers of "arm64/mm: Batch barriers when updating kernel mappings"
 * (queue_pte_barriers()/emit_pte_barriers() with TIF_LAZY_MMU_PENDING) — the bundled port's
 * impl/shims/custom.ts follows the same text, independently written.
 */
#ifndef BBM_PGTABLE_H
#define BBM_PGTABLE_H

/* ---- types (pgtable-types.h) ---------------------------------------------------------------- */

typedef struct { pteval_t pte; } pte_t;
typedef struct { pmdval_t pmd; } pmd_t;
typedef struct { pudval_t pud; } pud_t;
typedef struct { p4dval_t p4d; } p4d_t;
typedef struct { pgdval_t pgd; } pgd_t;
typedef struct { pteval_t pgprot; } pgprot_t;
#define pte_val(x) ((x).pte)
#define pmd_val(x) ((x).pmd)
#define pud_val(x) ((x).pud)
#define p4d_val(x) ((x).p4d)
#define pgd_val(x) ((x).pgd)
#define pgprot_val(x) ((x).pgprot)
#define __pte(x) ((pte_t){ (x) })
#define __pmd(x) ((pmd_t){ (x) })
#define __pud(x) ((pud_t){ (x) })
#define __p4d(x) ((p4d_t){ (x) })
#define __pgd(x) ((pgd_t){ (x) })
#define __pgprot(x) ((pgprot_t){ (x) })

/* ---- the linear map (memory.h) --------------------------------------------------------------- */

#define PAGE_OFFSET 0xffff000000000000UL
u64 bbm_phys_offset(void);  /* memstart_addr of the running machine (kept by the harness) */
u64 bbm_swapper_pg_dir(void); /* PA of swapper_pg_dir (kept by the harness) */
#define PHYS_OFFSET bbm_phys_offset()
#define INVALID_PHYS_ADDR (~(phys_addr_t)0)
#define __phys_to_virt(x) ((unsigned long)((x) - PHYS_OFFSET) | PAGE_OFFSET)
#define __virt_to_phys(x) ((phys_addr_t)((unsigned long)(x) - PAGE_OFFSET + PHYS_OFFSET))
/*
 * CUSTOMISED: a pointer the C dereferences (a table entry's) is its host address in the harness's
 * mirror (kernel/harness/bbm_plain.c), so that a plain `*pmdp` is a load the harness performs; a
 * linear-map VA used as an address (page_address(), lm_alias(), the ranges the callers pass) stays
 * the kernel's. `__pa()` takes either.
 */
void *bbm_pa_to_ptr(u64 pa);
int bbm_ptr_in_mirror(const void *p, u64 *pa);
static inline phys_addr_t bbm_ptr_to_pa(const void *p)
{
	u64 pa;

	return bbm_ptr_in_mirror(p, &pa) ? pa : __virt_to_phys(p);
}
#define phys_to_virt(x) bbm_pa_to_ptr((phys_addr_t)(x))
#define virt_to_phys(x) bbm_ptr_to_pa((const void *)(x))
#define __va(x) phys_to_virt(x)
#define __pa(x) bbm_ptr_to_pa((const void *)(x))
#define PAGE_ALIGN(x) (((x) + PAGE_SIZE - 1) & PAGE_MASK)

/* ---- descriptor predicates and conversions (pgtable.h) --------------------------------------- */

#define __phys_to_pte_val(phys) (phys)
#define __pte_to_phys(pte) (pte_val(pte) & PTE_ADDR_MASK)
#define pte_pfn(pte) (__pte_to_phys(pte) >> PAGE_SHIFT)
#define pfn_pte(pfn, prot) __pte(__phys_to_pte_val((phys_addr_t)(pfn) << PAGE_SHIFT) | pgprot_val(prot))
#define pte_valid(pte) (!!(pte_val(pte) & PTE_VALID))
#define pte_present_invalid(pte) ((pte_val(pte) & (PTE_VALID | PTE_PRESENT_INVALID)) == PTE_PRESENT_INVALID)
#define pte_present(pte) (pte_valid(pte) || pte_present_invalid(pte))
#define pte_cont(pte) (!!(pte_val(pte) & PTE_CONT))
#define pte_valid_not_user(pte) ((pte_val(pte) & (PTE_VALID | PTE_USER | PTE_UXN)) == (PTE_VALID | PTE_UXN))

static inline pte_t pte_mknoncont(pte_t pte) { return __pte(pte_val(pte) & ~PTE_CONT); }
static inline pte_t pte_mkinvalid(pte_t pte)
{
	return __pte((pte_val(pte) | PTE_PRESENT_INVALID) & ~PTE_VALID);
}
static inline pgprot_t pte_pgprot(pte_t pte)
{
	unsigned long pfn = pte_pfn(pte);

	return __pgprot(pte_val(pfn_pte(pfn, __pgprot(0))) ^ pte_val(pte));
}

#define pmd_pte(pmd) __pte(pmd_val(pmd))
#define pud_pte(pud) __pte(pud_val(pud))
#define pte_pmd(pte) __pmd(pte_val(pte))
#define pmd_valid(pmd) pte_valid(pmd_pte(pmd))
#define pmd_present(pmd) pte_present(pmd_pte(pmd))
#define pmd_cont(pmd) pte_cont(pmd_pte(pmd))
#define pmd_table(pmd) ((pmd_val(pmd) & PMD_TYPE_MASK) == PMD_TYPE_TABLE)
#define pmd_leaf(pmd) (pmd_present(pmd) && !pmd_table(pmd))
#define pmd_sect(pmd) ((pmd_val(pmd) & PMD_TYPE_MASK) == PMD_TYPE_SECT) /* v6.18's leaf test */
#define pmd_pgprot(pmd) pte_pgprot(pmd_pte(pmd))
#define __pmd_to_phys(pmd) __pte_to_phys(pmd_pte(pmd))
#define pmd_pfn(pmd) ((__pmd_to_phys(pmd) & PMD_MASK) >> PAGE_SHIFT)
#define pfn_pmd(pfn, prot) __pmd(__phys_to_pte_val((phys_addr_t)(pfn) << PAGE_SHIFT) | pgprot_val(prot))
#define pmd_mkinvalid(pmd) pte_pmd(pte_mkinvalid(pmd_pte(pmd)))
static inline pmd_t pmd_mknoncont(pmd_t pmd) { return __pmd(pmd_val(pmd) & ~PMD_SECT_CONT); }
#define pmd_page_paddr(pmd) __pmd_to_phys(pmd)

#define pud_valid(pud) pte_valid(pud_pte(pud))
#define pud_present(pud) pte_present(pud_pte(pud))
#define pud_table(pud) ((pud_val(pud) & PUD_TYPE_MASK) == PUD_TYPE_TABLE)
#define pud_leaf(pud) (pud_present(pud) && !pud_table(pud))
#define pud_sect(pud) ((pud_val(pud) & PUD_TYPE_MASK) == PUD_TYPE_SECT) /* v6.18's leaf test */
#define pud_pgprot(pud) pte_pgprot(pud_pte(pud))
#define __pud_to_phys(pud) __pte_to_phys(pud_pte(pud))
#define pud_pfn(pud) ((__pud_to_phys(pud) & PUD_MASK) >> PAGE_SHIFT)
#define pud_page_paddr(pud) __pud_to_phys(pud)

#if CONFIG_PGTABLE_LEVELS > 3
#define p4d_none(p4d) (!p4d_val(p4d))
#define p4d_present(p4d) (p4d_val(p4d))
#else /* pgtable-nopud.h: the PUD is folded onto the P4D */
static inline int p4d_none(p4d_t p4d) { return 0; }
static inline int p4d_present(p4d_t p4d) { return 1; }
#endif
static inline int pgd_present(pgd_t pgd) { return 1; } /* pgtable-nop4d.h: the P4D is folded onto the PGD */

#define pgd_index(addr) (((addr) >> PGDIR_SHIFT) & (PTRS_PER_PGD - 1))
#define pud_index(addr) (((addr) >> PUD_SHIFT) & (PTRS_PER_PUD - 1))
#define pmd_index(addr) (((addr) >> PMD_SHIFT) & (PTRS_PER_PMD - 1))
#define pte_index(addr) (((addr) >> PAGE_SHIFT) & (PTRS_PER_PTE - 1))

/* ---- CUSTOMISED: reading an entry ------------------------------------------------------------ */

/*
 * idmap_kpti_bbml2_flag, the handshake of the stop_machine() repaint: its storage is the bundled
 * port's (init_idmap_kpti_bbml2_flag() sets it before stop_machine()), so READ_ONCE/WRITE_ONCE of
 * it are harness requests too. DEVIATION: u64 here (u32 in the kernel; only 0..NR_CPUS is stored).
 */
extern u64 idmap_kpti_bbml2_flag;
#define bbm_is_flag(p) ((const void *)(p) == (const void *)&idmap_kpti_bbml2_flag)

/** READ_ONCE(*p) of an 8-byte table entry: a harness READ of the entry's PA. */
#define READ_ONCE(x)                                                                                \
	({                                                                                          \
		_Static_assert(sizeof(x) == 8, "bbm shim: READ_ONCE of a table entry only");        \
		__typeof__(x) __bbm_v;                                                              \
		u64 __bbm_r = bbm_is_flag(&(x)) ? bbm_request(BBM_REQ_FLAG_GET, 0, 0, 0, 0)         \
						: bbm_request(BBM_REQ_READ, __pa(&(x)), 0, 0, 0);     \
		memcpy(&__bbm_v, &__bbm_r, 8);                                                      \
		__bbm_v;                                                                            \
	})
/** WRITE_ONCE(*p, v) of an 8-byte table entry: a harness WRITE (a bare store, no barrier). */
#define WRITE_ONCE(x, val)                                                                          \
	do {                                                                                        \
		_Static_assert(sizeof(x) == 8, "bbm shim: WRITE_ONCE of a table entry only");       \
		__typeof__(x) __bbm_v = (val);                                                      \
		u64 __bbm_w;                                                                        \
		memcpy(&__bbm_w, &__bbm_v, 8);                                                      \
		if (bbm_is_flag(&(x)))                                                              \
			bbm_request(BBM_REQ_FLAG_SET, __bbm_w, 0, 0, 0);                            \
		else                                                                                \
			bbm_request(BBM_REQ_WRITE, __pa(&(x)), __bbm_w, 0, 0);                      \
	} while (0)

#define pgdp_get(pgdp) READ_ONCE(*(pgdp))
#define p4dp_get(p4dp) READ_ONCE(*(p4dp))
#define pudp_get(pudp) READ_ONCE(*(pudp))
#define pmdp_get(pmdp) READ_ONCE(*(pmdp))
#define __ptep_get(ptep) READ_ONCE(*(ptep))

/* ---- the walk's offsets: the arm64 versions re-read the parent entry ------------------------- */

struct mm_struct { pgd_t *pgd; };
extern struct mm_struct init_mm;
#define swapper_pg_dir ((pgd_t *)__va(bbm_swapper_pg_dir()))
#define pgd_offset_k(addr) (swapper_pg_dir + pgd_index(addr))
#define p4d_offset(pgdp, addr) ((p4d_t *)(pgdp))
#if CONFIG_PGTABLE_LEVELS > 3
#define pud_offset(p4dp, addr) ((pud_t *)__va(p4d_val(READ_ONCE(*(p4dp))) & PTE_ADDR_MASK) + pud_index(addr))
#else
#define pud_offset(p4dp, addr) ((pud_t *)(p4dp))
#endif
#define pmd_offset(pudp, addr) ((pmd_t *)__va(pud_page_paddr(READ_ONCE(*(pudp)))) + pmd_index(addr))
#define pte_offset_kernel(pmdp, addr) ((pte_t *)__va(pmd_page_paddr(READ_ONCE(*(pmdp)))) + pte_index(addr))

/* ---- CUSTOMISED: barriers and lazy MMU mode ---------------------------------------------------- */

#define dsb(opt) bbm_request(BBM_REQ_DSB, BBM_DSB_##opt, 0, 0, 0)
#define isb() bbm_request(BBM_REQ_ISB, 0, 0, 0, 0)

/** Per-CPU lazy MMU state (TIF_LAZY_MMU_PENDING and the nesting depth), kept by the harness. */
struct bbm_lazy_mmu { int depth; bool pending; };
struct bbm_lazy_mmu *bbm_lazy_mmu_current(void);

static inline void emit_pte_barriers(void)
{
	dsb(ishst);
	isb();
}

static inline void queue_pte_barriers(void)
{
	struct bbm_lazy_mmu *lazy = bbm_lazy_mmu_current();

	if (lazy->depth > 0)
		lazy->pending = true;
	else
		emit_pte_barriers();
}

/* DEVIATION: lazy MMU state is kept per CPU, not per task; in_interrupt() is not modelled. */
static inline void lazy_mmu_mode_enable(void)
{
	struct bbm_lazy_mmu *lazy = bbm_lazy_mmu_current();

	if (++lazy->depth == 1)
		bbm_request(BBM_REQ_LAZY_ENTER, 0, 0, 0, 0);
}

static inline void lazy_mmu_mode_disable(void)
{
	struct bbm_lazy_mmu *lazy = bbm_lazy_mmu_current();

	if (lazy->pending) {
		lazy->pending = false;
		emit_pte_barriers();
	}
	if (--lazy->depth == 0)
		bbm_request(BBM_REQ_LAZY_LEAVE, 0, 0, 0, 0);
}
#define arch_enter_lazy_mmu_mode() lazy_mmu_mode_enable()  /* v6.18 spelling */
#define arch_leave_lazy_mmu_mode() lazy_mmu_mode_disable() /* v6.18 spelling */

/* ---- CUSTOMISED: the store family ------------------------------------------------------------ */

static inline void __set_pte_nosync(pte_t *ptep, pte_t pte) { WRITE_ONCE(*ptep, pte); }

static inline void __set_pte(pte_t *ptep, pte_t pte)
{
	__set_pte_nosync(ptep, pte);
	if (pte_valid_not_user(pte))
		queue_pte_barriers();
}

static inline bool in_swapper_pgdir(void *addr)
{
	return (((unsigned long)addr & PAGE_MASK) == ((unsigned long)swapper_pg_dir & PAGE_MASK));
}

/* DEVIATION: always the rodata_is_rw path of set_swapper_pgd() (no fixmap after mark_rodata_ro()). */
static inline void set_swapper_pgd(pgd_t *pgdp, pgd_t pgd)
{
	WRITE_ONCE(*pgdp, pgd);
	dsb(ishst);
	isb();
}

static inline void set_pmd(pmd_t *pmdp, pmd_t pmd)
{
	WRITE_ONCE(*pmdp, pmd);
	if (pmd_valid(pmd))
		queue_pte_barriers();
}

static inline void set_pud(pud_t *pudp, pud_t pud)
{
#ifdef __PAGETABLE_PUD_FOLDED
	if (in_swapper_pgdir(pudp)) {
		set_swapper_pgd((pgd_t *)pudp, __pgd(pud_val(pud)));
		return;
	}
#endif
	WRITE_ONCE(*pudp, pud);
	if (pud_valid(pud))
		queue_pte_barriers();
}

static inline void __pmd_populate(pmd_t *pmdp, phys_addr_t ptep, pmdval_t prot)
{
	set_pmd(pmdp, __pmd(__phys_to_pte_val(ptep) | prot));
}

static inline void __pud_populate(pud_t *pudp, phys_addr_t pmdp, pudval_t prot)
{
	set_pud(pudp, __pud(__phys_to_pte_val(pmdp) | prot));
}

#endif /* BBM_PGTABLE_H */
